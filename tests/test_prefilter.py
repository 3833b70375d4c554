"""The RE2 prefilter (cues/prefilter.py) finds what Python's regex finds, no more, no less.

Wherever Python's regex finds a match, the relaxed RE2 pattern must flag the text: checked on
every cue regex of the bundled checklists over the real transcripts, character by character
over all of Unicode for single-character constructs, and on crafted texts for the parts of
the translation that need care. On the same texts, the regex behind its prefilter (tried only
where RE2 finds a start) gives the very matches of the regex's own ``finditer``. The crafted
cases also show the prefilter is selective (it rules texts out), and the exports are the same
bytes with and without it.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from empathy_audit import audit, load_checklist
from empathy_audit.cues import prefilter
from empathy_audit.cues.finder import CueFinder
from empathy_audit.cues.prefilter import (Screened, Untranslatable, compile_relaxed,
                                          may_match, relax)
from empathy_audit.checklist import normalize_quotes
from empathy_audit.formatters.csv_export import export_tables
from empathy_audit.loading import load

from .conftest import ABCD, CARE, ROOT, SAMPLES, needs_shared

CHECKLISTS = [None, *sorted((ROOT / "checklists" / "examples").glob("*.yaml"))]


def flags_of(relaxed: str, texts: list[str]) -> list[bool]:
    compiled = compile_relaxed(relaxed)
    return [may_match(compiled, text) for text in texts]


def flagged(pattern: str, texts: list[str], flags: int = re.IGNORECASE) -> list[bool]:
    return flags_of(relax(pattern, flags), texts)


def answers(regex: Screened | re.Pattern, text: str) -> tuple:
    first = regex.search(text)
    return [m.span() for m in regex.finditer(text)], first and first.span()


def answered_otherwise(screened: Screened, texts: list[str]) -> list[str]:
    """The texts where the regex behind its prefilter answers otherwise than the regex."""
    return [t for t in texts if answers(screened, t) != answers(screened.regex, t)]


def screens() -> dict[str, Screened]:
    """Every regex of every cue of the bundled checklists, once: "checklist:cue.role"."""
    found: dict[tuple, tuple[str, Screened]] = {}
    for path in CHECKLISTS:
        checklist = load_checklist(path)
        finder = CueFinder(checklist)
        matchers = {**finder.words, **{c: m.words for c, m in finder.engagement.items()}}
        for cue_id, matcher in matchers.items():
            for role in ("regex", "exclude", "veto", "default_unless"):
                screened = getattr(matcher, role)
                if screened is not None:
                    key = (screened.pattern, screened.regex.flags)
                    found.setdefault(key, (f"{checklist.name}:{cue_id}.{role}", screened))
    return dict(found.values())


# ---------------------------------------------------------------- the real transcripts

@pytest.fixture(scope="module")
def corpus_texts() -> list[str]:
    conversations, _ = load([CARE / "conversations.jsonl", ABCD, SAMPLES])
    return list(dict.fromkeys(normalize_quotes(t.text) for c in conversations for t in c.turns))


@needs_shared
def test_every_cue_regex_match_is_flagged_on_the_corpus(corpus_texts):
    without = []
    for name, screened in screens().items():
        if not screened.relaxed:
            without.append(name)
            continue
        hits = flags_of(screened.relaxed, corpus_texts)
        missed = [t for t, hit in zip(corpus_texts, hits)
                  if not hit and screened.regex.search(t)]
        assert not missed, (name, missed[:3])
        assert sum(hits) < len(hits), f"{name}: flags every text"
    assert without == [], "every regex of the bundled checklists has a prefilter"
    assert any(name.startswith("default+") for name in screens()), "example cues checked"


@needs_shared
def test_every_cue_regex_finds_its_own_matches_behind_the_prefilter(corpus_texts):
    for name, screened in screens().items():
        assert not answered_otherwise(screened, corpus_texts), name


# ---------------------------------------------------------------- all of Unicode

CODES = [c for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF]   # UTF-8 only
ALL_CHARS = "".join(map(chr, CODES))



@pytest.mark.parametrize("construct", [
    "[a-z]", "[^a-z]", "[A-Z0-9_]", "[^A-Z]", "i", "k", "s", "[iks]", "[^iks]", "[^s]",
    r"\w", r"\W", r"\d", r"\D", r"\s", r"\S", r"[^\W\d]", r"[^\w\s]", r"[\s\d]", r"[^\S\n]",
    ".", "(?s:.)", "(?-i:[a-z])", "(?a:\\w)", "(?a:\\S)", "😡", "[😡-😣]", "'", "[-.!?]",
])
@pytest.mark.parametrize("flags", [re.IGNORECASE, 0], ids=["ignorecase", "case"])
def test_single_characters_python_accepts_are_all_flagged(construct, flags):
    # The relaxed patterns of a one-character construct match one character each: deleting
    # their runs from the string of all characters leaves those RE2 does not flag.
    screen = compile_relaxed(f"(?:{relax(construct, flags)})+")
    unflagged = set(screen.sub(b"", ALL_CHARS.encode("utf-8")).decode("utf-8"))
    missed = unflagged - set(re.sub(construct, "", ALL_CHARS, flags=flags))
    assert not missed, sorted(missed)[:10]
    if len(re.findall(construct, ALL_CHARS[:128], flags)) < 128:   # Python rules out some
        assert unflagged & set(ALL_CHARS[:128]), "ASCII, and so does RE2"


# ---------------------------------------------------------------- crafted cases

CASES = [
    # (pattern, texts Python matches, texts the prefilter must rule out)
    (r"(?<=\bgood )day", ["good day", "a good day!"], ["good night", "dya"]),
    (r"(?<!not )\bhappy\b", ["Happy now", "so HAPPY"], ["hapy", "unhap py"]),
    (r"\bsorry\b", ["Sorry!", "sorry", "SORRY, no"], ["sorr y", "sory"]),
    (r"\bis\b", ["İs it?", "ıS it", "IS"], ["i s", "it"]),       # İ and ı are i ignoring case
    (r"\bok\b", ["O\u212a", "ok", "Ok."], ["o k", "kk"]),          # Kelvin sign is k
    (r"\bsad\b", ["ſad", "SAD"], ["sa d", "mad"]),                 # long s is s
    (r"\w+@", ["é@x", "_@", "ß@", "٣@"], ["@@", "-@", " @"]),
    (r"\d+ days", ["٣ days", "3 days", "12 DAYS"], ["three days", "days"]),
    (r"x[^a-z]y", ["x-y", "x1y", "xéy", "x\ny"], ["xay", "xzy", "xy"]),
    (r"[0-5]{2}%", ["45%", "100%"], ["67%", "5%"]),
    (r"a.*?b", ["a--b", "ab"], ["ba", "a\nb"]),
    (r"\bha{2,3}\b", ["haa", "HAAA"], ["ha", "h a"]),
    (r"z{2,40}", ["zz", "z" * 50], ["z", "z z"]),
    (r"cat|dog|\bbird\b", ["hotdog", "Cat", "a bird"], ["cow", "ca t"]),
    (r"(?-i:ABC)d", ["ABCd", "ABCD"], ["abcd", "AbCd"]),
    (r"(?s:a.b)", ["a\nb", "axb"], ["ab", "ba"]),
    (r"a\sb", ["a b", "a\x1cb", "a\x85b", "a\u2003b", "a\nb"], ["ab", "a-b"]),
    (r"^hi\b", ["hi there", "Hi"], ["hello", "oh hi"]),
    (r"end$", ["the end", "the end\n"], ["ending", "the end\n\n", "end."]),
    (r"\Ax|x\Z", ["xa", "ax"], ["ax\n", "axa"]),
    (r"(?m)^x$", ["a\nx\nb", "x"], ["y", "a\nb"]),   # MULTILINE: anchors dropped
    (r"(?:^|[.!?]\s{1,3})(?:give|fix)\b", ["Fix it", "so. Give"], ["we fix", "so.Give"]),
    (r"^\W{0,5}(?:\S{1,40}\s{1,3}){0,2}\S{0,40}\W{0,5}$", ["Done", " Just sent it!\n", ""],
     ["one two three four", "a b c d e"]),
    (r"(?:very )?(?:sorry|sad)\w*", ["saddest", "very sorry"], ["very", "sa"]),
    (r"\bnot\b[^.!?\n]{0,40}\bfixed\b", ["not yet fixed", "NOT FIXED"], ["fixed", "not"]),
    (r"[^\W\d_]+x", ["éx", "Ax"], ["1x", "_x", " x"]),
    (r"\?+!+|!+\?+|!{2,}", ["?!", "!!", "!?"], ["!", "?", "! !"]),
]


@pytest.mark.parametrize("pattern, matches, ruled_out", CASES, ids=[c[0] for c in CASES])
def test_crafted_cases_are_flagged_and_the_prefilter_is_selective(pattern, matches,
                                                                  ruled_out):
    regex = re.compile(pattern, re.IGNORECASE)
    assert all(regex.search(t) for t in matches), "a case that does not match"
    assert not any(regex.search(t) for t in ruled_out), "a case that matches"
    assert all(flagged(pattern, matches)), relax(pattern, re.IGNORECASE)
    assert not any(flagged(pattern, ruled_out)), relax(pattern, re.IGNORECASE)
    twice = [f"{a} {b}" for a, b in zip(matches, reversed(matches))]   # more than one match
    assert not answered_otherwise(Screened(regex), matches + ruled_out + twice)


@pytest.mark.parametrize("pattern, why", [
    (r"(\w)\1", "back reference"),
    (r"(a)?(?(1)b|c)", "conditional group"),
    (r"(?>ab|a)c", "atomic group"),
    (r"a++b", "possessive repeat"),
    (r"caf[eé]", "non-ASCII character in a class with cased ones"),
    (r"\bstraße\b", "cased non-ASCII literal"),
    (r"İ", "cased non-ASCII literal"),
    (r"a*", "empty match"),
    (r"\b|x?", "empty match"),
    (r"(?=sorry)", "empty match"),
])
def test_what_cannot_be_widened_with_certainty_gets_no_prefilter(pattern, why):
    with pytest.raises(Untranslatable):
        relax(pattern, re.IGNORECASE)
    screened = Screened(re.compile(pattern, re.IGNORECASE))
    assert screened.relaxed is None
    assert not answered_otherwise(screened, ["", "x", "sorry", "café", "aab", "xx", "ab"])


def test_a_pattern_re2_rejects_leaves_its_regex_without_a_prefilter():
    nested = r"(?:(?:(?:(?:b{5}){5}){5}){5}){5}"   # 3125 copies: over RE2's limit of 1000
    screened = Screened(re.compile(nested, re.IGNORECASE))
    assert screened.relaxed and compile_relaxed(screened.relaxed) is None
    assert not answered_otherwise(screened, [f"text {i}" for i in range(10)] + ["b" * 3200])


def test_uncased_non_ascii_literals_are_kept_and_cased_ones_case_sensitively():
    assert all(flagged("😡|:\\(", ["so 😡", ":("]))
    assert not any(flagged("😡|:\\(", ["😀", ": ("]))
    assert all(flagged("(?-i:é)t", ["ét"])) and not any(flagged("(?-i:é)t", ["et", "Ét"]))


def test_a_text_that_is_not_utf8_is_always_flagged():
    texts = ["\ud83d sorry", "nothing here", "sorry"]
    assert flagged(r"\bsorry\b", texts) == [True, False, True]
    assert flagged(r"\bzzz\b", texts) == [True, False, False]


def test_a_large_cue_regex_is_one_re2_pattern_that_finds_its_matches():
    alternatives = "|".join(rf"\b{i}word\b[^.!?\n]{{0,40}}\bother{i}\b" for i in range(400))
    screened = Screened(re.compile(alternatives, re.IGNORECASE))
    texts = ["x 399word and other399, 3word other3", "1word x", "12word and other12."]
    assert flags_of(screened.relaxed, texts) == [True, False, True]
    assert not answered_otherwise(screened, texts)


def test_the_regex_is_translated_when_first_used():
    screened = Screened(re.compile(r"\bsorry\b", re.IGNORECASE))
    assert "relaxed" not in vars(screened)
    assert screened.search("fine") is None and "relaxed" in vars(screened)


@pytest.mark.parametrize("pattern, text", [
    (r"(?<!not )\bhappy\b", "not happy, unhappy, happy, HAPPY"),   # candidates that fail
    (r"\bno\b|\bnot\b", "know not nothing no"),                    # \b dropped by RE2
    (r"a+b|ab+c", "aaab abbc ac abc"),                               # overlapping starts
    (r"sorry(?= for)", "sorry sorry for that"),
    (r"\bfix\w*", "fix fixed prefix fixing"),                        # trimmed tail
    (r"end$", "end end\n"),
])
def test_the_regex_is_tried_where_re2_finds_a_start(pattern, text):
    regex = re.compile(pattern, re.IGNORECASE)
    assert not answered_otherwise(Screened(regex), [text, text + " é", text.upper()])


def test_ruled_out_texts_answer_as_the_regex_would():
    screened = Screened(re.compile(r"\bsorry\b", re.IGNORECASE))
    assert screened.search("fine") is None and list(screened.finditer("fine")) == []
    assert [m.span() for m in screened.finditer("so sorry")] == [(3, 8)]
    assert screened.search("sorry, not here").span() == (0, 5)
    assert [m.span() for m in screened.finditer("é sorry")] == [(2, 7)]   # character offsets


# ---------------------------------------------------------------- end to end

@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> list[Path]:
    paths = [SAMPLES]
    if CARE.is_dir():
        folder = tmp_path_factory.mktemp("prefilter")
        with (CARE / "conversations.jsonl").open(encoding="utf-8") as handle:
            (folder / "care.jsonl").write_text("".join(next(handle) for _ in range(400)),
                                               encoding="utf-8")
        paths += [folder / "care.jsonl", ABCD]
    return paths


def test_exports_are_the_same_bytes_without_the_prefilter(inputs, monkeypatch):
    searches = []
    original = prefilter.start_finder

    def counting(compiled):
        start_at = original(compiled)

        def counted(data, pos):
            searches.append(start_at(data, pos))
            return searches[-1]
        return counted
    monkeypatch.setattr(prefilter, "start_finder", counting)
    with_prefilter = export_tables(audit(inputs))
    assert -1 in searches, "the prefilter ruled nothing out"
    monkeypatch.setattr(Screened, "_start_finder", None)   # the Python regex on every text
    assert export_tables(audit(inputs)) == with_prefilter


def test_without_re2_every_text_goes_to_the_python_regex(monkeypatch):
    monkeypatch.setitem(sys.modules, "re2", None)   # import re2 raises ImportError
    screened = Screened(re.compile(r"\bsorry\b", re.IGNORECASE))
    assert screened._start_finder is None
    assert [m.span() for m in screened.finditer("so sorry")] == [(3, 8)]
