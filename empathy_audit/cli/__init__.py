"""The command line: parse options, call the core, pick a formatter, set the exit code.

One module per command group; importing them registers their commands on ``app``.
"""
from . import (audit_cmd, checklist_cmd, coach_cmd, diff_cmd,  # noqa: F401  (registration)
               evaluate_cmd, formats_cmd, redact_cmd, report_cmd)
from .app import app


def main() -> None:
    app()


__all__ = ["app", "main"]
