"""The hand-written cue kinds, with the words and character offsets that show them:

* ``words``: phrase lists and regexes, minus exclusions and negated matches, with TextBlob
  polarity as a fallback signal where the words did not decide;
* ``engagement``: whether an agent reply engages with what this customer said (shares
  content words with it, or asks a diagnostic question), unless the same reply was sent
  (nearly) verbatim to many conversations in the batch.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from ..checklist import Checklist, Cue, normalize_quotes, pattern_problem, phrase_regex
from ..model import AGENT, Conversation, CueMatch, Turn
from ..redaction.placeholders import KINDS as REDACTED_KINDS, PERSON, WORD_KINDS
from .bounded import compile_bounded
from .compile_cache import derived
from .factored import factor
from .prefilter import Screened
from .sentiment import locate_words, sentiment
from .sentiment_gate import cannot_be_negative, polarity_can_reach, prepare_gates

if TYPE_CHECKING:
    from .finder import TurnSeen

_CLAUSE_END = re.compile(r"[.!?;:,\n]|\bbut\b", re.IGNORECASE)
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?", re.IGNORECASE)
# Case spelled out rather than re.IGNORECASE (which also matches "ſ" to "s"), and one class
# first: a pattern that starts with a class (not a group) lets ``re`` skip ahead in C to
# where a URL can start, 2.3x faster.
_URL = re.compile("[hHwW](?:(?<=[hH])[tT][tT][pP][sS\u017f]?://|(?<=[wW])[wW][wW]\\.)\\S+")
# "[@#]\w+|<HANDLE_\d+>" (a redacted @handle is still one, and a redacted number still
# none), one class first as _URL
_HANDLE = re.compile(r"[@#<](?:(?<=[@#])\w+|(?<=<)(?:"
                     + "|".join(k for k in REDACTED_KINDS if k not in WORD_KINDS) + r")_\d+>)")
# An email is one word, and so is the placeholder redaction writes for an email, a name or a
# username (<EMAIL_1>): redacting a turn keeps its count of words (README, "Redaction").
# The "@" and domain of an email, "@" first so that ``re`` skips ahead to it in C (a third of
# the time of the whole address's pattern); the local part is found backwards (_emails).
_EMAIL_AT = re.compile(r"@(?<=[\w.+-]@)[\w-]+(?:\.[\w-]+)+")
_WORD_PLACEHOLDER = re.compile(r"<(?:" + "|".join(WORD_KINDS) + r")_\d+>")
_NOT_ALNUM = re.compile(r"[^A-Za-z0-9]")
_NOT_LETTER_TO_SPACE = bytes(c if chr(c).isascii() and chr(c).isalpha() else 32
                             for c in range(256))
_SIGNATURE = re.compile(r"(?:\s[\^*~-]\s?[A-Za-z]{1,4}|\s/[A-Za-z]{1,4})\s*$")
# A signature's last letter is the text's last non-space: it starts at most this far before
# the end of text.rstrip() (" - abcd"), and re's \s is what str.rstrip() strips.
_SIGNATURE_LONGEST = 7


# The customer's name where a reply addresses them ("Hi Anthony,", "..., Tracey."): adding it
# to a template does not make the reply engage with what they said (the rubric). After a comma
# only at the end of a sentence, so "PS4, Xbox and PC" keeps Xbox; not a capitalised word
# opening the reply ("Wow, ...", "Ohh, ..." read as names as often as "Adrianne, ...").
# A name is one or two capitalised words, or the placeholder `redact` leaves for one (so a
# redacted transcript gets the same verdicts).
_NAME = rf"(?:[A-Z][a-z]{{1,20}}(?: [A-Z][a-z]{{1,20}})?|<{PERSON}_\d{{1,6}}>)"
_ADDRESSED_NAME = re.compile(
    r"(?i:\b(?:hi|hey|hello|dear|thanks|thank you|sorry|welcome|morning|afternoon|evening|"
    rf"there))\s{{0,3}},?\s{{1,3}}({_NAME})(?=\s{{0,3}}(?:[.!?,:;)~^*-]|$))"
    rf"|,\s{{0,3}}({_NAME})(?=\s{{0,3}}(?:[.!]|$))")


# ---------------------------------------------------------------- words cues

@dataclass
class WordsMatcher:
    cue_id: str
    # Each regex behind its RE2 prefilter (cues/prefilter.py): the same matches, found
    # at once where RE2 rules the text out.
    regex: Screened | None
    exclude: Screened | None
    veto: Screened | None
    default_unless: Screened | None
    shows_by_default: bool
    negators: frozenset[str]
    negation_window: int
    negation: bool
    sentiment_below: float | None
    sentiment_above: float | None
    sentiment_veto_above: float | None
    speaker: str = "any"
    includes: tuple[str, ...] = ()      # cues whose matches count as this one's
    only_with: tuple[str, ...] = ()     # the cue shows only on a turn showing one of these
    runs_last = False

    @classmethod
    def build(cls, cue_id: str, cue: Cue, checklist: Checklist) -> "WordsMatcher":
        return cls(
            cue_id=cue_id,
            regex=_combine(list(cue.patterns), cue.phrases),
            exclude=_combine(list(cue.exclude)),
            veto=_combine(list(cue.veto)),
            default_unless=_combine(list(cue.default_unless or ())),
            shows_by_default=cue.default_unless is not None,
            negators=frozenset(n.lower() for n in checklist.negators),
            negation_window=checklist.negation_window,
            negation=cue.negation,
            sentiment_below=cue.sentiment.below if cue.sentiment else None,
            sentiment_above=cue.sentiment.above if cue.sentiment else None,
            sentiment_veto_above=cue.sentiment.veto_above if cue.sentiment else None,
            speaker=cue.speaker,
            includes=tuple(cue.includes),
            only_with=tuple(cue.only_with),
        )

    def prepare(self) -> None:
        """Derive its regexes' prefilters now, while the checklist's cache is open."""
        for screened in (self.regex, self.exclude, self.veto, self.default_unless):
            if screened is not None:
                screened.prepare()
        if self.uses_sentiment or self.sentiment_veto_above is not None:
            prepare_gates()

    def find_on(self, seen: TurnSeen) -> list[CueMatch]:
        """Its own words (else sentiment, else the default) plus the matches of the cues it
        includes, unless a veto or a missing required cue rules it out for this turn."""
        if self.only_with and not any(c in seen.found for c in self.only_with):
            return []
        text = seen.text
        found = list(seen.own_words(self.cue_id))
        # once each: cues that include each other in diamonds would double them per level
        found += list(dict.fromkeys(
            CueMatch(self.cue_id, m.start, m.end, m.text, f"via {included}")
            for included in self.includes for m in seen.found.get(included, [])))
        if not found and self.uses_sentiment:
            found = self.find_sentiment(text)
        if not found:
            found = self.find_default(text)
        return [] if found and self.vetoed(text) else found

    @property
    def _only_negative_counts(self) -> bool:
        return (self.sentiment_above is None and self.sentiment_below is not None
                and self.sentiment_below < 0)

    @property
    def uses_sentiment(self) -> bool:
        return self.sentiment_below is not None or self.sentiment_above is not None

    def find_words(self, text: str) -> list[CueMatch]:
        return [CueMatch(self.cue_id, m.start(), m.end(), m.group(), "words")
                for m in self._counted(text)]

    def shows_words(self, text: str) -> bool:
        """``bool(self.find_words(text))``, stopping at the first match that counts."""
        return next(self._counted(text), None) is not None

    def _counted(self, text: str) -> Iterator[re.Match]:
        """The non-empty matches of the cue's words that count: none when a veto matches the
        text, and none that overlaps an exclusion or is negated."""
        if self.regex is None:
            return
        excluded = None   # the veto and the exclusions are read at the first match only
        for m in self.regex.finditer(text):
            if m.end() == m.start():
                continue
            if excluded is None:
                if self.veto and self.veto.search(text):
                    return
                excluded = [x.span() for x in self.exclude.finditer(text)] if self.exclude else []
            if any(s < m.end() and m.start() < e for s, e in excluded):
                continue
            if self.negation and m.group()[0].isalnum() and self._negated(text, m.start()):
                continue
            yield m

    def _negated(self, text: str, start: int) -> bool:
        before = text[max(0, start - 80):start]
        clause = _CLAUSE_END.split(before)[-1]
        words = [w.lower() for w in _WORD.findall(clause)][-self.negation_window:]
        return any(w in self.negators or w.endswith("n't") for w in words)

    def find_default(self, text: str) -> list[CueMatch]:
        """The whole turn, when the cue shows by default and nothing rules it out."""
        if not self.shows_by_default or not text.strip() or \
                (self.default_unless and self.default_unless.search(text)):
            return []
        return [CueMatch(self.cue_id, 0, len(text), text, "default")]

    def vetoed(self, text: str) -> bool:
        """True when the turn is positive enough to rule the cue out (TextBlob polarity)."""
        above = self.sentiment_veto_above
        if above is None or (above > 0 and not polarity_can_reach(text, above)):
            return False
        return sentiment(text)[0] >= above

    def _sentiment_cannot_hit(self, text: str) -> bool:
        """True when TextBlob's polarity certainly misses the cue's thresholds (the gates
        in cues/sentiment_gate.py), so TextBlob need not run."""
        below, above = self.sentiment_below, self.sentiment_above
        if (below is not None and below >= 0) or (above is not None and above <= 0):
            return False   # a polarity of 0 would hit
        if self._only_negative_counts and cannot_be_negative(text):
            return True
        nearest = min(abs(t) for t in (below, above) if t is not None)
        return not polarity_can_reach(text, nearest)

    def find_sentiment(self, text: str) -> list[CueMatch]:
        if self.veto and self.veto.search(text):
            return []
        if self._sentiment_cannot_hit(text):
            return []
        polarity, words = sentiment(text)
        hit = ((self.sentiment_below is not None and polarity <= self.sentiment_below) or
               (self.sentiment_above is not None and polarity >= self.sentiment_above))
        if not hit:
            return []
        how = f"sentiment {polarity:+.2f}"
        spans = locate_words(text, words) or [(0, len(text))]
        return [CueMatch(self.cue_id, s, e, text[s:e], how) for s, e in spans]


def _combine(patterns: list[str], phrases: Sequence[str] = ()) -> Screened | None:
    """One regex for a cue's phrases and patterns, behind its prefilter. The user's patterns
    are checked again here, for checklists built in Python rather than loaded (which checks
    them too); phrases become regexes that are safe by construction."""
    for pattern in patterns:
        problem = derived("problem", pattern, lambda p=pattern: pattern_problem(p))
        if problem:
            raise ValueError(problem)
    alternatives = [phrase_regex(p) for p in phrases] + list(patterns)
    if not alternatives:
        return None
    # the same matches as "(?:a)|(?:b)|...", in re or, when it could backtrack, with a budget
    return Screened(compile_bounded(factor(alternatives), re.IGNORECASE, tuple(patterns)))



# ---------------------------------------------------------------- engagement cues

STOPWORDS = frozenset("""
a about above after again against all am an and any are aren't as at be because been before
being below between both but by can can't cannot could couldn't did didn't do does doesn't
doing don't down during each few for from further had hadn't has hasn't have haven't having he
he'd he'll he's her here here's hers herself him himself his how how's i i'd i'll i'm i've if
in into is isn't it it's its itself let's me more most mustn't my myself no nor not of off on
once only or other ought our ours ourselves out over own same shan't she she'd she'll she's
should shouldn't so some such than that that's the their theirs them themselves then there
there's these they they'd they'll they're they've this those through to too under until up
very was wasn't we we'd we'll we're we've were weren't what what's when when's where where's
which while who who's whom why why's will with won't would wouldn't you you'd you'll you're
you've your yours yourself yourselves just also get got still now even really one two would
like know want need please thanks thank hi hello hey yes yeah okay ok via amp sure
""".split())


@lru_cache(maxsize=1 << 16)   # a word recurs across turns; the cache lookup runs in C
def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s", "e"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


@lru_cache(maxsize=4)   # an agent turn is stripped for its template, then for its words
def _strip_noise(text: str) -> str:
    text = _URL.sub(lambda m: " " * len(m.group()), text)
    if "@" in text:
        text = _emails_as_words(text)
    if "<" in text:
        text = _WORD_PLACEHOLDER.sub(_one_word, text)
    return _HANDLE.sub(lambda m: " " * len(m.group()), text)


def _emails_as_words(text: str) -> str:
    """``(?<![\\w.+-])[\\w.+-]+@[\\w-]+(?:\\.[\\w-]+)+`` replaced by :func:`_one_word`."""
    pieces, last = [], 0
    for match in _EMAIL_AT.finditer(text):
        start = match.start()
        while start > last and _in_local_part(text[start - 1]):
            start -= 1
        if start == last and start and _in_local_part(text[start - 1]):
            continue   # the local part would run into the address before
        pieces += [text[last:start], _one_word(text[start:match.end()])]
        last = match.end()
    return "".join(pieces) + text[last:] if pieces else text


def _in_local_part(char: str) -> bool:
    return char.isalnum() or char in "_.+-"


def _one_word(match: re.Match | str) -> str:
    """The match as one capitalised word of the same length: a word for the engagement cue,
    left out of reply templates (canned_key drops capitalised words), offsets unchanged."""
    text = match if isinstance(match, str) else match.group()
    return _NOT_ALNUM.sub("X", text).upper()


@lru_cache(maxsize=1 << 15)   # as _stem: the same words recur turn after turn
def _content_candidate(token: str) -> tuple[str, str] | None:
    """(word, stem) of a token that could carry content: not a stopword or a number, at least
    three characters; None for the others."""
    word = token.lower()
    if len(word) >= 3 and word not in STOPWORDS and not word.isdigit():
        return word, _stem(word)
    return None


def candidate_words(text: str) -> list[tuple[str, str, tuple[int, int]]]:
    """(word, stem, span) of every word that could carry content: not a stopword, a number,
    a URL or an @handle. Which of them count depends on the ignore list (see content_words)."""
    found = []
    for m in _WORD.finditer(_strip_noise(text)):
        candidate = _content_candidate(m.group())
        if candidate:
            found.append((*candidate, m.span()))
    return found


def candidate_stems(text: str) -> list[tuple[str, str]]:
    """The (word, stem) of :func:`candidate_words`, without spans: faster, for the customer's
    words, which are compared but never quoted."""
    return [c for c in map(_content_candidate, _WORD.findall(_strip_noise(text))) if c]


def content_words(text: str, ignore: frozenset[str]) -> dict[str, list[tuple[int, int]]]:
    """Stemmed content word -> spans where it occurs, leaving out ignored words and stems."""
    found: dict[str, list[tuple[int, int]]] = {}
    for word, stem, span in candidate_words(text):
        if word not in ignore and stem not in ignore:
            found.setdefault(stem, []).append(span)
    return found


def without_addressed_names(text: str, words: dict[str, list[tuple[int, int]]]
                            ) -> dict[str, list[tuple[int, int]]]:
    """``words`` (content_words of ``text``) without the name the reply addresses."""
    names = [m.span(m.lastindex) for m in _ADDRESSED_NAME.finditer(text)]
    if not names:
        return words

    def in_a_name(span: tuple[int, int]) -> bool:
        return any(start <= span[0] and span[1] <= end for start, end in names)
    kept = {stem: [span for span in spans if not in_a_name(span)] for stem, spans in words.items()}
    return {stem: spans for stem, spans in kept.items() if spans}


def _without_signature(text: str) -> str:
    """``_SIGNATURE.sub("", text)``, searching the tail only (3x faster)."""
    found = _SIGNATURE.search(text, max(0, len(text.rstrip()) - _SIGNATURE_LONGEST))
    return text if found is None else text[:found.start()] + text[found.end():]


def canned_key(text: str) -> str:
    """A reply reduced to its template: no handles, URLs, signature, digits, punctuation or
    capitalised words (names: "Sorry for the trouble, James!" is the same template for all)."""
    text = _without_signature(_strip_noise(normalize_quotes(text)))
    # The runs of ASCII letters (re.findall("[A-Za-z]+"), three times slower)
    words = text.encode("ascii", "replace").translate(_NOT_LETTER_TO_SPACE).decode().split()
    return " ".join([w for w in words if not w[0].isupper() or w == "I"]).lower()


@lru_cache(maxsize=4096)
def brand_words(agent_id: str) -> frozenset[str]:
    """The support account's own name, which every reply shares with the customer's tweet."""
    parts = re.findall(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])", agent_id) + [agent_id]
    return frozenset(_stem(p.lower()) for p in parts if len(p) >= 3)


@dataclass
class EngagementMatcher:
    cue_id: str
    words: WordsMatcher               # diagnostic questions and other specific phrasing
    min_shared_words: int
    min_own_words: int
    ignore: frozenset[str]
    canned_min_repeats: int
    canned_min_own_words: int = 0     # 0: a canned reply never engages; N: with N own words
    unacknowledged: tuple[str, str] | None = None   # (customer cue, agent cue)
    canned: Counter = field(default_factory=Counter)
    runs_last = True   # it looks at the words cues of the turn and of the customer

    @classmethod
    def build(cls, cue_id: str, cue: Cue, checklist: Checklist) -> "EngagementMatcher":
        ignore = frozenset(_stem(w.lower()) for w in cue.ignore_words) | frozenset(
            w.lower() for w in cue.ignore_words)
        rule = cue.unacknowledged
        return cls(cue_id, WordsMatcher.build(cue_id, cue, checklist), cue.min_shared_words,
                   cue.min_own_words, ignore, cue.canned_min_repeats, cue.canned_min_own_words,
                   (rule.customer_cue, rule.agent_cue) if rule else None)

    def prepare(self) -> None:
        self.words.prepare()

    def count_replies(self, conversations: Iterable[Conversation]) -> None:
        """Count, per reply template, the conversations it was sent in (canned detection)."""
        if not self.canned_min_repeats:
            return
        for conversation in conversations:
            keys = {canned_key(t.text) for t in conversation.turns if t.speaker == AGENT}
            self.canned.update(k for k in keys if k)

    def find_on(self, seen: TurnSeen) -> list[CueMatch]:
        if not seen.customer.said_anything:
            return []
        return self.find(seen.turn, seen.customer, seen.last_customer_cues, set(seen.found))

    def find(self, turn: Turn, customer, last_customer_cues: set[str],
             own_cues: set[str]) -> list[CueMatch]:
        """``customer``: the customer's earlier turns (``finder.CustomerSoFar``)."""
        key = canned_key(turn.text) if self.canned_min_repeats else ""
        canned = bool(key) and self.canned[key] >= self.canned_min_repeats
        if canned and not self.canned_min_own_words:
            return []   # canned: sent to many customers, whatever its words
        text = normalize_quotes(turn.text)
        ignores_them = bool(self.unacknowledged) and \
            self.unacknowledged[0] in last_customer_cues and self.unacknowledged[1] not in own_cues
        ignore = self.ignore | brand_words(turn.agent_id)
        mine = without_addressed_names(text, content_words(text, ignore))
        if canned:   # a template engages only when aimed at one issue: words of its own
            return [] if ignores_them or len(mine) < self.canned_min_own_words \
                else self._substance(text, mine)
        found = [] if ignores_them else self.words.find_words(text)
        shared = [w for w in mine if customer.said(w, ignore)]
        if len(shared) >= self.min_shared_words:
            found += [CueMatch(self.cue_id, s, e, text[s:e], "shared-words")
                      for w in shared for s, e in mine[w][:1]]
        elif self.min_own_words and len(mine) >= self.min_own_words and not ignores_them:
            # Substance of its own: an answer that is not made of support boilerplate.
            found += self._substance(text, mine)
        return sorted(found, key=lambda m: (m.start, m.end))

    def _substance(self, text: str, mine: dict[str, list[tuple[int, int]]]) -> list[CueMatch]:
        """Each content word of the reply once, where it first occurs (in text order)."""
        return [CueMatch(self.cue_id, s, e, text[s:e], "substance")
                for spans in mine.values() for s, e in spans[:1]]


def canned_thresholds(checklist: Checklist) -> list[int]:
    """The canned_min_repeats of the checklist's engagement cues (empty: canned detection
    is off)."""
    return sorted({cue.canned_min_repeats for cue in checklist.cues.values()
                   if cue.kind == "engagement" and cue.canned_min_repeats})


