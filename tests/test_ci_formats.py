"""Every output format, through the CLI: parsed or validated by its own rules.

Fixture: the rubric's worked example (curt reply: acknowledge, be_present and follow_up missed,
return_to_solving met; good reply: all met) as JSON with one turn object per line, and a
one-reply chat in CSV. Expected lines are found in the fixture text, not in the output.
"""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from empathy_audit.cli import app

from .conftest import CURT, DISCLOSURE, GOOD
from empathy_audit.formatters.github import command, escape_data, escape_property
from empathy_audit.formatters.registry import RENDERERS, OutputFormat

SCHEMA = Path(__file__).parent / "fixtures" / "sarif" / "sarif-2.1.0-subset.schema.json"
CRASH = "The app crashes every time I open my invoices page."
GENERIC = "Please send us a private message so we can assist."
CURT_MISSES = {"acknowledge", "be_present", "follow_up"}


def _turn(speaker: str, text: str) -> str:
    return json.dumps({"speaker": speaker, "text": text})


@pytest.fixture
def transcripts(tmp_path: Path) -> Path:
    folder = tmp_path / "transcripts"
    folder.mkdir()
    (folder / "calls.json").write_text("\n".join([
        "[",
        '  {"conversation_id": "curt", "agent_id": "dana", "turns": [',
        "    " + _turn("customer", DISCLOSURE) + ",",
        "    " + _turn("agent", CURT),
        "  ]},",
        '  {"conversation_id": "good", "agent_id": "lee", "turns": [',
        "    " + _turn("customer", DISCLOSURE) + ",",
        "    " + _turn("agent", GOOD),
        "  ]}",
        "]", ""]), encoding="utf-8")
    (folder / "chats.csv").write_text(
        "conversation_id,speaker,agent_id,text\n"
        f'app,customer,sam,"{CRASH}"\n'
        f'app,agent,sam,"{GENERIC}"\n', encoding="utf-8")
    return folder


def line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def run(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def missed_count(folder: Path) -> int:
    document = json.loads(run("audit", folder, "--format", "json").stdout)
    return sum(v["verdict"] == "missed" for c in document["conversations"]
               for v in c["verdicts"].values())


def test_every_format_has_a_renderer():
    assert set(RENDERERS) == set(OutputFormat)


@pytest.mark.parametrize("fmt", list(OutputFormat))
def test_every_format_renders_the_same_bytes_twice(transcripts, fmt):
    first = run("audit", transcripts, "--format", fmt.value)
    second = run("audit", transcripts, "--format", fmt.value)
    assert first.exit_code == 0, first.stderr
    assert first.stdout.strip()
    assert first.stdout == second.stdout


@pytest.mark.parametrize("fmt", [f for f in OutputFormat if f is not OutputFormat.table])
def test_output_writes_the_format_to_a_file_while_the_table_prints(transcripts, tmp_path, fmt):
    target = tmp_path / f"report.{fmt.value}"   # a missing folder is an error (test_day_one)
    result = run("audit", transcripts, "--format", fmt.value, "--output", target)
    assert result.exit_code == 0, result.stderr
    assert "Agents" in result.stdout and "Behaviours" in result.stdout
    assert target.read_text(encoding="utf-8") == run("audit", transcripts, "--format",
                                                     fmt.value).stdout


def test_output_into_a_directory_is_an_error(transcripts, tmp_path):
    result = run("audit", transcripts, "--format", "sarif", "--output", tmp_path)
    assert result.exit_code == 2
    assert "--output" in result.stderr


# ---------------------------------------------------------------- JUnit

def test_junit_has_a_suite_per_conversation_and_a_failure_per_miss(transcripts):
    root = ET.fromstring(run("audit", transcripts, "--format", "junit").stdout.encode())
    assert root.tag == "testsuites"
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert set(suites) == {"curt", "good", "app"}
    curt = suites["curt"]
    assert curt.get("tests") == "4"          # apologize does not apply: no test case
    failed = {case.get("name").split(":")[0]: case for case in curt.findall("testcase")
              if case.find("failure") is not None}
    assert set(failed) == CURT_MISSES
    expected_line = line_of(transcripts / "calls.json", CURT)
    for case in failed.values():
        assert case.get("line") == str(expected_line)
        assert case.get("file").endswith("calls.json")
        assert "divorce" in case.find("failure").text   # the evidence: the trigger's words
    assert suites["good"].get("failures") == "0"
    assert int(root.get("failures")) == missed_count(transcripts)
    assert int(root.get("tests")) == sum(int(s.get("tests")) for s in suites.values())


def test_junit_survives_characters_xml_cannot_hold(tmp_path):
    source = tmp_path / "odd.csv"
    source.write_text("conversation_id,speaker,text\n"
                      f'odd\x0b1,customer,"This is ridiculous!!\x0c {CRASH}"\n'
                      f'odd\x0b1,agent,"{GENERIC}"\n', encoding="utf-8")
    result = run("audit", source, "--format", "junit")
    assert result.exit_code == 0, result.stderr
    root = ET.fromstring(result.stdout.encode())
    assert root.find("testsuite").get("name") == "odd\ufffd1"
    assert root.find(".//failure") is not None


# ---------------------------------------------------------------- GitHub workflow commands

# https://docs.github.com/en/actions/reference/workflow-commands-for-github-actions
GITHUB_LINE = re.compile(r"^::(error|warning|notice)"
                         r"(?: (?:file|line|endLine|col|endColumn|title)=[^,:\r\n]*"
                         r"(?:,(?:file|line|endLine|col|endColumn|title)=[^,:\r\n]*)*)?"
                         r"::[^\r\n]*$")


def test_github_escaping_follows_the_documented_rules():
    assert escape_data("100% done\r\nnext") == "100%25 done%0D%0Anext"
    assert escape_property("a: b, c%") == "a%3A b%2C c%25"
    assert command("warning", "50%\nmore", file="a,b.csv", line=3, title="x: y") == (
        "::warning file=a%2Cb.csv,line=3,title=x%3A y::50%25%0Amore")


def test_github_annotations_point_at_the_turn_that_should_have_shown_it(transcripts):
    result = run("audit", transcripts, "--format", "github", "--fail-under", "99", "--exit-zero")
    lines = result.stdout.splitlines()
    assert lines and all(GITHUB_LINE.match(line) for line in lines), lines
    json_file, csv_file = transcripts / "calls.json", transcripts / "chats.csv"
    curt = [line for line in lines if "Conversation curt" in line]
    assert len(curt) == len(CURT_MISSES)
    assert all(f"file={escape_property(str(json_file))},line={line_of(json_file, CURT)}," in line
               for line in curt)
    app_lines = [line for line in lines if "Conversation app" in line]
    assert app_lines and all(f",line={line_of(csv_file, GENERIC)}," in line for line in app_lines)
    assert lines[-1].startswith("::error title=empathy-audit gate fail-under::")
    assert len(lines) == missed_count(transcripts) + 1


# ---------------------------------------------------------------- SARIF

def test_sarif_validates_against_the_schema_and_locates_each_miss(transcripts):
    log = json.loads(run("audit", transcripts, "--format", "sarif").stdout)
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker()).validate(log)
    run_ = log["runs"][0]
    rules = [r["id"] for r in run_["tool"]["driver"]["rules"]]
    assert rules == ["acknowledge", "be_present", "return_to_solving", "apologize", "follow_up"]
    results = run_["results"]
    assert len(results) == missed_count(transcripts)
    curt = [r for r in results if r["properties"]["conversationId"] == "curt"]
    assert {r["ruleId"] for r in curt} == CURT_MISSES
    for r in curt:
        location = r["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"].endswith("transcripts/calls.json")
        assert location["region"]["startLine"] == line_of(transcripts / "calls.json", CURT)
        assert rules[r["ruleIndex"]] == r["ruleId"]


def test_sarif_schema_rejects_what_it_should(transcripts):
    """The schema file is strict enough to catch a broken log (so the test above can fail)."""
    log = json.loads(run("audit", transcripts, "--format", "sarif").stdout)
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft4Validator(schema)
    broken = json.loads(json.dumps(log))
    broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
    assert not validator.is_valid(broken)
    del log["version"]
    assert not validator.is_valid(log)


# ---------------------------------------------------------------- Markdown

def test_markdown_summary_has_agents_failed_gates_and_worst_conversations(transcripts):
    result = run("audit", transcripts, "--format", "markdown", "--require", "acknowledge=0.9")
    assert result.exit_code == 1
    text = result.stdout
    assert "### Failed gates" in text and "acknowledge: met in" in text
    tables = [line for line in text.splitlines() if line.startswith("|")]
    agents_header = next(line for line in tables if line.startswith("| agent |"))
    width = agents_header.count("|")
    for agent in ("dana", "lee", "sam"):
        row = next(line for line in tables if line.startswith(f"| {agent} |"))
        assert row.count("|") == width
    worst = text.split("### Worst conversations", 1)[1]
    rows = [line for line in worst.splitlines() if line.startswith("| ")][2:]
    # both scored 25 (one of four met, by the rubric): ties ordered by conversation id
    assert [row.split(" | ")[:3] for row in rows] == [["| app", "sam", "25.0"],
                                                      ["| curt", "dana", "25.0"]]
    assert "calls.json:" + str(line_of(transcripts / "calls.json", CURT)) in rows[1]
    assert "good |" not in worst            # a perfect conversation is not among the worst


def test_markdown_says_when_all_gates_passed(transcripts):
    text = run("audit", transcripts, "--format", "markdown").stdout
    assert "all gates passed" in text and "Failed gates" not in text
