"""Every CSV the tool writes survives every control character: one row per record when read
back with `csv` and with pandas, each cell as written, formulas still neutralised."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest

from .conftest import write

CONTROL = [chr(c) for c in range(0x20)] + ["\x7f", "\u2028", "\u2029", "\x85"]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def hostile_turns() -> list[dict[str, str]]:
    """One conversation per control character, with that character inside the conversation
    id, the agent id and both texts; the agent's text also starts a formula after it."""
    turns = []
    for n, ch in enumerate(CONTROL):
        cid, agent = f"c{n:02d}{ch}id", f"agent{ch}{n % 3}"
        turns.append({"conversation_id": cid, "speaker": "customer", "agent_id": agent,
                      "text": f"I lost my job{ch}and I'm scared"})
        turns.append({"conversation_id": cid, "speaker": "agent", "agent_id": agent,
                      "text": f"I'm so sorry{ch}=HYPERLINK(\"http://x\"){ch}I can help today."})
    turns.append({"conversation_id": "=1+1", "speaker": "agent", "agent_id": "\r=2+2",
                  "text": "\r-3+3"})
    return turns


def read_back(path: Path) -> list[list[str]]:
    """Rows as `csv` reads them, and check pandas reads the same cells."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, strict=True))
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    assert [list(frame.columns), *frame.values.tolist()] == rows, path.name
    return rows


def unguarded(cell: str) -> str:
    assert not cell.startswith(FORMULA_START), f"formula not neutralised: {cell!r}"
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_START) else cell


def assert_ids_round_trip(rows: list[list[str]], column: str, expected: set[str]) -> None:
    index = rows[0].index(column)
    assert {unguarded(row[index]) for row in rows[1:]} == expected


@pytest.fixture
def hostile(tmp_path) -> Path:
    return write(tmp_path / "in" / "hostile.json", json.dumps(hostile_turns()))


@pytest.mark.parametrize("engine_args", [["--format", "json"], ["--jobs", "1"]],
                         ids=["in-memory", "streamed"])
def test_audit_exports_round_trip_every_control_character(run, hostile, tmp_path, engine_args):
    turns = hostile_turns()
    out = tmp_path / "out"
    result = run("audit", hostile, "-o", out, "--quiet", *engine_args)
    assert result.exit_code == 0, result.stderr
    turn_rows = read_back(out / "turns.csv")
    assert len(turn_rows) - 1 == len(turns)
    header = turn_rows[0]
    texts = [unguarded(row[header.index("text")]) for row in turn_rows[1:]]
    assert sorted(texts) == sorted(t["text"] for t in turns)
    ids = {t["conversation_id"].strip() for t in turns}
    assert_ids_round_trip(read_back(out / "conversations.csv"), "conversation_id", ids)
    assert_ids_round_trip(read_back(out / "agents.csv"), "agent_id",
                          {t["agent_id"].strip() for t in turns})
    assert read_back(out / "skipped.csv") == [["source_file", "source_line", "reason"]]


def test_skipped_csv_round_trips_a_control_character_in_the_file_name(run, tmp_path):
    name = "bad\rname=1.csv"
    write(tmp_path / "in" / name, "conversation_id,speaker,text\nc1,,hello\nc1,agent,hi\n")
    out = tmp_path / "out"
    result = run("audit", tmp_path / "in", "-o", out, "--quiet")
    assert result.exit_code == 0, result.stderr
    rows = read_back(out / "skipped.csv")
    assert len(rows) == 2 and unguarded(rows[1][0]).endswith(name)


def test_expected_snapshot_with_control_characters_is_read_back(run, hostile, tmp_path):
    expected = tmp_path / "expected.csv"
    written = run("audit", hostile, "--expect", expected, "--update-expected")
    assert written.exit_code == 0, written.stderr
    rows = read_back(expected)
    assert len(rows) - 1 == len({t["conversation_id"] for t in hostile_turns()})
    again = run("audit", hostile, "--expect", expected)
    assert again.exit_code == 0, again.stderr
    assert "changed:" not in again.stderr


def test_report_tables_round_trip_every_control_character(run, hostile, tmp_path):
    out = tmp_path / "report"
    result = run("report", hostile, "-o", out, "--quiet")
    assert result.exit_code == 0, result.stderr
    agents = {t["agent_id"].strip() for t in hostile_turns()}
    assert_ids_round_trip(read_back(out / "summary.csv"), "agent_id", agents)
    cards = sorted((out / "scorecards").glob("*.csv"))
    assert len(cards) == len(agents)
    ids = set()
    for card in cards:
        rows = read_back(card)
        ids |= {unguarded(row[0]) for row in rows[1:-1]}   # the last row is the total
    assert ids == {t["conversation_id"].strip() for t in hostile_turns()}
    sheets = pd.read_excel(out / "summary.xlsx", sheet_name=None, dtype=str)
    assert len(sheets["conversations"]) == len(ids)


def test_redacted_csv_keeps_every_row_whole(run, tmp_path):
    rows = [["conversation_id", "speaker", "text"]] + [
        [f"c{n}", "customer", f"mail bob@example.com{ch}=1+1"] for n, ch in enumerate(CONTROL)]
    source = tmp_path / "in" / "t.csv"
    source.parent.mkdir()
    with source.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, quoting=csv.QUOTE_ALL).writerows(rows)
    result = run("redact", source, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.stderr
    redacted = read_back(tmp_path / "out" / "t.csv")
    assert len(redacted) == len(rows)
    assert [row[0] for row in redacted] == [row[0] for row in rows]
    assert not any("bob@example.com" in row[2] for row in redacted)
