"""Conversations streamed from transcript files, the same ones :func:`loading.load` returns.

``load`` reads every file into memory, groups all turns by conversation and only then returns.
Here two passes over the input keep memory bounded by the open conversations, not the input:

1. :func:`scan` reads every turn once: it fills the :class:`LoadReport` (files, skipped rows,
   notes) exactly as ``load`` would, records the position of each conversation's last turn,
   and hands every agent turn to a callback (the corpus-level canned-reply count).
2. :func:`conversations` reads again and yields each conversation as soon as its last turn has
   been read, in order of first appearance: the order ``load`` gives. Input grouped by
   conversation (JSON Lines of conversations, CSV sorted by conversation) holds one
   conversation at a time; interleaved input holds the conversations still open.

CSV and JSON Lines are read line by line (gzip too); a single JSON document is parsed whole,
as ``load`` does, so very large inputs belong in JSON Lines.
"""
from __future__ import annotations

import gzip
import io
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..errors import UserError
from ..loading import FieldMap, RawTurn
from ..loading import core as loaders
from ..loading import formats
from ..loading.core import UsableRows
from ..model import AGENT, Conversation, LoadReport, Skipped

AgentTurnCallback = Callable[[str, str], None]   # (conversation_id, text)


@dataclass(frozen=True)
class Source:
    """What to read and how: the options ``load`` takes."""
    paths: tuple[str, ...]
    field_map: tuple[tuple[str, str], ...] = ()
    speaker_map: tuple[tuple[str, str], ...] = ()
    encoding: str = "utf-8-sig"
    ids_per_file: bool = False
    exclude: tuple[str, ...] = ()
    input_format: str | None = None
    allow_empty: bool = True

    @classmethod
    def of(cls, paths: Iterable[str | Path], field_map: dict[str, str] | None = None,
           speaker_map: dict[str, str] | None = None, encoding: str = "utf-8-sig",
           ids_per_file: bool = False, exclude: Iterable[str] = (),
           input_format: str | None = None, allow_empty: bool = True) -> "Source":
        return cls(tuple(str(p) for p in paths), tuple((field_map or {}).items()),
                   tuple((speaker_map or {}).items()), encoding, ids_per_file, tuple(exclude),
                   input_format, allow_empty)

    def usable_rows(self, check_ids: bool = True) -> UsableRows:
        return UsableRows(loaders.parse_speaker_map(dict(self.speaker_map)), self.ids_per_file,
                          check_ids)


@dataclass
class Scan:
    report: LoadReport
    files: list[Path]
    last_row: dict[str, int]   # conversation id -> number of its last usable turn
    stamps: dict[str, tuple[int, int]]   # file -> (size, mtime) when the first pass read it

    def check_unchanged(self, source: str) -> None:
        """The second pass must read what the first read: a file written in between (a log
        still growing) would make conversations end elsewhere."""
        if _stamp(source) != self.stamps[source]:
            raise UserError("the file changed while it was read (between the two passes of "
                            "the streamed audit); audit a copy that is not being written",
                            file=source)

    @property
    def turns(self) -> int:
        return max(self.last_row.values(), default=-1) + 1


# ---------------------------------------------------------------- reading lines

def _stamp(source: str) -> tuple[int, int]:
    if source == loaders.STDIN:   # read once and kept: it cannot change between the passes
        return 0, 0
    status = os.stat(source)
    return status.st_size, status.st_mtime_ns


@contextmanager
def _text_lines(path: Path, encoding: str, newline: str):
    """The file's text, line by line, untranslated, gunzipped if needed. CSV needs
    ``newline=""`` (its reader handles quoted line breaks); JSON Lines ``"\\n"`` (the only
    separator; a bare \\r is no line break)."""
    if str(path) == loaders.STDIN:
        yield io.StringIO(loaders._open_text(path, encoding), newline=newline)
        return
    opener = gzip.open if loaders.is_gzip(path) else open
    with opener(path, "rt", encoding=encoding, newline=newline) as handle:
        yield handle


def _raw_turns(path: Path, encoding: str, fields: FieldMap,
               input_format: str | None = None) -> Iterator[RawTurn]:
    source = str(path)
    kind = formats.kind_of(path, input_format)
    if kind not in ("csv", "jsonl"):   # a whole document: JSON, captions, plain text
        yield from formats.read_document(loaders._open_text(path, encoding), source, fields,
                                         input_format, kind)
        return
    try:
        with _text_lines(path, encoding, "" if kind == "csv" else "\n") as handle:
            if kind == "csv":
                yield from loaders.read_csv_lines(handle, source, fields)
            else:
                yield from loaders.read_jsonl_lines(handle, source, fields)
    except (UnicodeDecodeError, LookupError):
        loaders._open_text(path, encoding)   # raises the UserError load() would raise
        raise
    except loaders.GZIP_ERRORS as exc:
        if isinstance(exc, OSError) and not isinstance(exc, gzip.BadGzipFile):
            raise   # an unreadable file, not a damaged one
        raise loaders.gzip_error(path, exc) from None


def _usable_rows(files: list[Path], source: Source, usable: UsableRows,
                 on_file: Callable[[str], None],
                 on_skipped: Callable[[Skipped], None] | None = None
                 ) -> Iterator[tuple[RawTurn, dict[str, str]]]:
    """Every usable turn with its cleaned values (``role`` added), in input order."""
    fields = FieldMap(dict(source.field_map))
    for path in files:
        on_file(str(path))
        for raw in _raw_turns(path, source.encoding, fields, source.input_format):
            values, problem = loaders._validate(raw)
            if problem:
                if on_skipped:
                    on_skipped(Skipped(raw.source, raw.line, problem,
                                       event="__event__" in raw.fields))
                continue
            yield raw, usable.accept(raw, values)


# ---------------------------------------------------------------- the two passes

def scan(source: Source, on_agent_turn: AgentTurnCallback | None = None) -> Scan:
    """First pass: the load report, where each conversation ends, agent turns to the callback."""
    report = LoadReport()
    files = loaders.expand_paths(source.paths, report, source.exclude)
    last_row: dict[str, int] = {}
    stamps: dict[str, tuple[int, int]] = {}

    def on_file(name: str) -> None:
        report.files.append(name)
        stamps[name] = _stamp(name)

    usable = source.usable_rows()
    rows = _usable_rows(files, source, usable, on_file, report.skipped.append)
    for number, (_, values) in enumerate(rows):
        conversation_id = values["conversation_id"]
        last_row[conversation_id] = number
        if values["role"] == AGENT and on_agent_turn:
            on_agent_turn(conversation_id, values["text"])
    report.notes.extend(usable.notes())
    if not last_row and not source.allow_empty:
        raise formats.nothing_read(report.files, report, source.encoding)
    return Scan(report, files, last_row, stamps)


def conversations(source: Source, scanned: Scan) -> Iterator[Conversation]:
    """Second pass: each conversation once its last turn is read, in first-appearance order."""
    open_rows: dict[str, list[tuple[RawTurn, dict[str, str]]]] = {}
    order: deque[str] = deque()
    complete: set[str] = set()
    # The first pass refused an id used in two files, and the files are unchanged since: no
    # second table of where each id was first seen (one per conversation) is needed here.
    usable = source.usable_rows(check_ids=False)
    rows = _usable_rows(scanned.files, source, usable, scanned.check_unchanged)
    for number, row in enumerate(rows):
        conversation_id = row[1]["conversation_id"]
        rows = open_rows.get(conversation_id)
        if rows is None:
            rows = open_rows[conversation_id] = []
            order.append(conversation_id)
        rows.append(row)
        if scanned.last_row.get(conversation_id) == number:
            complete.add(conversation_id)
        while order and order[0] in complete:
            done = order.popleft()
            complete.discard(done)
            yield loaders._conversation(done, open_rows.pop(done))
    if open_rows:   # the files changed between the passes
        raise UserError(f"the input changed while it was read: {len(open_rows)} "
                        f"conversation(s) did not end where the first pass saw them end")


def chunks(conversations_: Iterable[Conversation], turns_per_chunk: int
           ) -> Iterator[list[Conversation]]:
    """Whole conversations in lists of about ``turns_per_chunk`` turns."""
    chunk: list[Conversation] = []
    turns = 0
    for conversation in conversations_:
        chunk.append(conversation)
        turns += len(conversation.turns)
        if turns >= turns_per_chunk:
            yield chunk
            chunk, turns = [], 0
    if chunk:
        yield chunk
