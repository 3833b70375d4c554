"""The checklist: cues and behaviours as data, validated when loaded.

YAML is parsed with PyYAML's safe loader (the same as ``yaml.safe_load``: plain data only,
no Python objects), in its C build when PyYAML has one, ten times faster; a second,
construction-free pass over the node tree (``yaml.compose``) gives each key its line so
that every error names file, line and key. Regexes are checked here (and rejected when they
could backtrack catastrophically); their verdicts are kept between runs (empathy_audit/cache.py).
"""
from __future__ import annotations

import hashlib
import re
import sys
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator

from ._version import __version__
from .cache import derived, remembering
from .errors import UserError

MAX_PATTERN_LENGTH = 1000
MAX_EXTENDS = 20   # checklists in one extends chain
# Behaviour ids become columns of conversations.csv and scorecards beside these; cue and
# behaviour ids reach CSV headers, terminal markup and Markdown, so they are plain words.
EXPORT_COLUMNS = ("conversation_id", "agent_id", "turns", "score")
_PLAIN_ID = re.compile(r"\w[\w.-]*")
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


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


class FeatureSpec(_Strict):
    """What a learned cue's model reads of a turn (all binary: present or not)."""
    words: list[int] = []             # word n-gram sizes, e.g. [1, 2]
    chars: list[int] = []             # character n-gram sizes within words, e.g. [3, 4, 5]
    cues: list[str] = []              # words cues whose own phrases/patterns on the turn count
    punctuation: bool = False         # "!!", "?!", "???"
    capitals: bool = False            # shouted words (3+ capitals)
    polarity: bool = False            # TextBlob polarity, bucketed
    previous: bool = False            # who spoke before, and the listed cues' words there
    length: bool = False              # the turn's length in words, bucketed

    @field_validator("words", "chars")
    @classmethod
    def _sizes(cls, sizes: list[int]) -> list[int]:
        if any(not 1 <= n <= 6 for n in sizes):
            raise ValueError("n-gram sizes are between 1 and 6")
        return sizes


class Cue(_Strict):
    description: str = ""
    label: str = ""                  # what reasons call it ("no follow-up in ..."); default: the id
    speaker: Literal["customer", "agent", "any"] = "any"
    kind: str = "words"              # a kind of cues/kinds.py
    phrases: list[str] = []          # literal, case-insensitive, whole words
    patterns: list[str] = []         # Python regexes, case-insensitive
    exclude: list[str] = []          # regexes; a match overlapping one is dropped
    veto: list[str] = []             # regexes; a turn where one matches does not show the cue
    default_unless: list[str] | None = None  # regexes; the cue shows on every turn of its
    #   speaker that its words missed, unless one of these matches (e.g. thanks or praise only)
    default_confirmed_by: list[str] = []   # agent cues; a turn shown by default keeps the cue
    #   only when a later agent turn shows one of these (the agent took it as one)
    negation: bool = False           # drop a match preceded by a negator in its clause
    sentiment: Sentiment | None = None
    includes: list[str] = []         # other cues whose matches also count as this one
    only_with: list[str] = []        # the cue shows only on a turn that shows one of these
    # kind: engagement (a reply that engages with what this customer said)
    min_shared_words: int = Field(default=1, ge=1)
    min_own_words: int = Field(default=0, ge=0)  # 0: off; N: N content words of its own
    unacknowledged: Unacknowledged | None = None
    # kind: learned (a linear model trained by `empathy-audit train` on reviewers' turn labels)
    learns: str | None = None        # the turn label it learns (e.g. distress)
    model: str | None = None         # its JSON file, relative to this checklist's file
    features: FeatureSpec | None = None   # what `train` fits it on (default: training.py's)

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, kind: str) -> str:
        from .cues.kinds import KINDS  # here: the kinds' matchers import this module
        if kind not in KINDS:
            raise ValueError(f"unknown cue kind {kind!r}; kinds: {', '.join(KINDS)}")
        return kind

    @field_validator("default_confirmed_by")
    @classmethod
    def _confirms_a_default(cls, cues: list[str], info) -> list[str]:
        if cues and info.data.get("default_unless") is None:
            raise ValueError("default_confirmed_by needs default_unless: only a cue that "
                             "shows by default has a default reading to confirm")
        return cues

    @field_validator("canned_min_own_words")
    @classmethod
    def _templates_engage_no_more_easily(cls, count: int, info) -> int:
        if count and count < info.data.get("min_own_words", 0):
            raise ValueError("canned_min_own_words is below min_own_words: a reply sent to many "
                             "customers would engage more easily than one written for this one")
        return count

    @property
    def depends_on(self) -> tuple[str, ...]:
        """Cues that must be found on a turn before this one: those it includes or needs."""
        return (*self.includes, *self.only_with)
    ignore_words: list[str] = []     # vocabulary too common in support to count as shared
    canned_min_repeats: int = Field(default=0, ge=0)  # 0: off; N: same reply in N conversations
    canned_min_own_words: int = Field(default=0, ge=0)  # 0: canned is generic; N: a canned reply
    #   with N words beyond support boilerplate is a template aimed at one issue, and engages


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
    # cue id -> its loaded model (kind: learned); travels with the checklist to workers
    _learned_models: dict = PrivateAttr(default_factory=dict)
    # ("cues", id, "patterns", 0) -> "file:line", for errors found after loading (a regex
    # that runs out of its time budget on a turn); keys of an extended parent are not here
    _origins: dict[tuple, str] = PrivateAttr(default_factory=dict)

    @property
    def behaviour_ids(self) -> list[str]:
        return list(self.behaviours)

    @property
    def learned_models(self) -> dict:
        return self._learned_models

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

def _has_nested_unbounded_repeat(parsed) -> bool:
    """True for the classic catastrophic shapes: a repeated group that itself contains an
    unbounded repeat, like ``(a+)+`` or ``(\\w*\\s?)*``. ``parsed``: the stdlib parser's tree."""
    from re import _constants as c

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

    return walk(parsed, False)


def check_pattern(pattern: str) -> None:
    """ValueError with a reason when a user regex is unusable or unsafe. It is parsed once
    and compiled from that parse (``re.compile`` without parsing again for the check)."""
    from re import _compiler, _parser  # the two steps of re.compile

    if len(pattern) > MAX_PATTERN_LENGTH:
        raise ValueError(f"pattern longer than {MAX_PATTERN_LENGTH} characters")
    try:
        parsed = _parser.parse(pattern, re.IGNORECASE)
        _compiler.compile(parsed, re.IGNORECASE)
    except re.error as exc:
        raise ValueError(f"invalid regex {pattern!r}: {exc}") from None
    if _has_nested_unbounded_repeat(parsed):
        raise ValueError(f"regex {pattern!r} nests an unbounded repeat inside another "
                         f"repeat and can take exponential time; rewrite it without "
                         f"the nested quantifier")


# Curly quotes become straight ones, one character for one so offsets stay true.
_QUOTES = (("\u2019", "'"), ("\u2018", "'"), ("\u201c", '"'), ("\u201d", '"'))

# One-word phrases that spell another common word without their apostrophe ("we'll" /
# "well"): their apostrophe stays required, or "Well played" would promise an action.
_APOSTROPHE_NEEDED = frozenset({"we'll", "i'll", "he'll", "she'll", "we're", "we'd", "i'd",
                                "he'd", "she'd", "it'd", "who're", "let's"})


def normalize_quotes(text: str) -> str:
    """Curly quotes as straight ones, in transcripts and in checklist phrases alike."""
    if text.isascii():
        return text
    for curly, straight in _QUOTES:   # str.replace runs in C; str.translate would not here
        text = text.replace(curly, straight)
    return text


def phrase_regex(phrase: str) -> str:
    """A literal phrase as a regex: case-insensitive, flexible spaces, whole words, and
    apostrophes optional ("doesn't" also finds "doesnt", as people type in chats), except
    in a one-word phrase that would spell another word without it ("we'll", "well")."""
    phrase = normalize_quotes(phrase).strip()
    if phrase.lower() in _APOSTROPHE_NEEDED:
        words = [re.escape(phrase)]
    else:
        words = [re.escape(w).replace("'", "'?") for w in phrase.split()]
    body = r"\s+".join(words)
    start = r"\b" if re.match(r"\w", phrase) else ""
    end = r"\b" if re.search(r"\w$", phrase) else ""
    return f"{start}{body}{end}"


# ---------------------------------------------------------------- loading

def bundled_checklists_dir() -> Path:
    packaged = resources.files("empathy_audit") / "checklists"
    if packaged.is_dir():          # an installed wheel
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent / "checklists"   # a source checkout


def bundled_checklists() -> dict[str, Path]:
    """The checklists that ship with the package, by name: default and the examples."""
    root = bundled_checklists_dir()
    return {"default": root / "default.yaml",
            **{path.stem: path for path in sorted((root / "examples").glob("*.y*ml"))}}


def default_checklist_path() -> Path:
    return bundled_checklists()["default"]


def resolve_checklist(name: str | Path | None, relative_to: Path = Path()) -> Path:
    """A checklist file, or the bundled checklist of that name (a bare name with no
    extension that is not a file): `--checklist avoid-blame`, `extends: default`."""
    if name is None:
        return default_checklist_path()
    path = relative_to / name
    if path.exists() or Path(name).suffix or len(Path(name).parts) > 1:
        return path
    bundled = bundled_checklists()
    if str(name) not in bundled:
        raise UserError(f"no checklist file or bundled checklist named {str(name)!r} "
                        f"(bundled: {', '.join(bundled)})", key="checklist")
    return bundled[str(name)]


def select_behaviours(checklist: Checklist, select: Iterable[str] = (),
                      ignore: Iterable[str] = ()) -> Checklist:
    """Only the behaviours ``select`` names (all if empty), minus those ``ignore`` names."""
    select, ignore = list(select), list(ignore)
    for key, ids in (("--select", select), ("--ignore", ignore)):
        unknown = [b for b in ids if b not in checklist.behaviours]
        if unknown:
            raise UserError(f"unknown behaviour {unknown[0]!r}; the checklist has "
                            f"{', '.join(checklist.behaviours)}", key=key)
    kept = {b: spec for b, spec in checklist.behaviours.items()
            if (not select or b in select) and b not in ignore}
    if not kept:
        raise UserError("--select and --ignore leave no behaviour to audit", key="--select")
    return checklist.model_copy(update={"behaviours": kept})


def load_checklist(path: str | Path | None = None, parents: tuple[str, ...] = (),
                   models: bool = True) -> Checklist:
    """``models=False``: the learned cues' model files are not read (``train`` writes them)."""
    path = resolve_checklist(path)
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError("checklist file not found", file=source) from None
    except UnicodeDecodeError:
        raise UserError("checklist is not valid UTF-8", file=source) from None
    return parse_checklist(text, source, parents, models)


def _extend(data: dict, source: str, locate: _Locator, parents: tuple[str, ...]) -> dict:
    """Start from the checklist named by ``extends``; this file's cues and behaviours are
    added to it (same id: this file's definition replaces the parent's)."""
    name = data["extends"]
    if not isinstance(name, str):
        raise locate.error(("extends",), "extends takes a bundled checklist's name or a path")
    try:
        path = resolve_checklist(name, Path(source).parent)
    except UserError as error:
        raise locate.error(("extends",), error.message) from None
    if str(path.resolve()) in parents or str(path.resolve()) == str(Path(source).resolve()):
        raise locate.error(("extends",), f"checklists extend each other in a cycle via {name!r}")
    if len(parents) + 1 >= MAX_EXTENDS:
        raise locate.error(("extends",), f"extends a chain of more than {MAX_EXTENDS} "
                                         f"checklists; merge some of them")
    parent = load_checklist(path, parents + (str(Path(source).resolve()),), models=False)
    merged = parent.model_dump(exclude={"extends"}, exclude_defaults=False)
    for cue in merged["cues"].values():   # a model path stays relative to its own checklist
        if cue.get("model"):
            cue["model"] = str(path.parent / cue["model"])
    for key, value in data.items():
        if key in ("cues", "behaviours") and isinstance(value, dict):
            merged[key] = {**merged[key], **value}
        elif key != "extends":
            merged[key] = value
    return merged


def parse_checklist(text: str, source: str = "<checklist>",
                    parents: tuple[str, ...] = (), models: bool = True) -> Checklist:
    try:
        data = yaml.load(text, Loader=SAFE_LOADER)   # noqa: S506 (a safe loader)
        node = yaml.compose(text, Loader=SAFE_LOADER)
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
    _check_learned(checklist, locate)
    if models:
        checklist.learned_models.update(load_models(checklist, Path(source).parent))
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
        for index, confirming in enumerate(cue.default_confirmed_by):
            need(confirming, ("cues", cue_id, "default_confirmed_by", index), "agent")
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


def model_path(cue: Cue, checklist_dir: Path) -> Path:
    """A learned cue's model file: its ``model`` path, relative to the checklist's folder."""
    return checklist_dir / cue.model


def _check_learned(checklist: Checklist, locate: _Locator) -> None:
    for cue_id, cue in checklist.cues.items():
        learned = cue.kind == "learned"
        if not learned and cue.features is not None:
            raise locate.error(("cues", cue_id, "features"), "'features' is for kind: learned")
        for key in ("learns", "model"):
            if learned and not getattr(cue, key):
                raise locate.error(("cues", cue_id, key), f"a learned cue needs {key!r}")
            if not learned and getattr(cue, key):
                raise locate.error(("cues", cue_id, key), f"{key!r} is for kind: learned")
        if learned and cue.speaker == "any":
            raise locate.error(("cues", cue_id, "speaker"),
                               "a learned cue is for customer or agent turns")


def load_models(checklist: Checklist, checklist_dir: Path,
                skip: frozenset[str] = frozenset()) -> dict:
    """The model of each learned cue (but those in ``skip``), read from its file and checked
    against the checklist: cue id -> LearnedModel."""
    from .cues.learned import check_feature_cues, load_model   # they import this module
    models = {}
    for cue_id, cue in checklist.cues.items():
        if cue.kind == "learned" and cue_id not in skip:
            path = model_path(cue, checklist_dir)
            models[cue_id] = load_model(path, cue_id, cue)
            check_feature_cues(models[cue_id], checklist, path)
    return models


def _check_patterns(checklist: Checklist, locate: _Locator) -> None:
    """Every user regex checked (check_pattern); the verdicts are kept between runs, under a
    hash of the Python and package versions and of all the checklist's patterns."""
    found = [(("cues", cue_id, field, index), pattern)
             for cue_id, cue in checklist.cues.items()
             for field in ("patterns", "exclude", "veto", "default_unless")
             for index, pattern in enumerate(getattr(cue, field) or ())]
    key = "\0".join([__version__, sys.version, *sorted({p for _, p in found})])
    with remembering(f"patterns-{hashlib.sha256(key.encode()).hexdigest()[:32]}.json"):
        for path, pattern in found:
            problem = derived("problem", pattern, lambda p=pattern: pattern_problem(p))
            if problem:
                raise locate.error(path, problem)


def pattern_problem(pattern: str) -> str | None:
    """Why a user regex is unusable or unsafe (check_pattern's reason), or None."""
    try:
        check_pattern(pattern)
    except ValueError as exc:
        return str(exc)
    return None
