"""TextBlob's sentiment tables kept as JSON between runs: the same tables, and a warm run
audits without importing TextBlob (a third of a second of start-up)."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from empathy_audit.cues import fast_sentiment, textblob_tables
from empathy_audit.cues.textblob_tables import _from_document, _to_document

from .conftest import SAMPLES
from .test_fast_sentiment import TRICKY


@pytest.fixture(scope="module")
def live():
    tables, reason = fast_sentiment.from_textblob()
    assert reason is None, reason
    return tables


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("EMPATHY_AUDIT_NO_CACHE", raising=False)
    return tmp_path / "empathy-audit"


def test_kept_tables_are_textblobs_own(live):
    kept = _from_document(json.loads(json.dumps(_to_document(live))))
    assert _to_document(kept) == _to_document(live)
    assert kept.modifier_suffix == "ly" and kept.modifier("really") and not kept.modifier("real")
    assert len(live.lexicon) > 2000 and live.lexicon["bad"][0] < 0


def test_the_port_on_kept_tables_scores_as_on_textblobs(live):
    kept = _from_document(json.loads(json.dumps(_to_document(live))))
    on_live, on_kept = fast_sentiment.Port(live), fast_sentiment.Port(kept)
    for text in TRICKY + ["not good at all :( really bad!!", "very very nice", "meh..."]:
        assert repr(on_kept(text)) == repr(on_live(text)), text


def test_kept_under_a_name_of_textblobs_files_and_the_version(live, cache, monkeypatch):
    key = textblob_tables.source_key()
    assert key and len(key) == 32
    textblob_tables.write(key, live)
    assert [p.name for p in cache.iterdir()] == [f"textblob-{key}.json"]
    assert textblob_tables.read(key) is not None
    monkeypatch.setattr(textblob_tables, "code_version", lambda: "0.0.0+other-code")
    assert textblob_tables.source_key() != key   # another release or edited code: not read


@pytest.mark.parametrize("content", [
    "", "{", "[]", '{"eos": 1}',
    None,                    # a whole document with one lexicon entry of the wrong type
    '"lexicon": []',         # ... with a list where a mapping belongs
    '"abbreviation_res": []',   # ... with no abbreviation patterns
])
def test_a_broken_kept_file_is_read_as_none(live, cache, content):
    key = textblob_tables.source_key()
    cache.mkdir(parents=True)
    if content is None or content.startswith('"'):
        document = _to_document(live)
        if content is None:
            document["lexicon"]["bad"] = ["-0.7", 0.6, 1.0, False, None]
        else:
            document.update(json.loads("{" + content + "}"))
        content = json.dumps(document)
    (cache / f"textblob-{key}.json").write_text(content, encoding="utf-8")
    assert textblob_tables.read(key) is None
    tables, reason = fast_sentiment._load.__wrapped__()   # TextBlob's own, kept again
    assert reason is None and tables.lexicon == live.lexicon
    assert textblob_tables.read(key) is not None


def test_nothing_kept_without_a_cache(live, cache, monkeypatch):
    monkeypatch.setenv("EMPATHY_AUDIT_NO_CACHE", "1")
    textblob_tables.write(textblob_tables.source_key(), live)
    assert not cache.exists()


WARM_AUDIT = """
import sys
from empathy_audit.cli import main
sys.argv = ["empathy-audit", "audit", sys.argv[1], "--format", "json"]
try:
    main()
except SystemExit as exit:
    assert exit.code in (0, 1), exit.code
print("textblob imported:", "textblob" in sys.modules, file=sys.stderr)
"""


def test_a_warm_audit_does_not_import_textblob_and_says_the_same(tmp_path):
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path), "COLUMNS": "80"}
    env.pop("EMPATHY_AUDIT_NO_CACHE", None)
    runs = [subprocess.run([sys.executable, "-c", WARM_AUDIT, str(SAMPLES)], env=env,
                           capture_output=True, text=True, timeout=120) for _ in range(2)]
    assert [r.stderr.strip().splitlines()[-1] for r in runs] == \
        ["textblob imported: True", "textblob imported: False"]
    assert runs[0].stdout == runs[1].stdout and '"verdict"' in runs[0].stdout
