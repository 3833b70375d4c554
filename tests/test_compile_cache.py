"""The compiled-checklist cache: warm runs skip the derivations, and a missing, stale, corrupt
or unwritable cache only costs the time to compute again."""
from __future__ import annotations

import json

import pytest

from empathy_audit import audit, load_checklist
from empathy_audit.checklist import parse_checklist
from empathy_audit.cues import bounded, compile_cache, factored, prefilter
from empathy_audit.cues.finder import CueFinder
from empathy_audit.formatters.csv_export import export_tables

from .conftest import SAMPLES


@pytest.fixture
def cache_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv(compile_cache.NO_CACHE_ENV, raising=False)
    factored._factor.cache_clear()
    prefilter.relax.cache_clear()
    return tmp_path / "xdg" / "empathy-audit"


def _forbid_deriving(monkeypatch):
    def refuse(*args):
        raise AssertionError("derived again although the cache is warm")
    monkeypatch.setattr(factored, "_factor", refuse)
    monkeypatch.setattr(prefilter, "relax", refuse)
    monkeypatch.setattr(bounded, "can_backtrack", refuse)


def test_a_warm_cache_skips_the_derivations_and_changes_nothing(cache_home, monkeypatch):
    checklist = load_checklist(None)
    cold = export_tables(audit([SAMPLES], checklist))
    stored = cache_home / f"{compile_cache.checklist_key(checklist)}.json"
    document = json.loads(stored.read_text(encoding="utf-8"))
    kinds = {name.split("\0")[0] for name in document["entries"]}
    assert kinds == {"factor", "relax", "never_empty", "checked", "backtracks"}
    _forbid_deriving(monkeypatch)
    assert export_tables(audit([SAMPLES], checklist)) == cold


@pytest.mark.parametrize("content", ["{not json", '{"version": "0.0.0", "entries": {}}',
                                     '{"version": "VERSION", "entries": {"factor\\u0000[]": 3}}',
                                     "[]"])
def test_corrupt_or_stale_cache_is_recomputed_and_rewritten(cache_home, content):
    checklist = load_checklist(None)
    path = cache_home / f"{compile_cache.checklist_key(checklist)}.json"
    path.parent.mkdir(parents=True)
    path.write_text(content.replace("VERSION", compile_cache.__version__), encoding="utf-8")
    CueFinder(checklist)
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["version"] == compile_cache.__version__ and len(document["entries"]) > 20


def test_an_unwritable_cache_is_no_error(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))   # its folder cannot be created
    monkeypatch.delenv(compile_cache.NO_CACHE_ENV, raising=False)
    assert audit([SAMPLES]).conversations


def test_no_cache_reads_and_writes_nothing(cache_home, monkeypatch, run):
    monkeypatch.setenv(compile_cache.NO_CACHE_ENV, "1")
    CueFinder(load_checklist(None))
    assert not cache_home.exists()
    monkeypatch.delenv(compile_cache.NO_CACHE_ENV)
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
