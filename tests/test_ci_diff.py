"""`empathy-audit diff OLD_DIR NEW_DIR` through the CLI, on two real export directories."""
from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from empathy_audit.cli import app

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
DEFAULT_CHECKLIST = ROOT / "checklists" / "default.yaml"


def run(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


@pytest.fixture
def exports(tmp_path: Path) -> tuple[Path, Path]:
    text = DEFAULT_CHECKLIST.read_text(encoding="utf-8")
    shutil.copytree(DEFAULT_CHECKLIST.parent / "models", tmp_path / "models",
                    dirs_exist_ok=True)   # the copy's learned-cue model files
    stricter = tmp_path / "stricter.yaml"
    stricter.write_text(text.replace("agent_cue: follow_up, turns: all",
                                     "agent_cue: follow_up, turns: first_reply"), encoding="utf-8")
    old, new = tmp_path / "old", tmp_path / "new"
    assert run("audit", SAMPLES, "-o", old).exit_code == 0
    assert run("audit", SAMPLES, "-c", stricter, "-o", new).exit_code == 0
    return old, new


def verdicts(directory: Path) -> dict[str, dict[str, str]]:
    with open(directory / "conversations.csv", encoding="utf-8", newline="") as handle:
        return {row["conversation_id"]: row for row in csv.DictReader(handle)}


def met_rate(rows: dict[str, dict[str, str]], behaviour: str) -> float:
    values = [r[behaviour] for r in rows.values()]
    return values.count("met") / (values.count("met") + values.count("missed"))


def test_diff_lists_newly_missed_conversations_and_deltas(exports):
    old, new = exports
    before, after = verdicts(old), verdicts(new)
    expected_missed = sorted(c for c in before if before[c]["follow_up"] == "met"
                             and after[c]["follow_up"] == "missed")
    assert expected_missed
    result = run("diff", old, new, "--format", "json")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert sorted(f["conversation_id"] for f in document["newly_missed"]) == expected_missed
    assert {f["behaviour"] for f in document["newly_missed"]} == {"follow_up"}
    assert document["newly_met"] == []
    follow_up = document["behaviours"]["follow_up"]
    assert follow_up["old"] == pytest.approx(met_rate(before, "follow_up"))
    assert follow_up["new"] == pytest.approx(met_rate(after, "follow_up"))
    assert document["behaviours"]["acknowledge"]["change"] == 0
    agents_before = {r["agent_id"]: r for r in csv.DictReader(open(old / "agents.csv"))}
    agents_after = {r["agent_id"]: r for r in csv.DictReader(open(new / "agents.csv"))}
    for agent, delta in document["agents"].items():
        assert delta["score"]["change"] == pytest.approx(
            float(agents_after[agent]["score"]) - float(agents_before[agent]["score"]), abs=1e-6)


def test_diff_markdown_names_the_flipped_conversations(exports):
    old, new = exports
    result = run("diff", old, new)
    assert result.exit_code == 0
    assert "### Newly missed" in result.stdout
    for conversation in (c for c, r in verdicts(old).items()
                         if r["follow_up"] != verdicts(new)[c]["follow_up"]):
        assert f"| {conversation} | follow_up | met | missed |" in result.stdout


def test_diff_the_other_way_is_newly_met_and_regressions_can_fail(exports):
    old, new = exports
    back = json.loads(run("diff", new, old, "--format", "json").stdout)
    forward = json.loads(run("diff", old, new, "--format", "json").stdout)
    assert [f["conversation_id"] for f in back["newly_met"]] == \
        [f["conversation_id"] for f in forward["newly_missed"]]
    assert run("diff", new, old, "--fail-on-regression").exit_code == 0
    failing = run("diff", old, new, "--fail-on-regression")
    assert failing.exit_code == 1
    assert "gate failed: regression" in failing.stderr


def test_diff_of_a_directory_with_itself_is_empty(exports):
    old, _ = exports
    document = json.loads(run("diff", old, old, "--format", "json").stdout)
    assert document["newly_missed"] == document["newly_met"] == document["other_changes"] == []


def test_diff_reports_added_and_removed_conversations(exports, tmp_path):
    old, _ = exports
    only_chats = tmp_path / "chats"
    run("audit", SAMPLES / "chats.csv", "-o", only_chats)
    document = json.loads(run("diff", old, only_chats, "--format", "json").stdout)
    assert document["removed"] == sorted(c for c in verdicts(old) if c.startswith("call-"))
    assert document["added"] == []


def test_diff_errors_are_one_located_line(exports, tmp_path):
    old, _ = exports
    missing = run("diff", old, tmp_path / "nowhere")
    assert missing.exit_code == 2 and "nowhere" in missing.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run("diff", old, empty)
    assert result.exit_code == 2
    assert "conversations.csv" in result.stderr and len(result.stderr.strip().splitlines()) == 1
