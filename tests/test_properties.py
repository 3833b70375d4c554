"""Property: whatever the CSV, JSON or JSON Lines input (control characters, any Unicode,
quotes, missing fields), `audit` ends with exit 0 or 2, never a traceback, and when it
succeeds every input turn is in turns.csv or in skipped.csv.

Fixed seed (derandomize) and a bounded number of examples: about 20 s in all."""
from __future__ import annotations

import csv
import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from empathy_audit.cli import app

from .test_checklist import MINIMAL

SPECIAL = [chr(c) for c in range(0x20)] + ["\x7f", "\x85", "\u2028", "\u2029", "\ufeff",
                                          '"', "'", ",", ";", "[", "]", "[/]", "=", "@", "|"]
TEXT = st.lists(st.sampled_from(SPECIAL) | st.characters(exclude_categories=("Cs",)),
                max_size=10).map("".join)
SPEAKER = st.sampled_from(["agent", "customer", "Agent 2", "system", "", " ", "who?"]) | TEXT
FIELDS = ("conversation_id", "speaker", "text", "agent_id", "turn")
VALUE = {"conversation_id": st.sampled_from(["c1", "c2", " c3 "]) | TEXT, "speaker": SPEAKER,
         "text": st.sampled_from(["I'm upset", "so sorry"]) | TEXT, "agent_id": TEXT,
         "turn": st.sampled_from(["1", "2", "nan", "1e400", "-0", str(2 ** 60)]) | TEXT}
# Each turn: every field present or not (a missing field: a skipped row, never lost).
TURN = st.fixed_dictionaries({}, optional=VALUE)
TURNS = st.lists(TURN, min_size=1, max_size=8)
PROPERTY = settings(derandomize=True, max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def write_input(folder: Path, fmt: str, turns: list[dict[str, str]]) -> Path:
    path = folder / f"input.{fmt}"
    if fmt == "json":
        path.write_text(json.dumps(turns, ensure_ascii=False), encoding="utf-8")
    elif fmt == "jsonl":
        path.write_text("".join(json.dumps(t, ensure_ascii=False) + "\n" for t in turns),
                        encoding="utf-8")
    else:   # every column of the CSV; a turn without a field has it empty
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, quoting=csv.QUOTE_ALL)
            writer.writerow(FIELDS)
            writer.writerows([t.get(f, "") for f in FIELDS] for t in turns)
    return path


def rows(path: Path) -> int:
    with path.open(encoding="utf-8", newline="") as handle:
        return sum(1 for _ in csv.reader(handle, strict=True)) - 1   # less the header


def check_audit(fmt: str, turns: list[dict[str, str]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        checklist = folder / "checklist.yaml"
        checklist.write_text(MINIMAL, encoding="utf-8")
        source, out = write_input(folder, fmt, turns), folder / "out"
        result = CliRunner().invoke(app, ["audit", str(source), "-c", str(checklist),
                                          "-o", str(out), "--quiet"])
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            f"{type(result.exception).__name__}: {result.exception}")
        assert result.exit_code in (0, 2), result.stderr
        assert "Traceback" not in result.stderr
        if result.exit_code == 0:
            assert rows(out / "turns.csv") + rows(out / "skipped.csv") == len(turns)
        else:
            assert result.stderr.startswith("error: ") and not list(out.glob("*.csv"))


@PROPERTY
@given(TURNS)
def test_any_csv_input(turns):
    check_audit("csv", turns)


@PROPERTY
@given(TURNS)
def test_any_json_input(turns):
    check_audit("json", turns)


@PROPERTY
@given(TURNS)
def test_any_json_lines_input(turns):
    check_audit("jsonl", turns)
