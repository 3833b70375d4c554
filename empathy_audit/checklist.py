"""The checklist: cues and behaviours as data, validated when loaded.

YAML is parsed with ``yaml.safe_load``; a second, construction-free pass over the node tree
(``yaml.compose`` with the safe loader) gives each key its line so that every error names
file, line and key. Regexes are compiled once here and rejected when they could backtrack
catastrophically.
"""
from __future__ import annotations

import re
from importlib import resources
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator

from .errors import UserError

MAX_PATTERN_LENGTH = 1000
MAX_EXTENDS = 20   # checklists in one extends chain
# Behaviour ids become columns of conversations.csv and scorecards beside these; cue and
# behaviour ids reach CSV headers, terminal markup and Markdown, so they are plain words.
EXPORT_COLUMNS = ("conversation_id", "agent_id", "turns", "score")
_PLAIN_ID = re.compile(r"\w[\w.-]*")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False)


class Sentiment(_Strict):
    """The cue also shows when TextBlob polarity is at or below ``below`` (or at or above
    ``above``) and no words of the cue matched; with ``veto_above``, a turn that positive
    does not show the cue at all, whatever its words."""
    below: float | None = Field(default=None, ge=-1, le=1)
    above: float | None = Field(default=None, ge=-1, le=1)
    veto_above: float | None = Field(default=None, ge=-1, le=1)  # drop all matches of a turn
    #   this positive ("heck yes!!" is excitement, not exasperation)


class Unacknowledged(_Strict):
    """A reply to a customer turn showing ``customer_cue`` that lacks ``agent_cue`` ignores
    what the customer said: only sharing their words can make it engage."""
    customer_cue: str
    agent_cue: str


class Cue(_Strict):
    description: str = ""
    speaker: Literal["customer", "agent", "any"] = "any"
    kind: str = "words"              # a kind of cues/kinds.py
    phrases: list[str] = []          # literal, case-insensitive, whole words
    patterns: list[str] = []         # Python regexes, case-insensitive
    exclude: list[str] = []          # regexes; a match overlapping one is dropped
    veto: list[str] = []             # regexes; a turn where one matches does not show the cue
    default_unless: list[str] | None = None  # regexes; the cue shows on every turn of its
    #   speaker that its words missed, unless one of these matches (e.g. thanks or praise only)
    negation: bool = False           # drop a match preceded by a negator in its clause
    sentiment: Sentiment | None = None
    includes: list[str] = []         # other cues whose matches also count as this one
    only_with: list[str] = []        # the cue shows only on a turn that shows one of these
    # kind: engagement (a reply that engages with what this customer said)
    min_shared_words: int = Field(default=1, ge=1)
    min_own_words: int = Field(default=0, ge=0)  # 0: off; N: N content words of its own
    unacknowledged: Unacknowledged | None = None

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, kind: str) -> str:
        from .cues.kinds import KINDS   # here: the kinds' matchers import this module
        if kind not in KINDS:
            raise ValueError(f"unknown cue kind {kind!r}; kinds: {', '.join(KINDS)}")
        return kind

    @property
    def depends_on(self) -> tuple[str, ...]:
        """Cues that must be found on a turn before this one: those it includes or needs."""
        return (*self.includes, *self.only_with)
    ignore_words: list[str] = []     # vocabulary too common in support to count as shared
    canned_min_repeats: int = Field(default=0, ge=0)  # 0: off; N: same reply in N conversations


class Applies(_Strict):
    customer_cue: str | None = None  # None: as soon as a customer turn gets an agent reply


class MetWhen(_Strict):
    agent_cue: str
    turns: Literal["first_reply", "replies", "all"] = "replies"
    from_cue: str | None = None      # window starts at the first agent turn with this cue
    rule: Literal["any", "share", "none"] = "any"
    min_share: float = Field(default=0.5, gt=0, le=1)
    expected_at: Literal["first", "last"] = "first"


class Example(_Strict):
    meets: str
    misses: str


class Behaviour(_Strict):
    title: str
    description: str
    weight: float = Field(default=1.0, gt=0)
    critical: bool = False
    applies_when: Applies = Applies()
    met_when: MetWhen
    example: Example | None = None


class Checklist(_Strict):
    version: Literal[1] = 1
    extends: str | None = None       # "default" or a path: start from that checklist
    name: str = "checklist"
    description: str = ""
    negators: list[str] = ["not", "never", "no", "nothing", "without", "hardly"]
    negation_window: int = Field(default=3, ge=1, le=10)
    cues: dict[str, Cue]
    behaviours: dict[str, Behaviour]
    # ("cues", id, "patterns", 0) -> "file:line", for errors found after loading (a regex
    # that runs out of its time budget on a turn); keys of an extended parent are not here
    _origins: dict[tuple, str] = PrivateAttr(default_factory=dict)

    @property
    def behaviour_ids(self) -> list[str]:
        return list(self.behaviours)

    def origin(self, *path) -> str | None:
        return self._origins.get(tuple(path))


# ---------------------------------------------------------------- locating keys

def _nodes(root: yaml.Node):
    """(node, path) of every node of the tree in document order, each node once: a node an
    alias repeats keeps the path where it first appeared (an alias bomb repeats a few nodes
    exponentially many times, and must cost no more than its text)."""
    walked: set[int] = set()
    stack = [(root, ())]
    while stack:
        node, path = stack.pop()
        if id(node) in walked:
            continue
        walked.add(id(node))
        yield node, path
        stack.extend(reversed([(child, child_path)
                               for child, child_path, _ in _children(node, path)]))


def _children(node: yaml.Node, path: tuple):
    """(child node, its path, the mark that locates it) for a mapping's values (located at
    their key) and a sequence's items."""
    if isinstance(node, yaml.MappingNode):
        return [(value, path + (key.value,), key.start_mark) for key, value in node.value]
    if isinstance(node, yaml.SequenceNode):
        return [(item, path + (index,), item.start_mark) for index, item in enumerate(node.value)]
    return []


def _marks(root: yaml.Node) -> dict[tuple, int]:
    """Path of every value in the document -> its 1-based line."""
    found: dict[tuple, int] = {(): root.start_mark.line + 1}
    for node, path in _nodes(root):
        for _, child_path, mark in _children(node, path):
            found.setdefault(child_path, mark.line + 1)
    return found


def _duplicate_key(root: yaml.Node) -> tuple[tuple, int] | None:
    """The first key repeated within one mapping, in document order."""
    for node, path in _nodes(root):
        if isinstance(node, yaml.MappingNode):
            seen = set()
            for key, _ in node.value:
                if key.value in seen:
                    return path + (key.value,), key.start_mark.line + 1
                seen.add(key.value)
    return None


class _Locator:
    def __init__(self, source: str, marks: dict[tuple, int]):
        self.source, self.marks = source, marks

    def error(self, path: tuple, message: str) -> UserError:
        probe = tuple(path)
        while probe and probe not in self.marks:
            probe = probe[:-1]
        key = ".".join(str(p) for p in path) or None
        return UserError(message, file=self.source, line=self.marks.get(probe), key=key)


# ---------------------------------------------------------------- regexes

def _has_nested_unbounded_repeat(pattern: str) -> bool:
    """True for the classic catastrophic shapes: a repeated group that itself contains an
    unbounded repeat, like ``(a+)+`` or ``(\\w*\\s?)*``."""
    from re import _constants as c, _parser as parser   # stdlib's own regex parser

    repeats = (c.MAX_REPEAT, c.MIN_REPEAT)

    def walk(items, inside_repeat: bool) -> bool:
        for op, arg in items:
            if op in repeats:
                low, high, sub = arg
                unbounded = high == c.MAXREPEAT
                if inside_repeat and unbounded:
                    return True
                if walk(sub, inside_repeat or high > 1):
                    return True
            elif op == c.SUBPATTERN:
                if walk(arg[-1], inside_repeat):
                    return True
            elif op == c.BRANCH:
                if any(walk(branch, inside_repeat) for branch in arg[1]):
                    return True
            elif op in (c.ASSERT, c.ASSERT_NOT):
                if walk(arg[1], inside_repeat):
                    return True
        return False

    return walk(parser.parse(pattern), False)


def compile_pattern(pattern: str) -> re.Pattern:
    """Compile one user regex; ValueError with a reason when it is unusable or unsafe."""
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise ValueError(f"pattern longer than {MAX_PATTERN_LENGTH} characters")
    try:
        compiled = re.compile(pattern, re.IGNORECASE)
    except re.error as exc:
        raise ValueError(f"invalid regex {pattern!r}: {exc}") from None
    if _has_nested_unbounded_repeat(pattern):
        raise ValueError(f"regex {pattern!r} nests an unbounded repeat inside another "
                         f"repeat and can take exponential time; rewrite it without "
                         f"the nested quantifier")
    return compiled


def phrase_regex(phrase: str) -> str:
    """A literal phrase as a regex: case-insensitive, flexible spaces, whole words, and
    apostrophes optional ("doesn't" also finds "doesnt", as people type in chats)."""
    words = [re.escape(w).replace("'", "'?") for w in phrase.strip().split()]
    body = r"\s+".join(words)
    start = r"\b" if re.match(r"\w", phrase.strip()) else ""
    end = r"\b" if re.search(r"\w$", phrase.strip()) else ""
    return f"{start}{body}{end}"


# ---------------------------------------------------------------- loading

def default_checklist_path() -> Path:
    packaged = resources.files("empathy_audit") / "checklists" / "default.yaml"
    if packaged.is_file():
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent / "checklists" / "default.yaml"


def load_checklist(path: str | Path | None = None, parents: tuple[str, ...] = ()) -> Checklist:
    path = Path(path) if path else default_checklist_path()
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError("checklist file not found", file=source) from None
    except UnicodeDecodeError:
        raise UserError("checklist is not valid UTF-8", file=source) from None
    return parse_checklist(text, source, parents)


def _extend(data: dict, source: str, locate: _Locator, parents: tuple[str, ...]) -> dict:
    """Start from the checklist named by ``extends``; this file's cues and behaviours are
    added to it (same id: this file's definition replaces the parent's)."""
    name = data["extends"]
    if not isinstance(name, str):
        raise locate.error(("extends",), "extends takes 'default' or a checklist path")
    path = default_checklist_path() if name == "default" else (Path(source).parent / name)
    if str(path.resolve()) in parents or str(path.resolve()) == str(Path(source).resolve()):
        raise locate.error(("extends",), f"checklists extend each other in a cycle via {name!r}")
    if len(parents) + 1 >= MAX_EXTENDS:
        raise locate.error(("extends",), f"extends a chain of more than {MAX_EXTENDS} "
                                         f"checklists; merge some of them")
    parent = load_checklist(path, parents + (str(Path(source).resolve()),))
    merged = parent.model_dump(exclude={"extends"}, exclude_defaults=False)
    for key, value in data.items():
        if key in ("cues", "behaviours") and isinstance(value, dict):
            merged[key] = {**merged[key], **value}
        elif key != "extends":
            merged[key] = value
    return merged


def parse_checklist(text: str, source: str = "<checklist>",
                    parents: tuple[str, ...] = ()) -> Checklist:
    try:
        data = yaml.safe_load(text)
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except RecursionError:
        raise UserError("invalid YAML: nested too deeply", file=source) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise UserError(f"invalid YAML: {problem}", file=source,
                        line=mark.line + 1 if mark else None) from None
    if not isinstance(data, dict):
        raise UserError("a checklist is a YAML mapping with 'cues' and 'behaviours'",
                        file=source, line=1)
    duplicate = _duplicate_key(node)
    locate = _Locator(source, _marks(node))
    if duplicate:
        path, line = duplicate
        raise UserError(f"duplicate key {path[-1]!r}", file=source, line=line,
                        key=".".join(map(str, path)))
    if data.get("extends") is not None:
        data = _extend(data, source, locate, parents)
    try:
        checklist = Checklist.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        if first["loc"][-1:] == ("[key]",):   # YAML reads `1:`, `null:`, `true:` as no string
            key = first["loc"][-2]
            raise locate.error(tuple(map(str, first["loc"][:-1])),
                               f"key {key!r} is not a string; quote it") from None
        raise locate.error(first["loc"], _describe(first)) from None
    _check_ids(checklist, locate)
    _check_references(checklist, locate)
    _check_patterns(checklist, locate)
    checklist._origins = {path: f"{source}:{line}" for path, line in locate.marks.items()
                          if path[:1] == ("cues",) and len(path) == 4}
    return checklist


def _check_ids(checklist: Checklist, locate: _Locator) -> None:
    for kind, ids in (("cues", checklist.cues), ("behaviours", checklist.behaviours)):
        for key in ids:
            if not _PLAIN_ID.fullmatch(key):
                raise locate.error((kind, key), f"id {key!r}: use letters, digits, '_', "
                                                f"'.' and '-', starting with a letter or digit")
    for key in EXPORT_COLUMNS:
        if key in checklist.behaviours:
            raise locate.error(("behaviours", key), f"behaviour id {key!r} is an export "
                               f"column ({', '.join(EXPORT_COLUMNS)}); rename the behaviour")


def _describe(error: dict) -> str:
    if error["type"] == "extra_forbidden":
        return f"unknown key {error['loc'][-1]!r}"
    if error["type"] == "missing":
        return f"missing required key {error['loc'][-1]!r}"
    if error["type"] == "value_error":
        return str(error["ctx"]["error"])
    return error["msg"]


def _check_references(checklist: Checklist, locate: _Locator) -> None:
    cues = checklist.cues

    def need(cue_id: str | None, path: tuple, speaker: str | None = None) -> None:
        if cue_id is None:
            return
        if cue_id not in cues:
            raise locate.error(path, f"refers to undefined cue {cue_id!r}; defined cues: "
                                     f"{', '.join(cues)}")
        if speaker and cues[cue_id].speaker not in (speaker, "any"):
            raise locate.error(path, f"cue {cue_id!r} is a {cues[cue_id].speaker} cue; "
                                     f"a {speaker} cue is needed here")

    for cue_id, cue in cues.items():
        for index, included in enumerate(cue.includes):
            need(included, ("cues", cue_id, "includes", index))
        for index, required in enumerate(cue.only_with):
            need(required, ("cues", cue_id, "only_with", index))
        if cue.unacknowledged:
            need(cue.unacknowledged.customer_cue, ("cues", cue_id, "unacknowledged", "customer_cue"),
                 "customer")
            need(cue.unacknowledged.agent_cue, ("cues", cue_id, "unacknowledged", "agent_cue"),
                 "agent")
    _check_cycles(checklist, locate)
    for bid, behaviour in checklist.behaviours.items():
        base = ("behaviours", bid)
        need(behaviour.applies_when.customer_cue, base + ("applies_when", "customer_cue"),
             "customer")
        need(behaviour.met_when.agent_cue, base + ("met_when", "agent_cue"), "agent")
        need(behaviour.met_when.from_cue, base + ("met_when", "from_cue"), "agent")


def _check_cycles(checklist: Checklist, locate: _Locator) -> None:
    """Depth-first, each cue finished once: linear however the includes share cues (a
    diamond of includes 24 levels deep is 2**24 paths but 48 cues)."""
    finished: set[str] = set()

    def visit(cue_id: str, trail: tuple[str, ...]) -> None:
        if cue_id in trail:
            raise locate.error(("cues", trail[0], "includes"),
                               "cues include or require each other in a cycle: "
                               + " -> ".join(trail + (cue_id,)))
        if cue_id in finished:
            return
        for needed in checklist.cues[cue_id].depends_on:
            visit(needed, trail + (cue_id,))
        finished.add(cue_id)

    for cue_id in checklist.cues:
        visit(cue_id, ())


def _check_patterns(checklist: Checklist, locate: _Locator) -> None:
    for cue_id, cue in checklist.cues.items():
        for field in ("patterns", "exclude", "veto", "default_unless"):
            for index, pattern in enumerate(getattr(cue, field) or ()):
                try:
                    compile_pattern(pattern)
                except ValueError as exc:
                    raise locate.error(("cues", cue_id, field, index), str(exc)) from None
