"""One cue's alternation, rewritten so that Python's regex engine rejects a position fast.

``rules._combine`` joins a cue's phrases and patterns as ``(?:a)|(?:b)|...``; at every
position of a turn the engine then tries every alternative in turn (case-insensitive literals
get no quick check in ``re``). Most alternatives begin with an optional ``\\b`` and one plain
character, so here consecutive alternatives are grouped by that first character behind one
case-sensitive character class, which ``re`` tests in C before it enters a branch:

    \\bsorry\\b|\\bsad\\b|\\bupset\\b
        ->  (?-i:[sSſ])(?:(?<=\\b.)orry\\b|(?<=\\b.)ad\\b)|(?-i:[uU])...

(``factor`` also puts one shared ``\\b`` in front of the alternatives that start a word.)
The rewrite keeps the leftmost-first semantics of the original exactly: at one position at
most one group's character can match, and inside a group the alternatives keep their order;
an alternative that does not start with a plain character stays where it was and splits the
run around it. ``tests/test_scale.py`` checks spans against the plain alternation.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from re import _constants as sre_c, _parser as sre_parse   # the stdlib's own regex parser

from .compile_cache import derived

# Characters other than the ASCII letter itself that ``re`` matches to it under IGNORECASE
# (found by scanning every code point; a test re-checks the table).
IGNORECASE_EXTRA = {"i": "\u0130\u0131", "k": "\u212a", "s": "\u017f"}
_HEAD = re.compile(r"(\\b)?(\\[^A-Za-z0-9]|[^\\.^$*+?{}\[\]|()])")


def head_of(alternative: str) -> tuple[str, str, bool] | None:
    """(first character, rest of the pattern, had a leading \\b), or None when the
    alternative does not start with one plain, unrepeated character."""
    text = _HEAD.match(alternative)
    if not text:
        return None
    try:
        items = list(sre_parse.parse(alternative, re.IGNORECASE))
    except re.error:
        return None
    boundary = bool(text.group(1))
    expected_at = 1 if boundary else 0
    if boundary and items[:1] != [(sre_c.AT, sre_c.AT_BOUNDARY)]:
        return None
    if len(items) <= expected_at or items[expected_at][0] is not sre_c.LITERAL:
        return None
    char = chr(items[expected_at][1])
    literal = text.group(2)
    if literal[-1] != char:
        return None
    rest = alternative[text.end():]
    if rest[:1] in ("*", "+", "?", "{") or has_top_level_bar(rest):
        return None
    return char, rest, boundary


def has_top_level_bar(pattern: str) -> bool:
    """True when ``pattern`` is an alternation at its top level (``a|b``)."""
    return len(split_top_level(pattern)) > 1


def _scan(pattern: str):
    """(index, character, group depth) for each character outside escapes and classes."""
    depth, in_class, class_start, i = 0, False, False, 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            class_start = False   # an escape is a member: a "]" after it closes the class
            i += 2
            continue
        if in_class:
            if char == "]" and not class_start:
                in_class = False
            class_start = False
        elif char == "[":
            in_class, class_start = True, True
            if pattern[i + 1:i + 2] == "^":
                i += 1
        else:
            if char == ")":
                depth -= 1
            yield i, char, depth
            if char == "(":
                depth += 1
        i += 1


def split_top_level(pattern: str) -> list[str]:
    """``a|b(?:c|d)`` -> ``["a", "b(?:c|d)"]``: the top-level alternatives, in order."""
    cuts = [i for i, char, depth in _scan(pattern) if char == "|" and depth == 0]
    bounds = [-1, *cuts, len(pattern)]
    return [pattern[a + 1:b] for a, b in zip(bounds, bounds[1:])]


_GROUP_START = re.compile(r"(\\b)?\(\?:")


def distribute(alternative: str) -> list[str]:
    """``\\b(?:two|three)\\s+days`` -> ``[\\b two\\s+days, \\b three\\s+days]``, recursively.

    Python tries ``(?:a|b)S`` as ``aS``, then ``bS``: the same attempts, in the same order, as
    the alternation ``aS|bS``, so the matches are the same; each part can then join a group."""
    start = _GROUP_START.match(alternative)
    if not start:
        return [alternative]
    close = next((i for i, char, depth in _scan(alternative)
                  if char == ")" and depth == 0 and i >= start.end()), None)
    if close is None or alternative[close + 1:close + 2] in ("*", "+", "?", "{"):
        return [alternative]
    prefix, suffix = alternative[:start.start(1) if start.group(1) else 0], alternative[close + 1:]
    boundary = start.group(1) or ""
    parts = split_top_level(alternative[start.end():close])
    if len(parts) < 2 or any(not part for part in parts):
        return [alternative]
    return [d for part in parts for d in distribute(prefix + boundary + part + suffix)]


def ignorecase_variants(char: str) -> set[str]:
    """The characters ``re`` matches to the ASCII character ``char`` under IGNORECASE."""
    return {char, char.lower(), char.upper()} | set(IGNORECASE_EXTRA.get(char.lower(), ""))


def _char_class(char: str) -> str:
    variants = ignorecase_variants(char)
    return "(?-i:[" + "".join(re.escape(v) for v in sorted(variants)) + "])"


@lru_cache(maxsize=256)
def _factor(alternatives: tuple[str, ...]) -> str:
    """The alternation of ``alternatives`` (leftmost-first), rewritten for speed.

    Alternatives that must start at a word boundary with a word character ("word-start")
    and alternatives that must start with a non-word character ("symbol") can never match at
    the same position, so within a stretch made only of those two kinds, the word-start ones
    go behind one shared ``\\b`` (most positions are not a word boundary and fail there, once)
    and the symbol ones follow, each kind in its own order. Anything else keeps its place and
    ends the stretch."""
    flat = [d for alternative in alternatives for part in split_top_level(alternative)
            for d in distribute(part)]
    parts: list[str] = []
    word_start: list[str] = []
    symbol: list[str] = []
    other: list[str] = []

    def flush_stretch() -> None:
        if word_start:
            parts.append("\\b(?:" + group_by_head(word_start) + ")")
        if symbol:
            parts.append(group_by_head(symbol))
        word_start.clear()
        symbol.clear()

    def flush_other() -> None:
        if other:
            parts.append(group_by_head(other))
        other.clear()

    for alternative in flat:
        kind = start_kind(alternative)
        if kind is None:
            flush_stretch()
            other.append(alternative)
        else:
            flush_other()
            (word_start if kind == "word" else symbol).append(alternative)
    flush_stretch()
    flush_other()
    return "|".join(parts)


def factor(alternatives: list[str]) -> str:
    """The alternation of ``alternatives`` (leftmost-first), rewritten for speed (cached: a
    checklist is compiled in every worker and again by every audit in one process)."""
    return derived("factor", json.dumps(alternatives), lambda: _factor(tuple(alternatives)))


def group_by_head(alternatives: list[str]) -> str:
    """Consecutive alternatives that start with the same plain character behind one class."""
    parts: list[str] = []
    run: dict[str, list[str]] = {}

    def flush() -> None:
        for char, tails in run.items():
            parts.append(_char_class(char) + "(?:" + "|".join(tails) + ")")
        run.clear()

    for alternative in alternatives:
        head = head_of(alternative)
        if head is None:
            flush()
            parts.append(f"(?:{alternative})")
            continue
        char, rest, boundary = head
        tail = ("(?<=\\b.)" if boundary else "") + f"(?:{rest})"
        run.setdefault(char.lower(), []).append(tail)
    flush()
    return "|".join(parts)


# ---------------------------------------------------------------- what can start a match

_WORD = re.compile(r"\w")
_WORD_CATEGORIES = {sre_c.CATEGORY_WORD, sre_c.CATEGORY_DIGIT, sre_c.CATEGORY_UNI_WORD,
                    sre_c.CATEGORY_UNI_DIGIT}
_REPEATS = (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT)


def start_kind(alternative: str) -> str | None:
    """"word": needs a word boundary, then a word character; "symbol": needs a non-word
    character first; None: anything else, or not sure."""
    try:
        items = list(sre_parse.parse(alternative, re.IGNORECASE))
    except re.error:
        return None
    items = _unwrap(items)
    if items[:1] == [(sre_c.AT, sre_c.AT_BOUNDARY)]:
        return "word" if _first_is(_unwrap(items[1:]), word=True) else None
    return "symbol" if _first_is(items, word=False) else None


def _unwrap(items: list) -> list:
    """Step into a leading group: (?:...)x starts where ... starts."""
    while items and items[0][0] is sre_c.SUBPATTERN:
        inner = list(items[0][1][-1])
        if not inner:
            return items
        items = inner + items[1:]
    return items


def _first_is(items: list, *, word: bool) -> bool:
    """Whether the first character consumed by ``items`` is always a word character (or
    always a non-word character)."""
    if not items:
        return False
    op, arg = items[0]
    if op is sre_c.LITERAL:
        return bool(_WORD.match(chr(arg))) == word
    if op in _REPEATS:
        low, _, sub = arg
        return low >= 1 and _first_is(_unwrap(list(sub)), word=word)
    if op is sre_c.SUBPATTERN:
        return _first_is(_unwrap(items), word=word)
    if op is sre_c.BRANCH:
        return all(_first_is(_unwrap(list(branch)), word=word) for branch in arg[1])
    if op is sre_c.IN:
        return all(_class_item_is(item, word) for item in arg)
    return False


def _class_item_is(item, word: bool) -> bool:
    op, arg = item
    if op is sre_c.LITERAL:
        return bool(_WORD.match(chr(arg))) == word
    if op is sre_c.RANGE and word:
        low, high = arg
        return all(_WORD.match(chr(c)) for c in range(low, high + 1))
    if op is sre_c.CATEGORY and word:
        return arg in _WORD_CATEGORIES
    return False
