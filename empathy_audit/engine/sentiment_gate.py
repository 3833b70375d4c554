"""When TextBlob's polarity cannot be negative, without running TextBlob.

A cue with ``sentiment: {below: b}`` (b < 0) asks TextBlob only when its words did not match,
and only a polarity <= b counts. TextBlob's polarity is the mean of its assessments, so it
is negative only if one assessment is, and (reading ``textblob._text.Sentiment``) that needs
one of these tokens in the text:

* a lexicon word whose polarity is negative (modifiers only scale it: no intensity in the
  lexicon is negative, checked when this module loads);
* a negation (``no``, ``not``, ``never``; ``n't`` never is a token, because the tokenizer
  splits every apostrophe off);
* a negative emoticon.

Tokens are pieces of the text between whitespace, with punctuation split off their ends, so a
word token starts at the start of the text or after a character that is not a letter or
digit, and an emoticon's characters follow each other with at most whitespace between them.
When none of these can be found, the polarity is >= 0 and the cue cannot fire: the answer
TextBlob would give, for a fraction of the cost. ``tests/test_scale.py`` re-checks it on
every corpus turn.
"""
from __future__ import annotations

import re
from functools import lru_cache

from .factored import factor


@lru_cache(maxsize=1)
def _gates() -> tuple[re.Pattern, re.Pattern]:
    from textblob import _text
    from textblob.en import sentiment as lexicon

    if not dict.__len__(lexicon):
        lexicon.load()
    if any(i < 0 for entry in dict.values(lexicon) for _, _, i in entry.values()):
        raise RuntimeError("TextBlob's lexicon has a negative intensity; the gate is unsound")
    negative = {w for w, entry in dict.items(lexicon) if entry[None][0] < 0}
    words = {w.lower() for w in negative | set(lexicon.negations)
             if w and not any(c.isspace() or c == "'" for c in w)}
    starts_word = sorted(w for w in words if w[0].isalnum())
    other = sorted(w for w in words if not w[0].isalnum())
    word_gate = "(?<![^\\W_])(?:" + factor([re.escape(w) for w in starts_word]) + ")"
    if other:
        word_gate += "|" + factor([re.escape(w) for w in other])
    emoticons = {e.lower() for (_, polarity), faces in _text.EMOTICONS.items() if polarity < 0
                 for e in faces}
    emoticon_gate = "|".join(re.escape(e) for e in sorted(emoticons, key=lambda e: (-len(e), e)))
    return re.compile(word_gate), re.compile(emoticon_gate)


_WHITESPACE = re.compile(r"\s+")


def cannot_be_negative(text: str) -> bool:
    """True when TextBlob's polarity of ``text`` is certainly >= 0."""
    words, emoticons = _gates()
    lowered = text.lower()
    if words.search(lowered):
        return False
    return not emoticons.search(_WHITESPACE.sub("", lowered))
