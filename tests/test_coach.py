"""`coach`: the most-missed behaviours, the agent's own misses, a colleague's matching met turn."""
from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from empathy_audit import UserError, audit
from empathy_audit.cli import app
from empathy_audit.coaching import coach, most_missed

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"


@pytest.fixture(scope="module")
def result():
    return audit([SAMPLES])


def test_behaviours_ranked_by_misses_then_rate(result):
    own = [r for r in result.conversations if r.conversation.agent_id == "support-sam"]
    # apologize and follow_up: 2 misses in 3; acknowledge: 1 in 1; be_present: 1 in 3.
    assert most_missed(result.behaviours, own) == ["apologize", "follow_up", "acknowledge",
                                                   "be_present"]


def test_each_miss_sits_beside_a_colleague_who_met_it_on_the_same_cue(result):
    plan = coach(result, "support-sam")
    assert [t.behaviour for t in plan.topics] == ["apologize", "follow_up", "acknowledge"]
    apologize = plan.topics[0]
    assert (apologize.missed, apologize.applicable) == (2, 3)
    assert [p.missed.conversation_id for p in apologize.pairs] == ["chat-102", "chat-103"]
    for pair in apologize.pairs:
        assert pair.missed.agent_id == "support-sam"
        assert pair.colleague is not None and pair.colleague.agent_id != "support-sam"
        assert "problem" in pair.shared_cues  # the cue that makes apologize apply
        met_turn = pair.colleague.agent_turn
        verdict = next(r for r in result.conversations if r.conversation.conversation_id ==
                       pair.colleague.conversation_id).verdicts["apologize"]
        assert verdict.verdict == "met" and met_turn.index in verdict.met_turns
    assert apologize.pairs[0].missed.agent_turn.text.startswith("Please send us a private")


def test_examples_and_behaviours_are_limited(result):
    plan = coach(result, "support-sam", behaviours=1, examples=1)
    assert len(plan.topics) == 1 and len(plan.topics[0].pairs) == 1


def test_unknown_agent_suggests_close_ids(result):
    with pytest.raises(UserError, match="did you mean 'support-sam'"):
        coach(result, "support-sa")


def test_coach_command_prints_both_sides(monkeypatch):
    from empathy_audit.cli.app import stdout
    monkeypatch.setattr(stdout, "_width", 160)   # the two sides unwrapped, whatever COLUMNS
    run = CliRunner().invoke(app, ["coach", str(SAMPLES), "--agent", "support-sam"])
    assert run.exit_code == 0, run.output
    assert "1. apologize: missed in 2 of 3" in run.stdout
    assert "Please send us a private message" in run.stdout
    assert "carrier-rep-dana" in run.stdout


def test_coach_command_unknown_agent_exits_2():
    run = CliRunner().invoke(app, ["coach", str(SAMPLES), "--agent", "nobody"])
    assert run.exit_code == 2
    assert run.stderr.startswith("error: [--agent] agent 'nobody' not found")
