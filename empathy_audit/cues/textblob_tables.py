"""TextBlob's English sentiment tables as plain data, kept between runs.

The port (fast_sentiment.py) and the gates (sentiment_gate.py) read only TextBlob's
constants and its English lexicon: strings, numbers and regex sources. Importing TextBlob to
get them (it imports NLTK) is about a third of a second of every run, so they are taken from
TextBlob once, when the port is known to apply to the installed TextBlob, and stored as JSON
(never pickle) in the cache folder (empathy_audit/cache.py), in a file named by a hash of
TextBlob's own files (the code the port copies and the lexicon) and of this code's version
(``cache.code_version``). A later run reads that file instead of importing TextBlob.

Another TextBlob gives another name, so a stale file is never read; a missing, corrupt or
unwritable one only means importing TextBlob again. ``EMPATHY_AUDIT_NO_CACHE=1`` turns it
off like the rest of the cache.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path

from ..cache import cache_dir, code_version, read_json, write_json

# TextBlob's files the tables come from or that the port copies (textblob/...).
SOURCE_FILES = ("_text.py", "en/__init__.py", "en/en-sentiment.xml")
# textblob.en.sentiment's modifier test, the one form the tables can keep as data.
_MODIFIER_SOURCE = re.compile(r"""modifier=lambda w: w\.endswith\(["'](\w+)["']\)""")

Entry = tuple[float, float, float, bool, "str | None"]   # polarity, subjectivity, intensity,
                                                          # is a modifier, label


@dataclass(frozen=True)
class Tables:
    """What the port and the gates read from ``textblob._text`` and ``textblob.en.sentiment``."""
    replacements: dict[str, str]
    eos: str
    token: re.Pattern
    punctuation: str
    abbreviations: frozenset[str]
    abbreviation_res: tuple[re.Pattern, re.Pattern, re.Pattern]
    sarcasm: re.Pattern
    emoticon_re: re.Pattern
    emoticons: tuple[tuple[str, float, tuple[str, ...]], ...]   # (type, polarity, faces)
    mood: str
    irony: str
    lexicon: dict[str, Entry]        # the words with a part-of-speech-less entry
    min_intensity: float             # over every entry of every word
    negations: tuple[str, ...]
    none_is_modifier_tag: bool
    modifier_suffix: str | None      # None: the modifier test is code, not kept as data
    modifier: Callable[[str], bool]


def from_textblob(text_module, analyzer) -> Tables:
    """The tables of the imported TextBlob (``textblob._text``, ``textblob.en.sentiment``)."""
    t = text_module
    if dict.__len__(analyzer) == 0:
        analyzer.load()
    suffix = _modifier_suffix(analyzer.modifier)
    return Tables(
        replacements=dict(t.replacements), eos=t.EOS, token=t.TOKEN,
        punctuation=t.PUNCTUATION, abbreviations=frozenset(t.ABBREVIATIONS),
        abbreviation_res=(t.RE_ABBR1, t.RE_ABBR2, t.RE_ABBR3),
        sarcasm=t.RE_SARCASM, emoticon_re=t.RE_EMOTICONS,
        emoticons=tuple((kind, p, tuple(sorted(faces)))
                        for (kind, p), faces in t.EMOTICONS.items()),
        mood=t.MOOD, irony=t.IRONY,
        lexicon=_word_table(analyzer),
        min_intensity=min((i for entry in dict.values(analyzer)
                           for _, _, i in entry.values()), default=0.0),
        negations=tuple(analyzer.negations),
        none_is_modifier_tag=None in analyzer.modifiers,
        modifier_suffix=suffix, modifier=analyzer.modifier)


def _word_table(analyzer) -> dict[str, Entry]:
    table = {}
    for w, tags in dict.items(analyzer):
        if None in tags:
            p, s, i = tags[None]
            is_modifier = any(map(tags.__contains__, analyzer.modifiers))
            table[w] = (p, s, i, is_modifier, analyzer.labeler.get(w))
    return table


def _modifier_suffix(modifier) -> str | None:
    try:
        import inspect
        found = _MODIFIER_SOURCE.search(inspect.getsource(modifier))
    except (OSError, TypeError):
        return None
    return found.group(1) if found else None


# ---------------------------------------------------------------- kept between runs

def source_key() -> str | None:
    """A hash of TextBlob's files and this version (None when TextBlob is not found)."""
    try:
        spec = find_spec("textblob")
        folder = Path(spec.submodule_search_locations[0])
        digest = hashlib.sha256(code_version().encode())
        for name in SOURCE_FILES:
            digest.update((folder / name).read_bytes())
    except (AttributeError, ImportError, OSError, TypeError, IndexError):
        return None
    return digest.hexdigest()[:32]


def _path(key: str) -> Path | None:
    folder = cache_dir()
    return folder / f"textblob-{key}.json" if folder else None


def read(key: str) -> Tables | None:
    path = _path(key)
    document = read_json(path) if path else None
    try:
        return _from_document(document) if document is not None else None
    except Exception:   # noqa: BLE001 (anything malformed: read from TextBlob again)
        return None


def write(key: str, tables: Tables) -> None:
    """Keep ``tables`` for the next run; silently not when they cannot be kept."""
    path = _path(key)
    if path is not None and tables.modifier_suffix is not None:
        write_json(path, _to_document(tables))


def _to_document(t: Tables) -> dict:
    def regex(p: re.Pattern) -> list:
        return [p.pattern, p.flags]
    return {
        "replacements": t.replacements, "eos": t.eos, "token": regex(t.token),
        "punctuation": t.punctuation, "abbreviations": sorted(t.abbreviations),
        "abbreviation_res": [regex(p) for p in t.abbreviation_res],
        "sarcasm": regex(t.sarcasm), "emoticon_re": regex(t.emoticon_re),
        "emoticons": [[kind, p, list(faces)] for kind, p, faces in t.emoticons],
        "mood": t.mood, "irony": t.irony,
        "lexicon": {w: list(entry) for w, entry in t.lexicon.items()},
        "min_intensity": t.min_intensity, "negations": list(t.negations),
        "none_is_modifier_tag": t.none_is_modifier_tag, "modifier_suffix": t.modifier_suffix,
    }


def _from_document(d: dict) -> Tables:
    def regex(pair: list) -> re.Pattern:
        pattern, flags = pair
        return re.compile(_text(pattern), _number(flags, int))
    suffix = _text(d["modifier_suffix"])
    return Tables(
        replacements={_text(a): _text(b) for a, b in d["replacements"].items()},
        eos=_text(d["eos"]), token=regex(d["token"]), punctuation=_text(d["punctuation"]),
        abbreviations=frozenset(map(_text, d["abbreviations"])),
        abbreviation_res=_three(tuple(regex(p) for p in d["abbreviation_res"])),
        sarcasm=regex(d["sarcasm"]), emoticon_re=regex(d["emoticon_re"]),
        emoticons=tuple((_text(kind), _number(p), tuple(map(_text, faces)))
                        for kind, p, faces in d["emoticons"]),
        mood=_text(d["mood"]), irony=_text(d["irony"]),
        lexicon={_text(w): _entry(e) for w, e in d["lexicon"].items()},
        min_intensity=_number(d["min_intensity"]),
        negations=tuple(map(_text, d["negations"])),
        none_is_modifier_tag=d["none_is_modifier_tag"] is True,
        modifier_suffix=suffix, modifier=lambda w: w.endswith(suffix))


def _three(patterns: tuple) -> tuple:
    if len(patterns) != 3:
        raise ValueError("three abbreviation patterns expected")
    return patterns


def _entry(e: list) -> Entry:
    p, s, i, is_modifier, label = e
    return (_number(p), _number(s), _number(i), is_modifier is True,
            None if label is None else _text(label))


def _text(value) -> str:
    if not isinstance(value, str):
        raise TypeError("not a string")
    return value


def _number(value, kind=float):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError("not a number")
    return kind(value)
