"""Pass/fail gates for CI, and the exit code they imply: decided here, once."""
from __future__ import annotations

from dataclasses import dataclass

from .model import AuditResult

EXIT_OK, EXIT_GATE_FAILED, EXIT_ERROR = 0, 1, 2


@dataclass(frozen=True, slots=True)
class GateFailure:
    gate: str
    message: str


def check_gates(result: AuditResult, *, fail_under: float | None = None) -> list[GateFailure]:
    failures = []
    if fail_under is not None:
        score = result.overall_score
        if score is None or score < fail_under:
            shown = "n/a (nothing applied)" if score is None else f"{score:.1f}"
            failures.append(GateFailure("fail-under",
                                        f"overall score {shown} is below {fail_under:g}"))
    return failures


def exit_code(failures: list[GateFailure], *, exit_zero: bool = False) -> int:
    return EXIT_GATE_FAILED if failures and not exit_zero else EXIT_OK
