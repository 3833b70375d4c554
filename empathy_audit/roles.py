"""Roles that lie: what each side's words say about who is the agent and who the customer.

Agents greet, apologise, acknowledge, offer next steps and ask for details; customers report
problems and distress. The check counts, per speaker label, the turns that show the checklist's
agent cues and those that show its customer cues (plus a few service openings and requests for
details), and flags a conversation whose agent turns read like the customer's while its
customer turns read like the agent's (swapped), or where one label carries both sides.
``--roles infer`` uses the same counts to name the agent and the customer among speaker or
channel numbers (spk_0, ch_1). Nothing here changes a verdict by itself: flags are notes, and
inferred roles are marked on every turn they touch.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .checklist import normalize_quotes
from .cues.finder import CueFinder
from .cues.rules import WordsMatcher
from .loading.core import NUMBERED_LABEL
from .model import AGENT, CUSTOMER, OTHER, Conversation

AGENT_CUES = ("apology", "acknowledgement", "next_step", "follow_up")
CUSTOMER_CUES = ("problem", "distress", "exasperation", "life_event")
# Openings and questions only the service side asks; bounded, case-insensitive.
SERVICE_WORDS = re.compile(
    r"\b(?:thank(?:s| you) for (?:calling|contacting|reaching|choosing|your patience)"
    r"|how (?:can|may|could) I (?:help|assist)|is there anything else I can"
    r"|(?:can|could|may) I (?:have|get) (?:your|the)|(?:please )?(?:provide|confirm|verify) "
    r"(?:me )?(?:with )?your|happy to help|speaking,? how|am I speaking (?:to|with)"
    r"|this is [\w\[\]'.-]{1,30}(?: [\w\[\]'.-]{1,30})? speaking)\b", re.IGNORECASE)
# What only a customer says of their own account: requests about "my" things, waiting.
CUSTOMER_WORDS = re.compile(
    r"\b(?:I(?: would|'d) like to (?:inquire|know|check|ask|cancel|return|change|report)"
    r"|I (?:want|need) to (?:check|know|cancel|return|change|report)"
    r"|I(?:'ve| have) been (?:on hold|waiting|trying|charged)"
    r"|my (?:order|account|claim|bill|balance|payment|package|refund|card|flight|booking))\b",
    re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
SWAP_MARGIN = 2   # how much more agent-like the 'customer' side must read


@dataclass(frozen=True)
class Evidence:
    """Turns of one label showing agent cues, and showing customer cues."""
    agent: int = 0
    customer: int = 0

    def __add__(self, other: Evidence) -> Evidence:
        return Evidence(self.agent + other.agent, self.customer + other.customer)

    @property
    def leaning(self) -> int:
        return self.agent - self.customer


class RoleCheck:
    """Reuses the finder's compiled words cues: nothing is compiled twice."""

    def __init__(self, finder: CueFinder):
        self.agent = self._matchers(finder, AGENT_CUES)
        self.customer = self._matchers(finder, CUSTOMER_CUES)

    @staticmethod
    def _matchers(finder: CueFinder, ids) -> list[WordsMatcher]:
        return [finder.words[i] for i in ids if i in finder.words]

    def evidence(self, text: str, known: dict[str, list] | None = None) -> Evidence:
        """``known``: own words the cue finder already found on this text, by cue (it reads
        the text with curly quotes straightened, and so does this)."""
        text = normalize_quotes(text)

        def shows(matcher: WordsMatcher) -> bool:
            if known is not None and matcher.cue_id in known:
                return bool(known[matcher.cue_id])
            return matcher.shows_words(text)
        agent = bool(SERVICE_WORDS.search(text)) or any(map(shows, self.agent))
        customer = bool(CUSTOMER_WORDS.search(text)) or any(map(shows, self.customer))
        return Evidence(int(agent), int(customer))

    def by_label(self, conversation: Conversation, key, by_sentence: bool = False,
                 words: list[dict[str, list]] | None = None) -> dict[str, Evidence]:
        """Evidence per label: turns (or, ``by_sentence``, sentences) showing each side;
        ``words``, per turn, the own words the cue finder found there (turns only)."""
        found: dict[str, Evidence] = {}
        for index, turn in enumerate(conversation.turns):
            label = key(turn)
            if label is None:
                continue
            if by_sentence:
                for part in _SENTENCE_END.split(turn.text):
                    found[label] = found.get(label, Evidence()) + self.evidence(part)
            else:
                known = words[index] if words is not None else None
                found[label] = found.get(label, Evidence()) + self.evidence(turn.text, known)
        return found

    def check(self, conversation: Conversation,
              words: list[dict[str, list]] | None = None) -> str | None:
        """Why the conversation's agent/customer labels look wrong; None when they do not.
        ``words``: what :meth:`CueFinder.find` gathered, so as not to search again."""
        def side(turn):
            return turn.speaker if turn.speaker in (AGENT, CUSTOMER) else None
        sides = self.by_label(conversation, side, words=words)
        agent, customer = sides.get(AGENT), sides.get(CUSTOMER)
        if agent and customer and customer.leaning - agent.leaning >= SWAP_MARGIN:
            return (f"labels look swapped: the 'agent' turns show agent cues in "
                    f"{agent.agent} turn(s) and customer cues in {agent.customer}, the "
                    f"'customer' turns agent cues in {customer.agent} and customer cues in "
                    f"{customer.customer}")
        if len(sides) == 1:
            (role, only), = self.by_label(conversation, side, by_sentence=True).items()
            if only.agent and only.customer:
                return (f"one label covers both sides: every scored turn is '{role}', and "
                        f"its sentences show agent cues ({only.agent}) and customer cues "
                        f"({only.customer})")
        return None

    def infer(self, conversation: Conversation) -> tuple[Conversation, str | None]:
        """Agent and customer named among numbered speakers (spk_0, ch_1) left as 'other';
        the conversation unchanged, and why, when their words do not tell them apart."""
        numbered = self.by_label(conversation, lambda t: t.raw_speaker if (
            t.speaker == OTHER and NUMBERED_LABEL.match(t.raw_speaker)) else None)
        if not numbered:
            return conversation, None
        ranked = sorted(numbered.items(), key=lambda item: -item[1].leaning)
        roles: dict[str, str] = {}
        if len(ranked) == 1:
            label, evidence = ranked[0]
            if evidence.leaning:
                roles[label] = AGENT if evidence.leaning > 0 else CUSTOMER
        elif ranked[0][1].leaning > ranked[-1][1].leaning:
            roles = {ranked[0][0]: AGENT, ranked[-1][0]: CUSTOMER}
        if not roles:
            return conversation, (f"--roles infer: the words of {', '.join(sorted(numbered))} "
                                  f"do not tell agent from customer; kept as 'other'")
        turns = [replace(t, speaker=roles[t.raw_speaker], role_inferred=True)
                 if t.speaker == OTHER and t.raw_speaker in roles else t
                 for t in conversation.turns]
        return replace(conversation, turns=turns), None
