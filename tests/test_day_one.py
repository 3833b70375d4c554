"""A new user's first day: the package installs what the README names, messages read the
same at any terminal width, and the heavy dependencies stay where they serve."""
from __future__ import annotations

import csv
import io
import importlib
import os
import json
import re
import shutil
import subprocess
import sys
import tomllib

import pytest
import yaml
from rich.console import Console

from empathy_audit import checklist as checklist_module
from empathy_audit.checklist import bundled_checklists, load_checklist
from empathy_audit.errors import UserError
from empathy_audit.formatters import sarif

from .conftest import ROOT, SAMPLES

app_module = importlib.import_module("empathy_audit.cli.app")   # the module, not the Typer app
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.fixture
def narrow(monkeypatch):
    """Both consoles 40 columns wide, as a pipe or a small CI log would make them."""
    for console in (app_module.stdout, app_module.stderr):
        monkeypatch.setattr(console, "_width", 40)


def test_messages_stay_on_one_line_at_any_width(run, narrow, tmp_path):
    deep = tmp_path / "a-folder-with-a-long-name" / "and-another-one" / "checklist.yaml"
    deep.parent.mkdir(parents=True)
    deep.write_bytes(bundled_checklists()["default"].read_bytes())
    shutil.copytree(bundled_checklists()["default"].parent / "models", deep.parent / "models")
    result = run("checklist", "validate", deep)
    [line] = result.stdout.splitlines()
    assert re.fullmatch(re.escape(str(deep)) + r": OK \(\d+ cues, 5 behaviours\)", line)
    missing = run("audit", tmp_path / "no-such-folder-with-a-long-name-here" / "x.csv")
    assert missing.exit_code == 2 and len(missing.stderr.splitlines()) == 1


def test_license_file_is_the_apache_license():
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert PYPROJECT["project"]["license"] == "Apache-2.0"
    assert "Apache License" in text and "Version 2.0, January 2004" in text
    assert "END OF TERMS AND CONDITIONS" in text and "APPENDIX" in text


def test_project_urls_and_sarif_point_at_the_repository():
    urls = PYPROJECT["project"]["urls"]
    assert sarif.INFORMATION_URI == urls["Source"] == urls["Homepage"]
    assert all(url.startswith(urls["Source"]) for url in urls.values())
    assert any(c.startswith("Programming Language :: Python :: 3.11")
               for c in PYPROJECT["project"]["classifiers"])
    assert f"git clone {urls['Source']}" in README


def test_readme_never_installs_from_pypi():
    """There is no release on PyPI: every pip command installs a clone, a wheel or a git URL."""
    found = list(re.finditer(r"pip install ([^\n`&]*)", README))
    assert len(found) >= 5
    for match in found:
        args = match.group(1)
        targets = [a.strip("'\"") for a in args.split() if not a.startswith("-")]
        from_pypi = [t for t in targets if t.startswith("empathy-audit")]
        if from_pypi and "@ git+https://" not in args:
            assert README[match.end():].startswith("` does not work"), args


def test_bundled_checklists_are_in_the_wheel_and_addressable_by_name(run):
    force = PYPROJECT["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert force == {"checklists": "empathy_audit/checklists"}
    names = bundled_checklists()
    on_disk = {p.stem for p in (ROOT / "checklists").rglob("*.yaml")}
    assert set(names) == on_disk >= {"default", "avoid-blame", "greet-by-name"}
    assert "blame" in load_checklist("avoid-blame").behaviours.keys().__str__()
    listed = run("checklist", "list")
    assert listed.exit_code == 0
    assert [line.split(":")[0] for line in listed.stdout.splitlines()] == list(names)
    audited = run("audit", SAMPLES, "--checklist", "greet-by-name", "--format", "json")
    assert audited.exit_code in (0, 1) and '"greet_by_name"' in audited.stdout


def test_an_unknown_checklist_name_lists_the_bundled_ones(run):
    result = run("audit", SAMPLES, "--checklist", "avoid-blam")
    assert result.exit_code == 2
    assert result.stderr.strip() == ("error: [checklist] no checklist file or bundled checklist "
                                     "named 'avoid-blam' (bundled: default, avoid-blame, "
                                     "greet-by-name)")


def test_a_file_beside_wins_over_a_bundled_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "default").write_text("extends: avoid-blame\nname: mine\n", encoding="utf-8")
    assert load_checklist("default").name == "mine"   # the file, extending a bundled name
    with pytest.raises(UserError, match="bundled: default"):
        checklist_module.resolve_checklist("nope")


def test_pyarrow_is_gone_and_pandas_stays_in_report():
    assert not any(d.startswith(("pyarrow", "pandas", "openpyxl"))
                   for d in PYPROJECT["project"]["dependencies"])
    assert PYPROJECT["project"]["optional-dependencies"]["report"] == ["pandas>=2.2",
                                                                       "openpyxl>=3.1"]
    sources = (ROOT / "empathy_audit").rglob("*.py")
    importers = sorted(p.name for p in sources
                       if re.search(r"^\s*(?:import|from) (?:pandas|pyarrow|openpyxl)\b",
                                    p.read_text(encoding="utf-8"), re.M))
    assert importers == ["report_cmd.py", "report_tables.py"]
    code = ("import sys; from typer.testing import CliRunner; from empathy_audit.cli import app;"
            f"r = CliRunner().invoke(app, ['audit', {str(SAMPLES)!r}, '-f', 'json']);"
            "print(r.exit_code, sorted(m for m in sys.modules if m in ('pandas', 'pyarrow')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out[1:] == ["[]"]


def test_report_without_its_extra_names_the_extra(run, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "openpyxl", None)   # as if not installed
    result = run("report", SAMPLES, "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "error: [report] report needs openpyxl, from the [report] extra: pip install "
        "'pandas>=2.2' 'openpyxl>=3.1'"]
    assert not (tmp_path / "out").exists()


def test_pre_commit_hooks_in_the_readme_exist_and_take_their_args(run):
    hooks = {h["id"]: h for h in yaml.safe_load(
        (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    block = re.search(r"`\.pre-commit-config\.yaml`:\n\n```yaml\n(.*?)```", README, re.S)
    config = yaml.safe_load(block.group(1))["repos"][0]
    assert config["repo"] == PYPROJECT["project"]["urls"]["Source"]
    for used in config["hooks"]:
        hook = hooks[used["id"]]
        assert hook["language"] == "python"
        words = hook["entry"].split() + used.get("args", [])
        help_text = run(words[1], "--help").stdout
        for option in (w for w in words if w.startswith("-")):
            assert option in help_text, (used["id"], option)


def test_the_inputs_own_turn_numbers_are_kept(run, tmp_path):
    """samples/chats.csv numbers chat-102's turns 1 and 2; calls.json numbers none."""
    assert run("audit", SAMPLES, "-o", tmp_path).exit_code == 0
    rows = list(csv.DictReader((tmp_path / "turns.csv").open(encoding="utf-8")))
    assert [r["turn"] for r in rows if r["conversation_id"] == "chat-102"] == ["1", "2"]
    assert [r["turn"] for r in rows if r["conversation_id"] == "call-003"] == ["0", "1", "2", "3"]
    shown = run("explain", SAMPLES, "-i", "chat-102", "--turn", "2", "--context", "0",
                "--no-pager")
    assert shown.exit_code == 0, shown.stderr
    assert "turn 2 · agent" in shown.stdout and "turn 1 ·" not in shown.stdout
    assert "turns 2 to 2 of 1 to 2" in shown.stdout


# Each reason checked by hand against the transcript (samples/) and the rubric's behaviours.
REASONS = {
    ("call-001", "acknowledge"): ("missed", "no acknowledgement in the agent's first reply after "
                                  "the distress in the customer's turn 0 (turn 1)"),
    ("call-001", "be_present"): ("missed", "engagement with this customer in 0 of 1 agent reply "
                                 "after the customer's turn 0 (turn 1); at least 50% needed"),
    ("call-001", "return_to_solving"): ("met", "next step in turn 1"),
    ("call-001", "apologize"): ("n/a", "the customer's turns show no problem"),
    ("call-001", "follow_up"): ("missed", "no follow-up in the agent's reply (turn 1)"),
    ("chat-102", "apologize"): ("missed", "no apology in the agent's reply after the problem in "
                                "the customer's turn 1 (turn 2)"),
    ("call-003", "acknowledge"): ("met", "acknowledgement in turn 2"),
}


def test_reasons_read_as_a_qa_analyst_says_them():
    from empathy_audit import audit
    results = {r.conversation.conversation_id: r for r in audit([SAMPLES]).conversations}
    for (conversation, behaviour), (verdict, reason) in REASONS.items():
        got = results[conversation].verdicts[behaviour]
        assert (got.verdict, got.reason) == (verdict, reason), (conversation, behaviour)
    every = [v.reason for r in results.values() for v in r.verdicts.values()]
    for reason in every:   # no debug tells: raw cue ids, "needs", "from the first ... on"
        assert "_" not in reason and "needs" not in reason and " show specific" not in reason
        assert "from the first" not in reason   # samples have no from_cue start


def test_from_cue_is_named_only_when_it_was_found():
    from empathy_audit.checklist import Behaviour
    from empathy_audit.scoring import _Turns, judge
    behaviour = Behaviour.model_validate({
        "title": "t", "description": "d", "applies_when": {"customer_cue": "request"},
        "met_when": {"agent_cue": "next_step", "from_cue": "acknowledgement"}})
    names = {"request": "request", "next_step": "next step", "acknowledgement": "acknowledgement"}
    without = _Turns([frozenset({"request"}), frozenset()], [0], [1], ["0", "1"], names)
    assert judge("b", behaviour, without).reason == (
        "no next step in the agent's reply after the request in the customer's turn 0 (turn 1)")
    acknowledged = _Turns([frozenset({"request"}), frozenset(), frozenset({"acknowledgement"})],
                          [0], [1, 2], ["0", "1", "2"], names)
    assert judge("b", behaviour, acknowledged).reason == (
        "no next step in the agent's reply after the request in the customer's turn 0 from the "
        "first acknowledgement on (turn 2)")


def test_checklist_show_says_what_every_cue_means(run):
    shown = run("checklist", "show").stdout
    flat = " ".join(shown.split())
    for cue_id, cue in load_checklist(None).cues.items():
        assert cue_id in shown
        assert " ".join(cue.description.split())[:40] in flat, cue_id


@pytest.mark.parametrize("options, shown", [((), True), (("--quiet",), False),
                                            (("-f", "json"), True)])
def test_every_audit_path_shows_progress_on_a_terminal(run, monkeypatch, options, shown):
    """The default audit streams its chunks; the bar must follow them too, not only -f json."""
    from empathy_audit.cli.progress import ScoringProgress
    from empathy_audit.engine import run as engine_run
    bars = []

    class OnATerminal(ScoringProgress):   # stderr as a terminal, and no 2 s wait
        def __init__(self, console, *, enabled=True):
            super().__init__(Console(file=io.StringIO(), force_terminal=True),
                             enabled=enabled, delay=0)
            bars.append(self)

    monkeypatch.setattr(app_module, "ScoringProgress", OnATerminal)
    monkeypatch.setattr(engine_run, "TURNS_PER_CHUNK", 5)
    monkeypatch.setattr(importlib.import_module("empathy_audit.audit"), "PROGRESS_EVERY", 1)
    result = run("audit", SAMPLES, "--jobs", "1", *options)
    assert result.exit_code == 0, result.stderr
    assert [bar.shown for bar in bars] == [shown]
    if shown:
        assert "Scoring 2 file(s)" in bars[0].console.file.getvalue()


def test_audit_says_what_it_wrote(run, tmp_path):
    result = run("audit", SAMPLES, "-o", tmp_path / "out", "--output", tmp_path / "a.sarif",
                 "-f", "sarif")
    assert result.exit_code == 0, result.stderr
    assert f"Wrote {tmp_path / 'a.sarif'} (sarif)" in result.stderr.splitlines()
    assert (f"Wrote conversations.csv, agents.csv, turns.csv, skipped.csv in {tmp_path / 'out'}"
            in result.stderr.splitlines())
    streamed = run("audit", SAMPLES, "-o", tmp_path / "streamed")
    assert streamed.stderr.splitlines()[0] == (
        f"Wrote conversations.csv, agents.csv, turns.csv, skipped.csv in {tmp_path / 'streamed'}")


def _commands(command, path=()):
    yield path, command
    for name, sub in getattr(command, "commands", {}).items():
        yield from _commands(sub, (*path, name))


def test_help_has_no_python_type_names_and_every_option_a_help_line(run):
    from typer.main import get_command
    root = get_command(app_module.app)
    for path, command in _commands(root):
        for param in command.params:
            assert param.name == "help" or getattr(param, "help", None), (path, param.name)
        text = run(*path, "--help").stdout
        assert not re.search(r"<(?:list\[|str>|int|float>|path>|bool>)", text), (path, text)
        assert all(len(line) <= 80 for line in text.splitlines()), path
    assert "[dask]" in run("audit", "--help").stdout or "dask extra" in run("audit", "--help").stdout


@pytest.mark.parametrize("args, message", [
    (("audit", str(SAMPLES), "--top", "0"), "error: Invalid value for '--top': "),
    (("audit", "--bogus"), "error: No such option: --bogus"),
    (("audit", str(SAMPLES), "-f", "nope"), "error: Invalid value for '--format' / '-f': 'nope'"),
    (("explain", str(SAMPLES)), "error: Missing option '--conversation' / '-i'."),
])
def test_option_errors_are_one_line_on_stderr_exit_2(args, message):
    """Through the installed entry point, as a user or CI runs it (not CliRunner)."""
    done = subprocess.run([sys.executable, "-m", "empathy_audit", *args], capture_output=True,
                          text=True, env={**os.environ, "COLUMNS": "80"})
    assert done.returncode == 2
    [line] = done.stderr.splitlines()
    assert line.startswith(message) and line.endswith("--help)"), line
    assert done.stdout == ""


def test_version_and_completion_options(run):
    assert run("--version").stdout == f"empathy-audit {PYPROJECT['project']['version']}\n"
    top = run("--help").stdout
    assert "--install-completion" in top and "--show-completion" in top


def test_output_into_a_missing_directory_is_an_error(run, tmp_path):
    target = tmp_path / "missing" / "a.sarif"
    result = run("audit", SAMPLES, "-f", "sarif", "--output", target)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"error: {target}: [--output] the directory {target.parent} does not exist"]
    assert not target.parent.exists()


def test_outputs_inside_an_audited_folder_are_not_read_back(run, tmp_path):
    """`audit trap -o trap/out` then `audit trap` used to fail on trap/out/agents.csv."""
    trap = tmp_path / "trap"
    shutil.copytree(SAMPLES, trap)
    first = run("audit", trap, "-o", trap / "out", "--jobs", "1")
    assert first.exit_code == 0, first.stderr
    in_memory = run("audit", trap, "-o", trap / "json-out", "-f", "json")
    assert in_memory.exit_code == 0, in_memory.stderr
    again = run("audit", trap, "-o", tmp_path / "again")
    assert again.exit_code == 0, again.stderr
    assert f"note: {trap / 'out'}: skipped, empathy-audit's own output" in again.stdout
    assert (tmp_path / "again" / "turns.csv").read_bytes() == (
        trap / "out" / "turns.csv").read_bytes()


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_an_output_file_inside_an_audited_folder_is_not_read_back(run, tmp_path, fmt):
    """`audit trap -f json --output trap/result.json` then `audit trap` used to fail on
    result.json; a transcript file is still read, whatever its name."""
    trap = tmp_path / "trap"
    shutil.copytree(SAMPLES, trap)
    before = run("audit", trap, "-f", "json")
    assert run("audit", trap, "-f", fmt, "--output", trap / "result.json").exit_code == 0
    again = run("audit", trap, "-f", "json")
    assert again.exit_code == 0, again.stderr
    document = json.loads(again.stdout)
    assert f"{trap / 'result.json'}: skipped, empathy-audit's own output" in document["notes"]
    assert document["conversations"] == json.loads(before.stdout)["conversations"]
    assert document["summary"]["files"] == json.loads(before.stdout)["summary"]["files"]


def test_exclude_skips_matching_files_and_says_so(run, tmp_path):
    result = run("audit", SAMPLES, "--exclude", "*.json", "-f", "json")
    document = json.loads(result.stdout)
    assert document["summary"]["files"] == 1
    assert f"{SAMPLES}: excluded 1 file(s) matching --exclude" in document["notes"]
    assert run("audit", SAMPLES, "--exclude", "*").exit_code == 2   # nothing left: an error


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A repository with transcripts/ and a sub-folder to run from."""
    shutil.copytree(SAMPLES, tmp_path / "transcripts")
    (tmp_path / "sub" / "deeper").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "sub" / "deeper")
    return tmp_path


def test_pyproject_config_is_found_walking_up_and_options_still_win(run, project):
    (project / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.empathy-audit]\npaths = ["transcripts"]\n'
        'checklist = "avoid-blame"\nfail-under = 99\nrequire = {acknowledge = 0.8}\n'
        'ignore = ["apologize"]\nexclude = ["*.json"]\nformat = "json"\n', encoding="utf-8")
    result = run("audit")
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document["checklist"] == "default+avoid-blame"
    assert "apologize" not in document["behaviours"] and "avoid_blame" in document["behaviours"]
    assert document["summary"]["files"] == 1                      # calls.json excluded
    assert "gate failed: fail-under: overall score" in result.stderr
    assert "gate failed: require: acknowledge" in result.stderr
    overridden = run("audit", "--fail-under", "10", "--require", "be_present=0.1")
    assert overridden.exit_code == 0, overridden.stderr


def test_own_config_file_wins_and_config_names_one(run, project):
    (project / "pyproject.toml").write_text('[tool.empathy-audit]\nfail-under = 99\n',
                                            encoding="utf-8")
    (project / ".empathy-audit.toml").write_text('paths = ["transcripts"]\nformat = "json"\n',
                                                 encoding="utf-8")
    assert run("audit").exit_code == 0            # the pyproject's gate is not read
    other = project / "strict.toml"
    other.write_text('paths = ["transcripts"]\nfail-under = 99\n', encoding="utf-8")
    result = run("--config", other, "audit", "-q")
    assert result.exit_code == 1 and "gate failed: fail-under" in result.stderr


def test_paths_in_a_config_are_relative_to_its_folder_even_before_they_exist(run, project):
    (project / ".empathy-audit.toml").write_text(
        'paths = ["transcripts"]\nexport-dir = "reports"\nchecklist = "avoid-blame"\n',
        encoding="utf-8")
    result = run("audit", "-q")   # from sub/deeper
    assert result.exit_code == 0, result.stderr
    assert (project / "reports" / "agents.csv").is_file()
    assert not (project / "sub" / "deeper" / "reports").exists()


def test_a_configured_dash_still_reads_standard_input(project):
    (project / ".empathy-audit.toml").write_text('paths = ["-"]\nformat = "json"\n',
                                                 encoding="utf-8")
    chats = (project / "transcripts" / "chats.csv").read_bytes()
    result = subprocess.run([sys.executable, "-m", "empathy_audit", "audit"], input=chats,
                            capture_output=True, cwd=os.getcwd())
    assert result.returncode in (0, 1), result.stderr.decode()
    assert json.loads(result.stdout)["summary"]["files"] == 1


@pytest.mark.parametrize("text, message", [
    ("colour = 1\n", "[colour] unknown key 'colour'; known: paths, checklist"),
    ("fail-under = 'high'\n", "[fail-under] fail-under has the wrong type (str)"),
    ("paths = [\n", "invalid TOML"),
])
def test_a_bad_config_is_one_line_exit_2(run, project, text, message):
    (project / ".empathy-audit.toml").write_text(text, encoding="utf-8")
    result = run("audit", project / "transcripts")
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert line.startswith(f"error: {project / '.empathy-audit.toml'}: ") and message in line


def test_select_and_ignore_behaviours(run):
    document = json.loads(run("audit", SAMPLES, "-f", "json", "--select", "acknowledge",
                              "--select", "apologize").stdout)
    assert list(document["behaviours"]) == ["acknowledge", "apologize"]
    wrong = run("audit", SAMPLES, "--ignore", "acknowlege")
    assert wrong.exit_code == 2 and "unknown behaviour 'acknowlege'" in wrong.stderr


def test_github_annotations_relative_capped_critical_first(run, tmp_path, monkeypatch):
    shutil.copytree(SAMPLES, tmp_path / "transcripts")
    monkeypatch.setenv("GITHUB_WORKSPACE", str(tmp_path))
    result = run("audit", tmp_path / "transcripts", "-f", "github", "-c", "avoid-blame",
                 "--max-annotations", "3")
    lines = result.stdout.splitlines()
    every = json.loads(run("audit", tmp_path / "transcripts", "-f", "json", "-c",
                           "avoid-blame").stdout)
    missed = sum(v["verdict"] == "missed" for c in every["conversations"]
                 for v in c["verdicts"].values())
    assert missed > 3
    annotations, notice = lines[:3], lines[3]
    assert all(re.match(r"::(error|warning) file=transcripts/(chats\.csv|calls\.json),line=\d+,",
                        line) for line in annotations), annotations
    criticals = sum(v["verdict"] == "missed" for c in every["conversations"]
                    for b, v in c["verdicts"].items() if b == "avoid_blame")
    levels = [line.split()[0] for line in annotations]
    assert levels == sorted(levels, key=lambda level: level != "::error")   # critical first
    assert levels.count("::error") == min(criticals, 3)
    assert notice.startswith(f"::notice title=empathy-audit%3A more misses::{missed - 3} more "
                             f"missed behaviour(s) not annotated (--max-annotations 3): ")
    assert len(lines) == 4


def test_markdown_and_diff_fit_a_github_comment(tmp_path):
    """4,000 agents and 4,000 conversations: the tables stop under 65,536 characters and say
    how many rows they left out; agents whose figures did not change are not listed."""
    from empathy_audit.gates.diff import diff_exports, read_export
    from empathy_audit.formatters.csv_export import write_exports
    from empathy_audit.formatters.diff_format import render_diff_markdown
    from empathy_audit.formatters.markdown import COMMENT_LIMIT, render_markdown

    from .synthetic import synthetic_result
    result = synthetic_result(4_000, agents=4_000)
    text = render_markdown(result)
    assert len(text) < COMMENT_LIMIT
    shown = sum(line.startswith("| agent-") for line in text.splitlines())
    assert 100 < shown < 4_000
    assert f"_{4_000 - shown} more agents not shown here: `--export-dir` writes" in text
    assert "### Worst conversations" in text and "### Behaviours" in text
    old, new = tmp_path / "old", tmp_path / "new"
    write_exports(result, old)
    write_exports(result, new)
    rows = (new / "conversations.csv").read_text(encoding="utf-8").splitlines()
    flipped = [rows[0]] + [row.replace(",met,", ",missed,", 1) if n % 2 else row
                           for n, row in enumerate(rows[1:])]
    (new / "conversations.csv").write_text("\n".join(flipped) + "\n", encoding="utf-8")
    diff = diff_exports(read_export(old), read_export(new))
    assert len(diff.newly_missed) > 1_000
    text = render_diff_markdown(diff, str(old), str(new))
    assert len(text) < COMMENT_LIMIT
    assert "### Agents (0 changed, 4000 unchanged not listed)" in text   # agents.csv the same
    counted = re.findall(r"\| Newly missed \| \w+ \| (\d+) \|", text)   # one row a behaviour
    assert counted and sum(map(int, counted)) == len(diff.newly_missed)
    assert re.search(r"_\d+ more verdict changes not shown here: `empathy-audit diff .* "
                     r"--format json` lists them all\._", text)


@pytest.mark.parametrize("name", ["chats.csv", "calls.json"])
def test_dash_reads_standard_input_on_every_path(name, tmp_path):
    """The streamed tables (two passes over the input), the in-memory formats and exports
    read `-` as they read the file itself."""
    from typer.testing import CliRunner
    data = (SAMPLES / name).read_bytes()
    runner = CliRunner()
    piped = runner.invoke(app_module.app, ["audit", "-", "-o", str(tmp_path / "in"), "--jobs",
                                           "1"], input=data)
    assert piped.exit_code == 0, piped.stderr
    runner.invoke(app_module.app, ["audit", str(SAMPLES / name), "-o", str(tmp_path / "file")])
    for export in ("conversations.csv", "agents.csv"):
        assert ((tmp_path / "in" / export).read_text(encoding="utf-8")
                == (tmp_path / "file" / export).read_text(encoding="utf-8"))
    as_json = runner.invoke(app_module.app, ["audit", "-", "-f", "json"], input=data)
    assert json.loads(as_json.stdout)["summary"]["files"] == 1
    jsonl = b"\n".join(json.dumps(c).encode() for c in json.loads((SAMPLES / "calls.json")
                                                                 .read_bytes()))
    lines = runner.invoke(app_module.app, ["audit", "-", "-f", "json"], input=jsonl)
    assert json.loads(lines.stdout)["summary"]["conversations"] == 5


@pytest.mark.parametrize("name", ["chats.csv", "calls.json"])
def test_redact_dash_writes_standard_output_as_redacting_the_file_would(name, tmp_path):
    from typer.testing import CliRunner
    runner = CliRunner()
    data = (SAMPLES / name).read_bytes().replace(b"Monday", b"Monday, mail me at jo@example.com", 1)
    data = data.replace(b"I'm moving out", b"I'm (jo@example.com) moving out", 1)
    assert b"jo@example.com" in data
    (tmp_path / name).write_bytes(data)
    to_files = runner.invoke(app_module.app, ["redact", str(tmp_path / name), "--out",
                                              str(tmp_path / "out")])
    assert to_files.exit_code == 0, to_files.stderr
    piped = runner.invoke(app_module.app, ["redact", "-"], input=data)
    assert piped.exit_code == 0, piped.stderr
    assert piped.stdout_bytes == (tmp_path / "out" / name).read_bytes()
    assert b"jo@example.com" not in piped.stdout_bytes
    assert piped.stderr.startswith("-: ")   # the counts go to stderr, the transcript to stdout
    check = runner.invoke(app_module.app, ["redact", "-", "--check"], input=data)
    assert check.exit_code == 1 and "EMAIL 1" in check.stdout


@pytest.mark.parametrize("extra,message", [
    (["--out", "somewhere"], "error: [--out] standard input is redacted to standard output; "
                             "drop --out\n"),
    (["samples"], "error: - (standard input) is redacted alone; give files in another run\n"),
])
def test_redact_dash_with_out_or_files_is_an_error(extra, message):
    from typer.testing import CliRunner
    result = CliRunner().invoke(app_module.app, ["redact", "-", *extra], input=b"a,b\n")
    assert (result.exit_code, result.stderr) == (2, message)


@pytest.mark.parametrize("document", [
    '[{"conversation_id": "c1", "speaker": "customer", "text": "I am Jo Smith, jo@example.com"}]',
    '[\n  {\n    "conversation_id": "c1",\n    "speaker": "customer",\n'
    '    "text": "I am Jo Smith, jo@example.com"\n  }\n]\n',
    '{"conversation_id": "c1", "speaker": "customer", "text": "I am Jo Smith, jo@example.com"}\n',
])
def test_standard_input_with_a_byte_order_mark_is_read_as_json(document, tmp_path):
    """Windows pipes start UTF-8 with a byte-order mark: it must not make JSON read as CSV
    (redact would pass it through untouched, and --check would let it pass)."""
    from typer.testing import CliRunner
    data = b"\xef\xbb\xbf" + document.encode()
    runner = CliRunner()
    check = runner.invoke(app_module.app, ["redact", "-", "--check"], input=data)
    assert check.exit_code == 1 and "EMAIL 1" in check.stdout, check.stdout
    piped = runner.invoke(app_module.app, ["redact", "-"], input=data)
    assert piped.stdout_bytes.startswith(b"\xef\xbb\xbf" + document[:1].encode())
    assert b"jo@example.com" not in piped.stdout_bytes and b"<EMAIL_1>" in piped.stdout_bytes
    if document.startswith("["):   # a turn alone is no transcript to audit, but is to redact
        audited = runner.invoke(app_module.app, ["audit", "-", "-f", "json"], input=data)
        assert json.loads(audited.stdout)["summary"]["turns"] == 1
