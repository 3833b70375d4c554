"""Pass/fail gates for CI, and the exit code they imply: decided here, once.

Gates: ``fail_under`` (overall score), ``require`` (behaviour id -> minimum met rate over the
conversations where it applied), ``fail_on_critical`` (any missed critical behaviour) and
``expect`` (verdicts that changed against a committed expectation, see :mod:`.snapshots`).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..errors import UserError
from ..model import MET, MISSED, AuditResult

EXIT_OK, EXIT_GATE_FAILED, EXIT_ERROR, EXIT_INTERNAL = 0, 1, 2, 3


@dataclass(frozen=True, slots=True)
class GateFailure:
    gate: str
    message: str


def parse_requirements(values: Iterable[str], behaviours: list[str]) -> dict[str, float]:
    """``["acknowledge=0.8", ...]`` -> ``{"acknowledge": 0.8}``; a bad value is a UserError."""
    required: dict[str, float] = {}
    for value in values:
        behaviour, sep, rate_text = (part.strip() for part in value.partition("="))
        if not sep or not behaviour or not rate_text:
            raise UserError(f"--require takes BEHAVIOUR=RATE, got {value!r}", key="--require")
        if behaviour not in behaviours:
            raise UserError(f"unknown behaviour {behaviour!r}; behaviours are "
                            f"{', '.join(behaviours)}", key="--require")
        required[behaviour] = _rate(rate_text, value)
    return required


def _rate(text: str, given: str) -> float:
    """A rate as 0.8, or as a percentage 80%."""
    try:
        rate = float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        rate = -1.0
    if not 0.0 <= rate <= 1.0:
        raise UserError(f"--require {given}: the rate must be between 0 and 1 (or 0% and 100%)",
                        key="--require")
    return rate


def check_gates(result: AuditResult, *, fail_under: float | None = None,
                require: dict[str, float] | None = None,
                critical: Iterable[str] = ()) -> list[GateFailure]:
    """Every gate that failed, in a stable order. ``critical`` lists the behaviours whose miss
    fails the run (``--fail-on-critical``); pass none to switch that gate off."""
    failures = []
    if fail_under is not None:
        score = result.overall_score
        if score is None or score < fail_under:
            shown = "n/a (nothing applied)" if score is None else f"{score:.1f}"
            failures.append(GateFailure("fail-under",
                                        f"overall score {shown} is below {fail_under:g}"))
    for behaviour, minimum in (require or {}).items():
        failures.extend(_check_requirement(result, behaviour, minimum))
    for behaviour in critical:
        failures.extend(_check_critical(result, behaviour))
    return failures


def _check_requirement(result: AuditResult, behaviour: str, minimum: float) -> list[GateFailure]:
    counts = result.behaviour_counts[behaviour]
    applicable = counts[MET] + counts[MISSED]
    if not applicable:
        return [GateFailure("require", f"{behaviour}: applied in no conversation, so its met "
                                       f"rate cannot reach {minimum:.0%}")]
    rate = counts[MET] / applicable
    if rate < minimum:
        return [GateFailure("require", f"{behaviour}: met in {counts[MET]} of {applicable} "
                                       f"conversations ({rate:.0%}), below {minimum:.0%}")]
    return []


def _check_critical(result: AuditResult, behaviour: str) -> list[GateFailure]:
    missed = [r.conversation.conversation_id for r in result.conversations
              if r.verdicts[behaviour].verdict == MISSED]
    if not missed:
        return []
    shown = ", ".join(missed[:10]) + (f" and {len(missed) - 10} more" if len(missed) > 10 else "")
    return [GateFailure("fail-on-critical", f"critical behaviour {behaviour} missed in "
                                            f"{len(missed)} conversation(s): {shown}")]


def exit_code(failures: list[GateFailure], *, exit_zero: bool = False) -> int:
    """1 when a gate failed (unless ``exit_zero``); errors never get here: they exit 2."""
    return EXIT_GATE_FAILED if failures and not exit_zero else EXIT_OK
