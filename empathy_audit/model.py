"""Plain data shared by the loaders, the engine and the formatters."""
from __future__ import annotations

from dataclasses import dataclass, field

AGENT, CUSTOMER, OTHER = "agent", "customer", "other"
MET, MISSED, NA = "met", "missed", "n/a"


@dataclass(slots=True)
class Turn:
    conversation_id: str
    index: int          # position in the conversation, 0-based, after ordering
    speaker: str        # AGENT, CUSTOMER or OTHER
    text: str
    agent_id: str
    source: str         # file the turn came from
    line: int           # line where the turn's row or object starts
    raw_speaker: str = ""
    timestamp: str | None = None
    label: str = ""     # the input's own turn number, when it gave one
    role_inferred: bool = False   # speaker named by --roles infer, not by the input

    @property
    def number(self) -> str:
        """The turn's number as the reader knows it: the input's own, or its position."""
        return self.label or str(self.index)


@dataclass(slots=True)
class Conversation:
    conversation_id: str
    agent_id: str
    turns: list[Turn]
    source: str
    line: int


@dataclass(frozen=True, slots=True)
class Skipped:
    """An input row that could not be used, and why."""
    source: str
    line: int
    reason: str
    # an export item that holds no words to score (a chat event, a media message): listed
    # like any skip, but not an input error under --strict
    event: bool = False


@dataclass(slots=True)
class LoadReport:
    files: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class CueMatch:
    """Words in one turn that show a cue: the evidence behind every verdict."""
    cue: str
    start: int
    end: int
    text: str
    how: str = "phrase"   # phrase | pattern | sentiment | shared-words | question | canned


@dataclass(slots=True)
class BehaviourVerdict:
    behaviour: str
    verdict: str                      # MET, MISSED or NA
    reason: str
    trigger_turn: int | None = None   # customer turn that made the behaviour apply
    trigger_cue: str | None = None    # the customer cue it showed (None: any customer turn)
    agent_cue: str | None = None      # the agent cue the behaviour looks for
    met_turns: list[int] = field(default_factory=list)
    missed_turns: list[int] = field(default_factory=list)  # turns that should have shown it


@dataclass(slots=True)
class ConversationResult:
    conversation: Conversation
    cues: list[list[CueMatch]]        # per turn, same order as conversation.turns
    verdicts: dict[str, BehaviourVerdict]
    score: float | None
    role_note: str | None = None      # why the speaker labels look wrong (roles.RoleCheck)


@dataclass(slots=True)
class AgentSummary:
    agent_id: str
    conversations: int
    score: float | None
    met_rates: dict[str, float | None]


@dataclass(slots=True)
class AuditResult:
    checklist_name: str
    behaviours: list[str]
    conversations: list[ConversationResult]
    agents: list[AgentSummary]
    report: LoadReport
    overall_score: float | None
    behaviour_counts: dict[str, dict[str, int]]
    # (conversations, turns) when the conversations were streamed to exports and not kept
    totals: tuple[int, int] | None = None

    @property
    def conversation_count(self) -> int:
        return self.totals[0] if self.totals else len(self.conversations)

    @property
    def turn_count(self) -> int:
        if self.totals:
            return self.totals[1]
        return sum(len(c.conversation.turns) for c in self.conversations)
