"""Which reader reads a file, and why a file gave no conversation.

CSV and JSON Lines go to the generic readers in :mod:`core`. A JSON document goes to the first
platform adapter whose needs it meets, else to the generic reader (so every file that loaded
before loads the same); captions and plain text go to the adapter of their suffix.
``--input-format NAME`` forces one: a generic kind (csv, json, jsonl) or an adapter's name.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..errors import UserError
from . import core
from .adapters import Adapter, Document, adapter_named, adapters, closest, json_adapter_for
from .core import FieldMap, RawTurn

GENERIC = {"csv": "CSV with conversation_id, speaker and text columns (aliases and --map "
                  "accepted)",
           "json": "JSON: an array of turns or conversations, or one conversation object "
                   "with a turns list",
           "jsonl": "JSON Lines: one turn or conversation object a line"}


def kind_of(path: Path, input_format: str | None) -> str:
    """csv, json, jsonl or text: how the file's bytes are read."""
    if input_format in GENERIC:
        return input_format
    if input_format:
        return adapter_named(input_format).kind
    kind = core.format_of(path)
    return "text" if kind in core.TEXT_KINDS else kind


def raw_turns(path: Path, text: str, fields: FieldMap,
              input_format: str | None = None) -> Iterator[RawTurn]:
    """Turns of one file's whole text, by the reader its kind or ``input_format`` picks."""
    kind = kind_of(path, input_format)
    if kind in ("csv", "jsonl"):
        return core.READERS[kind](text, str(path), fields)
    return read_document(text, str(path), fields, input_format, kind)


def read_document(text: str, source: str, fields: FieldMap, input_format: str | None,
                  kind: str) -> Iterator[RawTurn]:
    """Turns of one whole JSON, caption or plain-text file of ``kind`` (:func:`kind_of`)."""
    if kind == "text":
        yield from _text_adapter(source, input_format).read(Document(text, source))
        return
    value, line_of, lines, start = core.parse_json_document(text, source)
    adapter = _json_adapter(value, source, input_format)
    if adapter is None and isinstance(value, dict) and core._turn_list_key(value) is None:
        raise UserError("expected an array of turns or conversations, one conversation object "
                        f"with a turns list, or a platform export; {_shape_of(value)}",
                        file=source, line=lines.at(start))
    if adapter is None:
        yield from core.json_records(value, line_of, lines, start, source, fields)
    else:
        yield from adapter.read(Document(value, source, line_of))


def _json_adapter(value, source: str, input_format: str | None) -> Adapter | None:
    if input_format is None:
        return json_adapter_for(value)
    if input_format == "json":
        return None
    adapter = adapter_named(input_format)
    missing = adapter.missing(value)
    if adapter.kind != "json" or missing:
        raise UserError(f"not a {adapter.name} document: "
                        + (f"it lacks {', '.join(missing)}" if missing else "it is JSON"),
                        file=source, line=1, key="--input-format")
    return adapter


def _text_adapter(source: str, input_format: str | None) -> Adapter:
    if input_format:
        return adapter_named(input_format)
    name = Path(source).name.lower().removesuffix(".gz")
    return next(a for a in adapters() if a.suffixes and name.endswith(a.suffixes))


def describe() -> list[tuple[str, str]]:
    """(name, what it needs) for every input format, generic ones first."""
    return list(GENERIC.items()) + [(a.name, a.description) for a in adapters()]


def nothing_read(files: list[str], report, encoding: str) -> UserError:
    """Why the input gave no conversation: the first file's closest recognised shape and
    what it lacked, or the first reason a turn was skipped."""
    first = files[0] if files else "input"
    skipped = report.skipped[0] if report.skipped else None
    why = []
    shape = _closest_shape(Path(first), encoding) if files else None
    if shape:
        why.append(shape)
    if skipped:
        why.append(f"{len(report.skipped)} item(s) skipped, the first at line {skipped.line}: "
                   f"{skipped.reason}")
    if not why:
        why.append("no turns in it")
    return UserError("no conversation read; " + "; ".join(why) + " (--allow-empty to accept "
                     "an empty input)", file=skipped.source if skipped else first,
                     line=skipped.line if skipped else None)


def _closest_shape(path: Path, encoding: str) -> str | None:
    if path.suffix.lower() != ".json":
        return None
    value, *_ = core.parse_json_document(core._open_text(path, encoding), str(path))
    return _shape_of(value)


def _shape_of(value) -> str:
    found = closest(value)
    if found is None:
        return "no recognised export shape (see `empathy-audit formats`)"
    adapter, missing = found
    if not missing:
        return f"read as {adapter.name}"
    return f"closest recognised shape: {adapter.name}, which needs {', '.join(missing)}"
