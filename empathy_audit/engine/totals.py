"""Per-agent and per-behaviour totals, added up chunk by chunk, into the same
:class:`AuditResult` summary that :func:`audit.summarize` builds from all conversations.

Scores are kept in input order (one float per conversation) so that means are summed in the
same order as ``summarize`` sums them: the figures match to the last bit.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..checklist import Checklist
from ..model import MET, MISSED, NA, AgentSummary, AuditResult, LoadReport
from ..scoring import mean, rate
from .work import ScoredConversation


@dataclass
class _Agent:
    scores: list[float | None] = field(default_factory=list)
    met: list[int] = field(default_factory=list)
    missed: list[int] = field(default_factory=list)


class Totals:
    def __init__(self, checklist: Checklist):
        self.checklist = checklist
        self.behaviours = checklist.behaviour_ids
        self.agents: dict[str, _Agent] = {}
        self.scores: list[float | None] = []
        self.counts = {b: {MET: 0, MISSED: 0, NA: 0} for b in self.behaviours}
        self.turns = 0
        self.role_notes: list[str] = []

    def add(self, scored: list[ScoredConversation], turns: int) -> None:
        self.turns += turns
        for conversation in scored:
            agent = self.agents.get(conversation.agent_id)
            if agent is None:
                n = len(self.behaviours)
                agent = self.agents[conversation.agent_id] = _Agent(met=[0] * n, missed=[0] * n)
            agent.scores.append(conversation.score)
            if conversation.role_note:
                self.role_notes.append(conversation.role_note)
            self.scores.append(conversation.score)
            for i, (behaviour, verdict) in enumerate(zip(self.behaviours, conversation.verdicts)):
                self.counts[behaviour][verdict] += 1
                agent.met[i] += verdict == MET
                agent.missed[i] += verdict == MISSED

    def result(self, report: LoadReport) -> AuditResult:
        agents = [AgentSummary(agent_id, len(a.scores), mean(a.scores),
                               {b: rate(a.met[i], a.missed[i])
                                for i, b in enumerate(self.behaviours)})
                  for agent_id, a in sorted(self.agents.items())]
        report.notes.extend(self.role_notes)
        return AuditResult(self.checklist.name, self.behaviours, [], agents, report,
                           mean(self.scores), self.counts,
                           totals=(len(self.scores), self.turns))
