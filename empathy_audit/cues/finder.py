"""Every cue of a checklist, found turn by turn, with the words and character offsets that
show it. Each cue's matcher comes from its kind (kinds.py: the one place a kind is added)."""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from ..checklist import Checklist, normalize_quotes
from ..errors import UserError
from ..model import AGENT, CUSTOMER, Conversation, CueMatch, Turn
from .bounded import SECONDS, BudgetExceeded, can_backtrack, exceeds_budget
from .compile_cache import compiling
from .kinds import KINDS
from .rules import EngagementMatcher, WordsMatcher, candidate_stems


@dataclass
class TurnSeen:
    """What a matcher may look at to decide whether its cue shows on one turn."""
    turn: Turn
    text: str                              # the turn's text, curly quotes straightened
    customer: "CustomerSoFar"              # the customer's turns before this one
    last_customer_cues: set[str]           # cues of the customer's last turn
    found: dict[str, list[CueMatch]]       # cues found on this turn so far (dependency order)
    words: dict[str, WordsMatcher]         # the checklist's words cues
    previous: "TurnSeen | None" = None     # the turn before (agent or customer), if any
    _own_words: dict[str, list[CueMatch]] = field(default_factory=dict)

    def searched_words(self) -> dict[str, list[CueMatch]]:
        """The own words found so far of the cues that can show on this turn (the others
        are recorded as none without a search)."""
        return {cue_id: found for cue_id, found in self._own_words.items()
                if self.words[cue_id].speaker in (self.turn.speaker, "any")}

    def own_words(self, cue_id: str) -> list[CueMatch]:
        """The matches of a words cue's own phrases and patterns on this turn (no includes,
        sentiment or default; none on the other speaker's turns), found once whoever asks."""
        if cue_id not in self._own_words:
            matcher = self.words[cue_id]
            self._own_words[cue_id] = matcher.find_words(self.text) \
                if matcher.speaker in (self.turn.speaker, "any") else []
        return self._own_words[cue_id]


class CueFinder:
    """Every cue of a checklist, compiled once, applied turn by turn."""

    def __init__(self, checklist: Checklist):
        self.checklist = checklist
        with compiling(checklist):
            self.matchers = {cue_id: KINDS[cue.kind].build(cue_id, cue, checklist)
                             for cue_id, cue in checklist.cues.items()}
            self.words = {cue_id: m for cue_id, m in self.matchers.items()
                          if isinstance(m, WordsMatcher)}
            for matcher in self.matchers.values():
                matcher.prepare()
        self.engagement = {cue_id: m for cue_id, m in self.matchers.items()
                           if isinstance(m, EngagementMatcher)}
        # Kinds that look at the other cues of the turn and of the customer run last.
        order = _dependency_order(checklist)
        self.order = [c for c in order if not self.matchers[c].runs_last] + \
            [c for c in order if self.matchers[c].runs_last]
        self.confirmed_by = {cue_id: frozenset(cue.default_confirmed_by)
                             for cue_id, cue in checklist.cues.items() if cue.default_confirmed_by}
        self.only_with = {cue_id: frozenset(cue.only_with)
                          for cue_id, cue in checklist.cues.items() if cue.only_with}

    def prepare(self, conversations: Sequence[Conversation]) -> None:
        """Corpus-level pass: count reply templates for canned-reply detection."""
        for matcher in self.engagement.values():
            matcher.count_replies(conversations)

    def use_reply_counts(self, counts: dict[str, int]) -> None:
        """Instead of :meth:`prepare`: template -> conversations counted elsewhere (the
        streaming engine counts them in its first pass, capped at the largest threshold)."""
        for matcher in self.engagement.values():
            if matcher.canned_min_repeats:
                matcher.canned = Counter(counts)

    def find(self, conversation: Conversation,
             words: list[dict[str, list[CueMatch]]] | None = None) -> list[list[CueMatch]]:
        """Cue matches per turn, sorted by position then cue id. ``words``, if given, gets
        per turn the own words of every words cue of its speaker (the role check reads them)."""
        found = []
        for seen in self.turns_seen(conversation):
            found.append(self.find_turn(seen) if seen else [])
            if words is not None:
                words.append(seen.searched_words() if seen else {})
        if self.confirmed_by:
            self._drop_unconfirmed_defaults(conversation, found)
        return found

    def _drop_unconfirmed_defaults(self, conversation: Conversation,
                                   found: list[list[CueMatch]]) -> None:
        """A cue read by default on a customer turn (none of its words there) stays only when
        an agent turn after it, and before the customer's next turn showing that cue, shows a
        cue that confirms it (``default_confirmed_by``): a turn with no words of a request,
        answered with small talk or not at all, was small talk. Where the agent never wrote,
        nothing can confirm it: kept."""
        if not any(turn.speaker == AGENT for turn in conversation.turns):
            return
        answered = {cue_id: set() for cue_id in self.confirmed_by}   # agent cues in its window
        for index in reversed(range(len(found))):
            speaker = conversation.turns[index].speaker
            if speaker == AGENT:
                for cues in answered.values():
                    cues.update(m.cue for m in found[index])
            elif speaker == CUSTOMER:
                unconfirmed = {c for c, confirming in self.confirmed_by.items()
                               if confirming.isdisjoint(answered[c])}
                if unconfirmed:
                    found[index] = _without_defaults(found[index], unconfirmed, self.only_with)
                for cue_id in self.confirmed_by:   # an earlier turn's window ends here
                    if any(m.cue == cue_id for m in found[index]):
                        answered[cue_id] = set()

    def turns_seen(self, conversation: Conversation) -> Iterator[TurnSeen | None]:
        """Per turn, what its matchers see (None for a turn of neither side); the caller
        finds its cues (``found``) before asking for the next."""
        customer = CustomerSoFar()
        last_customer_cues: set[str] = set()
        previous = None
        for turn in conversation.turns:
            if turn.speaker not in (AGENT, CUSTOMER):
                yield None
                continue
            if previous is not None:
                previous.previous = None   # one turn back is all a matcher sees
            seen = TurnSeen(turn, normalize_quotes(turn.text), customer, last_customer_cues,
                            {}, self.words, previous)
            yield seen
            if turn.speaker == CUSTOMER:
                customer.add(turn.text)
                last_customer_cues = set(seen.found)
            previous = seen

    def find_turn(self, seen: TurnSeen) -> list[CueMatch]:
        for cue_id in self.order:
            if self.checklist.cues[cue_id].speaker not in (seen.turn.speaker, "any"):
                continue
            try:
                found = self.matchers[cue_id].find_on(seen)
            except BudgetExceeded:
                raise self._over_budget(cue_id, seen.turn, seen.text) from None
            if found:
                seen.found[cue_id] = found
        matches = [m for found in seen.found.values() for m in found]
        return sorted(set(matches), key=lambda m: (m.start, m.end, m.cue, m.how))

    def _over_budget(self, cue_id: str, turn: Turn, text: str) -> UserError:
        """The error for a cue whose regexes ran out of time on a turn, naming the pattern
        that does so alone (and where the checklist has it) when one does."""
        cue = self.checklist.cues[cue_id]
        culprit = next(((field, index, pattern)
                        for field in ("patterns", "exclude", "veto", "default_unless")
                        for index, pattern in enumerate(getattr(cue, field) or ())
                        if can_backtrack(pattern) and exceeds_budget(pattern, text)), None)
        if culprit is None:
            return UserError(f"the regexes of cue {cue_id!r} together take more than "
                             f"{SECONDS:g} s on this turn; simplify them",
                             file=turn.source, line=turn.line, key=f"cues.{cue_id}")
        field, index, pattern = culprit
        origin = self.checklist.origin("cues", cue_id, field, index)
        return UserError(f"regex {pattern!r} of cue {cue_id!r}"
                         + (f" ({origin})" if origin else "")
                         + f" takes more than {SECONDS:g} s on this turn: it backtracks; "
                           f"rewrite it without repeats that can take the same characters",
                         file=turn.source, line=turn.line, key=f"cues.{cue_id}.{field}.{index}")


def _without_defaults(matches: list[CueMatch], cue_ids: set[str],
                      only_with: dict[str, frozenset[str]]) -> list[CueMatch]:
    """``matches`` without the default readings of ``cue_ids``, nor what other cues took from
    them (``via``, through any number of includes), nor the cues that needed them
    (``only_with``) and have nothing left to show with."""
    gone = {m for m in matches if m.cue in cue_ids and m.how == "default"}
    taken = gone
    while taken:
        sources = {(m.cue, m.start, m.end) for m in taken}
        left = {m.cue for m in matches if m not in gone}

        def follows(m: CueMatch) -> bool:
            required = only_with.get(m.cue)
            return (m.how.startswith("via ") and (m.how[len("via "):], m.start, m.end) in sources
                    ) or bool(required and required.isdisjoint(left))
        taken = {m for m in matches if m not in gone and follows(m)}
        gone |= taken
    return [m for m in matches if m not in gone]


class CustomerSoFar:
    """The customer's turns before the current one, each tokenized once (not once per reply),
    indexed by stem so that a reply looks up its own words instead of rereading all of theirs
    (linear, not quadratic, in the turns of a long call)."""

    def __init__(self):
        self.by_stem: dict[str, set[str]] = {}   # stem -> the words the customer wrote it as
        self.turns = 0
        self.chars = 0

    def add(self, text: str) -> None:
        for word, stem in candidate_stems(normalize_quotes(text)):
            self.by_stem.setdefault(stem, set()).add(word)
        self.turns += 1
        self.chars += len(text)

    def said(self, stem: str, ignore: frozenset[str]) -> bool:
        """Whether the customer wrote ``stem`` as a word ``ignore`` does not hold."""
        return stem not in ignore and any(w not in ignore for w in self.by_stem.get(stem, ()))

    @property
    def said_anything(self) -> bool:
        # As the earlier turns joined with " \n " being non-empty: one empty turn is nothing.
        return self.turns > 1 or self.chars > 0


def _dependency_order(checklist: Checklist) -> list[str]:
    """Cue ids ordered so that every cue comes after the cues it includes."""
    ordered: list[str] = []

    def visit(cue_id: str) -> None:
        if cue_id in ordered:
            return
        for needed in checklist.cues[cue_id].depends_on:
            visit(needed)
        ordered.append(cue_id)

    for cue_id in checklist.cues:
        visit(cue_id)
    return ordered
