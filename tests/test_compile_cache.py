"""The compiled-checklist cache: warm runs skip the derivations, and a missing, stale, corrupt
or unwritable cache only costs the time to compute again."""
from __future__ import annotations

import json
import re

import pytest

from empathy_audit import audit, load_checklist
from empathy_audit.cache import NO_CACHE_ENV, code_version
from empathy_audit.checklist import parse_checklist
from empathy_audit.errors import UserError
from empathy_audit.cues import bounded, compile_cache, factored, prefilter, sre_cache
from empathy_audit.cues.finder import CueFinder
from empathy_audit.formatters.csv_export import export_tables

from .conftest import SAMPLES


@pytest.fixture
def cache_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv(NO_CACHE_ENV, raising=False)
    factored._factor.cache_clear()
    prefilter.relax.cache_clear()
    return tmp_path / "xdg" / "empathy-audit"


def _forbid_deriving(monkeypatch):
    def refuse(*args):
        raise AssertionError("derived again although the cache is warm")
    monkeypatch.setattr(factored, "_factor", refuse)
    monkeypatch.setattr(prefilter, "relax", refuse)
    monkeypatch.setattr(bounded, "can_backtrack", refuse)
    monkeypatch.setattr(sre_cache, "_program", refuse)


def test_a_warm_cache_skips_the_derivations_and_changes_nothing(cache_home, monkeypatch):
    checklist = load_checklist(None)
    cold = export_tables(audit([SAMPLES], checklist))
    stored = cache_home / f"{compile_cache.checklist_key(checklist)}.json"
    document = json.loads(stored.read_text(encoding="utf-8"))
    kinds = {name.split("\0")[0] for name in document["entries"]}
    assert kinds == {"factor", "relax", "never_empty", "problem", "backtracks", "sre"}
    _forbid_deriving(monkeypatch)
    assert export_tables(audit([SAMPLES], checklist)) == cold


@pytest.mark.parametrize("content", ["{not json", '{"version": "0.0.0", "entries": {}}',
                                     '{"version": "VERSION", "entries": {"factor\\u0000[]": 3}}',
                                     "[]"])
def test_corrupt_or_stale_cache_is_recomputed_and_rewritten(cache_home, content):
    checklist = load_checklist(None)
    path = cache_home / f"{compile_cache.checklist_key(checklist)}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content.replace("VERSION", code_version()), encoding="utf-8")
    CueFinder(checklist)
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["version"] == code_version() and len(document["entries"]) > 20


def test_an_unwritable_cache_is_no_error(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))   # its folder cannot be created
    monkeypatch.delenv(NO_CACHE_ENV, raising=False)
    assert audit([SAMPLES]).conversations


def test_no_cache_reads_and_writes_nothing(cache_home, monkeypatch, run):
    monkeypatch.setenv(NO_CACHE_ENV, "1")
    CueFinder(load_checklist(None))
    assert not cache_home.exists()
    monkeypatch.delenv(NO_CACHE_ENV)
    assert run("--no-cache", "audit", SAMPLES, "-q").exit_code == 0
    assert not cache_home.exists()


def test_the_key_follows_the_checklist_its_parents_and_the_version(tmp_path, monkeypatch):
    base = tmp_path / "base.yaml"
    base.write_text("extends: default\nname: base\n", encoding="utf-8")
    child = tmp_path / "child.yaml"
    child.write_text("extends: base.yaml\nname: child\n", encoding="utf-8")
    first = compile_cache.checklist_key(load_checklist(child))
    base.write_text("extends: default\nname: base\nnegation_window: 4\n", encoding="utf-8")
    assert compile_cache.checklist_key(load_checklist(child)) != first   # a parent changed
    same = compile_cache.checklist_key(parse_checklist(child.read_text(), str(child)))
    assert same == compile_cache.checklist_key(load_checklist(child))
    monkeypatch.setattr(compile_cache, "__version__", "9.9.9")
    assert compile_cache.checklist_key(load_checklist(child)) != same


# ---------------------------------------------------------------- regex programs

PATTERNS = [(r"\bsorry\s*(?:[,.!?-]+\s*)?(?:could|can)\b", re.IGNORECASE),
            (r"(?P<word>\w+)@(?P<host>[\w.]+)|(\d{3})-\d{4}", 0),
            (r"(?-i:\bHELP\b)|!{2,}|[^\W\d_]+ly\b", re.IGNORECASE)]
TEXTS = ["Sorry, could you repeat?", "sorry can we", "mail joe@example.com or 555-1234",
         "HELP!! really quickly", "help me", "Sorry... can", ""]


def _same(a: re.Pattern, b: re.Pattern) -> None:
    assert (a.pattern, a.flags, a.groups, a.groupindex) == (b.pattern, b.flags, b.groups,
                                                            b.groupindex)
    for text in TEXTS:
        assert [(m.span(), m.groups()) for m in a.finditer(text)] == \
            [(m.span(), m.groups()) for m in b.finditer(text)], text


def test_a_kept_program_compiles_to_what_re_compiles(cache_home):
    checklist = load_checklist(None)
    for _ in range(2):   # the first run writes the programs, the second reads them
        with compile_cache.compiling(checklist):
            kept = [sre_cache.compile_regex(p, f) for p, f in PATTERNS]
        for pattern, (text, flags) in zip(kept, PATTERNS):
            _same(pattern, re.compile(text, flags))
    stored = json.loads((cache_home / f"{compile_cache.checklist_key(checklist)}.json")
                        .read_text(encoding="utf-8"))
    assert sum(name.startswith("sre\0") for name in stored["entries"]) == len(PATTERNS)


def test_a_broken_program_is_compiled_again(cache_home, monkeypatch):
    checklist = load_checklist(None)
    path = cache_home / f"{compile_cache.checklist_key(checklist)}.json"
    with compile_cache.compiling(checklist):
        sre_cache.compile_regex(*PATTERNS[1])
    document = json.loads(path.read_text(encoding="utf-8"))
    for name in document["entries"]:
        if name.startswith("sre\0"):
            document["entries"][name] = json.dumps({"flags": 32, "code": [999, 1, 2],
                                                    "groups": 1, "groupindex": {}})
    path.write_text(json.dumps(document), encoding="utf-8")
    with compile_cache.compiling(checklist):
        _same(sre_cache.compile_regex(*PATTERNS[1]), re.compile(*PATTERNS[1]))


def test_another_python_does_not_read_the_program(cache_home, monkeypatch):
    checklist = load_checklist(None)
    with compile_cache.compiling(checklist):
        sre_cache.compile_regex(*PATTERNS[0])
    monkeypatch.setattr(sre_cache, "_ENGINE", "another-python")
    monkeypatch.setattr(sre_cache, "_program", lambda *a: (_ for _ in ()).throw(LookupError))
    with compile_cache.compiling(checklist), pytest.raises(LookupError):
        sre_cache.compile_regex(*PATTERNS[0])   # not found under its key: derived again


# ---------------------------------------------------------------- pattern checks

def test_a_warm_cache_skips_the_pattern_checks_and_keeps_their_errors(cache_home, monkeypatch,
                                                                       tmp_path):
    from empathy_audit import checklist as checklist_module
    load_checklist(None)
    assert len(list(cache_home.glob("patterns-*.json"))) == 1
    bad = tmp_path / "bad.yaml"
    bad.write_text("extends: default\ncues:\n  extra:\n    speaker: agent\n    description: x\n"
                   "    patterns: ['(a+)+b']\n", encoding="utf-8")
    first = pytest.raises(UserError, load_checklist, bad)
    monkeypatch.setattr(checklist_module, "check_pattern", lambda p: 1 / 0)   # never again
    load_checklist(None)
    again = pytest.raises(UserError, load_checklist, bad)
    assert str(again.value) == str(first.value)
    assert "bad.yaml:6: [cues.extra.patterns.0]" in str(again.value)
    assert "nests an unbounded repeat" in str(again.value)


# ---------------------------------------------------------------- the cache folder

def test_a_file_read_counts_as_used_when_old_files_are_pruned(cache_home):
    from empathy_audit import cache
    checklist = load_checklist(None)
    CueFinder(checklist)   # writes the checklist's file
    mine = cache_home / f"{compile_cache.checklist_key(checklist)}.json"
    for i in range(cache.KEEP_FILES + 3):   # other checklists' files, written after it
        cache.write_json(cache_home / f"other-{i}.json", {"version": "x", "entries": {}})
        if i % 4 == 0:
            CueFinder(checklist)   # a warm run reads it: used again, so kept
    assert mine.exists()
    assert len(list(cache_home.glob("*.json"))) == cache.KEEP_FILES


def test_a_failed_write_leaves_no_temporary_file(cache_home, monkeypatch):
    from empathy_audit import cache

    def full_disk(*args, **kwargs):
        raise OSError("no space left on device")
    monkeypatch.setattr(cache.json, "dump", full_disk)
    cache.write_json(cache_home / "x.json", {"a": 1})
    assert list(cache_home.iterdir()) == []


def test_values_derived_by_other_code_are_not_read(cache_home, monkeypatch):
    from empathy_audit import cache
    checklist = load_checklist(None)
    CueFinder(checklist)
    monkeypatch.setattr(cache, "code_version", lambda: "0.1.0+edited-code")
    _forbid_deriving(monkeypatch)
    with pytest.raises(AssertionError, match="derived again"):
        CueFinder(checklist)   # the file holds the old code's values: derived anew
