"""CI gates and snapshots: pass/fail gates and the exit code (thresholds), expected verdicts
(snapshots), and the comparison of two export directories (diff). No terminal code."""
from .thresholds import (EXIT_ERROR, EXIT_GATE_FAILED, EXIT_INTERNAL, EXIT_OK, GateFailure,
                         check_gates, exit_code, parse_requirements)

__all__ = ["EXIT_ERROR", "EXIT_GATE_FAILED", "EXIT_INTERNAL", "EXIT_OK", "GateFailure",
           "check_gates", "exit_code", "parse_requirements"]
