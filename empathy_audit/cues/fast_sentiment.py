"""TextBlob's English sentiment, ported for speed: the same numbers, a fraction of the time.

``textblob.en.sentiment(text)`` for a ``str`` is the single largest per-turn cost of the
audit. This module is a port of exactly that code path, from ``textblob/_text.py``:

* :meth:`Port.words`: ``find_tokens`` with the arguments ``textblob.en.parser.find_tokens``
  passes it (``PUNCTUATION``, ``ABBREVIATIONS``, ``replacements``, ``\\n{2,}``), then what
  ``Sentiment.__call__`` does with the sentences: join, split, lowercase;
* :meth:`Port.assessments`: ``Sentiment.assessments`` for words without a part-of-speech tag
  (a string's words never have one), with ``textblob.en.sentiment``'s negations, modifiers,
  modifier function and labeler;
* :meth:`Port.__call__`: the unweighted averages of ``Sentiment.__call__``.

Why it is faster: the regexes are compiled once; a token that cannot lose punctuation skips
the splitting loops; the lexicon is one plain dict, snapshotted once, from each word to its
scores, whether it is a modifier and its label (TextBlob looks every token up two to four
times through ``lazydict``'s Python-level ``__contains__``/``__getitem__``); an assessment is
a small list instead of a dict; emoticons are one dict lookup instead of a scan of every set.

Why it is the same: every step is kept, quirks included (contractions split off and then
their apostrophe split off again, so ``n't`` is never a token; ``\\n\\n`` as a sentence end;
abbreviations; ellipses; emoticons joined per sentence; ``(!)``; ``!`` boosts; negation and
modifier scoping, including a modifier "scoping" over an emoticon; clamping; ``p * -0.5``;
summation order). The tables are TextBlob's own (textblob_tables.py: read from TextBlob, or
kept from an earlier run with the same TextBlob files), so an upgrade of TextBlob's data
changes both the same way. TextBlob's code is checked too: the port is
only used when the functions it copies have the source it was written from; otherwise
:func:`load` returns None and the caller keeps TextBlob's own analyzer.
``tests/test_fast_sentiment.py`` compares the two on every corpus turn.
"""
# Ported from TextBlob (textblob/_text.py, textblob/en/__init__.py), MIT licence,
# Copyright Steven Loria and contributors; TextBlob's code is in turn adapted from Pattern
# (BSD licence, CLiPS, University of Antwerp).
from __future__ import annotations

import hashlib
import inspect
import re
import sys
from functools import lru_cache, partial

from . import textblob_tables
from .textblob_tables import Tables

# The source of the TextBlob functions this module ports (textblob 0.20.1), by SHA-256.
# Another source means other behaviour may be in there: the port then stands down.
PORTED_SOURCES = {
    "find_tokens": "f25acd6bcf9490294a8f9552e593026e8440e45f3fdde57c48f03e7722748b2b",
    "Parser.find_tokens": "d521819400f23bd9c03f338c595fb141ee2951434e79d14707bcdf9bd98425fa",
    "Sentiment.__call__": "aef891f363e2ede0247e82a088ff1ee59a29f4482b37096977cb3d80f331a9ee",
    "Sentiment.assessments": "3688f0e009eabe459de319ba7930327a3586403697f8425724fd4a37fd2d8dae",
}

Assessment = tuple[list[str], float, float, "str | None"]


def _emoticon_space(match: re.Match) -> str:
    # find_tokens' lambda: ": (" becomes ":(".
    return match.group(1).replace(" ", "") + match.group(2)


class Port:
    """``textblob.en.sentiment`` for strings, from TextBlob's own tables."""

    def __init__(self, tables: Tables) -> None:
        t = tables
        # find_tokens, with the arguments Parser.find_tokens gives it
        self._replacements = [_replacer(a, b) for a, b in t.replacements.items()]
        self._replace = t.replacements
        self._linebreak = re.compile(r"\n{2,}")
        self._eos_gap = " %s " % t.eos
        self._eos = t.eos
        self._whitespace = re.compile(r"\s+")
        self._token = t.token
        # For this TOKEN, findall on the whitespace-collapsed string + " " is str.split():
        # re's \s and str.split() agree on whitespace (a test checks every code point).
        self._token_is_split = t.token.pattern == r"(\S+)\s" and t.token.flags == re.UNICODE
        self._ends = frozenset(("...", ".", "!", "?", t.eos))
        self._closing = frozenset(("'", '"', "”", "’", "...", ".", "!", "?", ")", t.eos))
        punctuation = tuple(t.punctuation.replace(".", ""))
        self._leading = punctuation
        self._trailing = punctuation + (".",)
        self._leading_chars = frozenset(punctuation)
        self._trailing_chars = frozenset(self._trailing)
        self._abbreviations = t.abbreviations
        self._abbreviation_res = t.abbreviation_res
        self._sarcasm = t.sarcasm
        self._emoticon_re = t.emoticon_re
        # Sentiment.assessments, for words whose part of speech is None
        self._lexicon = t.lexicon
        self._negations = frozenset(t.negations)
        self._modifier = t.modifier
        self._none_is_modifier_tag = t.none_is_modifier_tag
        self._emoticons = _emoticon_table(t.emoticons, t.punctuation)
        self._mood = t.mood
        self._irony = t.irony

    # ------------------------------------------------------------------ tokens

    def words(self, text: str) -> list[str]:
        """The lowercased words ``Sentiment.__call__`` assesses for ``text``."""
        sarcasm, emoticons = self._sarcasm, self._emoticon_re
        sentences = [emoticons.sub(_emoticon_space, sarcasm.sub("(!)", " ".join(sentence)))
                     for sentence in self._sentences(self._tokens(self._pieces(text)))]
        # Lowercasing the whole string lowercases each word: the only context str.lower()
        # looks at (a final sigma) ends at a space.
        return " ".join(sentences).lower().split()

    def _pieces(self, string: str) -> list[str]:
        """find_tokens up to the splitting of punctuation: contractions, quotes, whitespace."""
        for replace in self._replacements:
            string = replace(string)
        string = (string.replace("“", " “ ").replace("”", " ” ").replace("‘", " ‘ ")
                  .replace("’", " ’ ").replace("'", " ' ").replace('"', ' " '))
        string = string.replace("\r\n", "\n")   # re.sub of a literal: the same
        if "\n\n" in string:
            string = self._linebreak.sub(self._eos_gap, string)
        if self._token_is_split:
            return string.split()
        return self._token.findall(self._whitespace.sub(" ", string) + " ")

    def _tokens(self, pieces: list[str]) -> list[str]:
        """find_tokens' tokens: punctuation split off the ends of each piece."""
        tokens = []
        leading, trailing, replace = self._leading_chars, self._trailing_chars, self._replace
        for t in pieces:
            if t[0] in leading:
                self._split_token(t, tokens)
            elif t[-1] not in trailing:
                tokens.append(t)   # neither splitting loop would run
            elif len(t) > 1 and t[-2] not in trailing and t not in replace:
                # One mark at the end ("it?", "it."): the loop's single turn, unrolled.
                if t[-1] == "." and self._is_abbreviation(t):
                    tokens.append(t)
                else:
                    tokens += (t[:-1], t[-1])
            else:
                self._split_token(t, tokens)
        return tokens

    def _split_token(self, t: str, tokens: list[str]) -> None:
        leading, trailing, replace = self._leading, self._trailing, self._replace
        tail = []
        while t.startswith(leading) and t not in replace:
            tokens.append(t[0])
            t = t[1:]
        while t.endswith(trailing) and t not in replace:
            if t.endswith(leading):
                tail.append(t[-1])
                t = t[:-1]
            if t.endswith("..."):   # an ellipsis before a period
                tail.append("...")
                t = t[:-3].rstrip(".")
            if t.endswith("."):
                if self._is_abbreviation(t):
                    break
                tail.append(t[-1])
                t = t[:-1]
        if t != "":
            tokens.append(t)
        tokens.extend(reversed(tail))

    def _is_abbreviation(self, t: str) -> bool:
        abbr1, abbr2, abbr3 = self._abbreviation_res
        return (t in self._abbreviations or abbr1.match(t) is not None
                or abbr2.match(t) is not None or abbr3.match(t) is not None)

    def _sentences(self, tokens: list[str]) -> list[list[str]]:
        """find_tokens' sentences, end-of-sentence marks dropped.

        As in find_tokens, the rest after the last sentence end is kept unfiltered; an end
        mark never gets there (each one ends a sentence and is dropped with it), so this is
        kept only to stay line for line with the original.
        """
        eos, ends, closing = self._eos, self._ends, self._closing
        sentences, i, j, count = [[]], 0, 0, len(tokens)
        while j < count:
            if tokens[j] in ends:
                # Citations, trailing parentheses, repeated punctuation (!?) stay with it.
                while j < count and tokens[j] in closing:
                    if tokens[j] in ("'", '"') and sentences[-1].count(tokens[j]) % 2 == 0:
                        break
                    j += 1
                sentence = tokens[i:j]
                if eos in sentence:
                    sentence = [t for t in sentence if t != eos]
                sentences[-1].extend(sentence)
                sentences.append([])
                i = j
            j += 1
        sentences[-1].extend(tokens[i:j])
        return [s for s in sentences if len(s) > 0]

    # ------------------------------------------------------------- assessments

    def assessments(self, words: list[str]) -> list[Assessment]:
        """``Sentiment.assessments``: (words, polarity, subjectivity, label) per known word."""
        lexicon, negations, emoticons = self._lexicon, self._negations, self._emoticons
        a = []       # [words, polarity, subjectivity, intensity, negated, label]
        m = None     # preceding modifier ("very good")
        n = None     # preceding negation ("not good")
        for w in words:
            known = lexicon.get(w)
            if known is not None:
                p, s, i, is_modifier, label = known
                if m is None:
                    a.append([[w], p, s, i, False, label])
                else:
                    _modify(a[-1], w, p, s, i, label)
                if n is not None:
                    last = a[-1]
                    last[0].insert(0, n)
                    last[3] = 1.0 / last[3]
                    last[4] = True
                m = w if is_modifier else None
                n = w if w in negations else None
                continue
            # An unknown word: a negation, or a small word negations and modifiers span.
            if w in negations:
                n = w
            elif n and len(w.strip("'")) > 1:
                n = None
            if n is not None and m is not None and (self._none_is_modifier_tag
                                                    or self._modifier(m)):
                a[-1][0].append(n)   # "really not good"
                a[-1][4] = True
                n = None
            elif m is not None and len(w) > 2:
                m = None
            if w == "!" and len(a) > 0:
                a[-1][0].append("!")
                a[-1][1] = max(-1.0, min(a[-1][1] * 1.25, +1.0))
            if w == "(!)":
                a.append([[w], 0.0, 1.0, 1.0, False, self._irony])
            p = emoticons.get(w)
            if p is not None:
                a.append([[w], p, 1.0, 1.0, False, self._mood])
        # "not good" = slightly bad, "not bad" = slightly good.
        return [(w, p * -0.5 if negated else p, s, x) for w, p, s, _, negated, x in a]

    def __call__(self, text: str) -> tuple[float, float, list[Assessment]]:
        """(polarity, subjectivity, assessments), as ``textblob.en.sentiment(text)``."""
        a = self.assessments(self.words(text))
        return _mean([p for _, p, _, _ in a]), _mean([s for _, _, s, _ in a]), a


def _replacer(pattern: str, replacement: str):
    """``lambda s: re.sub(pattern, replacement, s)``, by str.replace where that is the same."""
    if re.escape(pattern) == pattern and "\\" not in replacement:
        return lambda string: string.replace(pattern, replacement)
    return partial(re.compile(pattern).sub, replacement)


def _modify(last: list, w: str, p: float, s: float, i: float, label: str | None) -> None:
    """A known word after a modifier: the modifier's intensity scales it ("really good")."""
    last[0].append(w)
    last[1] = max(-1.0, min(p * last[3], +1.0))
    last[2] = max(-1.0, min(s * last[3], +1.0))
    last[3] = i
    last[5] = label


def _mean(values: list[float]) -> float:
    # Sentiment.__call__'s avg with weight 1, in its order (sum() may round differently).
    total = 0
    for v in values:
        total += v
    return total / float(len(values) or 1)


def _emoticon_table(emoticons, punctuation: str) -> dict[str, float]:
    """lowercased emoticon -> polarity, first set in EMOTICONS' order winning, for the
    words assessments() looks emoticons up for (not alphabetic, <= 5 chars, not in
    PUNCTUATION)."""
    table = {}
    for _type, p, faces in emoticons:
        for face in faces:
            w = face.lower()
            if w.isalpha() is False and len(w) <= 5 and w not in punctuation:
                table.setdefault(w, p)
    return table


def _source_digests(text_module) -> dict[str, str]:
    functions = {
        "find_tokens": text_module.find_tokens,
        "Parser.find_tokens": text_module.Parser.find_tokens,
        "Sentiment.__call__": text_module.Sentiment.__call__,
        "Sentiment.assessments": text_module.Sentiment.assessments,
    }
    return {name: hashlib.sha256(inspect.getsource(f).encode()).hexdigest()
            for name, f in functions.items()}


def _why_not(text_module, en) -> str | None:
    """Why the port would not give textblob.en.sentiment's results, or None."""
    analyzer = en.sentiment
    if getattr(analyzer.tokenizer, "__func__", None) is not text_module.Parser.find_tokens:
        return "textblob.en.sentiment's tokenizer is not Parser.find_tokens"
    for method in ("__call__", "assessments"):
        if getattr(type(analyzer), method) is not getattr(text_module.Sentiment, method):
            return f"textblob.en.Sentiment overrides {method}"
    changed = [name for name, digest in _source_digests(text_module).items()
               if digest != PORTED_SOURCES[name]]
    if changed:
        return "TextBlob's code differs from the ported one: " + ", ".join(changed)
    return None


def import_textblob() -> None:
    """Import TextBlob without letting NLTK import scikit-learn and SciPy: NLTK imports them
    whenever they are installed (as with the [train] extra), 1.5 s of start-up the audit
    never uses."""
    if "textblob.en" in sys.modules:
        return
    blocked = [name for name in ("sklearn", "scipy") if name not in sys.modules]
    for name in blocked:
        sys.modules[name] = None   # "import sklearn" raises ImportError; NLTK allows for it
    try:
        import textblob.en  # noqa: F401
    finally:
        for name in blocked:
            if sys.modules.get(name, True) is None:
                del sys.modules[name]


def from_textblob() -> tuple[Tables | None, str | None]:
    """TextBlob's tables read from TextBlob itself, and why the port does not apply to the
    installed TextBlob (None when it does)."""
    try:
        import_textblob()
        from textblob import _text
        from textblob import en

        return textblob_tables.from_textblob(_text, en.sentiment), _why_not(_text, en)
    except Exception as error:   # a constant gone, source not readable, ...
        return None, f"{type(error).__name__}: {error}"


@lru_cache(maxsize=1)
def _load() -> tuple[Tables | None, str | None]:
    """The tables kept by an earlier run for this TextBlob (kept only when the port applied),
    else TextBlob's own, then kept."""
    key = textblob_tables.source_key()
    kept = textblob_tables.read(key) if key else None
    if kept is not None:
        return kept, None
    tables, reason = from_textblob()
    if key and tables is not None and reason is None:
        textblob_tables.write(key, tables)
    return tables, reason


def tables() -> Tables:
    """TextBlob's sentiment tables (RuntimeError when TextBlob's cannot be read)."""
    found, reason = _load()
    if found is None:
        raise RuntimeError(f"TextBlob's sentiment tables cannot be read: {reason}")
    return found


@lru_cache(maxsize=1)
def load() -> Port | None:
    """The port, or None when it does not apply to the installed TextBlob."""
    found, reason = _load()
    return Port(found) if found is not None and reason is None else None


def unavailable_reason() -> str | None:
    """Why :func:`load` gives None (None when the port is in use)."""
    return _load()[1]
