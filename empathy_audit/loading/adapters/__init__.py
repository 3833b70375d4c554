"""Platform shapes: one adapter per export format, in one registry the loader consults.

An adapter turns one parsed document (a JSON value, or the text of a caption or plain-text
file) into :class:`RawTurn` values, the same ones the generic CSV/JSON readers build, each with
the file and the line where its object or line starts. Adding a format is adding a module here
(or, for a third party, an ``empathy_audit.formats`` entry point naming an :class:`Adapter`).
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from ...errors import UserError
from ..core import RawTurn

ENTRY_POINT_GROUP = "empathy_audit.formats"


@dataclass
class Document:
    """One parsed input file: its value, and where each object in it starts."""
    value: object
    source: str
    line_of: dict[int, int] = field(default_factory=dict)   # id(object) -> line
    first_line: int = 1        # the line of objects line_of does not know (JSON Lines)
    name: str | None = None    # the conversation id when the export has none

    @property
    def stem(self) -> str:
        """The conversation id when the export has none: the file name without its suffix
        (and .gz), or ``name`` for one document of several in a file."""
        return self.name or Path(Path(self.source).name.removesuffix(".gz")).stem

    def line(self, obj) -> int:
        return self.line_of.get(id(obj), self.first_line)

    def turn(self, obj, **fields) -> RawTurn:
        """A turn at ``obj``'s line; ``role`` may name agent/customer/other outright."""
        return RawTurn({k: v for k, v in fields.items() if v is not None}, self.source,
                       self.line(obj))

    def skip(self, obj, reason: str) -> RawTurn:
        """An item read and left out, reported in skipped.csv with its line and ``reason``."""
        return RawTurn({"__invalid__": reason}, self.source, self.line(obj))

    def event(self, obj, reason: str) -> RawTurn:
        """An item with no words to score (a chat event, a media message): reported like a
        skip, but no input error under --strict."""
        return RawTurn({"__invalid__": reason, "__event__": True}, self.source, self.line(obj))

    def each(self, items, what: str, make: Callable[[dict], RawTurn]) -> Iterator[RawTurn]:
        """``make(item)`` for every object in ``items``; anything else skipped, said so."""
        for item in items or ():
            yield make(item) if isinstance(item, dict) else \
                self.skip(item, f"{what} item is not an object")


Reader = Callable[[Document], Iterator[RawTurn]]


@dataclass(frozen=True)
class Adapter:
    name: str
    description: str
    read: Reader
    # JSON adapters: dotted paths the document must hold ("a.b[].c": any item of list a.b has
    # key c); text adapters: the file suffixes they read.
    needs: tuple[str, ...] = ()
    suffixes: tuple[str, ...] = ()

    @property
    def kind(self) -> str:
        return "text" if self.suffixes else "json"

    def missing(self, value) -> list[str]:
        return [path for path in self.needs if not has_path(value, path)]

    def matches(self, value) -> bool:
        """Every need met; stops at the first one missing (this runs on each JSON Lines line)."""
        return self.kind == "json" and all(has_path(value, path) for path in self.needs)


def has_path(value, path: str) -> bool:
    """True when ``value`` holds ``path``: ``a.b`` a key in a key, ``a[]`` a non-empty list
    (``[]`` alone: the value itself), ``a[].b`` some item of list ``a`` with key ``b``."""
    head, _, rest = path.partition(".")
    is_list = head.endswith("[]")
    key = head.removesuffix("[]")
    if key:
        if not isinstance(value, dict) or key not in value:
            return False
        value = value[key]
    if is_list:
        if not isinstance(value, list) or not value:
            return False
        return not rest or any(has_path(item, rest) for item in value)
    return not rest or has_path(value, rest)


def dig(value, *keys, default=None):
    """``value[k1][k2]...`` through dicts, or ``default`` where a key or a dict is missing."""
    for key in keys:
        if not isinstance(value, dict) or key not in value:
            return default
        value = value[key]
    return value


REGISTRY: dict[str, Adapter] = {}


def register(adapter: Adapter) -> Adapter:
    if adapter.name in REGISTRY:
        raise ValueError(f"input format {adapter.name!r} is registered twice")
    REGISTRY[adapter.name] = adapter
    return adapter


def adapter_named(name: str) -> Adapter:
    _load_all()
    if name not in REGISTRY:
        raise UserError(f"unknown input format {name!r}; formats are "
                        f"{', '.join(sorted(REGISTRY))} (see `empathy-audit formats`)",
                        key="--input-format")
    return REGISTRY[name]


def adapters() -> list[Adapter]:
    _load_all()
    return list(REGISTRY.values())


def json_adapter_for(value) -> Adapter | None:
    """The first registered JSON adapter whose needs the document meets."""
    return next((a for a in adapters() if a.matches(value)), None)


_top_keys: frozenset[str] | None = None


def platform_turns(item: dict, source: str, line: int, line_of: dict[int, int]):
    """The turns of one platform export found as a JSON Lines line or an array item, or
    None when it is no export (most items: a key test keeps them cheap). Its conversation id,
    when it has none, is the file name and its line."""
    global _top_keys
    if _top_keys is None:
        _top_keys = frozenset(need.partition(".")[0].removesuffix("[]")
                              for adapter in adapters() for need in adapter.needs)
    if _top_keys.isdisjoint(item):
        return None
    adapter = json_adapter_for(item)
    if adapter is None:
        return None
    doc = Document(item, source, line_of, first_line=line)
    doc.name = f"{doc.stem}-{line}"
    return adapter.read(doc)


def closest(value) -> tuple[Adapter, list[str]] | None:
    """The JSON adapter whose needs the document meets best (the most path steps met, then
    the fewest needs missing), with what it lacks; None when it meets none of any."""
    best = None
    for adapter in adapters():
        if adapter.kind != "json":
            continue
        missing = adapter.missing(value)
        met = sum(_steps_met(value, path) for path in adapter.needs)
        if met and (best is None or (met, -len(missing)) > best[0]):
            best = ((met, -len(missing)), adapter, missing)
    return (best[1], best[2]) if best else None


def _steps_met(value, path: str) -> int:
    """How many leading steps of ``path`` the document holds ("a[].b": "a[]" is one; a bare
    "[]", any non-empty array, counts for nothing)."""
    steps = path.split(".")
    held = next((n for n in range(len(steps), 0, -1) if has_path(value, ".".join(steps[:n]))), 0)
    return held - (held > 0 and steps[0] == "[]")


_loaded = False


def _load_all() -> None:
    """Import the bundled adapters (each registers itself), then third-party entry points."""
    global _loaded
    if _loaded:
        return
    _loaded = True
    from . import (amazon_connect, asapp, captions, contact_lens_stream, freshdesk,  # noqa: F401
                   genesys, google_ccai, intercom, liveperson, pca, plain_text, transcribe,
                   twilio, zendesk)
    for entry in sorted(metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        adapter = entry.load()
        if not isinstance(adapter, Adapter):
            raise UserError(f"entry point {entry.name!r} in {ENTRY_POINT_GROUP} is not an "
                            f"Adapter")
        if adapter.name not in REGISTRY:
            register(adapter)
