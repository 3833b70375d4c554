"""Redaction of personal data in transcript text, with placeholders consistent within a
conversation (``<EMAIL_1>``, ``<PERSON_2>``). No terminal code, no file formats: see
:mod:`.redact_files` for CSV/JSON/JSONL in and out.

Two passes per conversation. ``learn_*`` finds the personal values (patterns in the text, the
customer's answer after an agent asks for a name or username, fields whose key names personal
data) and numbers them by first appearance; ``redact`` then replaces every occurrence of a
known value, and anything the patterns find, in every string of the conversation. A value
given once ("Username: cminh730") is so also replaced where it is repeated bare.
"""
from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

EMAIL, PHONE, CARD, ACCOUNT, HANDLE, QUERY, ADDRESS, PERSON, USERNAME = (
    "EMAIL", "PHONE", "CARD", "ACCOUNT", "HANDLE", "QUERY", "ADDRESS", "PERSON", "USERNAME")
KINDS = (EMAIL, PHONE, CARD, ACCOUNT, HANDLE, QUERY, ADDRESS, PERSON, USERNAME)

# Fields whose key names personal data: their whole value is redacted (JSON keys, CSV columns).
PERSONAL_KEYS = {
    PERSON: ("name", "customer_name", "full_name", "first_name", "last_name", "customer",
             "contact_name"),
    EMAIL: ("email", "email_address", "e_mail", "mail"),
    PHONE: ("phone", "phone_number", "mobile", "telephone", "tel", "cell"),
    USERNAME: ("username", "user_name", "screen_name", "login", "account_name", "user_handle"),
    ACCOUNT: ("order_id", "order_number", "account_id", "account_number", "card_number",
              "customer_id", "member_id", "ssn"),
    ADDRESS: ("street_address", "address", "full_address", "street", "address_line1",
              "address_line2", "home_address", "shipping_address", "billing_address",
                "zip_code", "zip", "postcode", "postal_code"),
}
_KEY_KIND = {key: kind for kind, keys in PERSONAL_KEYS.items() for key in keys}

_STREET = (r"(?:street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|place|pl|"
           r"way|terrace|ter|circle|cir|parkway|pkwy|highway|hwy|square|sq|crescent|close)")
# Words that never sit between a house number and a street suffix ("17 to drive").
_NOT_STREET_WORDS = (r"(?:to|can|i|a|an|the|and|or|you|we|my|your|of|in|on|for|at|is|are|was|be|"
                     r"will|would|could|should|click|clicks|min|mins|minute|minutes|hour|hours|"
                     r"day|days|week|weeks|mile|miles|km|time|times|year|years|more|other)")
PATTERNS: tuple[tuple[str, re.Pattern], ...] = (
    (EMAIL, re.compile(r"[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")),
    (QUERY, re.compile(r"(?<=[?])[^\s#?]+(?=[#\s]|$)")),    # only inside URLs, see _find_queries
    (CARD, re.compile(r"(?<![\w-])\d(?:[ -]?\d){12,18}(?![\w-])")),
    (PHONE, re.compile(r"(?<![\w+])(?:\+\d{1,3}[\s.-]?|1[\s.-])?(?:\(\d{2,4}\)\s?|\d{2,4}[\s.-])"
                       r"\d{3,4}[\s.-]\d{3,4}(?![\w-])")),
    (ADDRESS, re.compile(r"\b\d{1,6}[A-Za-z]?\s+(?:(?!" + _NOT_STREET_WORDS + r"\b)[A-Za-z0-9'-]+\s+){1,3}?"
                         + _STREET + r"\b\.?",
                         re.IGNORECASE)),
    (ACCOUNT, re.compile(r"(?<![\w-])\d{6,}(?![\w-])")),
    (HANDLE, re.compile(r"(?<![\w@<])@\w{2,}")),
)
_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)

# Values introduced by a label: "my name is ...", "Username: ...", "order #A-1042".
_NAME_WORD = r"[A-Za-z][A-Za-z'-]*"
_NAME_LABEL = re.compile(r"\b(?:my name is|my name's|name:)\s+((?:" + _NAME_WORD +
                         r")(?:\s+" + _NAME_WORD + r"){0,2})(?!\w)", re.IGNORECASE)
_USERNAME_LABEL = re.compile(r"\b(?:user ?name|user id)\s*(?:is|:)\s*([\w.-]{3,})",
                             re.IGNORECASE)
_ACCOUNT_LABEL = re.compile(r"\b(?:order|account|acct|ticket|case|confirmation|tracking|member)"
                            r"\s*(?:id|number|no\.?|#)?\s*(?:is|:|#)?\s*#?((?=(?:[A-Z-]*\d){3})[A-Z0-9]"
                            r"[A-Z0-9-]{3,})\b", re.IGNORECASE)
# An agent asking for a name or a username: the customer's next short answer is one.
_ASKS_NAME = re.compile(r"\b(?:your|the)\s+(?:full\s+|first\s+|last\s+)?name\b|\bname,? please\b",
                        re.IGNORECASE)
_ASKS_USERNAME = re.compile(r"\b(?:user ?name|account id|user id|login)\b", re.IGNORECASE)
_ANSWER_PREFIX = re.compile(r"^\s*(?:(?:it's|it is|my name is|sure,?|yes,?|name:|username:)\s+)+",
                            re.IGNORECASE)
_NOT_NAMES = frozenset("""a an and the i im i'm not no yes yeah ok okay sure hi hello hey thanks
thank you please sorry is it its it's this that here there calling speaking from with on at for
of to in my me we us our your just also but or so well um uh sir madam mr mrs ms dr great fine
good perfect one moment second sec wait hold what why how who where when which can could would
should will do does did have has had am are was were be been need want already gave told said
course correct right exactly nope nah hmm hm oh ah lol cool awesome alright nothing none all
same got bought http https www""".split())


PLACEHOLDER = re.compile(r"<(?:" + "|".join(KINDS) + r")_\d+>")


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int
    kind: str
    value: str


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = int(char)
        if position % 2:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


def _normal(kind: str, value: str) -> str:
    """The identity of a value: the same phone written two ways is one phone."""
    if kind in (PHONE, CARD):
        return re.sub(r"\D", "", value)
    return " ".join(value.lower().split())


def pattern_spans(text: str) -> list[Span]:
    """Everything the patterns find, overlaps resolved (earlier start, then longer, wins)."""
    return list(_pattern_spans(text))


@functools.lru_cache(maxsize=8192)
def _pattern_spans(text: str) -> tuple[Span, ...]:
    """Cached: each text is scanned when learning and again when redacting."""
    found = []
    for kind, pattern in PATTERNS:
        if kind == QUERY:
            found.extend(_find_queries(text))
            continue
        for match in pattern.finditer(text):
            value = match.group()
            if kind == CARD:
                digits = re.sub(r"\D", "", value)
                if not 13 <= len(digits) <= 19 or not luhn_valid(digits):
                    continue
            found.append(Span(match.start(), match.end(), kind, value))
    return tuple(_outside_url_paths(text, resolve_overlaps(found)))


def _outside_url_paths(text: str, spans: list[Span]) -> list[Span]:
    """Digits in a URL's path are page ids, not personal data; only its query is redacted."""
    paths = [(m.start(), m.start() + (m.group().find("?") % (len(m.group()) + 1)))
             for m in _URL.finditer(text)]
    return [s for s in spans
            if s.kind in (EMAIL, QUERY) or not any(start <= s.start < end for start, end in paths)]


def _find_queries(text: str) -> list[Span]:
    spans = []
    for url in _URL.finditer(text):
        question = url.group().find("?")
        if question < 0:
            continue
        query = url.group()[question + 1:].split("#")[0].rstrip(".,;:!)")
        if query:
            start = url.start() + question + 1
            spans.append(Span(start, start + len(query), QUERY, query))
    return spans


def resolve_overlaps(spans: Iterable[Span]) -> list[Span]:
    kept: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, -(s.end - s.start), KINDS.index(s.kind))):
        if kept and span.start < kept[-1].end:
            continue
        kept.append(span)
    return kept


def _label_spans(text: str) -> list[Span]:
    spans = []
    for kind, pattern in ((PERSON, _NAME_LABEL), (USERNAME, _USERNAME_LABEL),
                          (ACCOUNT, _ACCOUNT_LABEL)):
        for match in pattern.finditer(text):
            value = match.group(1)
            if kind == PERSON:
                value = _name_words(value)
            if value.lower() in _NOT_NAMES:
                continue
            if value:
                spans.append(Span(match.start(1), match.start(1) + len(value), kind, value))
    return spans


def _name_words(candidate: str) -> str:
    """The leading words of ``candidate`` that can be a name ("crystal minh and I" -> "crystal
    minh")."""
    words = []
    for word in candidate.split():
        if word.lower() in _NOT_NAMES:
            break
        words.append(word)
    return " ".join(words)


def _answer(text: str) -> str:
    return _ANSWER_PREFIX.sub("", text).strip().rstrip(".!")


def _looks_like_name(answer: str) -> bool:
    words = answer.split()
    return (1 <= len(words) <= 4 and len(answer) <= 40
            and all(re.fullmatch(_NAME_WORD, w) for w in words)
            and not any(w.lower() in _NOT_NAMES for w in words))


def _looks_like_username(answer: str) -> bool:
    return bool(re.fullmatch(r"[\w.-]{3,40}", answer)) and bool(re.search(r"\d|_", answer))


@dataclass
class ConversationRedactor:
    """Placeholders for one conversation: learn first, then redact every string."""
    names: Sequence[str] = ()
    placeholders: dict[tuple[str, str], str] = field(default_factory=dict)
    counts: Counter = field(default_factory=Counter)
    _numbers: Counter = field(default_factory=Counter)
    _known: dict[str, str] = field(default_factory=dict)   # lowered literal -> placeholder
    _capitalised_only: set[str] = field(default_factory=set)

    # ------------------------------------------------------------ learning
    def learn_field(self, key: str, value: object) -> None:
        """A field whose key names personal data (``email``, ``customer_name``...)."""
        kind = _KEY_KIND.get(key.strip().lower())
        if kind and isinstance(value, (str, int)) and not isinstance(value, bool):
            text = str(value).strip()
            if text:
                self._register(kind, text)

    def learn_turns(self, turns: Iterable[tuple[str | None, str]]) -> None:
        """(role, text) in conversation order; role is agent, customer or None."""
        asked: set[str] = set()
        for role, text in turns:
            self.learn_text(text)
            if role == "agent":
                asked = {k for k, p in ((PERSON, _ASKS_NAME), (USERNAME, _ASKS_USERNAME))
                         if p.search(text)}
            elif role == "customer" and asked:
                asked -= self._learn_answer(text, asked)

    def learn_text(self, text: str) -> None:
        spans = resolve_overlaps([*_label_spans(text), *pattern_spans(text),
                                  *self._name_list_spans(text)])
        for span in spans:
            self._register(span.kind, span.value)

    def _learn_answer(self, text: str, asked: set[str]) -> set[str]:
        answer = _answer(text)
        if PERSON in asked and _looks_like_name(answer):
            self._register(PERSON, answer)
            return {PERSON}
        if USERNAME in asked and _looks_like_username(answer) and not pattern_spans(answer):
            self._register(USERNAME, answer)
            return {USERNAME}
        return set()

    def _name_list_spans(self, text: str) -> list[Span]:
        spans = []
        for name in self.names:
            for match in re.finditer(r"(?<!\w)" + re.escape(name) + r"(?!\w)", text, re.IGNORECASE):
                spans.append(Span(match.start(), match.end(), PERSON, match.group()))
        return spans

    def _register(self, kind: str, value: str) -> str | None:
        if not PLACEHOLDER.sub("", value).strip(" .,;:-"):
            return None   # already redacted: redacting twice changes nothing
        key = (kind, _normal(kind, value))
        if key not in self.placeholders:
            self._numbers[kind] += 1
            self.placeholders[key] = f"<{kind}_{self._numbers[kind]}>"
            self._remember(value, self.placeholders[key])
            if kind == PERSON:
                self._remember_name_parts(value, self.placeholders[key])
            if kind == EMAIL:
                self._remember_email_user(value)
        return self.placeholders[key]

    def _remember(self, literal: str, placeholder: str) -> None:
        lowered = " ".join(literal.lower().split())
        if len(lowered) >= 2 and lowered not in self._known:
            self._known[lowered] = placeholder

    def _remember_name_parts(self, name: str, placeholder: str) -> None:
        """"Crystal" alone is the same person as "Crystal Minh", when written capitalised."""
        for part in name.split():
            lowered = part.lower()
            if len(part) >= 3 and lowered not in _NOT_NAMES and lowered not in self._known:
                self._remember(part, placeholder)
                self._capitalised_only.add(lowered)

    def _remember_email_user(self, email: str) -> None:
        """The local part of an email is often the username ("cminh730")."""
        user = email.split("@")[0]
        if _looks_like_username(user):
            self._register(USERNAME, user)

    # ------------------------------------------------------------ redacting
    def known_placeholder(self, value: str) -> str | None:
        return self._known.get(" ".join(value.lower().split()))

    def redact(self, text: str) -> str:
        spans = resolve_overlaps([*self._known_spans(text), *pattern_spans(text),
                                  *_label_spans(text), *self._name_list_spans(text)])
        spans = _outside_placeholders(text, spans)
        pieces, last = [], 0
        for span in spans:
            placeholder = self._known.get(" ".join(span.value.lower().split()))
            if placeholder is None:
                placeholder = self._register(span.kind, span.value)
            if placeholder is None:
                continue
            pieces += [text[last:span.start], placeholder]
            last = span.end
            self.counts[placeholder[1:].rsplit("_", 1)[0]] += 1
        return "".join(pieces) + text[last:] if spans else text

    def _known_spans(self, text: str) -> list[Span]:
        """Every occurrence of a value already known in this conversation, whole words only,
        any case (a plain search: faster than compiling a regex per conversation)."""
        if not self._known:
            return []
        lowered = text.lower()
        if len(lowered) != len(text):        # rare case-mapping that changes length
            return self._known_spans_by_regex(text)
        spans = []
        for literal, placeholder in self._known.items():
            if " " in literal:
                spans += self._known_spans_by_regex(text, literal, placeholder)
                continue
            start = lowered.find(literal)
            while start >= 0:
                end = start + len(literal)
                if _whole(text, start, end):
                    spans.append(self._known_span(text, start, end, literal, placeholder))
                start = lowered.find(literal, start + 1)
        return [s for s in spans if s is not None]

    def _known_spans_by_regex(self, text: str, literal: str | None = None,
                              placeholder: str | None = None) -> list[Span]:
        pairs = [(literal, placeholder)] if literal else list(self._known.items())
        spans = []
        for known, known_placeholder in pairs:
            for match in _literal_regex(known).finditer(text):
                spans.append(self._known_span(text, match.start(), match.end(), known,
                                              known_placeholder))
        return [s for s in spans if s is not None]

    def _known_span(self, text: str, start: int, end: int, literal: str,
                    placeholder: str) -> Span | None:
        value = text[start:end]
        if literal in self._capitalised_only and not value[:1].isupper():
            return None
        return Span(start, end, placeholder[1:].rsplit("_", 1)[0], value)


def _whole(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    return not (before.isalnum() or before in "_@") and not (after.isalnum() or after in "_@")


@functools.lru_cache(maxsize=4096)
def _literal_regex(literal: str) -> re.Pattern:
    words = r"\s+".join(re.escape(w) for w in literal.split())
    return re.compile(r"(?<![\w@])" + words + r"(?![\w@])", re.IGNORECASE)


def _outside_placeholders(text: str, spans: list[Span]) -> list[Span]:
    taken = [(m.start(), m.end()) for m in PLACEHOLDER.finditer(text)]
    if not taken:
        return spans
    return [s for s in spans if not any(s.start < end and start < s.end for start, end in taken)]


def read_names(lines: Iterable[str]) -> list[str]:
    """Names to redact, one a line; blank lines and ``#`` comments ignored."""
    names = []
    for line in lines:
        name = line.split("#", 1)[0].strip()
        if name:
            names.append(name)
    return sorted(set(names), key=lambda n: (-len(n), n.lower()))
