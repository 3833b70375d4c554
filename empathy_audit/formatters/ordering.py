"""Row orders shared by the terminal and the HTML report, so both list the same 'worst' rows."""
from __future__ import annotations

from ..model import MISSED, AgentSummary, AuditResult, ConversationResult


def missed_count(result: ConversationResult) -> int:
    return sum(v.verdict == MISSED for v in result.verdicts.values())


def worst_conversations_first(result: AuditResult) -> list[ConversationResult]:
    """Scored conversations: lowest score, then most behaviours missed, then id.
    Unscored ones (nothing applied) come last, by id."""
    def key(r: ConversationResult):
        unscored = r.score is None
        return (unscored, r.score or 0.0, -missed_count(r), r.conversation.conversation_id)
    return sorted(result.conversations, key=key)


def busiest_agents_first(result: AuditResult) -> list[AgentSummary]:
    return sorted(result.agents, key=lambda a: (-a.conversations, a.agent_id))
