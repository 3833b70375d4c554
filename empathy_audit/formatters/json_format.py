"""The whole result as one JSON document (stable key order, no floats left unrounded)."""
from __future__ import annotations

import json

from ..model import AuditResult
from . import records


def to_document(result: AuditResult) -> dict:
    report = result.report
    return {
        "checklist": result.checklist_name,
        "summary": {
            "files": len(report.files),
            "conversations": len(result.conversations),
            "turns": result.turn_count,
            "skipped": len(report.skipped),
            "score": _round(result.overall_score),
        },
        "behaviours": {b: result.behaviour_counts[b] for b in result.behaviours},
        "agents": [{"agent_id": a.agent_id, "conversations": a.conversations,
                    "score": _round(a.score),
                    "met_rates": {b: _round(r, 3) for b, r in a.met_rates.items()}}
                   for a in result.agents],
        "conversations": [_conversation(r) for r in result.conversations],
        "skipped": records.skipped_rows(result),
        "notes": list(report.notes),
    }


def _number(turn) -> int | str:
    """The turn's number as turns.csv writes it: the input's own, or its position."""
    return int(turn.number) if turn.number.isdigit() else turn.number


def _conversation(r) -> dict:
    numbers = [_number(t) for t in r.conversation.turns]
    return {
        "conversation_id": r.conversation.conversation_id,
        "agent_id": r.conversation.agent_id,
        "score": _round(r.score),
        "verdicts": {b: {"verdict": v.verdict, "reason": v.reason,
                         "met_turns": [numbers[i] for i in v.met_turns],
                         "missed_turns": [numbers[i] for i in v.missed_turns]}
                     for b, v in r.verdicts.items()},
        **({"role_check": r.role_note} if r.role_note else {}),
        "turns": [{"turn": number, "speaker": t.speaker, "source_line": t.line,
                   **({"role_inferred": True} if t.role_inferred else {}),
                   "cues": [{"cue": m.cue, "start": m.start, "end": m.end, "text": m.text,
                             "how": m.how} for m in cues]}
                  for t, number, cues in zip(r.conversation.turns, numbers, r.cues)],
    }


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def render_json(result: AuditResult) -> str:
    return json.dumps(to_document(result), ensure_ascii=False, indent=2) + "\n"
