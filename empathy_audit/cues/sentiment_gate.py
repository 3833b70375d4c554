"""What TextBlob's polarity of a text cannot be, without running TextBlob.

Two gates, both sound (a test re-checks them on every corpus turn and on random texts):
:func:`cannot_be_negative` and :func:`polarity_can_reach`.

**cannot_be_negative.**

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
TextBlob would give, for a fraction of the cost.

**polarity_can_reach** bounds ``|polarity|`` from above, so a cue asking for polarity
<= -0.5 or >= 0.5 (or a veto at 0.5) skips TextBlob where the bound is below 0.5: on the
customer-care corpus, 6 turns in 10. Reading ``Sentiment.assessments``: polarity is the
mean of the assessments' scores; each assessment's score is one lexicon word's polarity
(or an emoticon's), times at most one intensity (of the word before it, or its reciprocal
after a negation), times 1.25 per "!" token after it, clamped to [-1, 1], and halved when
negated. So ``|polarity| <= min(1, P * I * 1.25**k)`` with P the largest ``|polarity|`` of a
lexicon word or emoticon that can be a token of the text, I the largest intensity factor of
one, and k the number of "!". A lexicon word (ASCII, checked at load) can be a token only as
a run of letters and digits between characters that are not, or with a final "n" cut off
(the tokenizer splits "don't" into "do n't"); lexicon words with a hyphen or other inner
punctuation are looked for as substrings, and emoticons in the text with whitespace removed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .factored import factor
from .fast_sentiment import tables
from .sre_cache import compile_regex


def _can_be_token(word: str) -> bool:
    # The tokenizer splits off every whitespace and apostrophe, so no token holds one.
    return bool(word) and not any(c.isspace() or c == "'" for c in word)


def _without_whitespace(lowered: str) -> str:
    # "".join(str.split()) drops exactly the characters regex \s matches (str.isspace)
    return "".join(lowered.split())


def prepare_gates() -> None:
    """Build the gates now (while a checklist's compile cache is open), not at first use."""
    _gates()


@lru_cache(maxsize=1)
def _gates() -> tuple[re.Pattern, re.Pattern]:
    textblob = tables()
    if textblob.min_intensity < 0:
        raise RuntimeError("TextBlob's lexicon has a negative intensity; the gate is unsound")
    negative = {w for w, (p, *_) in textblob.lexicon.items() if p < 0}
    words = {w.lower() for w in negative | set(textblob.negations) if _can_be_token(w)}
    starts_word = sorted(w for w in words if w[0].isalnum())
    other = sorted(w for w in words if not w[0].isalnum())
    word_gate = "(?<![^\\W_])(?:" + factor([re.escape(w) for w in starts_word]) + ")"
    if other:
        word_gate += "|" + factor([re.escape(w) for w in other])
    emoticons = {e.lower() for _, polarity, faces in textblob.emoticons if polarity < 0
                 for e in faces}
    emoticon_gate = "|".join(re.escape(e) for e in sorted(emoticons, key=lambda e: (-len(e), e)))
    return compile_regex(word_gate), compile_regex(emoticon_gate)


_RUN = re.compile(r"[^\W_]+")   # letters and digits
_ASCII_ALNUM_OR_SPACE = bytes(c if chr(c).isalnum() and c < 128 else 32 for c in range(256))


@dataclass(frozen=True)
class _Magnitudes:
    polarity: dict[str, float]               # lexicon word -> |polarity|
    intensity: dict[str, float]              # lexicon word -> max(intensity, 1 / intensity)
    punctuated: dict[str, tuple[str, ...]]   # first run -> words with inner punctuation
    heads: frozenset[str]                    # the keys of punctuated
    punctuation_first: tuple[str, ...]       # words that start with punctuation
    emoticons: dict[str, float]              # lowercased emoticon -> |polarity|


@lru_cache(maxsize=1)
def _magnitudes() -> _Magnitudes:
    textblob = tables()
    entries = {w: (p, s, i) for w, (p, s, i, *_) in textblob.lexicon.items() if _can_be_token(w)}
    if not all(w.isascii() for w in entries) or "n" in entries or \
            any(i <= 0 for _, _, i in entries.values()):
        raise RuntimeError("TextBlob's lexicon breaks an assumption of polarity_can_reach")
    punctuated: dict[str, tuple[str, ...]] = {}
    for word in (w for w in entries if not _RUN.fullmatch(w)):
        head = _RUN.match(word)
        key = head.group() if head else ""
        punctuated[key] = punctuated.get(key, ()) + (word,)
    return _Magnitudes(
        polarity={w: abs(p) for w, (p, _, _) in entries.items()},
        intensity={w: max(i, 1 / i) for w, (_, _, i) in entries.items()},
        punctuation_first=punctuated.pop("", ()), punctuated=punctuated,
        heads=frozenset(punctuated),
        emoticons={e.lower(): abs(p) for _, p, faces in textblob.emoticons
                   for e in faces if not e.isalpha()})   # all letters: never an emoticon


@lru_cache(maxsize=16)
def _emoticons_from(magnitude: float) -> re.Pattern | None:
    faces = sorted(e for e, p in _magnitudes().emoticons.items() if p >= magnitude)
    return re.compile("|".join(re.escape(e) for e in faces)) if faces else None


def _runs(lowered: str) -> set[str]:
    """The text's runs of ASCII letters and digits. Every other character counts as a
    boundary (a lexicon word is ASCII); a bytes table is ten times faster than a regex."""
    ascii_only = lowered.encode("ascii", "replace")   # "?" for the others: a boundary
    return set(ascii_only.translate(_ASCII_ALNUM_OR_SPACE).decode().split())


def _lexicon_words(lowered: str) -> list[str]:
    """Every lexicon word that can be a token of the text (and some that cannot)."""
    known = _magnitudes()
    runs = _runs(lowered)
    cut = {r[:-1] for r in runs if r[-1] == "n"}   # "don't" is tokenized "do n't"
    words = [w for w in runs | cut if w in known.polarity]
    for head in runs & known.heads:
        words += [w for w in known.punctuated[head] if w in lowered]
    return words + [w for w in known.punctuation_first if w in lowered]


def polarity_can_reach(text: str, level: float) -> bool:
    """False when ``abs(TextBlob polarity of text) < level`` for certain."""
    known = _magnitudes()
    lowered = text.lower()
    words = _lexicon_words(lowered)
    # A hair of headroom: TextBlob rounds its products and its mean step by step.
    scale = max([known.intensity[w] for w in words], default=1.0) * \
        1.25 ** text.count("!") * (1 + 1e-9)
    needed = level / scale
    if any(known.polarity[w] >= needed for w in words):
        return True
    emoticons = _emoticons_from(needed) if needed <= 1 else None
    return bool(emoticons and emoticons.search(_without_whitespace(lowered)))


def cannot_be_negative(text: str) -> bool:
    """True when TextBlob's polarity of ``text`` is certainly >= 0."""
    words, emoticons = _gates()
    lowered = text.lower()
    if words.search(lowered):
        return False
    return not emoticons.search(_without_whitespace(lowered))
