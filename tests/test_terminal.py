"""The terminal views of issue #5: bars and bands, --by/--top, the progress bar, explain."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from empathy_audit import audit, load_checklist
from empathy_audit.cli import app
from empathy_audit.cli.audit_cmd import should_page, turn_window
from empathy_audit.cli.progress import ScoringProgress
from empathy_audit.errors import UserError
from empathy_audit.formatters import terminal
from empathy_audit.model import Turn

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = str(ROOT / "samples")
runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args), env={"COLUMNS": "160"})


@pytest.mark.parametrize("rate, bar", [(0.0, ""), (0.5, "█▌"), (1.0, "███"), (1 / 3, "█"),
                                       (0.9, "██▊"), (1.7, "███")])
def test_rate_bar_in_eighths(rate, bar):
    assert terminal.rate_bar(rate) == bar


@pytest.mark.parametrize("rate, band", [(0.8, "green"), (0.79, "yellow"), (0.5, "yellow"),
                                        (0.49, "red")])
def test_colour_bands(rate, band):
    assert terminal.rate_band(rate) == band


def test_agent_table_shows_bars_beside_numbers_in_colour():
    console = Console(file=io.StringIO(), width=160, force_terminal=True, color_system="standard")
    console.print(terminal.agents_table(audit([SAMPLES])))
    text = console.file.getvalue()
    assert "\x1b[32m███" in text          # a green full bar (100%)
    assert "\x1b[31m█" in text            # a red bar (33%)
    assert "100%" in text and "33%" in text


def test_by_agent_shows_only_the_agents_table(monkeypatch):
    from empathy_audit.cli.app import stdout
    monkeypatch.setattr(stdout, "_width", 160)   # wide enough for the bars, whatever COLUMNS
    result = run("audit", SAMPLES, "--by", "agent")
    assert result.exit_code == 0, result.output
    assert "Agents" in result.stdout and "Behaviours" not in result.stdout
    assert "█▌░  50%" in result.stdout


def test_by_conversation_top_lists_the_lowest_scores_first():
    result = run("audit", SAMPLES, "--by", "conversation", "--top", "2")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    rows = [line for line in lines if "chat-" in line or "call-" in line]
    assert [row.split()[0] for row in rows] == ["chat-106", "call-001"]
    assert "2 of 12 conversations shown (--top)" in result.stdout


def test_top_agents_are_the_busiest():
    result = run("audit", SAMPLES, "--by", "agent", "--top", "1")
    assert "support-max" in result.stdout and "carrier-rep-dana" not in result.stdout
    assert "1 of 4 agents shown" in result.stdout


def test_top_must_be_positive():
    assert run("audit", SAMPLES, "--top", "0").exit_code == 2


def test_progress_is_silent_when_stderr_is_not_a_terminal():
    result = run("audit", SAMPLES)
    assert "Scoring" not in result.stderr


def _progress_output(enabled: bool, terminal_: bool, delay: float) -> str:
    console = Console(file=io.StringIO(), force_terminal=terminal_, width=120)
    with ScoringProgress(console, enabled=enabled, delay=delay) as progress:
        for done in (50, 100):
            progress(done, 200, 3)
        shown = progress.shown
    return console.file.getvalue() if shown else ""


def test_progress_shows_files_conversations_rate_and_eta_on_a_terminal():
    output = _progress_output(enabled=True, terminal_=True, delay=0)
    assert "Scoring 3 file(s)" in output and "100/200" in output
    assert "conversations" in output and "/s" in output


@pytest.mark.parametrize("enabled, terminal_, delay", [(False, True, 0), (True, False, 0),
                                                       (True, True, 60)])
def test_progress_stays_silent_quiet_piped_or_short(enabled, terminal_, delay):
    assert _progress_output(enabled, terminal_, delay) == ""


def test_explain_turn_shows_the_turn_and_its_context():
    result = run("explain", SAMPLES, "-i", "call-003", "--turn", "3", "--context", "1")
    assert result.exit_code == 0, result.output
    assert "turns 2 to 3 of 0 to 3" in result.stdout
    assert "turn 2 · agent" in result.stdout and "turn 1 · customer" not in result.stdout
    assert "Verdicts" in result.stdout


def test_explain_turn_out_of_range_is_a_user_error():
    result = run("explain", SAMPLES, "-i", "call-003", "--turn", "9")
    assert result.exit_code == 2
    assert "turn 9 does not exist: the conversation has turns 0 to 3" in result.stderr


def test_turn_window_is_clipped_to_the_conversation():
    turns = [Turn("c", i, "agent", "", "a", "f", 1) for i in range(10)]
    assert turn_window("0", 2, turns) == range(0, 3)
    assert turn_window("9", 2, turns) == range(7, 10)
    assert turn_window(None, 2, turns) is None


def test_turn_window_finds_the_inputs_own_numbers():
    turns = [Turn("c", i, "agent", "", "a", "f", 1, label=str(i + 1)) for i in range(10)]
    assert turn_window("1", 1, turns) == range(0, 2)
    with pytest.raises(UserError, match="turn 0 does not exist: the conversation has turns 1 "
                                        "to 10"):
        turn_window("0", 1, turns)


def test_pages_only_when_longer_than_the_terminal():
    result = audit([SAMPLES])
    view = terminal.explain_view(result.conversations[2], load_checklist(None))
    short = Console(file=io.StringIO(), force_terminal=True, height=10, width=80)
    tall = Console(file=io.StringIO(), force_terminal=True, height=500, width=80)
    piped = Console(file=io.StringIO(), force_terminal=False, height=10, width=80)
    assert should_page(short, view, None) is True
    assert should_page(tall, view, None) is False
    assert should_page(piped, view, None) is False
    assert should_page(short, view, False) is False
    assert should_page(piped, view, True) is True


LONG_IDS = [(f"ibm-dev-{n}xpNQXdKYDdPj61NvXsrLong", agent) for n, agent in
            enumerate(["AmazonHelp", "Ask_WellsFargo", "RockstarSupport", "MicrosoftHelps"])]


@pytest.fixture(scope="module")
def long_ids_result(tmp_path_factory):
    rows = ["conversation_id,speaker,agent_id,text"]
    for conversation, agent in LONG_IDS:
        rows += [f"{conversation},customer,{agent},This is unacceptable! My order never came.",
                 f"{conversation},agent,{agent},Sorry. Where should we send it?"]
    path = tmp_path_factory.mktemp("long") / "long.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return audit([str(path)])


@pytest.mark.parametrize("width", [40, 60, 80, 100, 160])
@pytest.mark.parametrize("by", [None, "agent", "conversation"])
def test_ids_and_headers_never_wrap_or_truncate(long_ids_result, width, by):
    console = Console(file=io.StringIO(), width=width, color_system=None)
    terminal.print_audit(long_ids_result, console, by=by)
    tables = console.file.getvalue().split("Overall score")[0]   # the summary is one line
    lines = tables.splitlines()
    assert all(len(line.rstrip()) <= width for line in lines), width
    words = {word for line in lines for word in line.split()}
    wanted = [agent for _, agent in LONG_IDS]
    if by == "conversation":
        wanted += [conversation for conversation, _ in LONG_IDS]
    assert set(wanted) <= words, width          # every id whole, on one line
    assert "…" not in console.file.getvalue()
    for b in long_ids_result.behaviours:         # no header split inside a word
        assert not any(part in words for part in (b[:5], b[:6], b[:8]) if part != b
                       and part not in b.split("_")), (width, b)


def test_narrow_tables_explain_their_short_headers(long_ids_result):
    console = Console(file=io.StringIO(), width=80, color_system=None)
    terminal.print_audit(long_ids_result, console, by="agent")
    text = console.file.getvalue()
    assert "B1" in text and "B1=acknowledge" in text and "B5=follow_up" in text
