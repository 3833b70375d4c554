"""User regexes with bounded work: Python's ``re`` where a static check proves the pattern
cannot backtrack badly, the ``regex`` module with a time budget everywhere else.

Python's ``re`` cannot be interrupted (no timeout, and a signal waits for the match to end),
so a checklist pattern such as ``(?:a|aa)+b`` or ``\\w*\\w*\\w*x`` could hold an audit for
minutes on one turn. Rejecting such shapes at validation catches the classic ones only;
here the *work* is bounded instead:

* :func:`can_backtrack` says False only for patterns without the two shapes that make
  backtracking blow up: a repeat (more than a few times, or of an unbounded body) of a body
  that can match one text in several ways, and two unbounded repeats that can take the same
  characters with nothing required between them that the first cannot take. What is left is
  linear per start position, times the bounded counts it holds (``[^?]{0,80}``), or
  quadratic at worst. Those run in ``re``, as fast as ever; anything the check does not know
  (back references, conditionals) is taken as risky.
* Every other pattern runs in the ``regex`` module (same syntax and matches in its version 0
  mode; it also defuses many catastrophic cases itself) with ``timeout=`` on every call:
  when the budget runs out, :class:`BudgetExceeded` names the pattern, and the caller says
  where (cue, checklist line, turn).
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from re import _constants as c, _parser as sre_parse   # the stdlib's own regex parser

from .compile_cache import derived
from .sre_cache import compile_regex

SECONDS = 1.0            # budget of one search or match of one pattern on one turn
_MANY = 10               # a repeat of a body that can match in several ways, at most this often
_WIDE = 100              # a width that can vary by more than this counts as unbounded


class BudgetExceeded(Exception):
    """A user regex used up its time budget on one text."""

    def __init__(self, pattern: str):
        super().__init__(pattern)
        self.pattern = pattern


# ---------------------------------------------------------------- the static check

# Characters that stand for every class a pattern can name: all of ASCII and a few others
# (a letter, a digit, a space, a symbol beyond ASCII). Two items "can take the same
# character" when one of these is in both: coarse, and on the safe side.
_PROBES = [chr(i) for i in range(128)] + ["é", "٣", "\u00a0", "\u2019", "😀", "ſ", "K"]
_IN_CATEGORY = {
    c.CATEGORY_DIGIT: str.isdigit, c.CATEGORY_NOT_DIGIT: lambda ch: not ch.isdigit(),
    c.CATEGORY_SPACE: str.isspace, c.CATEGORY_NOT_SPACE: lambda ch: not ch.isspace(),
    c.CATEGORY_WORD: lambda ch: ch.isalnum() or ch == "_",
    c.CATEGORY_NOT_WORD: lambda ch: not (ch.isalnum() or ch == "_"),
}


@lru_cache(maxsize=4096)
def can_backtrack(pattern: str, flags: int = re.IGNORECASE) -> bool:
    """True unless the static check below proves the pattern safe."""
    try:
        return _risky(list(sre_parse.parse(pattern, flags)))
    except (re.error, KeyError, TypeError, ValueError, AttributeError, RecursionError):
        return True   # anything this check does not know is taken as risky


_REPEATS = (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", c.MAX_REPEAT))


def _risky(items: list, end_succeeds: bool = True) -> bool:
    """Two shapes make backtracking blow up: a repeat (above a few times) of a body that can
    match in several ways, ``(a|aa)+``, ``(?:a?){30}``; and two unbounded repeats that can
    take the same characters with nothing required between them that the first cannot take,
    ``\\w*\\w*x``, ``.*a.*b``. Each sequence of the pattern is checked for both;
    ``end_succeeds``: nothing after the sequence can fail (the end of the pattern)."""
    for position, (op, arg) in enumerate(items):
        last = end_succeeds and position == len(items) - 1
        if op in _REPEATS:
            low, high, body = arg
            if high > 1 and _ambiguous_repeat(list(body), high):
                return True
            if _risky(list(body), False):
                return True
        elif op == c.SUBPATTERN:
            if _risky(list(arg[-1]), last):
                return True
        elif op == c.BRANCH:
            if any(_risky(list(alternative), last) for alternative in arg[1]):
                return True
        elif op in (c.ASSERT, c.ASSERT_NOT):
            if _risky(list(arg[1]), False):
                return True
        elif op in (c.GROUPREF, c.GROUPREF_EXISTS, getattr(c, "ATOMIC_GROUP", None)):
            return True
    return _repeats_compete(_opened(items), end_succeeds)


def _ambiguous_repeat(body: list, times: int) -> bool:
    """Can a text split into the body's repetitions in many ways? Not when each repetition
    starts with a required item of fixed width whose characters the rest never takes
    (``(?:-\\w+)*``), nor when it repeats a few times a body of bounded width."""
    branches = _branches(body)
    varies = _varies(body)
    if not (branches or varies):
        return False
    if times <= _MANY and not branches and \
            sre_parse.SubPattern(sre_parse.State(), body).getwidth()[1] <= _WIDE:
        return False
    opened = _opened(body)
    if branches or not opened or _varies(opened[:1]) or _width(opened[0])[0] == 0:
        return True
    return bool(_chars(opened[:1]) & _chars(opened[1:]))


def _opened(items: list) -> list:
    """The sequence with plain groups opened up and zero-width assertions left out."""
    flat = []
    for op, arg in items:
        if op == c.SUBPATTERN:
            flat.extend(_opened(list(arg[-1])))
        elif op not in (c.AT, c.ASSERT, c.ASSERT_NOT):
            flat.append((op, arg))
    return flat


def _repeats_compete(sequence: list, end_succeeds: bool) -> bool:
    for index, item in enumerate(sequence):
        given_back = _gives_back(item)
        if not given_back:
            continue
        for offset, later in enumerate(sequence[index + 1:], index + 1):
            first = _first(later)
            if _unbounded(later) and first & given_back and \
                    not (end_succeeds and offset == len(sequence) - 1):
                return True   # (the last item of the pattern takes what it can: no retry)
            if _width(later)[0] > 0 and not first & given_back:
                break   # a required character the first repeat cannot take: it stops there
    return False


def _unbounded(item) -> bool:
    low, high = _width(item)
    return high - low > _WIDE


def _width(item) -> tuple[int, int]:
    return sre_parse.SubPattern(sre_parse.State(), [item]).getwidth()


def _gives_back(item) -> frozenset[str]:
    """The characters an item of unbounded width can give back to what follows it when
    backtracking (empty when its width is bounded)."""
    if not _unbounded(item):
        return frozenset()
    op, arg = item
    if op in _REPEATS and arg[1] > 1:
        return _chars(list(arg[2]))
    if op in _REPEATS:
        return _tail(list(arg[2]))
    if op == c.BRANCH:
        return frozenset().union(*(_tail(list(alt)) for alt in arg[1]))
    return _chars([item])


def _tail(items: list) -> frozenset[str]:
    """What a sequence can give back: from its last unbounded item to its end."""
    opened = _opened(items)
    for index in range(len(opened) - 1, -1, -1):
        if _unbounded(opened[index]):
            return _gives_back(opened[index]) | _chars(opened[index + 1:])
    return frozenset()


def _first(item) -> frozenset[str]:
    """The probe characters ``item``'s match can start with (more, when unsure)."""
    op, arg = item
    if op in (c.LITERAL, c.NOT_LITERAL, c.ANY, c.IN, c.CATEGORY):
        return _one_char(op, tuple(arg) if op == c.IN else arg)
    if op in _REPEATS:
        return _first_of(list(arg[2]))
    if op == c.SUBPATTERN:
        return _first_of(list(arg[-1]))
    if op == c.BRANCH:
        return frozenset().union(*(_first_of(list(alt)) for alt in arg[1]))
    return frozenset(_PROBES)


def _first_of(items: list) -> frozenset[str]:
    found: frozenset[str] = frozenset()
    for item in _opened(items):
        found |= _first(item)
        if _width(item)[0] > 0:
            break
    return found


def _chars(items: list) -> frozenset[str]:
    """The probe characters a sequence can consume anywhere in its match."""
    found: frozenset[str] = frozenset()
    for op, arg in items:
        if op in _REPEATS:
            found |= _chars(list(arg[2]))
        elif op == c.SUBPATTERN:
            found |= _chars(list(arg[-1]))
        elif op == c.BRANCH:
            found |= frozenset().union(*(_chars(list(alt)) for alt in arg[1]))
        elif op in (c.AT, c.ASSERT, c.ASSERT_NOT):
            continue
        else:
            found |= _first((op, arg))
    return found


def _varies(body: list) -> bool:
    low, high = sre_parse.SubPattern(sre_parse.State(), body).getwidth()
    return high != low


def _branches(body) -> bool:
    for op, arg in body:
        if op == c.BRANCH:
            return True
        if op == c.SUBPATTERN and _branches(arg[-1]):
            return True
        if op in _REPEATS and _branches(arg[2]):
            return True
    return False


@lru_cache(maxsize=4096)
def _one_char(op, arg) -> frozenset[str]:
    return frozenset(ch for ch in _PROBES if _accepts(op, arg, ch))


def _accepts(op, arg, ch: str) -> bool:
    """Does the one-character item accept ``ch`` (either case: patterns run IGNORECASE)?"""
    if op == c.ANY:
        return True
    if op == c.LITERAL:
        return chr(arg).lower() == ch.lower()
    if op == c.NOT_LITERAL:
        return chr(arg).lower() != ch.lower()
    if op == c.CATEGORY:
        return _IN_CATEGORY.get(arg, lambda _: True)(ch)
    negate = any(o == c.NEGATE for o, _ in arg)
    hit = any(_in_set_member(o, a, ch) for o, a in arg if o != c.NEGATE)
    return hit != negate


def _in_set_member(op, arg, ch: str) -> bool:
    if op == c.LITERAL:
        return chr(arg).lower() == ch.lower()
    if op == c.RANGE:
        low, high = arg
        return any(low <= ord(x) <= high for x in {ch, ch.lower(), ch.upper()})
    if op == c.CATEGORY:
        return _IN_CATEGORY.get(arg, lambda _: True)(ch)
    return True


# ---------------------------------------------------------------- running with a budget

class Bounded:
    """A pattern compiled by the ``regex`` module, every call under :data:`SECONDS`. It has
    the attributes of ``re.Pattern`` that the cue code and the prefilter use."""

    def __init__(self, pattern: str, flags: int):
        self.pattern, self.flags = pattern, flags | re.UNICODE   # as re's for a str pattern
        import regex   # here: a checklist whose regexes all run in re never loads it

        regex_flags = regex.V0 | (regex.IGNORECASE if flags & re.IGNORECASE else 0)
        self._compiled = regex.compile(pattern, regex_flags)

    def __reduce__(self):
        return Bounded, (self.pattern, self.flags)

    def finditer(self, text: str, pos: int = 0) -> Iterator:
        try:
            yield from self._compiled.finditer(text, pos, timeout=SECONDS)
        except TimeoutError:
            raise BudgetExceeded(self.pattern) from None

    def search(self, text: str, pos: int = 0):
        try:
            return self._compiled.search(text, pos, timeout=SECONDS)
        except TimeoutError:
            raise BudgetExceeded(self.pattern) from None

    def match(self, text: str, pos: int = 0):
        try:
            return self._compiled.match(text, pos, timeout=SECONDS)
        except TimeoutError:
            raise BudgetExceeded(self.pattern) from None


def compile_bounded(pattern: str, flags: int = re.IGNORECASE,
                    parts: tuple[str, ...] | None = None) -> re.Pattern | Bounded:
    """``re.compile`` for a pattern that cannot backtrack badly, :class:`Bounded` else.
    ``parts``: the user patterns ``pattern`` is an alternation of (with phrases, safe by
    construction), each checked alone: much faster than the whole, and as safe, as the
    alternatives of an alternation are tried one after the other."""
    if any(derived("backtracks", f"{flags}\0{part}", lambda p=part: can_backtrack(p, flags))
           for part in ((pattern,) if parts is None else parts)):
        return Bounded(pattern, flags)
    return compile_regex(pattern, flags)


def exceeds_budget(pattern: str, text: str) -> bool:
    """Does ``pattern`` alone use up its budget on ``text``? (To name the culprit among a
    cue's patterns once their combination has.)"""
    try:
        for _ in Bounded(pattern, re.IGNORECASE).finditer(text):
            pass
    except BudgetExceeded:
        return True
    return False
