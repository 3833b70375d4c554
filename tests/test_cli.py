import csv
import io
import json

import pytest

from .conftest import ABCD, CARE, ROOT, SAMPLES, needs_shared, write

BEHAVIOURS = ["acknowledge", "be_present", "return_to_solving", "apologize", "follow_up"]


def read_csv(path):
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def test_audit_prints_agents_behaviours_and_what_was_read(run):
    result = run("audit", SAMPLES)
    assert result.exit_code == 0, result.stderr
    for heading in ("Agents", "Behaviours", "Overall score"):
        assert heading in result.stdout
    assert "Read 2 file(s), 12 conversation(s), 32 turn(s); skipped 0 row(s)." in result.stdout


def test_exports_follow_the_contract(run, tmp_path):
    result = run("audit", SAMPLES, "--export-dir", tmp_path)
    assert result.exit_code == 0
    conversations = read_csv(tmp_path / "conversations.csv")
    assert list(conversations[0]) == ["conversation_id", "agent_id", "turns", "score", *BEHAVIOURS]
    agents = read_csv(tmp_path / "agents.csv")
    assert list(agents[0]) == ["agent_id", "conversations", "score",
                               *(f"{b}_met_rate" for b in BEHAVIOURS)]
    turns = read_csv(tmp_path / "turns.csv")
    assert list(turns[0])[:5] == ["conversation_id", "turn", "speaker", "agent_id", "text"]
    assert len(turns) == 32                       # every input turn is accounted for
    by_id = {row["conversation_id"]: row for row in conversations}
    # The rubric's worked example: the carrier's rep, then the store employee.
    assert [by_id["call-001"][b] for b in BEHAVIOURS] == ["missed", "missed", "met", "n/a", "missed"]
    assert [by_id["call-002"][b] for b in BEHAVIOURS] == ["met", "met", "met", "n/a", "met"]
    # 3 of 5 behaviours apply to call-001, one is met: 25.0 out of 100 (1 of 4 applicable).
    assert by_id["call-001"]["score"] == "25.0" and by_id["call-002"]["score"] == "100.0"
    reply = next(t for t in turns if t["conversation_id"] == "call-001" and t["turn"] == "1")
    assert set(reply["missed"].split(";")) == {"acknowledge", "be_present", "follow_up"}
    assert reply["met"] == "return_to_solving" and "next_step[" in reply["evidence"]
    # agent met rates: dana's acknowledge applied twice (call-001 missed, call-003 met)
    # an unanswered chat: nothing applied, so no score rather than a perfect one
    assert [by_id["chat-107"][b] for b in BEHAVIOURS] == ["n/a"] * 5
    assert by_id["chat-107"]["score"] == ""
    dana = next(a for a in agents if a["agent_id"] == "carrier-rep-dana")
    assert dana["conversations"] == "3" and dana["acknowledge_met_rate"] == "0.500"


def test_evidence_offsets_point_at_the_words(run, tmp_path):
    run("audit", SAMPLES, "--format", "json", "--export-dir", tmp_path)
    document = json.loads(run("audit", SAMPLES, "--format", "json").stdout)
    texts = {(r["conversation_id"], int(r["turn"])): r["text"]
             for r in read_csv(tmp_path / "turns.csv")}
    for conversation in document["conversations"]:
        for turn in conversation["turns"]:
            text = texts[(conversation["conversation_id"], turn["turn"])]
            for cue in turn["cues"]:
                assert text[cue["start"]:cue["end"]].replace("\u2019", "'") == \
                    cue["text"].replace("\u2019", "'")


def test_exports_are_byte_identical_across_runs(run, tmp_path):
    run("audit", SAMPLES, "--export-dir", tmp_path / "a")
    run("audit", SAMPLES, "--export-dir", tmp_path / "b")
    for name in ("turns.csv", "conversations.csv", "agents.csv", "skipped.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_json_format_is_one_document(run):
    result = run("audit", SAMPLES, "--format", "json")
    document = json.loads(result.stdout)
    assert document["summary"] == {"files": 2, "conversations": 12, "turns": 32, "skipped": 0,
                                   "score": document["summary"]["score"]}
    assert sum(document["behaviours"]["apologize"].values()) == 12
    call = next(c for c in document["conversations"] if c["conversation_id"] == "call-001")
    assert call["verdicts"]["acknowledge"]["missed_turns"] == [1]


@pytest.mark.parametrize("threshold,code", [("0", 0), ("100", 1)])
def test_fail_under_sets_the_exit_code(run, threshold, code):
    result = run("audit", SAMPLES, "--fail-under", threshold)
    assert result.exit_code == code
    assert ("gate failed: fail-under" in result.stderr) == (code == 1)


@pytest.mark.parametrize("content,message", [
    ("conversation_id,speaker\nc1,agent\n", "bad.csv:1: [text] missing required column 'text'"),
    ("conversation_id,speaker,text\nc1,agent,\"unterminated\n", "bad.csv:2"),
])
def test_bad_input_exits_2_with_one_line_and_writes_nothing(run, tmp_path, content, message):
    bad = write(tmp_path / "in" / "bad.csv", content)
    out = tmp_path / "out"
    result = run("audit", bad, "--export-dir", out)
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert not out.exists() or not any(out.iterdir())


def test_skipped_rows_are_reported_with_file_and_line(run, tmp_path):
    path = write(tmp_path / "t.csv", "conversation_id,speaker,text\n,agent,x\nc1,customer,hi\n")
    result = run("audit", path, "--export-dir", tmp_path / "out")
    assert result.exit_code == 0
    assert "skipped 1 row(s): 1 empty conversation_id" in result.stdout
    assert f"skipped: {path}:2: empty conversation_id" in result.stderr
    assert read_csv(tmp_path / "out" / "skipped.csv") == [
        {"source_file": str(path), "source_line": "2", "reason": "empty conversation_id"}]
    strict = run("audit", path, "--strict")
    assert strict.exit_code == 2 and f"{path}:2:" in strict.stderr


def test_invalid_checklist_exits_2(run, tmp_path):
    checklist = write(tmp_path / "c.yaml", "cues: {}\nbehaviours:\n  x:\n    title: 1\n")
    result = run("audit", SAMPLES, "--checklist", checklist)
    assert result.exit_code == 2 and "c.yaml:" in result.stderr


def test_unknown_map_field_is_a_usage_error(run):
    result = run("audit", SAMPLES, "--map", "colour=message")
    assert result.exit_code == 2 and "unknown field 'colour'" in result.stderr


def test_spreadsheet_formulas_are_neutralised(run, tmp_path):
    path = write(tmp_path / "t.csv", "conversation_id,speaker,agent_id,text\n"
                 "c1,customer,=cmd|' /C calc'!A0,\"=HYPERLINK(\"\"http://x\"\")\"\n"
                 "c1,agent,@evil,+1 -2\n")
    run("audit", path, "--export-dir", tmp_path / "out")
    for name in ("turns.csv", "conversations.csv", "agents.csv"):
        for row in csv.reader(io.StringIO((tmp_path / "out" / name).read_text())):
            assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row), row


def test_explain_shows_words_missed_turns_and_verdicts(run):
    result = run("explain", SAMPLES, "--conversation", "call-001")
    assert result.exit_code == 0
    out = result.stdout
    assert "Where do you want your bills mailed?" in out
    assert "cue life_event" in out and '"divorce"' in out
    assert "✗ acknowledge expected here" in out
    assert "✓ return_to_solving" in out
    assert "Score: 25.0" in out
    missing = run("explain", SAMPLES, "--conversation", "nope")
    assert missing.exit_code == 2 and "conversation 'nope' not found" in missing.stderr


def test_checklist_validate_and_show(run, tmp_path):
    ok = run("checklist", "validate", ROOT / "checklists" / "default.yaml")
    assert ok.exit_code == 0 and "OK (14 cues, 5 behaviours)" in ok.stdout
    shown = run("checklist", "show")
    assert "acknowledge — Pause and acknowledge" in shown.stdout
    assert "Where do you want your bills mailed?" in shown.stdout   # the example that misses
    bad = run("checklist", "validate", write(tmp_path / "x.yaml", "cues: [\n"))
    assert bad.exit_code == 2 and "x.yaml:" in bad.stderr


def test_custom_behaviours_from_yaml_alone(run, tmp_path):
    transcript = write(tmp_path / "t.csv", "conversation_id,speaker,text\n"
                       "c1,customer,My order is late and I'm upset.\n"
                       "c1,agent,Calm down. You should have ordered earlier.\n"
                       "c2,customer,Hi there my order is late\n"
                       "c2,agent,\"Hi Maria, I'm sorry it's late: I've refunded the shipping.\"\n")
    blame = run("audit", transcript, "-c", ROOT / "checklists/examples/avoid-blame.yaml",
                "--export-dir", tmp_path / "a")
    rows = {r["conversation_id"]: r for r in read_csv(tmp_path / "a" / "conversations.csv")}
    assert blame.exit_code == 0
    assert rows["c1"]["avoid_blame"] == "missed" and rows["c1"]["score"] == "0.0"   # critical
    assert rows["c2"]["avoid_blame"] == "met"
    run("audit", transcript, "-c", ROOT / "checklists/examples/greet-by-name.yaml",
        "--export-dir", tmp_path / "g")
    rows = {r["conversation_id"]: r for r in read_csv(tmp_path / "g" / "conversations.csv")}
    assert rows["c1"]["greet_by_name"] == "missed" and rows["c2"]["greet_by_name"] == "met"


@needs_shared
def test_shared_data_jsonl_and_csv_give_identical_verdicts(run, tmp_path):
    for name, source in (("jsonl", CARE / "conversations.jsonl"), ("csv", CARE / "turns.csv")):
        result = run("audit", source, "--export-dir", tmp_path / name)
        assert result.exit_code == 0
        assert "2335 conversation(s), 6891 turn(s); skipped 0 row(s)" in result.stdout
    for name in ("conversations.csv", "agents.csv"):
        assert (tmp_path / "jsonl" / name).read_bytes() == (tmp_path / "csv" / name).read_bytes()
    strip = lambda rows: [{k: v for k, v in r.items() if not k.startswith("source_")} for r in rows]
    assert strip(read_csv(tmp_path / "jsonl" / "turns.csv")) == \
        strip(read_csv(tmp_path / "csv" / "turns.csv"))


@needs_shared
def test_abcd_audits_without_error(run):
    result = run("audit", ABCD)
    assert result.exit_code == 0
    assert "3 conversation(s), 72 turn(s); skipped 0 row(s)" in result.stdout


def test_engine_options_are_never_silently_ignored(run):
    bad = run("audit", SAMPLES, "--scheduler", "tcp://127.0.0.1:8786")
    assert bad.exit_code == 2 and "--scheduler needs --engine dask" in bad.stderr
    in_memory = run("audit", SAMPLES, "--format", "json", "--jobs", "2")
    assert in_memory.exit_code == 0
    assert "the audit runs in memory in this process; --jobs and --engine are not used" \
        in in_memory.stderr
    json.loads(in_memory.stdout)          # the note went to stderr, stdout stays one document


@pytest.mark.parametrize("command", ["diff", "expect", "evaluate"])
def test_csv_files_read_back_give_located_errors_not_tracebacks(run, tmp_path, command):
    """Expectation files, labels and export directories are read like transcripts: a bad
    byte or a short row is one located line, exit 2."""
    bad_byte = "conversation_id,acknowledge\ncall-001,caf\xe9\n".encode("latin-1")
    short_row = b"conversation_id,acknowledge,be_present\ncall-001,met\n"
    for content, message in ((bad_byte, ":2: cannot decode byte 0xe9 as utf-8-sig; re-save "
                                        "the file as UTF-8"),
                             (short_row, ":2: row has 2 fields, header has 3")):
        if command == "diff":
            old, new = tmp_path / "old", tmp_path / "new"
            run("audit", SAMPLES, "--export-dir", old)
            run("audit", SAMPLES, "--export-dir", new)
            (new / "conversations.csv").write_bytes(content)
            result = run("diff", old, new)
        else:
            path = tmp_path / "file.csv"
            path.write_bytes(content)
            option = "--expect" if command == "expect" else "--labels"
            result = run("evaluate" if command == "evaluate" else "audit", SAMPLES, option, path)
        assert result.exit_code == 2, result.stderr
        assert message in result.stderr and "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
