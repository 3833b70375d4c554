"""Redaction of personal data in transcript text, with placeholders consistent within a
conversation (``<EMAIL_1>``, ``<PERSON_2>``). No terminal code, no file formats: see
:mod:`.files` for CSV/JSON/JSONL in and out.

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

from .placeholders import (ACCOUNT, ADDRESS, BIRTHDATE, CARD, EMAIL, HANDLE, IP, KINDS, PERSON,
                           PHONE, QUERY, USERNAME)

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
                "zip_code", "zip", "postcode", "postal_code", "city", "town"),
    BIRTHDATE: ("date_of_birth", "dob", "birth_date", "birthdate", "birthday"),
    IP: ("ip", "ip_address"),
}
_KEY_KIND = {key: kind for kind, keys in PERSONAL_KEYS.items() for key in keys}

_STREET = (r"(?:street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|place|pl|"
           r"way|terrace|ter|circle|cir|parkway|pkwy|highway|hwy|square|sq|crescent|close|"
           r"loop|row|mews|gardens|grove|alley|plaza)")
# Words that never sit between a house number and a street suffix ("17 to drive").
_NOT_STREET_WORDS = (r"(?:to|can|i|a|an|the|and|or|you|we|my|your|of|in|on|for|at|is|are|was|be|"
                     r"will|would|could|should|click|clicks|min|mins|minute|minutes|hour|hours|"
                     r"day|days|week|weeks|mile|miles|km|time|times|year|years|more|other)")
# A street word before the name, as in French, Spanish, Italian, Portuguese: "12 Rue de la Paix".
_STREET_FIRST = (r"(?i:rue|avenue|boulevard|bd|chemin|all[ée]e|impasse|quai|via|viale|piazza|"
                 r"calle|avenida|carrer|rua|paseo|pra[çc]a)")
_LETTER_TAIL = r"(?:[^\W\d_]|['’-])*"
_LETTERS = r"[^\W\d_]" + _LETTER_TAIL
_NAME_PARTICLES = r"(?:de|la|le|les|du|des|del|della|di|da|do|dos|das|von|van|der|y)"
_US_STATES = ("AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|"
              "MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY")
_SPELLED_DOT = r"(?:\s+dot\s+|\s*[(\[{]dot[)\]}]\s*)"
_SPELLED_AT = r"(?:\s+at\s+|\s*[(\[{]at[)\]}]\s*)"
PATTERNS: tuple[tuple[str, re.Pattern], ...] = (
    (EMAIL, re.compile(r"[\w.+-]+@(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
                       r"|localhost\b)")),
    # "tom dot baker at gmail dot com", "kenji[at]example[dot]jp": a spelled "dot" before the TLD
    (EMAIL, _SPELLED_EMAIL := re.compile(
        r"\b[\w+-]+(?:(?:\.|" + _SPELLED_DOT + r")[\w+-]+)*" + _SPELLED_AT
        + r"[A-Za-z0-9-]+(?:(?:\.|" + _SPELLED_DOT + r")[A-Za-z0-9-]+)*"
        + _SPELLED_DOT + r"[A-Za-z]{2,6}\b", re.IGNORECASE)),
    (QUERY, re.compile(r"(?<=[?])[^\s#?]+(?=[#\s]|$)")),    # only inside URLs, see _find_queries
    (CARD, re.compile(r"(?<![\w-])\d(?:[ -]?\d){12,18}(?![\w-])")),
    # an IBAN (checked in _plausible)
    (ACCOUNT, re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,3})?\b")),
    (PHONE, re.compile(r"(?<![\w+])(?:\+\d{1,3}[\s.-]?|1[\s.-])?(?:\(\d{2,4}\)\s?|\d{2,4}[\s.-])"
                       r"\d{3,4}[\s.-]\d{3,4}(?![\w-])")),
    # International ("+33 1 42 68 53 00", "+91 98765 43210") and national with a trunk 0
    # ("020 7946 0958", "06 12 34 56 78"); digit counts checked in _plausible
    (PHONE, re.compile(r"(?<![\w+])\+\d{1,3}(?:[\s.-]?\(\d{1,5}\))?[\s.-]?\d{1,10}"
                       r"(?:[\s.-]\d{1,10}){0,6}(?![\w-])")),
    (PHONE, re.compile(r"(?<![\w+.:/-])0\d{1,4}(?:[\s.-]\d{2,8}){1,4}(?![\w-]|[.:/]\d)")),
    (ADDRESS, re.compile(r"\b\d{1,6}[A-Za-z]?\s+(?:(?!" + _NOT_STREET_WORDS + r"\b)[A-Za-z0-9'-]+\s+){1,3}?"
                         + _STREET + r"\b\.?",
                         re.IGNORECASE)),
    (ADDRESS, re.compile(r"\b\d{1,5}[A-Za-z]?,?\s+" + _STREET_FIRST + r"\s+" + _LETTERS
                         + r"(?:\s+(?:" + _NAME_PARTICLES + r"|[A-ZÀ-ÖØ-Þ]" + _LETTER_TAIL
                         + r")){0,3}")),
    # "Hauptstraße 5": a capital first (one class first, so that re skips ahead in C)
    (ADDRESS, re.compile(r"[A-ZÄÖÜ](?<!\w[A-ZÄÖÜ])[^\W\d_]*(?i:stra(?:ß|ss)e|str\.|weg|gasse|"
                         r"platz|allee|damm)\s+\d{1,4}[a-z]?\b")),
    (ADDRESS, re.compile(r"\b(?:P\.?\s?O\.?|Post\s+Office)\s*Box\s+\d{1,6}\b", re.IGNORECASE)),
    (ADDRESS, re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}\b")),           # UK postcode
    (ADDRESS, re.compile(r"\b(?:" + _US_STATES + r")\s+\d{5}(?:-\d{4})?\b")),  # state and ZIP
    (IP, re.compile(r"(?<![\w.])(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)"
                    r"(?![\w.]|\.\d)")),
    (ACCOUNT, re.compile(r"(?<![\w-])\d{6,}(?![\w-])")),
    (HANDLE, re.compile(r"(?<![\w@<])@\w{2,}")),
)
# Every pattern of these kinds needs a digit: a text without one skips them (most texts).
_DIGIT_KINDS = frozenset((CARD, PHONE, ADDRESS, IP, ACCOUNT, BIRTHDATE))
_DIGIT = re.compile(r"\d")
_DATE = re.compile(r"\d{1,4}[./-]\d{1,2}[./-]\d{2,4}")
_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)

# Values introduced by a label: "my name is ...", "Username: ...", "order #A-1042".
_NAME_WORD = _LETTERS
_NAME_LABEL = re.compile(r"\b(?:my name is|my name's|name:)\s+((?:" + _NAME_WORD +
                         r")(?:\s+" + _NAME_WORD + r"){0,2})(?!\w)", re.IGNORECASE)
# "I'm Maria", "this is David Chen", "call me Sam": only capitalised words count (see
# _introduced_name), "I'm frustrated" is not a name.
_NAME_INTRO = re.compile(r"(?i:\b(?:i['’]?m|i am|this is|call me))\s+((?:" + _NAME_WORD +
                         r")(?:\s+" + _NAME_WORD + r"){0,2})(?!\w)")
_USERNAME_LABEL = re.compile(r"\b(?:user ?name|user id)\s*(?:is|:)\s*([\w.-]{3,})",
                             re.IGNORECASE)
_ACCOUNT_LABEL = re.compile(r"\b(?:order|account|acct|ticket|case|confirmation|tracking|"
                            r"member(?:ship)?|reference|ref|invoice|policy|booking|reservation|"
                            r"customer|client|contract|claim|subscriber|loyalty|pnr)"
                            r"\s*(?:id|number|no\.?|num|code|#)?\s*(?:is|:|#)?\s*#?"
                            r"(\d{2,}(?: \d{2,})+(?![\w-])|(?=[A-Z-]*\d)[A-Z0-9][A-Z0-9-]{3,}\b)",
                            re.IGNORECASE)
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_BIRTHDATE_LABEL = re.compile(r"\b(?:date of birth|birth ?date|d\.?o\.?b\.?|born(?: on)?|birthday)"
                              r"\s*(?:is|was|:)?\s*("
                              r"\d{1,4}[./-]\d{1,2}[./-]\d{2,4}"
                              r"|" + _MONTH + r" \d{1,2}(?:st|nd|rd|th)?,? \d{4}"
                              r"|\d{1,2}(?:st|nd|rd|th)? (?:of )?" + _MONTH + r",? \d{4})",
                              re.IGNORECASE)
# An agent asking for a name or a username: the customer's next short answer is one.
_ASKS_NAME = re.compile(r"\b(?:your|the)\s+(?:(?:full|first|last)\s+(?:and\s+)?)*name\b"
                        r"|\bname,? please\b",
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
# Names that are also common words: alone and in lower case, "will" is the word, not Will.
_WORD_NAMES = frozenset("""will bill mark may june april august rose grace hope joy faith frank
art pat sue ray dawn summer rich bob guy lane chase hunter victor max penny page sky river
jack jewel amber ruby pearl iris lily daisy heather holly ivy violet hazel sandy rusty dusty
brook drew gene glen grant miles neil norm rod sterling wade ward young long white brown green
black gray grey king price cook baker smith hill wood stone rock well wells""".split())
# Capitalised words after "I'm" or "this is" that are not names ("I'm Sorry", "This is Urgent").
_NOT_INTRODUCED = _NOT_NAMES | frozenset("""very so really just still also only too quite pretty
frustrated upset angry annoyed disappointed confused tired sick done fed happy glad pleased
grateful excited afraid scared worried concerned certain trying going calling writing contacting
reaching having getting looking waiting using talking asking back ready new old bad absolutely
totally completely literally seriously honestly actually ridiculous unacceptable urgent important
insane crazy terrible horrible awful amazing annoying outrageous absurd beyond about over under
out now today tomorrow yesterday tonight he she they you him her them his hers their its
monday tuesday wednesday thursday friday saturday sunday january february march june july
september october november december american canadian british english french german indian
australian irish japanese spanish mexican chinese italian scottish welsh new after before
interested unable able currently literally almost never always again a customer client member
disabled stuck stranded lost confident positive speechless shocked furious livid dming dm
messaging emailing texting tweeting premium pro plus prime basic gold silver platinum
vip""".split())


PLACEHOLDER = re.compile(r"<(?:" + "|".join(KINDS) + r")_\d+>")


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int
    kind: str
    value: str


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value)


def _plausible(kind: str, value: str) -> bool:
    """Checks a pattern cannot express: a card's Luhn digit, an IBAN's mod-97, a phone
    number's length (and a trunk-0 "number" that is a date, 03.04.2024)."""
    if kind == CARD:
        digits = _digits(value)
        return 13 <= len(digits) <= 19 and luhn_valid(digits)
    if kind == ACCOUNT and value[:2].isalpha():
        return iban_valid(value)
    if kind == PHONE:
        return 8 <= len(_digits(value)) <= 15 and not _DATE.fullmatch(value)
    return True


def iban_valid(value: str) -> bool:
    compact = value.replace(" ", "").upper()
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


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
        return _digits(value)
    return " ".join(value.lower().split())


def pattern_spans(text: str) -> list[Span]:
    """Everything the patterns find, overlaps resolved (earlier start, then longer, wins)."""
    return list(_pattern_spans(text))


@functools.lru_cache(maxsize=8192)
def _pattern_spans(text: str) -> tuple[Span, ...]:
    """Cached: each text is scanned when learning and again when redacting."""
    found = []
    has_digit = _DIGIT.search(text) is not None
    spelled = "dot" in text.lower()
    for kind, pattern in PATTERNS:
        if (kind in _DIGIT_KINDS and not has_digit) or (pattern is _SPELLED_EMAIL and not spelled):
            continue
        if kind == QUERY:
            found.extend(_find_queries(text))
            continue
        for match in pattern.finditer(text):
            if _plausible(kind, match.group()):
                found.append(Span(match.start(), match.end(), kind, match.group()))
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


@functools.lru_cache(maxsize=8192)
def _label_spans(text: str) -> tuple[Span, ...]:
    """Cached as _pattern_spans."""
    spans = []
    has_digit = _DIGIT.search(text) is not None
    for kind, pattern in ((PERSON, _NAME_LABEL), (PERSON, _NAME_INTRO), (USERNAME, _USERNAME_LABEL),
                          (ACCOUNT, _ACCOUNT_LABEL), (BIRTHDATE, _BIRTHDATE_LABEL)):
        if kind in _DIGIT_KINDS and not has_digit:
            continue
        for match in pattern.finditer(text):
            value = match.group(1)
            if pattern is _NAME_LABEL:
                value = _name_words(value)
            elif pattern is _NAME_INTRO:
                value = _introduced_name(value)
            elif kind == ACCOUNT and not _looks_like_id(value):
                continue
            if value and value.lower() not in _NOT_NAMES:
                spans.append(Span(match.start(1), match.start(1) + len(value), kind, value))
    return tuple(spans)


def _introduced_name(candidate: str) -> str:
    """The leading capitalised words of ``candidate`` that can be a name ("Maria and I" ->
    "Maria"; "Frustrated" -> ""). All-capitals words are shouting, not names."""
    words = []
    for word in candidate.split():
        if not word[0].isupper() or (len(word) > 1 and word.isupper()) \
                or word.lower() in _NOT_INTRODUCED:
            break
        words.append(word)
    return " ".join(words)


def _looks_like_id(value: str) -> bool:
    """An order, account or booking id: three digits, or two among capitals ("QX7Y2P", not
    "30minutes"), and not a year ("invoice 2024")."""
    digits = sum(c.isdigit() for c in value)
    if re.fullmatch(r"(?:19|20)\d\d", value):
        return False
    return digits >= 3 or (digits >= 2 and value.isupper())


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
        """"crystal" alone is the same person as "Crystal Minh", in any case; a part that is
        also a common word ("Will", "Bill") only when written capitalised."""
        for part in name.split():
            lowered = part.lower()
            if len(part) >= 3 and lowered not in _NOT_NAMES and lowered not in self._known:
                self._remember(part, placeholder)
                if lowered in _WORD_NAMES:
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


def ordered_names(names: Iterable[str]) -> list[str]:
    """Names to redact, each once, the longest first (so "Ann Lee" wins over "Ann")."""
    return sorted(set(names), key=lambda n: (-len(n), n.lower()))
