"""The core modules added for CI never import the terminal libraries (sqlfluff-style layering):
`import empathy_audit` users get gates, expectations, diffs and redaction without Typer/Rich."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORE = ["empathy_audit.gates", "empathy_audit.gates.snapshots", "empathy_audit.gates.diff",
        "empathy_audit.redaction", "empathy_audit.redaction.files",
        "empathy_audit.formatters.junit", "empathy_audit.formatters.github",
        "empathy_audit.formatters.sarif", "empathy_audit.formatters.markdown",
        "empathy_audit.formatters.diff_format"]


@pytest.mark.parametrize("module", CORE)
def test_core_module_does_not_import_terminal_code(module):
    code = (f"import sys, {module}; bad = [m for m in ('typer', 'rich', 'click') "
            f"if m in sys.modules]; print(','.join(bad))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, env={"PYTHONPATH": str(ROOT)}, check=True)
    assert result.stdout.strip() == ""


def test_the_check_can_see_terminal_imports():
    code = "import sys, empathy_audit.cli; print('typer' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, env={"PYTHONPATH": str(ROOT)}, check=True)
    assert result.stdout.strip() == "True"
