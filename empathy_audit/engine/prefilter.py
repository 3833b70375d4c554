"""A prefilter for the cue regexes: RE2 rules turns out, in C++, before Python's ``re`` runs.

Most turns hold no match for most cues, yet Python's ``re`` scans every turn with every cue's
regex (9 to 55 µs a turn each). Here each regex gets, once, *relaxed* RE2 patterns whose
matches are a superset of its own, compiled once by google-re2 (a DFA: linear time, a few µs
a turn), and the Python regex then runs only on the texts they flag.

Why a flagged set is a superset. Say a node ``n`` of Python's parse tree matches T[i:j] when,
in some match of the regex in the text T, it consumes T[i:j] from position i. :func:`relax`
emits, node by node, an RE2 pattern R(n) that matches T[i:j] at i wherever n does:

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
  (``fail\\w*`` -> ``fail``): a text holding a match of one holds a match of the other.

So wherever the Python regex has a match, empty or not, RE2's search finds one in the same
text: texts RE2 does not flag are those where ``finditer`` and ``search`` would find nothing.
A relaxed pattern that matches the empty string anywhere flags every text, so such a regex
gets no prefilter.

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

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from re import _constants as sre_c, _parser as sre_parse   # the stdlib's own regex parser

import _sre

from .factored import ignorecase_variants

MAX_CHAR = 0x10FFFF
RE2_MAX_COUNT = 1000   # RE2 rejects counted repeats above this
MAX_BOUND = 5          # a counted repeat above this loses its upper bound (see _node)
PATTERN_CHARS = 8000   # one RE2 pattern per this much relaxed text (see relax)

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
    nothing follows it in the pattern: a text holding a match of ``fail\w*`` holds ``fail``,
    and the other way round, so the same texts are flagged by a smaller pattern."""
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
def relax(pattern: str, flags: int = 0) -> tuple[str, ...]:
    r"""RE2 patterns (case-sensitive) such that every text in which ``pattern`` compiled with
    ``flags`` has a match is matched by at least one of them; Untranslatable when there are
    none worth running.

    The top-level alternatives are spread over patterns of about :data:`PATTERN_CHARS`: RE2
    builds its DFA lazily within a memory budget, and one pattern made of a cue's hundred
    alternatives, many with a ``[^.!?\n]*`` between two phrases, exhausts it and runs several
    times slower than the same alternatives in four patterns."""
    try:
        parsed = sre_parse.parse(pattern, flags)
    except re.error as exc:
        raise Untranslatable(f"invalid: {exc}") from None
    tree = _trim(_flatten(_ends(_flatten(_translate(parsed, parsed.state.flags)))))
    if _nullable(tree):
        raise Untranslatable("can match the empty string")
    options = tree.options if isinstance(tree, Alt) else (tree,)
    patterns = [""]
    for option in map(_text, options):
        if patterns[-1] and len(patterns[-1]) + 1 + len(option) > PATTERN_CHARS:
            patterns.append("")
        patterns[-1] += ("|" if patterns[-1] else "") + option
    return tuple(patterns)


def relaxed_or_none(regex: re.Pattern | None) -> tuple[str, ...]:
    """:func:`relax` of a compiled regex; () when it gets no prefilter."""
    if regex is None:
        return ()
    try:
        return relax(regex.pattern, regex.flags)
    except Untranslatable:
        return ()


# ---------------------------------------------------------------- running it

def compile_relaxed(patterns: Sequence[str]) -> tuple:
    """The relaxed patterns compiled by RE2 (google-re2), once; () when RE2 rejects one or
    is not installed (the Python regex then runs on every text, as without a prefilter)."""
    try:
        import re2
    except ImportError:
        return ()
    options = re2.Options()
    options.log_errors = False     # a rejected pattern is an answer here, not an error
    options.never_capture = True
    # RE2's lazy DFA grows to this per pattern (default 8 MB): about 30 patterns per worker
    # must stay well inside the memory target; 2 MB measured as fast as 8 on the corpus.
    options.max_mem = 2 << 20
    try:
        return tuple(re2.compile(p.encode("utf-8"), options) for p in patterns)
    except re2.error:
        return ()


def may_match(screens: Sequence, text: str) -> bool:
    """Whether one of the compiled relaxed patterns matches ``text`` (True where RE2 cannot
    look: a lone surrogate is not UTF-8)."""
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return any(screen.search(data) for screen in screens)


class Screened:
    """A compiled regex behind its prefilter: ``finditer`` and ``search`` as the regex's own,
    answered at once for a text RE2 rules out (the regex has no match in it, so the answers
    are the regex's whatever the text).

    Where the prefilter cannot pay it stands aside: after a window of :data:`WINDOW` texts
    in which it flagged more than :data:`MOST` of them (the Python regex then runs on nearly
    every text anyway, and RE2 costs a few µs a text), it sits out the next
    :data:`SIT_OUT` windows, then tries again in case the texts changed. The regex is only
    translated when first used (a tenth of a second for the default checklist)."""

    WINDOW = 500
    MOST = 0.8
    SIT_OUT = 3

    def __init__(self, regex: re.Pattern):
        self.regex = regex
        self._seen = self._flagged = 0     # texts in the current window, and flagged ones
        self._windows_to_sit_out = 0

    @cached_property
    def relaxed(self) -> tuple[str, ...]:
        return relaxed_or_none(self.regex)

    @cached_property
    def _screens(self) -> tuple:
        return compile_relaxed(self.relaxed) if self.relaxed else ()

    @property
    def pattern(self) -> str:
        return self.regex.pattern

    def ruled_out(self, text: str) -> bool:
        """True when the regex certainly has no match in ``text``."""
        if not self._screens:
            return False
        if self._windows_to_sit_out:
            self._count(flagged=None)
            return False
        flagged = may_match(self._screens, text)
        self._count(flagged)
        return not flagged

    def _count(self, flagged: bool | None) -> None:
        self._seen += 1
        self._flagged += bool(flagged)
        if self._seen < self.WINDOW:
            return
        if self._windows_to_sit_out:
            self._windows_to_sit_out -= 1
        elif self._flagged > self.MOST * self._seen:
            self._windows_to_sit_out = self.SIT_OUT
        self._seen = self._flagged = 0

    def finditer(self, text: str):
        return iter(()) if self.ruled_out(text) else self.regex.finditer(text)

    def search(self, text: str):
        return None if self.ruled_out(text) else self.regex.search(text)
