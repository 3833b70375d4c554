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
