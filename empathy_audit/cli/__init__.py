"""The command line: parse options, call the core, pick a formatter, set the exit code.

One module per command group; importing them registers their commands on ``app``. A
command imports its core (training, evaluation, redaction, diff, coaching) when it runs, so
that the start-up of ``audit``, which pre-commit hooks and CI pay on every call, carries none
of the others'.
"""
import sys

from ..interruption import Terminated, describe
from ..interruption import install as handle_stop_signals
from . import (audit_cmd, checklist_cmd, coach_cmd, diff_cmd,  # noqa: F401  (registration)
               evaluate_cmd, formats_cmd, redact_cmd, report_cmd, train_cmd)
from .app import app


def main() -> None:
    try:
        handle_stop_signals()   # a stop the parent held back arrives here, before any command
        app()
    except (KeyboardInterrupt, Terminated) as stop:   # commands end their own; this came first
        message, code = describe(stop)
        sys.stderr.write(f"error: {message}\n")
        sys.exit(code)


__all__ = ["app", "main"]
