"""TextBlob polarity of a turn and the lexicon words behind it (the ``sentiment`` fallback of
words cues), by the port in fast_sentiment.py where it applies."""
from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from . import fast_sentiment


@lru_cache(maxsize=1)
def _analyzer():
    """text -> (polarity, subjectivity, assessments) of PatternAnalyzer's own scorer
    (offline: the lexicon ships with textblob). Its analyze(keep_assessments=True) runs the
    scorer twice on the same text for the same result; one call gives the polarity and the
    assessments it came from. The port in fast_sentiment.py gives exactly what
    TextBlob's gives, faster; TextBlob's own is the fallback where the port does not apply
    to the installed version."""
    port = fast_sentiment.load()
    if port is not None:
        return port
    from textblob.en import sentiment as pattern_sentiment

    def textblob_sentiment(text: str):
        result = pattern_sentiment(text)
        polarity, subjectivity = result
        return polarity, subjectivity, result.assessments
    return textblob_sentiment


def sentiment(text: str) -> tuple[float, list[str]]:
    """TextBlob polarity of ``text`` and the lexicon words that carried a negative score."""
    polarity, _subjectivity, assessments = _analyzer()(text)
    words = [w for words, score, _, _ in assessments if score < 0 for w in words]
    return polarity, words


def locate_words(text: str, words: Iterable[str]) -> list[tuple[int, int]]:
    spans = []
    for word in dict.fromkeys(w for w in words if re.search(r"\w", w)):
        m = re.search(rf"\b{re.escape(word)}\b", text, re.IGNORECASE)
        if m:
            spans.append(m.span())
    return sorted(spans)

