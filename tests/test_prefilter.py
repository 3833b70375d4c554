"""The RE2 prefilter (engine/prefilter.py) never rules out a text its regex matches.

Wherever Python's regex finds a match, the relaxed RE2 patterns must flag the text: checked on
every cue regex of the bundled checklists over the real transcripts, character by character
over all of Unicode for single-character constructs, and on crafted texts for the parts of
the translation that need care. The crafted cases also show the prefilter is selective (it
rules texts out), and the exports are the same bytes with and without it.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from empathy_audit import audit, load_checklist
from empathy_audit.cues import CueFinder, normalize_quotes
from empathy_audit.engine import prefilter
from empathy_audit.engine.prefilter import (Screened, Untranslatable, compile_relaxed,
                                            may_match, relax)
from empathy_audit.formatters.csv_export import export_tables
from empathy_audit.loaders import load

from .conftest import ABCD, CARE, ROOT, SAMPLES, needs_shared

CHECKLISTS = [None, *sorted((ROOT / "checklists" / "examples").glob("*.yaml"))]


def flags_of(patterns: tuple[str, ...], texts: list[str]) -> list[bool]:
    screens = compile_relaxed(patterns)
    return [may_match(screens, text) for text in texts]


def flagged(pattern: str, texts: list[str], flags: int = re.IGNORECASE) -> list[bool]:
    return flags_of(relax(pattern, flags), texts)


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
    unflagged = ALL_CHARS.encode("utf-8")
    for screen in compile_relaxed([f"(?:{p})+" for p in relax(construct, flags)]):
        unflagged = screen.sub(b"", unflagged)
    unflagged = set(unflagged.decode("utf-8"))
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
    assert not any(screened.ruled_out(t) for t in ["", "x", "sorry", "café", "aab"])
    assert screened.relaxed == ()


def test_a_pattern_re2_rejects_leaves_its_regex_without_a_prefilter():
    nested = r"(?:(?:(?:(?:b{5}){5}){5}){5}){5}"   # 3125 copies: over RE2's limit of 1000
    screened = Screened(re.compile(nested, re.IGNORECASE))
    assert screened.relaxed and compile_relaxed(screened.relaxed) == ()
    assert not any(screened.ruled_out(f"text {i}") for i in range(10))


def test_uncased_non_ascii_literals_are_kept_and_cased_ones_case_sensitively():
    assert all(flagged("😡|:\\(", ["so 😡", ":("]))
    assert not any(flagged("😡|:\\(", ["😀", ": ("]))
    assert all(flagged("(?-i:é)t", ["ét"])) and not any(flagged("(?-i:é)t", ["et", "Ét"]))


def test_a_text_that_is_not_utf8_is_always_flagged():
    texts = ["\ud83d sorry", "nothing here", "sorry"]
    assert flagged(r"\bsorry\b", texts) == [True, False, True]
    assert flagged(r"\bzzz\b", texts) == [True, False, False]


def test_large_cue_regexes_are_split_over_several_re2_patterns():
    alternatives = "|".join(rf"\b{i}word\b[^.!?\n]{{0,40}}\bother{i}\b" for i in range(400))
    patterns = relax(alternatives, re.IGNORECASE)
    assert len(patterns) > 1
    assert all(len(p) <= prefilter.PATTERN_CHARS for p in patterns)
    assert flags_of(patterns, ["x 399word and other399", "1word x"]) == [True, False]


def test_the_regex_is_translated_when_first_used():
    screened = Screened(re.compile(r"\bsorry\b", re.IGNORECASE))
    assert "relaxed" not in vars(screened)
    assert screened.ruled_out("fine") and not screened.ruled_out("so sorry")


def test_a_screen_that_flags_most_texts_sits_out_and_tries_again(monkeypatch):
    monkeypatch.setattr(Screened, "WINDOW", 10)
    screened = Screened(re.compile(r"\btext\b", re.IGNORECASE))
    most = [f"text {i}" for i in range(9)] + ["other"]
    assert [screened.ruled_out(t) for t in most] == [False] * 9 + [True]
    for _ in range(Screened.SIT_OUT):   # sits out: the Python regex runs on every text
        assert not any(screened.ruled_out(f"other {i}") for i in range(10))
    assert all(screened.ruled_out(f"other {i}") for i in range(10))   # tries again
    assert all(screened.ruled_out(f"other {i}") for i in range(10))   # and goes on


def test_ruled_out_texts_answer_as_the_regex_would():
    screened = Screened(re.compile(r"\bsorry\b", re.IGNORECASE))
    assert screened.search("fine") is None and list(screened.finditer("fine")) == []
    assert [m.span() for m in screened.finditer("so sorry")] == [(3, 8)]
    assert screened.search("sorry, not here").span() == (0, 5)


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
    with_prefilter = export_tables(audit(inputs))
    ruled_out = []
    original = Screened.ruled_out

    def counting(self, text):
        ruled_out.append(original(self, text))
        return ruled_out[-1]
    monkeypatch.setattr(Screened, "ruled_out", counting)
    assert export_tables(audit(inputs)) == with_prefilter
    assert any(ruled_out), "the prefilter ruled nothing out"
    monkeypatch.setattr(Screened, "ruled_out", lambda self, text: False)
    assert export_tables(audit(inputs)) == with_prefilter


def test_without_re2_every_text_goes_to_the_python_regex(monkeypatch):
    monkeypatch.setitem(sys.modules, "re2", None)   # import re2 raises ImportError
    screened = Screened(re.compile(r"\bsorry\b", re.IGNORECASE))
    assert not screened.ruled_out("fine")
    assert [m.span() for m in screened.finditer("so sorry")] == [(3, 8)]
