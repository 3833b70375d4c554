"""Gates through the CLI: --fail-under, --require, --fail-on-critical, --exit-zero.

The fixture is the rubric's worked example (../shared/rubric.md, "Worked example"), whose
verdicts the rubric states by hand: the curt reply misses acknowledge, be_present and
follow_up and meets return_to_solving (apologize n/a): score 1/4 = 25; the good reply meets all
four: 100. So: overall 62.5, acknowledge met in 1 of 2 conversations.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from empathy_audit.cli import app

from .conftest import CURT, DISCLOSURE, GOOD

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CHECKLIST = ROOT / "checklists" / "default.yaml"


@pytest.fixture
def worked_example(tmp_path: Path) -> Path:
    conversations = [
        {"conversation_id": "curt", "agent_id": "dana",
         "turns": [{"speaker": "customer", "text": DISCLOSURE}, {"speaker": "agent", "text": CURT}]},
        {"conversation_id": "good", "agent_id": "lee",
         "turns": [{"speaker": "customer", "text": DISCLOSURE}, {"speaker": "agent", "text": GOOD}]},
    ]
    path = tmp_path / "worked.json"
    path.write_text(json.dumps(conversations, indent=2), encoding="utf-8")
    return path


def run(*args: str):
    return CliRunner().invoke(app, [str(a) for a in args])


def critical_checklist(tmp_path: Path, behaviour: str) -> Path:
    text = DEFAULT_CHECKLIST.read_text(encoding="utf-8")
    shutil.copytree(DEFAULT_CHECKLIST.parent / "models", tmp_path / "models",
                    dirs_exist_ok=True)   # the copy's learned-cue model files
    start = text.index(f"\n  {behaviour}:\n", text.index("\nbehaviours:"))
    marker = "    critical: false"
    at = text.index(marker, start)
    path = tmp_path / "critical.yaml"
    path.write_text(text[:at] + "    critical: true" + text[at + len(marker):], encoding="utf-8")
    return path


def test_the_fixture_scores_as_the_rubric_says(worked_example):
    result = run("audit", worked_example, "--format", "json")
    document = json.loads(result.stdout)
    verdicts = {c["conversation_id"]: {b: v["verdict"] for b, v in c["verdicts"].items()}
                for c in document["conversations"]}
    assert verdicts["curt"] == {"acknowledge": "missed", "be_present": "missed",
                                "return_to_solving": "met", "apologize": "n/a",
                                "follow_up": "missed"}
    assert set(verdicts["good"].values()) == {"met", "n/a"}
    assert document["summary"]["score"] == 62.5


@pytest.mark.parametrize("bar, code", [("62.5", 0), ("60", 0), ("63", 1), ("100", 1)])
def test_fail_under(worked_example, bar, code):
    result = run("audit", worked_example, "--fail-under", bar)
    assert result.exit_code == code
    if code:
        assert f"gate failed: fail-under: overall score 62.5 is below {float(bar):g}" in result.stderr
    else:
        assert "gate failed" not in result.stderr


@pytest.mark.parametrize("rate, code", [("0.5", 0), ("50%", 0), ("0.51", 1), ("80%", 1)])
def test_require_checks_the_met_rate_where_the_behaviour_applied(worked_example, rate, code):
    result = run("audit", worked_example, "--require", f"acknowledge={rate}")
    assert result.exit_code == code
    if code:
        assert "gate failed: require: acknowledge: met in 1 of 2 conversations (50%)" in result.stderr


def test_require_is_repeatable_and_reports_each_failed_gate(worked_example):
    result = run("audit", worked_example, "--require", "acknowledge=0.9",
                 "--require", "follow_up=0.9", "--require", "return_to_solving=1")
    assert result.exit_code == 1
    failed = [line for line in result.stderr.splitlines() if line.startswith("gate failed")]
    assert len(failed) == 2
    assert "acknowledge" in failed[0] and "follow_up" in failed[1]


def test_require_on_a_behaviour_that_never_applied_fails(worked_example):
    result = run("audit", worked_example, "--require", "apologize=0.5")
    assert result.exit_code == 1
    assert "apologize: applied in no conversation" in result.stderr


@pytest.mark.parametrize("value, message", [
    ("empathy=0.5", "unknown behaviour 'empathy'; behaviours are acknowledge"),
    ("acknowledge", "takes BEHAVIOUR=RATE"),
    ("acknowledge=high", "the rate must be between 0 and 1"),
    ("acknowledge=1.5", "the rate must be between 0 and 1"),
])
def test_bad_require_is_a_one_line_usage_error(worked_example, value, message):
    result = run("audit", worked_example, "--require", value)
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr + result.stdout


def test_fail_on_critical_fails_only_for_critical_behaviours(worked_example, tmp_path):
    # the default checklist has no critical behaviour: nothing to fail
    assert run("audit", worked_example, "--fail-on-critical").exit_code == 0
    checklist = critical_checklist(tmp_path, "acknowledge")
    result = run("audit", worked_example, "-c", checklist, "--fail-on-critical")
    assert result.exit_code == 1
    assert ("gate failed: fail-on-critical: critical behaviour acknowledge missed in 1 "
            "conversation(s): curt") in result.stderr
    # without the flag a critical miss only lowers the score
    assert run("audit", worked_example, "-c", checklist).exit_code == 0


def test_exit_zero_reports_but_never_fails_on_gates(worked_example):
    result = run("audit", worked_example, "--fail-under", "90", "--exit-zero")
    assert result.exit_code == 0
    assert "gate failed: fail-under" in result.stderr


def test_exit_zero_never_hides_an_error(worked_example, tmp_path):
    result = run("audit", tmp_path / "missing.csv", "--exit-zero")
    assert result.exit_code == 2
    assert "missing.csv" in result.stderr
    bad = run("audit", worked_example, "--exit-zero", "--require", "nope=1")
    assert bad.exit_code == 2
