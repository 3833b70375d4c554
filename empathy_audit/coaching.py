"""Coaching material for one agent: what they miss most, with their own turns that missed it
beside a colleague's turn that met it in a similar situation. Core only: no terminal code.

"Similar situation" means the customer turn that made the behaviour apply shows the same
customer cues (distress, problem, request...); among those, the colleague turn whose customer
words overlap most is chosen, ties broken by conversation id, so the choice is deterministic.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from .errors import UserError
from .model import AGENT, CUSTOMER, MET, MISSED, AuditResult, ConversationResult, CueMatch, Turn

_WORD = re.compile(r"[a-z0-9']{3,}")


@dataclass(slots=True)
class TurnExample:
    """A customer turn that made a behaviour apply, and the agent turn judged for it."""
    conversation_id: str
    agent_id: str
    customer_turn: Turn
    customer_cues: list[CueMatch]
    agent_turn: Turn | None
    agent_cues: list[CueMatch]

    @property
    def situation(self) -> frozenset[str]:
        return frozenset(m.cue for m in self.customer_cues)


@dataclass(slots=True)
class CoachingPair:
    missed: TurnExample
    colleague: TurnExample | None
    shared_cues: list[str] = field(default_factory=list)


@dataclass(slots=True)
class CoachingTopic:
    behaviour: str
    missed: int
    applicable: int
    pairs: list[CoachingPair]


@dataclass(slots=True)
class CoachingPlan:
    agent_id: str
    conversations: int
    score: float | None
    topics: list[CoachingTopic]


def coach(result: AuditResult, agent_id: str, *, behaviours: int = 3,
          examples: int = 3) -> CoachingPlan:
    summary = next((a for a in result.agents if a.agent_id == agent_id), None)
    if summary is None:
        raise UserError(_unknown_agent(result, agent_id), key="--agent")
    own = [r for r in result.conversations if r.conversation.agent_id == agent_id]
    others = [r for r in result.conversations if r.conversation.agent_id != agent_id]
    topics = [_topic(b, own, others, examples)
              for b in most_missed(result.behaviours, own)[:behaviours]]
    return CoachingPlan(agent_id, summary.conversations, summary.score, topics)


def _unknown_agent(result: AuditResult, agent_id: str) -> str:
    ids = [a.agent_id for a in result.agents]
    close = difflib.get_close_matches(agent_id, ids, n=3) or ids[:3]
    return f"agent {agent_id!r} not found among {len(ids)} agent(s); did you mean " + \
        ", ".join(repr(i) for i in close) + "?"


def most_missed(behaviours: list[str], own: list[ConversationResult]) -> list[str]:
    """Behaviours the agent missed at least once: most misses first, then highest miss rate."""
    def counts(b: str) -> tuple[int, int]:
        verdicts = [r.verdicts[b].verdict for r in own]
        return verdicts.count(MISSED), verdicts.count(MET) + verdicts.count(MISSED)
    ranked = [(counts(b), b) for b in behaviours if counts(b)[0]]
    ranked.sort(key=lambda item: (-item[0][0], -item[0][0] / item[0][1], item[1]))
    return [b for _, b in ranked]


def _topic(behaviour: str, own: list[ConversationResult], others: list[ConversationResult],
           examples: int) -> CoachingTopic:
    verdicts = [r.verdicts[behaviour].verdict for r in own]
    missed = sorted((r for r in own if r.verdicts[behaviour].verdict == MISSED),
                    key=lambda r: (r.score if r.score is not None else 101.0,
                                   r.conversation.conversation_id))
    mine = [e for e in (example(r, behaviour) for r in missed) if e is not None][:examples]
    pool = [e for e in (example(r, behaviour) for r in others
                        if r.verdicts[behaviour].verdict == MET) if e is not None]
    pairs, used = [], set()
    for own_example in mine:
        fresh = [e for e in pool if e.conversation_id not in used]
        match = best_match(own_example, fresh) or best_match(own_example, pool)
        if match is not None:
            used.add(match.conversation_id)
        shared = sorted(own_example.situation & match.situation) if match else []
        pairs.append(CoachingPair(own_example, match, shared))
    return CoachingTopic(behaviour, verdicts.count(MISSED),
                         verdicts.count(MISSED) + verdicts.count(MET), pairs)


def example(result: ConversationResult, behaviour: str) -> TurnExample | None:
    """The deciding turns of one verdict: the trigger customer turn and the agent turn that
    showed the behaviour (met) or should have (missed)."""
    verdict = result.verdicts[behaviour]
    turns = result.conversation.turns
    if verdict.trigger_turn is None or turns[verdict.trigger_turn].speaker != CUSTOMER:
        return None
    chosen = verdict.met_turns if verdict.verdict == MET else verdict.missed_turns
    agent_index = next((i for i in chosen if turns[i].speaker == AGENT), None)
    if agent_index is None:
        agent_index = next((t.index for t in turns[verdict.trigger_turn + 1:]
                            if t.speaker == AGENT), None)
    return TurnExample(result.conversation.conversation_id, result.conversation.agent_id,
                       turns[verdict.trigger_turn], result.cues[verdict.trigger_turn],
                       None if agent_index is None else turns[agent_index],
                       [] if agent_index is None else result.cues[agent_index])


def best_match(target: TurnExample, pool: list[TurnExample]) -> TurnExample | None:
    """The colleague example in the most similar situation: same customer cues first, then the
    most customer words in common. None when no colleague shares a customer cue."""
    words = _words(target.customer_turn.text)
    best, best_key = None, None
    for candidate in pool:
        shared = target.situation & candidate.situation
        if not shared or candidate.agent_turn is None:
            continue
        cues = len(shared) / len(target.situation | candidate.situation)
        key = (-cues, -_jaccard(words, _words(candidate.customer_turn.text)),
               candidate.conversation_id)
        if best_key is None or key < best_key:
            best, best_key = candidate, key
    return best


def _words(text: str) -> frozenset[str]:
    return frozenset(_WORD.findall(text.lower()))


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0
