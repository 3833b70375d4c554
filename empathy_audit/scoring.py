"""Behaviour verdicts per conversation, and the scores built from them."""
from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from .checklist import Behaviour, Checklist
from .model import AGENT, CUSTOMER, MET, MISSED, NA, BehaviourVerdict, Conversation, CueMatch


class _Turns(NamedTuple):
    """A conversation as every behaviour's verdict reads it."""
    cue_sets: list[frozenset[str]]   # per turn, the cues it shows
    customer: list[int]              # the customer's turn numbers
    agent: list[int]                 # the agent's
    numbers: list[str]               # per turn, its number as the reader knows it
    names: dict[str, str]            # cue id -> what reasons call it


def judge_conversation(checklist: Checklist, conversation: Conversation,
                       cues: Sequence[Sequence[CueMatch]]) -> dict[str, BehaviourVerdict]:
    turns = _Turns([frozenset(m.cue for m in found) for found in cues],
                   [i for i, t in enumerate(conversation.turns) if t.speaker == CUSTOMER],
                   [i for i, t in enumerate(conversation.turns) if t.speaker == AGENT],
                   [t.number for t in conversation.turns],
                   {cid: cue.label or cid.replace("_", " ") for cid, cue in checklist.cues.items()})
    return {bid: judge(bid, behaviour, turns) for bid, behaviour in checklist.behaviours.items()}


def judge(bid: str, behaviour: Behaviour, turns: _Turns) -> BehaviourVerdict:
    """One behaviour's verdict, following the checklist's applies_when and met_when."""
    cue_sets, customer_turns, agent_turns, _, names = turns
    trigger_cue = behaviour.applies_when.customer_cue
    rule = behaviour.met_when
    trigger = next((i for i in customer_turns if trigger_cue is None or trigger_cue in cue_sets[i]),
                   None)
    if trigger is None:
        why = (f"the customer's turns show no {names[trigger_cue]}" if trigger_cue
               else "the customer never wrote")
        return BehaviourVerdict(bid, NA, why, None, trigger_cue, rule.agent_cue)
    replies = [i for i in agent_turns if i > trigger]
    if not replies:
        why = f"the agent never replied after {_trigger(turns, trigger, trigger_cue)}"
        return BehaviourVerdict(bid, NA, why, trigger, trigger_cue, rule.agent_cue)

    every_reply = [i for i in agent_turns if i > customer_turns[0]]
    window = {"first_reply": replies[:1], "replies": replies, "all": every_reply}[rule.turns]
    start = None
    if rule.from_cue:
        start = next((i for i in agent_turns if rule.from_cue in cue_sets[i]), None)
        if start is not None:
            window = [i for i in window if i >= start]
    showing = [i for i in window if rule.agent_cue in cue_sets[i]]
    verdict = BehaviourVerdict(bid, MISSED, "", trigger, trigger_cue, rule.agent_cue)
    wanted = names[rule.agent_cue]

    def scope() -> str:   # the window in words, written only for a reason that needs it
        return _describe_window(turns, rule, trigger, trigger_cue, start, window)

    if rule.rule == "none":
        verdict.verdict = MISSED if showing else MET
        verdict.missed_turns = showing
        verdict.reason = (f"{wanted} in {_turn_list(turns, showing)}" if showing
                          else f"no {wanted} in {scope()}")
    elif rule.rule == "share":
        share = len(showing) / len(window) if window else 0.0
        verdict.verdict = MET if window and share >= rule.min_share else MISSED
        verdict.met_turns = showing
        verdict.missed_turns = [i for i in window if i not in showing]
        counted = _describe_window(turns, rule, trigger, trigger_cue, start, window,
                                   whose=f"{len(showing)} of {len(window)} agent")
        verdict.reason = f"{wanted} in {counted}; at least {rule.min_share:.0%} needed"
    else:
        verdict.verdict = MET if showing else MISSED
        verdict.met_turns = showing
        if showing:
            verdict.reason = f"{wanted} in {_turn_list(turns, showing[:1])}"
        else:
            expected = window[0] if rule.expected_at == "first" else window[-1]
            verdict.missed_turns = [expected] if window else []
            verdict.reason = f"no {wanted} in {scope()}"
    return verdict


def _trigger(turns: _Turns, trigger: int, trigger_cue: str | None) -> str:
    if trigger_cue is None:
        return f"the customer's turn {turns.numbers[trigger]}"
    return f"the {turns.names[trigger_cue]} in the customer's turn {turns.numbers[trigger]}"


def _describe_window(turns: _Turns, rule, trigger: int, trigger_cue: str | None,
                     start: int | None, window: list[int], whose: str = "the agent's") -> str:
    """The agent turns a behaviour looked at, as a reader would name them."""
    after = _trigger(turns, trigger, trigger_cue)
    replies = "reply" if len(window) == 1 else "replies"
    text = {"first_reply": f"{whose} first reply after {after}",
            "replies": f"{whose} {replies} after {after}",
            "all": f"{whose} {replies}"}[rule.turns]
    if start is not None:
        text += f" from the first {turns.names[rule.from_cue]} on"
    if window:
        text += f" ({_turn_list(turns, window)})"
    return text


def _turn_list(turns: _Turns, shown: Sequence[int]) -> str:
    numbers = [turns.numbers[i] for i in shown[:6]] + (["..."] if len(shown) > 6 else [])
    if len(numbers) == 1:
        return f"turn {numbers[0]}"
    return "turns " + ", ".join(numbers[:-1]) + " and " + numbers[-1]


def conversation_score(checklist: Checklist, verdicts: dict[str, BehaviourVerdict]) -> float | None:
    """Weighted share of applicable behaviours met, 0-100; 0 when a critical one was missed;
    None when nothing applied."""
    applicable = [(checklist.behaviours[b], v) for b, v in verdicts.items() if v.verdict != NA]
    if not applicable:
        return None
    if any(b.critical and v.verdict == MISSED for b, v in applicable):
        return 0.0
    total = sum(b.weight for b, _ in applicable)
    met = sum(b.weight for b, v in applicable if v.verdict == MET)
    return 100.0 * met / total


def met_rate(verdicts: Sequence[str]) -> float | None:
    return rate(verdicts.count(MET), verdicts.count(MISSED))


def rate(met: int, missed: int) -> float | None:
    """The share of applicable verdicts met; None when none applied."""
    return met / (met + missed) if met + missed else None


def mean(values: Sequence[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None
