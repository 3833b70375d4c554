"""What the CI formats share: every missed behaviour, located at the turn that should have shown
it, and the context a format may mention (gates that failed, behaviour titles).

Nothing here recomputes a verdict: misses are read from each ``BehaviourVerdict``.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..checklist import Checklist
from ..gates import GateFailure
from ..model import MISSED, NA, AuditResult, ConversationResult
from .records import evidence_text

MAX_EVIDENCE = 3


@dataclass(frozen=True, slots=True)
class RenderContext:
    """Inputs beside the result: decided once by the caller, never by a formatter."""
    gate_failures: tuple[GateFailure, ...] = ()
    checklist: Checklist | None = None
    max_annotations: int = 10        # GitHub shows 10 annotations of a kind per step
    root: Path | None = None         # the repository: annotation paths are relative to it

    def relative(self, source: str) -> str:
        """``source`` relative to the repository, as GitHub locates annotations."""
        if self.root is None:
            return source
        path = Path(source).resolve()
        return path.relative_to(self.root).as_posix() if path.is_relative_to(self.root) else source

    def title(self, behaviour: str) -> str:
        if self.checklist and behaviour in self.checklist.behaviours:
            return self.checklist.behaviours[behaviour].title
        return behaviour

    def description(self, behaviour: str) -> str:
        if self.checklist and behaviour in self.checklist.behaviours:
            return " ".join(self.checklist.behaviours[behaviour].description.split())
        return f"Behaviour {behaviour} of the empathy checklist."

    def is_critical(self, behaviour: str) -> bool:
        return bool(self.checklist and behaviour in self.checklist.behaviours
                    and self.checklist.behaviours[behaviour].critical)


@dataclass(frozen=True, slots=True)
class Miss:
    conversation_id: str
    agent_id: str
    behaviour: str
    reason: str
    source: str            # transcript file of the turn that should have shown the behaviour
    line: int              # its line in that file
    turn: int | None       # its index in the conversation
    evidence: tuple[str, ...]  # the cues of the customer turn that made the behaviour apply


def applicable_verdicts(result: ConversationResult):
    """(behaviour id, verdict) for each behaviour that applied, in checklist order."""
    return [(b, v) for b, v in result.verdicts.items() if v.verdict != NA]


def conversation_misses(result: ConversationResult) -> list[Miss]:
    conversation = result.conversation
    found = []
    for behaviour, verdict in result.verdicts.items():
        if verdict.verdict != MISSED:
            continue
        turn = verdict.missed_turns[0] if verdict.missed_turns else verdict.trigger_turn
        located = conversation.turns[turn] if turn is not None else None
        evidence = ()
        if verdict.trigger_turn is not None:
            cues = distinct_spans([m for m in result.cues[verdict.trigger_turn]
                                   if verdict.trigger_cue in (None, m.cue)])
            number = conversation.turns[verdict.trigger_turn].number
            evidence = tuple(f"turn {number}: {evidence_text(m)}"
                             for m in cues[:MAX_EVIDENCE])
        found.append(Miss(conversation.conversation_id, conversation.agent_id, behaviour,
                          verdict.reason,
                          located.source if located else conversation.source,
                          located.line if located else conversation.line,
                          turn, evidence))
    return found


def distinct_spans(matches):
    """One match per span of text: the same words shown once, whatever cues they carry."""
    first = {}
    for match in matches:
        first.setdefault((match.start, match.end), match)
    return list(first.values())


def all_misses(result: AuditResult) -> list[Miss]:
    return [m for r in result.conversations for m in conversation_misses(r)]
