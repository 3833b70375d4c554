"""--expect / --update-expected: a snapshot test for checklists, through the CLI."""
from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

from typer.testing import CliRunner

from empathy_audit.cli import app

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
DEFAULT_CHECKLIST = ROOT / "checklists" / "default.yaml"


def run(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def read_rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def write_rows(path: Path, rows: list[dict[str, str]]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def test_update_expected_writes_the_verdicts_of_conversations_csv(tmp_path):
    expected = tmp_path / "expected.csv"
    result = run("audit", SAMPLES, "--expect", expected, "--update-expected", "-o", tmp_path / "x")
    assert result.exit_code == 0, result.stderr
    rows = read_rows(expected)
    exported = read_rows(tmp_path / "x" / "conversations.csv")
    behaviours = ["acknowledge", "be_present", "return_to_solving", "apologize", "follow_up"]
    assert list(rows[0]) == ["conversation_id", *behaviours]
    assert rows == [{k: r[k] for k in ["conversation_id", *behaviours]} for r in exported]
    again = tmp_path / "again.csv"
    run("audit", SAMPLES, "--expect", again, "--update-expected")
    assert again.read_bytes() == expected.read_bytes()      # deterministic


def test_expect_passes_when_nothing_changed(tmp_path):
    expected = tmp_path / "expected.csv"
    run("audit", SAMPLES, "--expect", expected, "--update-expected")
    result = run("audit", SAMPLES, "--expect", expected)
    assert result.exit_code == 0, result.stderr
    assert "changed:" not in result.stderr


def test_expect_lists_every_changed_verdict_with_old_new_and_evidence(tmp_path):
    expected = tmp_path / "expected.csv"
    run("audit", SAMPLES, "--expect", expected, "--update-expected")
    rows = read_rows(expected)
    # call-001 is the rubric's curt reply: acknowledge missed. Pretend it used to be met.
    index = next(i for i, r in enumerate(rows) if r["conversation_id"] == "call-001")
    assert rows[index]["acknowledge"] == "missed"
    rows[index]["acknowledge"] = "met"
    write_rows(expected, rows)
    result = run("audit", SAMPLES, "--expect", expected)
    assert result.exit_code == 1
    changed = [line for line in result.stderr.splitlines() if line.startswith("changed:")]
    assert len(changed) == 1
    line = changed[0]
    assert f"{expected}:{index + 2}: call-001 acknowledge: expected met, got missed" in line
    assert "no acknowledgement" in line and "calls.json:" in line    # reason and where
    assert "gate failed: expect: 1 verdict(s) differ" in result.stderr


def test_a_checklist_change_shows_up_as_changed_verdicts(tmp_path):
    expected = tmp_path / "expected.csv"
    run("audit", SAMPLES, "--expect", expected, "--update-expected")
    before = {r["conversation_id"]: r for r in read_rows(expected)}
    # follow_up judged on the first reply only: conversations whose follow-up came later flip
    text = DEFAULT_CHECKLIST.read_text(encoding="utf-8")
    shutil.copytree(DEFAULT_CHECKLIST.parent / "models", tmp_path / "models",
                    dirs_exist_ok=True)   # the copy's learned-cue model files
    old = "agent_cue: follow_up, turns: all"
    assert old in text
    stricter = tmp_path / "stricter.yaml"
    stricter.write_text(text.replace(old, "agent_cue: follow_up, turns: first_reply"),
                        encoding="utf-8")
    new_expected = tmp_path / "new.csv"
    run("audit", SAMPLES, "-c", stricter, "--expect", new_expected, "--update-expected")
    after = {r["conversation_id"]: r for r in read_rows(new_expected)}
    flipped = sorted(c for c in before if before[c]["follow_up"] != after[c]["follow_up"])
    assert flipped, "the stricter rule should change at least one sample"
    result = run("audit", SAMPLES, "-c", stricter, "--expect", expected)
    assert result.exit_code == 1
    # changed: FILE:LINE: CONVERSATION BEHAVIOUR: expected OLD, got NEW: EVIDENCE
    listed = sorted(line.split(": ")[2].split()[0] for line in result.stderr.splitlines()
                    if line.startswith("changed:"))
    assert listed == flipped
    assert run("audit", SAMPLES, "-c", stricter, "--expect", expected, "--exit-zero").exit_code == 0


def test_a_conversation_that_disappeared_is_a_change(tmp_path):
    expected = tmp_path / "expected.csv"
    run("audit", SAMPLES, "--expect", expected, "--update-expected")
    result = run("audit", SAMPLES / "chats.csv", "--expect", expected)
    assert result.exit_code == 1
    assert "call-001 acknowledge: expected missed, got absent" in result.stderr


def test_update_expected_needs_expect(tmp_path):
    result = run("audit", SAMPLES, "--update-expected")
    assert result.exit_code == 2
    assert "--update-expected needs --expect FILE" in result.stderr


def test_missing_or_broken_expectation_is_a_located_error(tmp_path):
    missing = run("audit", SAMPLES, "--expect", tmp_path / "nope.csv")
    assert missing.exit_code == 2 and "nope.csv" in missing.stderr
    assert "--update-expected" in missing.stderr
    broken = tmp_path / "broken.csv"
    broken.write_text("conversation_id,acknowledge\ncall-001,met\ncall-002,maybe\n", encoding="utf-8")
    result = run("audit", SAMPLES, "--expect", broken)
    assert result.exit_code == 2
    assert result.stderr.strip() == (f"error: {broken}:3: [acknowledge] verdict 'maybe' is not "
                                     f"one of met, missed, n/a")
    no_id = tmp_path / "no_id.csv"
    no_id.write_text("id,acknowledge\n", encoding="utf-8")
    assert run("audit", SAMPLES, "--expect", no_id).exit_code == 2


def test_expected_csv_neutralises_formula_cells_and_reads_them_back(tmp_path):
    source = tmp_path / "t.csv"
    source.write_text("conversation_id,speaker,text\n"
                      "=HYPERLINK(1),customer,The app crashes every time I open it.\n"
                      "=HYPERLINK(1),agent,Sorry about that! Which phone do you use?\n"
                      "-7,customer,My order never arrived.\n"
                      "-7,agent,I'm sorry. I've sent a replacement today.\n", encoding="utf-8")
    expected = tmp_path / "expected.csv"
    assert run("audit", source, "--expect", expected, "--update-expected").exit_code == 0
    ids = [line.split(",")[0] for line in expected.read_text(encoding="utf-8").splitlines()[1:]]
    assert ids == ["'=HYPERLINK(1)", "'-7"]
    result = run("audit", source, "--expect", expected)
    assert result.exit_code == 0, result.stderr


def test_an_unwritable_output_is_one_error_line(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    result = run("audit", SAMPLES, "--format", "sarif", "--output", blocker / "report.sarif")
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
