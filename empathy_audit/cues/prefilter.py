"""A prefilter for the cue regexes: RE2 finds, in C++, where Python's ``re`` can match.

Most turns hold no match for most cues, and the few matches sit at a few positions, yet
Python's ``re`` tries every cue's regex at every character of every turn (9 to 55 µs a turn
each). Here each regex gets, once, a *relaxed* RE2 pattern that matches wherever the regex
does and more, compiled once by google-re2 (a DFA: linear time, a µs or two a turn). RE2 rules
most texts out at once, and in the rest it gives the positions where Python's regex is worth
trying (:class:`Screened`).

Why the relaxed pattern matches wherever the regex does. Say a node ``n`` of Python's parse
tree matches T[i:j] when, in some match of the regex in the text T, it consumes T[i:j] from
position i. :func:`relax` emits, node by node, an RE2 pattern R(n) that matches T[i:j] at i
wherever n does:

* a lookaround (``(?<=...)``, ``(?!...)``), ``\\b``, ``\\B``, or ``^``/``$`` under MULTILINE
  consumes nothing: R is the empty pattern, which matches at any position, whether or not
  the assertion would hold there;
* ``^`` and ``\\A`` hold at position 0 only, as RE2's ``^`` does; ``\\Z`` at the end only, as
  RE2's ``\\z``. Python's ``$`` also holds before a newline that ends the text: where nothing
  follows it in the pattern it becomes ``\\n?\\z``, which goes on to the end (a longer match,
  as good for a search), anywhere else the empty pattern;
* a character (literal, class, ``.``) becomes an RE2 class holding at least every character
  Python accepts there (below);
* concatenation, alternation, groups and repeats are kept (a lazy repeat consumes what the
  greedy one can; a count above a few only loses its upper bound), and the property carries
  through each of them. Parts at the very end that can match the empty string are left out
  (``fail\\w*`` -> ``fail``): where one has a match starting at i, so has the other.

So wherever the Python regex has a match starting at i, empty or not, the relaxed pattern has
one starting at i: a text RE2 finds nothing in is one where ``finditer`` and ``search`` would
find nothing, and Python's leftmost match starts at one of the positions where RE2 finds a
start. A relaxed pattern that matches the empty string anywhere would find every position,
so such a regex gets no prefilter.

Characters, the one place that needs care (Python's ``re`` is Unicode-aware, RE2 runs here
case-sensitively on UTF-8):

* ``\\d``, ``\\w``, ``\\s`` and their negations: exact on ASCII, where Python's definitions
  are plain (``\\s`` also being ``\\x1c``-``\\x1f`` outside ``re.ASCII``), and *every*
  non-ASCII character is taken as a possible member. That is a superset whatever the Unicode
  versions of Python and RE2, at the cost of flagging a few texts with non-ASCII characters.
* IGNORECASE: Python accepts a character ``ch`` for a cased literal ``c`` when ``lower(ch)`` is
  ``lower(c)`` or one of a few "fixes"; for an ASCII letter that is its two cases plus
  :data:`factored.IGNORECASE_EXTRA` (``i``: İ ı, ``k``: K, ``s``: ſ), written out as a class
  (``[Ssſ]``). A cased non-ASCII character under IGNORECASE, in a literal or in a class, is not
  worked out here: that regex gets no prefilter.
* A negated class (``[^...]``, ``\\W`` in a class, ``[^x]``) accepts what its members reject.
  Any character it lists is a member under IGNORECASE too (``lower(x)`` is ``lower(x)``), and a
  category member is taken as its ASCII part only, so the complement of that smaller set is a
  superset of what Python accepts.
* Anything else (back references, conditional groups, atomic groups, possessive repeats, an
  opcode this module does not know) gives no prefilter: the Python regex always runs.
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property, lru_cache
from re import _constants as sre_c, _parser as sre_parse   # the stdlib's own regex parser

import _sre

from .compile_cache import derived
from .factored import ignorecase_variants

MAX_CHAR = 0x10FFFF
RE2_MAX_COUNT = 1000   # RE2 rejects counted repeats above this
MAX_BOUND = 5          # a counted repeat above this loses its upper bound (see _node)

Intervals = tuple[tuple[int, int], ...]   # sorted, disjoint, not adjacent: (first, last) code


class Untranslatable(ValueError):
    """The regex has something :func:`relax` cannot widen with certainty."""


# ---------------------------------------------------------------- character sets

def _norm(pairs) -> Intervals:
    merged: list[list[int]] = []
    for low, high in sorted(pairs):
        if merged and low <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], high)
        else:
            merged.append([low, high])
    return tuple((low, high) for low, high in merged)


def _complement(chars: Intervals) -> Intervals:
    gaps, start = [], 0
    for low, high in chars:
        if low > start:
            gaps.append((start, low - 1))
        start = high + 1
    if start <= MAX_CHAR:
        gaps.append((start, MAX_CHAR))
    return tuple(gaps)


def _of(text: str) -> Intervals:
    return _norm((ord(c), ord(c)) for c in text)


ANY_CHAR: Intervals = ((0, MAX_CHAR),)
NON_ASCII: Intervals = ((0x80, MAX_CHAR),)
_DIGIT = _of("0123456789")
_WORD = _norm(_DIGIT + ((ord("A"), ord("Z")), (ord("a"), ord("z")), (ord("_"), ord("_"))))
_SPACE_ALWAYS = _of("\t\n\x0b\x0c\r ")              # \s with or without re.ASCII
_SPACE_MAYBE = _norm(_SPACE_ALWAYS + _of("\x1c\x1d\x1e\x1f"))   # ... without it


def _ascii_minus(chars: Intervals) -> Intervals:
    return _norm(p for p in _complement(chars) if p[1] <= 0x7F)


# category -> (superset, subset) of the characters Python puts in it
_CATEGORIES = {
    sre_c.CATEGORY_DIGIT: (_norm(_DIGIT + NON_ASCII), _DIGIT),
    sre_c.CATEGORY_NOT_DIGIT: (_complement(_DIGIT), _ascii_minus(_DIGIT)),
    sre_c.CATEGORY_WORD: (_norm(_WORD + NON_ASCII), _WORD),
    sre_c.CATEGORY_NOT_WORD: (_complement(_WORD), _ascii_minus(_WORD)),
    sre_c.CATEGORY_SPACE: (_norm(_SPACE_MAYBE + NON_ASCII), _SPACE_ALWAYS),
    sre_c.CATEGORY_NOT_SPACE: (_complement(_SPACE_ALWAYS), _ascii_minus(_SPACE_MAYBE)),
}


def _chars(intervals: Intervals):
    for low, high in intervals:
        yield from range(low, high + 1)


def _fold(chars: Intervals) -> Intervals:
    """Every character Python may match, ignoring case, to one of ``chars`` (a literal or the
    listed characters of a class). Uncased characters only match themselves (the compiler
    emits a case-sensitive test when none is cased); a cased ASCII letter also matches its
    other case and its :data:`factored.IGNORECASE_EXTRA`; anything with a cased non-ASCII character,
    or non-ASCII characters next to cased ones, is not worked out."""
    non_ascii = tuple(p for p in chars if p[1] > 0x7F)
    ascii_part = tuple((low, min(high, 0x7F)) for low, high in chars if low <= 0x7F)
    letters = [chr(c) for c in _chars(ascii_part) if chr(c).isalpha()]
    if non_ascii and (letters or any(_sre.unicode_iscased(c) for c in _chars(non_ascii))):
        raise Untranslatable("a cased non-ASCII character, or a non-ASCII character in a class "
                             "with cased ones, ignoring case")
    variants = "".join(v for c in letters for v in ignorecase_variants(c))
    return _norm(chars + _of(variants))


@lru_cache(maxsize=4096)
def _class_text(chars: Intervals) -> str:
    if not chars:
        return r"[^\x{0}-\x{10FFFF}]"   # matches nothing, as Python's empty class
    if len(chars) == 1 and chars[0][0] == chars[0][1]:
        return _char_text(chars[0][0])
    return "[" + "".join(_char_text(low) if low == high else
                         f"{_char_text(low)}-{_char_text(high)}" for low, high in chars) + "]"


def _char_text(code: int) -> str:
    char = chr(code)
    return char if char.isascii() and char.isalnum() else "\\x{%X}" % code


# ---------------------------------------------------------------- the parse tree

@lru_cache(maxsize=4096)
def _literal(code: int, ignorecase: bool) -> Intervals:
    chars = ((code, code),)
    return _fold(chars) if ignorecase else chars


@lru_cache(maxsize=4096)
def _in(items: tuple, ignorecase: bool) -> Intervals:
    """The characters Python's class may accept (a superset)."""
    negate = bool(items) and items[0][0] is sre_c.NEGATE
    listed, categories = [], []
    for op, arg in items[1:] if negate else items:
        if op is sre_c.LITERAL:
            listed.append((arg, arg))
        elif op is sre_c.RANGE:
            listed.append(arg)
        elif op is sre_c.CATEGORY and arg in _CATEGORIES:
            categories.append(arg)
        else:
            raise Untranslatable(f"class item {op}")
    listed = _norm(listed)
    if negate:   # complement of what certainly is a member: the listed characters themselves
        members = _norm(listed + tuple(p for c in categories for p in _CATEGORIES[c][1]))
        return _complement(members)
    if ignorecase:
        listed = _fold(listed)
    return _norm(listed + tuple(p for c in categories for p in _CATEGORIES[c][0]))


# The relaxed pattern, before it is written out: nodes of a small tree.
@dataclass(frozen=True)
class Chars:
    chars: Intervals


@dataclass(frozen=True)
class Seq:
    items: tuple


@dataclass(frozen=True)
class Alt:
    options: tuple


@dataclass(frozen=True)
class Rep:
    node: object
    low: int
    high: int | None   # None: no upper bound


@dataclass(frozen=True)
class Anchor:
    text: str   # "^": the start of the text; "\\z": its end; "$": Python's $ (see _ends)


EMPTY = Seq(())


def _translate(items, flags: int) -> Seq:
    """The tree for a sequence of parse items: it consumes every string they can consume."""
    return Seq(tuple(_node(op, arg, flags) for op, arg in items))


def _node(op, arg, flags: int):
    ignorecase = bool(flags & re.IGNORECASE)
    if op is sre_c.LITERAL:
        return Chars(_literal(arg, ignorecase))
    if op is sre_c.NOT_LITERAL:
        return Chars(_complement(((arg, arg),)))
    if op is sre_c.IN:
        return Chars(_in(tuple(arg), ignorecase))
    if op is sre_c.ANY:
        return Chars(ANY_CHAR if flags & re.DOTALL else _complement(_of("\n")))
    if op is sre_c.AT:
        multiline = flags & re.MULTILINE
        if arg is sre_c.AT_BEGINNING_STRING or arg is sre_c.AT_BEGINNING and not multiline:
            return Anchor("^")       # position 0 only, in both
        if arg is sre_c.AT_END_STRING:
            return Anchor("\\z")     # \Z: the end only, in both
        if arg is sre_c.AT_END and not multiline:
            return Anchor("$")
        return EMPTY                 # \b, \B, the ^ and $ of MULTILINE: widened to "always"
    if op in (sre_c.ASSERT, sre_c.ASSERT_NOT):
        return EMPTY   # consumes nothing, whether or not it holds
    if op is sre_c.SUBPATTERN:
        _group, add_flags, del_flags, sub = arg
        if add_flags & sre_parse.TYPE_FLAGS:
            flags &= ~sre_parse.TYPE_FLAGS
        return _translate(sub, (flags | add_flags) & ~del_flags)
    if op is sre_c.BRANCH:
        return Alt(tuple(_translate(branch, flags) for branch in arg[1]))
    if op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT):   # lazy or greedy: the same strings
        low, high, sub = arg
        if low > RE2_MAX_COUNT:
            raise Untranslatable(f"a repeat of at least {low}")
        # Above a few, a count loses its upper bound: more strings, and a much smaller RE2
        # program and DFA (x{0,40} is forty copies of x, and states that count).
        unbounded = high is sre_c.MAXREPEAT or high > MAX_BOUND
        return Rep(_translate(sub, flags), low, None if unbounded else high)
    raise Untranslatable(f"{op} is not translated")


def _nullable(node) -> bool:
    """Whether ``node`` matches the empty string anywhere (an anchor holds only somewhere)."""
    if isinstance(node, (Chars, Anchor)):
        return False
    if isinstance(node, Seq):
        return all(_nullable(item) for item in node.items)
    if isinstance(node, Alt):
        return any(_nullable(option) for option in node.options)
    return node.low == 0 or _nullable(node.node)


def _flatten(node):
    """Nested sequences and alternations as one, one-item groups as their item."""
    if isinstance(node, Seq):
        items = []
        for item in map(_flatten, node.items):
            items.extend(item.items if isinstance(item, Seq) else (item,))
        return items[0] if len(items) == 1 else Seq(tuple(items))
    if isinstance(node, Alt):
        options = []
        for option in map(_flatten, node.options):
            options.extend(option.options if isinstance(option, Alt) else (option,))
        return options[0] if len(options) == 1 else Alt(tuple(options))
    if isinstance(node, Rep):
        return Rep(_flatten(node.node), node.low, node.high)
    return node


def _ends(node, last: bool = True):
    r"""Python's ``$`` also holds before a newline that ends the text, which RE2's ``$`` does
    not: where nothing follows it in the pattern (``last``), it becomes ``\n?\z``, which
    goes on to the end; anywhere else it becomes empty."""
    if isinstance(node, Anchor) and node.text == "$":
        return Seq((Rep(Chars(_of("\n")), 0, 1), Anchor(r"\z"))) if last else EMPTY
    if isinstance(node, Seq):
        count = len(node.items)
        return Seq(tuple(_ends(item, last and i == count - 1)
                         for i, item in enumerate(node.items)))
    if isinstance(node, Alt):
        return Alt(tuple(_ends(option, last) for option in node.options))
    if isinstance(node, Rep):
        return Rep(_ends(node.node, False), node.low, node.high)
    return node


def _trim(node):
    r"""``node`` without the parts at its end that can be empty (``fail\w*`` -> ``fail``), when
    nothing follows it in the pattern: ``fail\w*`` matches at a position where ``fail`` does,
    and the other way round, so the same positions are found by a smaller pattern."""
    if isinstance(node, Alt):
        return Alt(tuple(_trim(option) for option in node.options))
    if not isinstance(node, Seq):
        return node
    items = list(node.items)
    while len(items) > 1 and _nullable(items[-1]):
        items.pop()
    return Seq((*items[:-1], _trim(items[-1]))) if items else node


def _text(node) -> str:
    if isinstance(node, Chars):
        return _class_text(node.chars)
    if isinstance(node, Anchor):
        return node.text
    if isinstance(node, Seq):
        return "".join(f"(?:{_text(item)})" if isinstance(item, Alt) else _text(item)
                       for item in node.items)
    if isinstance(node, Alt):
        return "|".join(_text(option) for option in node.options)
    inner = _text(node.node)
    atom = inner if isinstance(node.node, Chars) else f"(?:{inner})"
    low, high = node.low, node.high
    if high is None:
        return atom + {0: "*", 1: "+"}.get(low, f"{{{low},}}")
    if (low, high) == (0, 1):
        return atom + "?"
    return atom + (f"{{{low}}}" if low == high else f"{{{low},{high}}}")


@lru_cache(maxsize=512)
def relax(pattern: str, flags: int = 0) -> str:
    r"""An RE2 pattern (case-sensitive) that matches, at every position where ``pattern``
    compiled with ``flags`` has a match, a string starting there; Untranslatable when there is
    none worth running."""
    try:
        parsed = sre_parse.parse(pattern, flags)
    except re.error as exc:
        raise Untranslatable(f"invalid: {exc}") from None
    tree = _trim(_flatten(_ends(_flatten(_translate(parsed, parsed.state.flags)))))
    if _nullable(tree):
        raise Untranslatable("can match the empty string")
    return _text(tree)


def relaxed_or_none(regex: re.Pattern | None) -> str | None:
    """:func:`relax` of a compiled regex; None when it gets no prefilter."""
    if regex is None:
        return None

    def compute() -> str | None:
        try:
            return relax(regex.pattern, regex.flags)
        except Untranslatable:
            return None
    return derived("relax", json.dumps([regex.pattern, regex.flags]), compute)


# ---------------------------------------------------------------- running it

StartFinder = Callable[[bytes, int], int]


def compile_relaxed(pattern: str):
    """The relaxed pattern compiled by RE2 (google-re2), once; None when RE2 rejects it or
    is not installed (the Python regex then runs on every text, as without a prefilter)."""
    try:
        import re2
    except ImportError:
        return None
    try:
        return re2.compile(pattern.encode("utf-8"), relaxed_options())
    except re2.error:
        return None


def relaxed_options():
    """google-re2's options for relaxed patterns (the binding must be installed)."""
    import re2
    options = re2.Options()
    options.log_errors = False     # a rejected pattern is an answer here, not an error
    options.never_capture = True
    # RE2 builds its DFAs lazily, within this much per pattern, and falls back to its slower
    # NFA where they outgrow it. The default checklist's largest cue (5,900 instructions)
    # runs 7x faster with 16 MB than with 8 (2.2 against 15 µs a turn); all its cues
    # together grew RSS by 15 MB on 21,000 turns.
    options.max_mem = 16 << 20
    return options


def start_finder(compiled) -> StartFinder:
    """(UTF-8 text, position) -> where the leftmost match at or after the position starts,
    -1 for none. Through the binding's C++ object where it has one: its Python wrapper costs
    more than the search itself on a short text."""
    native = getattr(compiled, "_regexp", None)
    anchor = getattr(getattr(type(native), "Anchor", None), "UNANCHORED", None)
    if native is None or anchor is None:
        def start(data: bytes, pos: int) -> int:
            match = compiled.search(data, pos)
            return match.start() if match else -1
        return start

    def native_start(data: bytes, pos: int) -> int:
        return native.Match(anchor, data, pos, len(data))[0][0]
    return native_start


def may_match(compiled, text: str) -> bool:
    """Whether the compiled relaxed pattern matches ``text`` (True where RE2 cannot look: a
    lone surrogate is not UTF-8)."""
    try:
        return compiled.search(text.encode("utf-8")) is not None
    except UnicodeEncodeError:
        return True


class Screened:
    """A compiled regex behind its prefilter: ``finditer`` and ``search`` as the regex's own.

    RE2 finds where the relaxed pattern first matches. Python's regex has no match before
    that position (a match of the regex starts where one of the relaxed pattern does), so:

    * no position: the regex has no match in the text, answered at once;
    * in an ASCII text, for a regex that cannot match the empty string, the regex is only
      *tried* (``match``) at the positions RE2 finds, in order, going on after each match
      as ``finditer`` does, instead of at every character;
    * otherwise the regex's own ``finditer`` starts from the first position.

    The regex is only translated when first used (a tenth of a second for the default
    checklist)."""

    def __init__(self, regex: re.Pattern):
        self.regex = regex

    @cached_property
    def relaxed(self) -> str | None:
        return relaxed_or_none(self.regex)

    @cached_property
    def _start_finder(self) -> StartFinder | None:
        compiled = compile_relaxed(self.relaxed) if self.relaxed else None
        return start_finder(compiled) if compiled is not None else None

    @cached_property
    def _never_empty(self) -> bool:
        return derived("never_empty", json.dumps([self.regex.pattern, self.regex.flags]),
                       lambda: sre_parse.parse(self.regex.pattern,
                                               self.regex.flags).getwidth()[0] > 0)

    def prepare(self) -> None:
        """Derive the prefilter now (from the cache when it is warm), not at first use."""
        self.relaxed, self._never_empty   # noqa: B018  (cached properties)

    @property
    def pattern(self) -> str:
        return self.regex.pattern

    def finditer(self, text: str) -> Iterator[re.Match]:
        start_at = self._start_finder
        if start_at is None:
            return self.regex.finditer(text)
        try:
            data = text.encode("utf-8")
        except UnicodeEncodeError:
            return self.regex.finditer(text)
        first = start_at(data, 0)
        if first < 0:
            return iter(())
        if len(data) == len(text) and self._never_empty:
            return self._tried_at_starts(text, data, first, start_at)
        return self.regex.finditer(text, len(data[:first].decode("utf-8")))

    def _tried_at_starts(self, text: str, data: bytes, start: int,
                         start_at: StartFinder) -> Iterator[re.Match]:
        """``finditer`` of an ASCII text (byte and character offsets agree), trying the regex
        only where the relaxed pattern starts a match; the regex's matches are never empty."""
        match_at = self.regex.match   # lookbehinds and \b see the text before the position
        while start >= 0:
            found = match_at(text, start)
            if found:
                yield found
            position = found.end() if found else start + 1
            if position > len(data):
                return
            start = start_at(data, position)

    def search(self, text: str) -> re.Match | None:
        return next(self.finditer(text), None)
