"""The README's "Use in CI" section stays honest: its YAML parses, and every option its
commands use exists on that command."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from empathy_audit.cli import app
from empathy_audit.formatters.registry import OutputFormat

README = Path(__file__).resolve().parents[1] / "README.md"


def ci_section() -> str:
    text = README.read_text(encoding="utf-8")
    assert "\n## Use in CI\n" in text
    section = text.split("\n## Use in CI\n", 1)[1]
    return section.split("\n## ", 1)[0]


def commands() -> list[str]:
    found = []
    for block in re.findall(r"```(?:console|yaml)\n(.*?)```", ci_section(), re.S):
        joined = block.replace("\\\n", " ")
        found += [m.group(0) for m in re.finditer(r"empathy-audit [a-z][^\n#]*", joined)]
    return found


def test_yaml_examples_parse():
    blocks = re.findall(r"```yaml\n(.*?)```", ci_section(), re.S)
    assert len(blocks) == 2
    workflow, hooks = (yaml.safe_load(b) for b in blocks)
    assert "audit" in workflow["jobs"]
    assert {h["id"] for h in hooks["repos"][0]["hooks"]} == {"empathy-audit-redaction",
                                                             "empathy-audit-expected"}


@pytest.mark.parametrize("command", commands())
def test_every_option_in_the_readme_exists(command):
    words = command.split()
    subcommand = words[1]
    help_text = CliRunner().invoke(app, [subcommand, "--help"], env={"COLUMNS": "200"}).stdout
    for option in (w.split("=")[0] for w in words if w.startswith("--")):
        assert option in help_text, f"{option} is not an option of {subcommand}"


def test_every_format_is_documented():
    section = ci_section()
    for fmt in OutputFormat:
        assert f"| `{fmt.value}` |" in section


def test_the_workflow_runs_as_written_with_the_readme_configuration(tmp_path, monkeypatch):
    """The README's [tool.empathy-audit] and every `run:` of its workflow, in a project laid
    out as the README describes: no step repeats paths, checklist or gates."""
    import shlex
    import shutil

    section = ci_section()
    config = re.search(r"```toml\n(.*?)```", section, re.S).group(1)
    (tmp_path / "pyproject.toml").write_text(config, encoding="utf-8")
    shutil.copytree(README.parent / "samples", tmp_path / "transcripts")
    (tmp_path / "checklists").mkdir()
    (tmp_path / "checklists" / "support.yaml").write_text("extends: default\nname: support\n",
                                                          encoding="utf-8")
    (tmp_path / "tests").mkdir()
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert runner.invoke(app, ["audit", "--update-expected", "-q"]).exit_code == 1   # gates
    workflow = yaml.safe_load(re.findall(r"```yaml\n(.*?)```", section, re.S)[0])
    steps = [s["run"] for s in workflow["jobs"]["audit"]["steps"] if "empathy-audit " in
             s.get("run", "") and "pip install" not in s["run"]]
    for step in steps:
        line = next(part for part in step.splitlines() if part.strip().startswith("empathy"))
        result = runner.invoke(app, shlex.split(line)[1:])
        assert result.exit_code != 2, (line, result.stderr)
        if "--exit-zero" in line:
            assert result.exit_code == 0, (line, result.stderr)
    assert (tmp_path / "empathy.sarif").exists() and (tmp_path / "summary.md").exists()
