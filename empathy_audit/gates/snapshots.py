"""Expected verdicts: a snapshot test for checklists.

A team commits ``expected.csv`` (``conversation_id`` and one column per behaviour, the verdict
columns of ``conversations.csv``). ``compare`` lists every conversation and behaviour whose
verdict changed, old and new, with the reason and the turn that decided it. No terminal code.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import UserError
from ..checklist import EXPORT_COLUMNS
from ..formatters.csv_export import to_csv, unsafe_cell
from ..loading import read_csv_file
from ..model import MET, MISSED, NA, AuditResult, ConversationResult

ABSENT = "absent"
VERDICTS = (MET, MISSED, NA)


@dataclass(frozen=True, slots=True)
class ExpectedRow:
    line: int
    verdicts: dict[str, str]


@dataclass(frozen=True, slots=True)
class VerdictChange:
    conversation_id: str
    behaviour: str
    old: str
    new: str
    evidence: str          # the reason for the new verdict, and where it was decided
    expected_line: int | None


def expected_csv(result: AuditResult) -> str:
    """The expectation file for this result: byte-identical for the same verdicts."""
    rows = [{"conversation_id": r.conversation.conversation_id,
             **{b: r.verdicts[b].verdict for b in result.behaviours}}
            for r in result.conversations]
    return to_csv(rows, ["conversation_id", *result.behaviours])


def verdict_columns(header: list[str]) -> list[str]:
    """The behaviour columns of an expectation file or conversations.csv (which also works
    as an expectation file): every column but the export's own."""
    return [h for h in header if h not in EXPORT_COLUMNS]


def read_expected(path: Path) -> tuple[list[str], dict[str, ExpectedRow]]:
    """Behaviour columns, and conversation id -> its expected verdicts and line."""
    source = str(path)
    if not path.is_file():
        raise UserError("no such expectation file; create it with --update-expected", file=source)
    header, rows = read_csv_file(path)
    if not header:
        raise UserError("empty expectation file; rewrite it with --update-expected",
                        file=source, line=1)
    if "conversation_id" not in header:
        raise UserError("missing column 'conversation_id'", file=source, line=1,
                        key="conversation_id")
    behaviours = verdict_columns(header)
    return behaviours, _expected_rows(rows, behaviours, source)


def _expected_rows(lines, behaviours: list[str], source: str) -> dict[str, ExpectedRow]:
    rows: dict[str, ExpectedRow] = {}
    for line, row in lines:
        values = {h: unsafe_cell(v.strip()) for h, v in row.items()}
        conversation_id = values["conversation_id"]
        if conversation_id in rows:
            raise UserError(f"conversation {conversation_id!r} listed twice (first at line "
                            f"{rows[conversation_id].line})", file=source, line=line,
                            key="conversation_id")
        for behaviour in behaviours:
            if values[behaviour] not in VERDICTS:
                raise UserError(f"verdict {values[behaviour]!r} is not one of "
                                f"{', '.join(VERDICTS)}", file=source, line=line, key=behaviour)
        rows[conversation_id] = ExpectedRow(line, {b: values[b] for b in behaviours})
    return rows


def compare(result: AuditResult, behaviours: list[str],
            expected: dict[str, ExpectedRow]) -> list[VerdictChange]:
    """Every (conversation, behaviour) whose verdict differs, in this run's order, then the
    expected conversations this run no longer has."""
    changes = []
    all_behaviours = list(dict.fromkeys([*result.behaviours, *behaviours]))
    seen = set()
    for r in result.conversations:
        conversation_id = r.conversation.conversation_id
        seen.add(conversation_id)
        row = expected.get(conversation_id)
        for behaviour in all_behaviours:
            old = row.verdicts.get(behaviour, ABSENT) if row else ABSENT
            new = r.verdicts[behaviour].verdict if behaviour in r.verdicts else ABSENT
            if old != new:
                changes.append(VerdictChange(conversation_id, behaviour, old, new,
                                             _evidence(r, behaviour), row.line if row else None))
    for conversation_id, row in expected.items():
        if conversation_id not in seen:
            changes.extend(VerdictChange(conversation_id, b, old, ABSENT,
                                         "the conversation is no longer in the input", row.line)
                           for b, old in row.verdicts.items())
    return changes


def _evidence(result: ConversationResult, behaviour: str) -> str:
    verdict = result.verdicts.get(behaviour)
    if verdict is None:
        return "the behaviour is no longer in the checklist"
    turns = verdict.missed_turns or verdict.met_turns
    if verdict.trigger_turn is not None and not turns:
        turns = [verdict.trigger_turn]
    where = ""
    if turns:
        turn = result.conversation.turns[turns[0]]
        where = f" (turn {turn.number} at {turn.source}:{turn.line})"
    return f"{verdict.reason}{where}"


def describe_change(change: VerdictChange, expected_file: str) -> str:
    at = f"{expected_file}:{change.expected_line}" if change.expected_line else expected_file
    return (f"{at}: {change.conversation_id} {change.behaviour}: expected {change.old}, "
            f"got {change.new}: {change.evidence}")
