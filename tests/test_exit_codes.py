"""Exit codes and stderr lines under attack: a bug exits 3 (never 1, a failed gate), with
one line and no traceback unless asked; no file name or id can split a stderr line."""
from __future__ import annotations

import subprocess
import sys

from empathy_audit.cli import audit_cmd

from .conftest import SAMPLES, write


def test_unexpected_exception_is_an_internal_error_exit_3(run, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("boom")
    monkeypatch.setattr(audit_cmd, "run_streamed_command", broken)
    result = run("audit", SAMPLES)
    assert result.exit_code == 3
    assert result.stderr.startswith("internal error: ValueError: boom; please report it")
    assert "EMPATHY_AUDIT_DEBUG=1" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_debug_variable_shows_the_traceback(run, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("boom")
    monkeypatch.setattr(audit_cmd, "run_streamed_command", broken)
    monkeypatch.setenv("EMPATHY_AUDIT_DEBUG", "1")
    result = run("audit", SAMPLES)
    assert result.exit_code == 3 and "Traceback" in result.stderr


def test_file_names_with_line_breaks_stay_on_one_stderr_line(tmp_path):
    folder = tmp_path / "in"
    write(folder / "a\n::error file=x::owned.csv", "conversation_id,speaker,text\n,agent,hi\n"
                                                  "c1,agent,hello\n")
    write(folder / "b\r\n::warning::x.csv", "conversation_id,speaker,text\nc2,agent,hi,extra\n")
    result = subprocess.run([sys.executable, "-m", "empathy_audit", "audit", str(folder)],
                            capture_output=True, text=True)
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert "b\\r\\n::warning::x.csv:2: row has 4 fields" in lines[0]
    (folder / "b\r\n::warning::x.csv").unlink()
    result = subprocess.run([sys.executable, "-m", "empathy_audit", "audit", str(folder)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    skipped = [line for line in result.stderr.splitlines() if "skipped" in line]
    assert skipped and all(line.startswith("skipped: ") for line in skipped)
    assert not any(line.startswith("::") for line in result.stderr.splitlines())
