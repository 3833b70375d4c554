"""cues/fast_sentiment.py gives exactly what ``textblob.en.sentiment`` gives, faster.

Exactly: the same polarity and subjectivity floats (compared by repr, so even the sign of a
zero counts) and the same assessments, on every corpus text, on strings written to hit each
quirk of TextBlob's tokenizer and scorer, and on a few thousand random strings built from
the pieces those quirks are about.
"""
from __future__ import annotations

import json
import random
import re
import sys

import pytest
from textblob import _text
from textblob.en import sentiment as textblob_sentiment

from empathy_audit.cues import fast_sentiment
from empathy_audit.cues.textblob_tables import _from_document, _to_document
from empathy_audit.cues import sentiment as cue_sentiment

from .conftest import ABCD, CARE, needs_shared


@pytest.fixture(scope="module", params=["from TextBlob", "kept as JSON"])
def port(request) -> fast_sentiment.Port:
    """The port on the tables of the TextBlob this process imported, and on the same tables
    after a trip through the JSON a warm run reads them from."""
    tables, reason = fast_sentiment.from_textblob()
    assert reason is None, reason
    if request.param == "kept as JSON":
        tables = _from_document(json.loads(json.dumps(_to_document(tables))))
    return fast_sentiment.Port(tables)


def textblob_result(text: str):
    result = textblob_sentiment(text)
    polarity, subjectivity = result
    return polarity, subjectivity, result.assessments


def differences(port, texts) -> list[tuple[str, object, object]]:
    """(text, TextBlob's result, the port's) wherever the two differ, even by a zero's sign."""
    found = []
    for text in texts:
        expected, got = textblob_result(text), port(text)
        if repr(got) != repr(expected) or got != expected:
            found.append((text, expected, got))
    return found


def assert_same(port, texts) -> None:
    found = differences(port, texts)
    assert not found, f"{len(found)} of {len(texts)} differ, first: {found[:3]}"


def care_texts(speaker: str | None = None) -> list[str]:
    with (CARE / "conversations.jsonl").open(encoding="utf-8") as handle:
        return [turn["text"] for line in handle for turn in json.loads(line)["turns"]
                if speaker in (None, turn["speaker"])]


# ---------------------------------------------------------------- the port is the one used

def test_the_port_applies_to_the_installed_textblob():
    assert fast_sentiment.load() is not None, fast_sentiment.unavailable_reason()
    assert fast_sentiment.unavailable_reason() is None


def test_the_port_stands_down_when_a_constant_is_missing(monkeypatch):
    monkeypatch.delattr(_text, "RE_SARCASM")
    tables, reason = fast_sentiment.from_textblob()
    assert tables is None and "RE_SARCASM" in reason


def test_the_port_stands_down_when_textblob_code_changed(monkeypatch):
    monkeypatch.setitem(fast_sentiment.PORTED_SOURCES, "Sentiment.assessments", "0" * 64)
    _tables, reason = fast_sentiment.from_textblob()
    assert "Sentiment.assessments" in reason


# ---------------------------------------------------------------- corpus texts

@needs_shared
def test_same_on_every_customer_care_turn(port):
    texts = care_texts()
    assert len(texts) > 6000
    assert_same(port, texts)


@pytest.mark.skipif(not ABCD.exists(), reason="../shared/data is not beside the repo")
def test_same_on_every_abcd_utterance(port):
    conversations = json.loads(ABCD.read_text(encoding="utf-8"))
    texts = [text for c in conversations for _speaker, text in c["original"]]
    texts += [turn["text"] for c in conversations for turn in c["delexed"]]
    assert len(texts) > 100
    assert_same(port, texts)


# ---------------------------------------------------------------- each quirk by hand

TRICKY = [
    # empty, whitespace, line breaks: "\n\n" (also "\r\n\r\n") ends a sentence
    "", " ", "\t\n \r\n", "\n", "\n\n", "a\n\nb", "good\n\nbad", "bad.\n\n\"good",
    "great\r\n\r\nawful", "sad\n\n\n\n", "END-OF-SENTENCE", "good END-OF-SENTENCE bad",
    "bad.END-OF-SENTENCE!", "nice\u00a0day\u2028sad\u3000\x1cbad\u200bgood",
    ":\n\n(", ":\r\n\r\n(", ": (\n\n", ":\n(",   # an emoticon is joined within a sentence only
    "not\n\ngood", "very\n\nbad",   # the dropped mark leaves negation and modifier in scope
    # negation and its scope
    "not good", "not bad", "not a good idea", "not the best", "not really good", "never",
    "no good", "not very good!!", "really not bad", "very not good", "not, good", "not!good",
    "not ' good", "no no no bad", "never ever happy", "not happily", "extremely not nice",
    # contractions: split off, then their apostrophe split off again
    "I don't like it", "can't", "CAN'T", "won't help", "it isn't good", "I'm sad",
    "you're great", "we've been waiting", "he'd be happy", "they'll love it", "it's bad",
    "ain't nothing good", "n't good", "don’t like", "don`t like",
    # modifiers, their scope, clamping
    "very good", "very very good", "really really bad", "very :) good", "very much good",
    "terribly bad", "awfully good", "very", "extremely extremely extremely great!!!!!",
    "very is a good", "really, bad",
    # exclamation marks and sarcasm
    "GREAT!!!", "bad!", "!!!", "!good", "good !", "great (!)", "(!)", "( ! )", "(! )",
    "great ( !)", "awesome!(!)", "wow!?!", "sad?!",
    # emoticons, joined across spaces within a sentence
    ":( :'( : ( ", ":-)", ": - )", ":'(", ": ' (", "x D", "XD", "xD", ":D", ": D", "<3", "♥",
    "o.O", "o . O", ">.>", "> . >", ":-.", "8-)", "=(", ">:(", ":c)", ":s", ":S", ";)",
    "° O °", ":'''(", "ok:(", "smile :)", "(:", ":))", "sad :(.", "good :-( bad",
    # abbreviations and ellipses
    "U.S. Mr. etc. ...", "e.g. good", "i.e. bad.", "Mr. Smith is good.", "J. Smith",
    "U.S.A.", "w/ love", "etc.)", "(etc.)", "Med. is fine", "a. b. c.", "Dr. Bad.", "...",
    "....", "good....", "bad...", "good...bad", "..good", "Mrs. nice", "A.B.C good",
    "o.O....", "so o.O.. ok", "U.S....", "a....",
    # quotes, straight and curly
    "\"quoted\" 'single' ’curly’", "“good” ‘bad’", "\"good.\" bad", "'bad.' good",
    "He said \"no.\" OK.", "good.\"", "bad.'", "\"\"", "''", "‘’", "“”",
    # punctuation everywhere
    "@good #bad $great ^nice &sad *happy +love -hate |ok =fine ~so _bad",
    "good, bad; great: nice", "[good] {bad} (great)", "good-bad", "bad--", "...!!!???",
    # non-ASCII letters, emoji, case
    "naïve café is great", "ΟΔΟΣ ΣΑΣ great", "ΑΣ' bad", "İstanbul is good", "ſad",
    "😀 great 😡 awful", "GOOD", "Good", "gOoD", "ｇｏｏｄ", "good😀", "bad👎!",
]


def test_same_on_each_quirk(port):
    assert_same(port, TRICKY)


def test_same_on_a_very_long_text(port):
    text = " ".join(TRICKY) * 40 + "\n\n".join(TRICKY) * 20
    assert len(text) > 50_000
    assert_same(port, [text])


def test_the_quirks_are_there():
    """The strings above do reach what they are about (else they would prove nothing)."""
    assessed = {text: textblob_result(text)[2] for text in TRICKY}
    assert [w for w, *_ in assessed["not very good!!"]] == [["not", "very", "good", "!", "!"]]
    assert [w for w, *_ in assessed["really not bad"]] == [["really", "not", "bad"]]
    assert [w for w, *_ in assessed["very :) good"]] == [["very"], [":)", "good"]]
    assert [w for w, *_ in assessed["great (!)"]] == [["great"], ["(!)"]]
    assert [w for w, *_ in assessed[": ' ("]] == [[":'("]]
    assert [w for w, *_ in assessed["it isn't good"]] == [["good"]]   # no "n't" token
    assert assessed["extremely extremely extremely great!!!!!"][0][1] == 1.0   # clamped
    assert textblob_result("not good")[0] == textblob_result("good")[0] * -0.5


def test_regex_whitespace_is_str_split_whitespace():
    """The port splits with str.split() where find_tokens collapses \\s+ and finds (\\S+)\\s."""
    chars = "".join(map(chr, range(sys.maxunicode + 1)))
    by_regex = set(re.findall(r"\s", chars))
    by_split = {c for c in chars if len(f"a{c}a".split()) == 2}
    assert by_regex == by_split


# ---------------------------------------------------------------- random strings

def random_texts(count: int, seed: int = 20240601) -> list[str]:
    """Strings of the pieces TextBlob's quirks are about, glued or spaced at random."""
    rng = random.Random(seed)
    lexicon = sorted(w for w in dict.keys(textblob_sentiment) if w.isascii())
    pieces = {
        "lexicon": rng.sample(lexicon, 300),
        "unknown": ["the", "a", "is", "it", "I", "you", "order", "x", "ok", "b", "ly",
                    "ΣΑΣ", "ΟΔΟΣ", "ſad", "İ", "é", "3", "2nd"],
        "negation": ["no", "not", "never", "n't", "don't", "can't", "won't", "isn't", "NOT"],
        "modifier": ["very", "really", "extremely", "so", "too", "quite", "totally", "Very"],
        "punctuation": list(_text.PUNCTUATION) + ["...", "..", "....", "!", "!!", "?!", "(!)",
                                                  "( ! )", "(", ")", "-", "--"],
        "emoticon": sorted(e for faces in _text.EMOTICONS.values() for e in faces)
                    + [": (", ": - )", ": ' (", "x D", "o . O", "> . >"],
        "quote": ["“", "”", "‘", "’", "'", '"', "`"],
        "break": ["\n", "\n\n", "\r\n\r\n", "\n\n\n", "\t", "\u00a0", " END-OF-SENTENCE "],
        "contraction": ["I'm", "you're", "we've", "he'd", "it's", "they'll", "ain't", "'s",
                        "n't", "'d", "’s"],
        "abbreviation": sorted(_text.ABBREVIATIONS) + ["U.S.", "Mr.", "A.", "Dr.", "B.C."],
        "emoji": ["😀", "😡", "👍", "♥", "°"],
    }
    kinds = list(pieces)
    weights = [6, 3, 3, 3, 4, 2, 2, 1, 1, 1, 1]
    glue = ["", " ", " ", " ", " ", "  "]
    texts = []
    for _ in range(count):
        parts = []
        for _ in range(rng.randint(0, 25)):
            part = rng.choice(pieces[rng.choices(kinds, weights)[0]])
            if rng.random() < 0.1:
                part = part.upper() if rng.random() < 0.5 else part.capitalize()
            parts.append(part + rng.choice(glue))
        texts.append("".join(parts))
    return texts


def test_same_on_random_strings(port):
    texts = random_texts(4000)
    assert sum(1 for t in texts if textblob_result(t)[2]) > 3000   # most are scored
    assert_same(port, texts)


# ---------------------------------------------------------------- cue_sentiment.sentiment

def textblob_cue_sentiment(text: str) -> tuple[float, list[str]]:
    """What cue_sentiment.sentiment gave when it called TextBlob itself."""
    result = textblob_sentiment(text)
    words = [w for words, polarity, _, _ in result.assessments if polarity < 0 for w in words]
    return result[0], words


@pytest.fixture
def cue_analyzer_reset():
    cue_sentiment._analyzer.cache_clear()
    yield
    cue_sentiment._analyzer.cache_clear()


def test_cues_sentiment_uses_the_port(cue_analyzer_reset):
    assert cue_sentiment._analyzer() is fast_sentiment.load()
    for text in TRICKY:
        assert repr(cue_sentiment.sentiment(text)) == repr(textblob_cue_sentiment(text)), text


def test_cues_sentiment_falls_back_to_textblob(monkeypatch, cue_analyzer_reset):
    monkeypatch.setattr(fast_sentiment, "load", lambda: None)
    assert not isinstance(cue_sentiment._analyzer(), fast_sentiment.Port)
    for text in TRICKY:
        assert repr(cue_sentiment.sentiment(text)) == repr(textblob_cue_sentiment(text)), text
