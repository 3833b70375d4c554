"""Read transcripts (CSV, JSON, JSON Lines, optionally gzipped) into conversations.

Every input turn either becomes a :class:`Turn` or a :class:`Skipped` entry with its
file, line and reason. Structural damage (broken JSON, bad encoding, a missing required
column) is a :class:`UserError`.
"""
from __future__ import annotations

import codecs
import csv
import gzip
import io
import json
import math
import os
import re
import sys
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path

from ..errors import UserError
from ..model import AGENT, CUSTOMER, OTHER, Conversation, LoadReport, Skipped, Turn

SUFFIXES = (".csv", ".json", ".jsonl", ".ndjson")
# Captions are found in directories; plain text (.txt, .md) is read only when named, so a
# directory's README or notes never become transcripts.
CAPTION_SUFFIXES = (".vtt", ".srt")
NAMED_ONLY_SUFFIXES = (".txt", ".md")
TEXT_KINDS = ("vtt", "srt", "txt", "md")
MAX_JSON_DEPTH = 100   # a transcript needs 3 or 4 levels; deeper is refused, not a RecursionError
# The csv default (128 KiB) is less than a long transcript turn; every CSV reader of the
# process shares this bound, so a long field reads the same from CSV as from JSON Lines.
csv.field_size_limit(64 * 2 ** 20)
GZIP_ERRORS = (OSError, EOFError, zlib.error)   # bad magic, truncated, corrupt deflate data
# Written into every directory the tool writes exports or reports to, so that a later run
# over a folder holding them does not read them back as transcripts.
OUTPUT_MARKER = ".empathy-audit-output"
OUTPUT_MARKER_TEXT = "empathy-audit wrote this directory; it skips it when it reads transcripts.\n"
# How the single files that `audit --output` writes begin (its JSON; its SARIF log), so that
# one written inside an audited folder is not read back as a transcript on the next run.
_OWN_FILE_HEADS = (
    re.compile(rb'\A\s*\{\s*"checklist"\s*:\s*"(?:[^"\\]|\\.)*"\s*,\s*"summary"\s*:\s*\{'),
    re.compile(rb'\A\s*\{\s*"\$schema"\s*:\s*"[^"]*sarif[^"]*"[^\0]*"name"\s*:\s*"empathy-audit"'),
)

# Canonical field -> accepted names, most specific first.
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "conversation_id": ("conversation_id", "conversationid", "conversation", "convo_id",
                        "conv_id", "dialog_id", "dialogue_id", "thread_id", "chat_id",
                        "ticket_id", "session_id", "call_id", "case_id"),
    "speaker": ("speaker", "role", "participant", "author", "sender", "from", "who", "party",
                "speaker_role", "user_type", "side"),
    "text": ("text", "message", "content", "body", "utterance", "msg", "transcript_text",
             "line_text", "value"),
    "agent_id": ("agent_id", "agent", "agent_name", "rep_id", "rep", "advisor", "handler",
                 "assignee", "brand", "owner"),
    "turn": ("turn", "turn_id", "turn_index", "turn_number", "turn_count", "seq", "sequence",
             "position", "order", "index"),
    "timestamp": ("timestamp", "time", "ts", "created_at", "datetime", "date", "sent_at"),
}
REQUIRED = ("conversation_id", "speaker", "text")
# Keys that hold a conversation's list of turns, and its id at conversation level.
TURN_LIST_KEYS = ("turns", "messages", "utterances", "dialog", "dialogue", "original",
                  "transcript", "conversation", "chat", "exchanges")
CONVERSATION_ID_KEYS = FIELD_ALIASES["conversation_id"] + ("id",)

SPEAKER_WORDS = {
    AGENT: ("agent", "rep", "representative", "advisor", "adviser", "support", "staff",
            "employee", "operator", "associate", "specialist", "csr", "assistant", "care",
            "helpdesk", "service", "company", "brand", "moderator", "expert", "technician"),
    CUSTOMER: ("customer", "client", "user", "caller", "visitor", "guest", "consumer",
               "member", "buyer", "patient", "passenger", "requester", "requestor", "end_user",
               "enduser", "shopper", "subscriber", "contact"),
    OTHER: ("system", "action", "bot", "automated", "auto", "ivr", "note", "event",
            "internal", "virtual_agent", "chatbot"),
}
_SPEAKER_LOOKUP = {word: role for role, words in SPEAKER_WORDS.items() for word in words}


def speaker_key(raw: str) -> str:
    """A speaker label as labels are compared: "Agent 2", "agent-2" and "agent_2" alike."""
    return raw.strip().lower().replace("-", "_").replace(" ", "_")


def normalize_speaker(raw: str, custom: dict[str, str] | None = None) -> str | None:
    """agent, customer or other; None when the label is not recognised."""
    label = speaker_key(raw)
    if custom and label in custom:
        return custom[label]
    if label in _SPEAKER_LOOKUP:
        return _SPEAKER_LOOKUP[label]
    head = label.rstrip("0123456789_").split("_")[0]   # "agent_2", "Customer 1"
    return _SPEAKER_LOOKUP.get(head)


@dataclass(frozen=True, slots=True)
class RawTurn:
    """One turn as read, before grouping: values are already mapped to canonical fields."""
    fields: dict[str, object]
    source: str
    line: int


class FieldMap:
    """Resolves canonical fields against the keys present in one record or header."""

    def __init__(self, overrides: dict[str, str] | None = None):
        self.overrides = {k: v for k, v in (overrides or {}).items()}
        unknown = set(self.overrides) - set(FIELD_ALIASES)
        if unknown:
            raise UserError(f"--map: unknown field {sorted(unknown)[0]!r}; "
                            f"fields are {', '.join(FIELD_ALIASES)}", key="--map")
        self._cache: dict[tuple[str, ...], dict[str, str]] = {}

    def resolve(self, keys: Iterable[str]) -> dict[str, str]:
        """Canonical field -> actual key, for the fields that are present."""
        keys = tuple(keys)
        if keys not in self._cache:
            lowered = {k.strip().lower(): k for k in keys}
            found = {}
            for canonical, aliases in FIELD_ALIASES.items():
                wanted = (self.overrides[canonical],) if canonical in self.overrides else aliases
                for alias in wanted:
                    if alias.lower() in lowered:
                        found[canonical] = lowered[alias.lower()]
                        break
            self._cache[keys] = found
        return self._cache[keys]


# ---------------------------------------------------------------- reading bytes

def is_gzip(path: Path) -> bool:
    return path.name.lower().endswith(".gz")


def gzip_error(path: Path, exc: Exception) -> UserError:
    return UserError(f"not a valid gzip file ({exc})", file=str(path))


STDIN = "-"
_stdin: list = [None, b""]   # the stream read, and its bytes: read once, however many passes


def stdin_bytes() -> bytes:
    """Standard input (the path ``-``), read once: the streaming engine reads it twice."""
    stream = sys.stdin.buffer
    if _stdin[0] is not stream:
        _stdin[:] = [stream, stream.read()]
    return _stdin[1]


def _open_text(path: Path, encoding: str) -> str:
    raw = stdin_bytes() if str(path) == STDIN else path.read_bytes()
    if is_gzip(path):
        try:
            raw = gzip.decompress(raw)
        except GZIP_ERRORS as exc:
            raise gzip_error(path, exc) from None
    return decode_text(raw, str(path), encoding)


def decode_text(raw: bytes, source: str, encoding: str,
                fix: str = "re-save the file as UTF-8 or pass --encoding") -> str:
    """Bytes to text; an undecodable byte is an error naming its line and the fix."""
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise UserError(f"cannot decode byte 0x{raw[exc.start]:02x} as {encoding}; {fix}",
                        file=source, line=line) from None
    except LookupError:
        raise UserError(f"unknown encoding {encoding!r}", key="--encoding") from None


def format_of(path: Path) -> str:
    if str(path) == STDIN:
        return _sniff(stdin_bytes())
    name = path.name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    for suffix in SUFFIXES + CAPTION_SUFFIXES + NAMED_ONLY_SUFFIXES:
        if name.endswith(suffix):
            return "jsonl" if suffix == ".ndjson" else suffix[1:]
    raise UserError(f"unsupported file type; expected one of "
                    f"{', '.join(SUFFIXES + CAPTION_SUFFIXES + NAMED_ONLY_SUFFIXES)} "
                    f"(optionally .gz)", file=str(path))


def files_under(directory: Path) -> list[Path]:
    """Every file below ``directory``, sorted; a directory that cannot be read is an error,
    as an unreadable file is (``Path.rglob`` skips it without a word)."""
    def refuse(error: OSError):
        raise UserError(f"cannot read directory: {error.strerror or error}",
                        file=error.filename or str(directory))
    found = []
    for folder, _, names in os.walk(directory, onerror=refuse):
        found.extend(Path(folder, name) for name in names)
    return sorted(p for p in found if p.is_file())


def expand_paths(paths: Iterable[str | Path], report: LoadReport,
                 exclude: Iterable[str] = ()) -> list[Path]:
    """Files named directly, plus transcript files found under directories (sorted), except
    the tool's own outputs and files matching an ``exclude`` glob; a file reached twice
    (named and inside a named directory, or named twice) is read once."""
    files: list[Path] = []
    exclude = tuple(exclude)   # read once: every directory gets the same globs
    for given in paths:
        path = Path(given)
        if str(given) == STDIN:
            files.append(path)
        elif path.is_dir():
            found = _discover(path, report, exclude)
            usable = [p for p in found if _is_transcript(p)]
            ignored = len(found) - len(usable)
            if ignored:
                report.notes.append(f"{path}: ignored {ignored} file(s) that are not "
                                    f"CSV, JSON, JSON Lines, WebVTT or SRT (name .txt/.md "
                                    f"transcripts one by one)")
            files.extend(usable)
        elif path.is_file():
            format_of(path)
            files.append(path)
        else:
            raise UserError("no such file or directory", file=str(path))
    if not files:
        raise UserError("no transcript files found in " + ", ".join(map(str, paths)))
    return _once_each(files, report)


def _once_each(files: list[Path], report: LoadReport) -> list[Path]:
    first: dict[Path, Path] = {}
    for path in files:
        first.setdefault(path.resolve(), path)
    if len(first) < len(files):
        report.notes.append(f"{len(files) - len(first)} file(s) given more than once "
                            f"(named twice, or also inside a named directory); each read once")
    return list(first.values())


def _discover(folder: Path, report: LoadReport, exclude: tuple[str, ...]) -> list[Path]:
    every = files_under(folder)
    outputs = [path.parent for path in every if path.name == OUTPUT_MARKER]
    report.notes += [f"{output}: skipped, empathy-audit's own output" for output in outputs]
    found, excluded = [], 0
    for path in every:
        if any(output in path.parents for output in outputs):
            continue
        relative = path.relative_to(folder)
        if any(relative.match(glob) or path.match(glob) or fnmatch(relative.as_posix(), glob)
               for glob in exclude):
            excluded += 1
            continue
        if is_own_output_file(path):
            report.notes.append(f"{path}: skipped, empathy-audit's own output")
            continue
        found.append(path)
    if excluded:
        report.notes.append(f"{folder}: excluded {excluded} file(s) matching --exclude")
    return found


def is_own_output_file(path: Path) -> bool:
    """A JSON file that begins as the audit's JSON or SARIF output does."""
    if not path.name.lower().endswith(".json"):
        return False
    try:
        with path.open("rb") as handle:
            head = handle.read(2048)
    except OSError:
        return False
    return any(signature.match(head) for signature in _OWN_FILE_HEADS)


def _is_transcript(path: Path) -> bool:
    name = path.name.lower().removesuffix(".gz")
    return name.endswith(SUFFIXES + CAPTION_SUFFIXES) and not path.name.startswith(".")


def _sniff(raw: bytes) -> str:
    """Standard input has no file name: a JSON document, JSON Lines, or else CSV (told by the
    first character after a UTF-8 byte-order mark and white space)."""
    head = raw.removeprefix(codecs.BOM_UTF8).lstrip()[:1]
    if head == b"[":
        return "json"
    if head == b"{":
        try:
            json.loads(raw)
            return "json"
        except ValueError:
            return "jsonl"
    return "csv"


# ---------------------------------------------------------------- CSV

def read_csv(text: str, source: str, fields: FieldMap) -> Iterator[RawTurn]:
    return read_csv_lines(io.StringIO(text, newline=""), source, fields)


def read_csv_lines(lines: Iterable[str], source: str, fields: FieldMap) -> Iterator[RawTurn]:
    """Turns from CSV lines (a file opened with ``newline=""``, or a StringIO over its text)."""
    reader = csv.reader(lines, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        return
    except csv.Error as exc:
        raise UserError(f"malformed CSV header: {exc}", file=source, line=1) from None
    mapping = fields.resolve(header)
    missing = [f for f in REQUIRED if f not in mapping]
    if missing:
        raise UserError(f"missing required column {missing[0]!r} (columns: "
                        f"{', '.join(header)}); use --map {missing[0]}=COLUMN",
                        file=source, line=1, key=missing[0])
    position = {canonical: header.index(key) for canonical, key in mapping.items()}
    for start, row in csv_rows(reader, len(header), source):
        yield RawTurn({f: row[i] for f, i in position.items()}, source, start)


def read_csv_file(path: Path) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
    """Header and (line, row) of a small CSV file the tool reads back (labels, expectations,
    exports): located decoding errors, strict quoting, every row as wide as the header."""
    source = str(path)
    text = decode_text(path.read_bytes(), source, "utf-8-sig", fix="re-save the file as UTF-8")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [h.strip() for h in next(reader, [])]
    except csv.Error as exc:
        raise UserError(f"malformed CSV header: {exc}", file=source, line=1) from None
    rows = ((line, dict(zip(header, cells)))
            for line, cells in csv_rows(reader, len(header), source))
    return header, rows


def read_list_file(path: Path, what: str, key: str | None = None) -> list[str]:
    """The entries of a list file (conversation ids, names): one a line, blank lines and
    ``#`` comments ignored, in file order; a missing or undecodable file is a located error."""
    source = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise UserError(f"{what} not found", file=source, key=key) from None
    except IsADirectoryError:
        raise UserError(f"{what} is a folder; name a file", file=source, key=key) from None
    try:
        text = decode_text(raw, source, "utf-8-sig", fix="re-save the file as UTF-8")
    except UserError as error:
        error.key = key
        raise
    return [entry for entry in (line.split("#", 1)[0].strip() for line in text.splitlines())
            if entry]


def csv_rows(reader, width: int, source: str) -> Iterator[tuple[int, list[str]]]:
    """(line where the row starts, row) after the header; blank lines skipped; a malformed
    row or one with the wrong number of fields is an error at its line."""
    previous_end = reader.line_num
    while True:
        start = previous_end + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise UserError(f"malformed CSV row: {exc}", file=source, line=start) from None
        previous_end = reader.line_num
        if not row:
            continue   # a blank line is not a row
        if len(row) != width:
            raise UserError(f"row has {len(row)} fields, header has {width}",
                            file=source, line=start)
        yield start, row


# ---------------------------------------------------------------- JSON and JSON Lines

_decoder = json.JSONDecoder()
_WHITESPACE = " \t\r\n"


def _json_error(exc: json.JSONDecodeError, source: str, line_offset: int = 0) -> UserError:
    return UserError(f"invalid JSON: {exc.msg} (column {exc.colno})", file=source,
                     line=exc.lineno + line_offset)


def _skip_ws(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in _WHITESPACE:
        pos += 1
    return pos


class _Lines:
    """Character offset -> 1-based line number, for one text."""

    def __init__(self, text: str, first_line: int = 1):
        self.text, self.first_line = text, first_line
        self._pos, self._line = 0, first_line

    def at(self, offset: int) -> int:
        if offset < self._pos:   # offsets arrive in order; restart if they do not
            self._pos, self._line = 0, self.first_line
        self._line += self.text.count("\n", self._pos, offset)
        self._pos = offset
        return self._line


def _parse_positioned(text: str, pos: int, lines: _Lines, source: str, depth: int = 0):
    """Decode the JSON value at ``pos``; return (value, end, line_of) where ``line_of`` maps
    id(dict) -> line for every object inside arrays of objects (turns and conversations)."""
    pos = _skip_ws(text, pos)
    if pos < len(text) and text[pos] in "[{":
        if depth >= MAX_JSON_DEPTH:
            _raise_at(text, pos, f"nested too deeply (more than {MAX_JSON_DEPTH} levels)",
                      source, lines)
        opener = text[pos]
        closer = "]" if opener == "[" else "}"
        container: list | dict = [] if opener == "[" else {}
        line_of: dict[int, int] = {}
        pos = _skip_ws(text, pos + 1)
        if pos < len(text) and text[pos] == closer:
            return container, pos + 1, line_of
        while True:
            if opener == "{":
                key, pos = _decode_leaf(text, pos, source, lines)
                pos = _skip_ws(text, pos)
                if pos >= len(text) or text[pos] != ":":
                    _raise_at(text, pos, "expecting ':'", source, lines)
                pos += 1
            start = _skip_ws(text, pos)
            value, pos, inner = _parse_positioned(text, start, lines, source, depth + 1)
            line_of.update(inner)
            if isinstance(value, (dict, list)):
                line_of.setdefault(id(value), lines.at(start))
            if opener == "{":
                container[key] = value
            else:
                container.append(value)
            pos = _skip_ws(text, pos)
            if pos < len(text) and text[pos] == ",":
                pos = _skip_ws(text, pos + 1)
                continue
            if pos < len(text) and text[pos] == closer:
                return container, pos + 1, line_of
            _raise_at(text, pos, f"expecting ',' or '{closer}'", source, lines)
    value, end = _decode_leaf(text, pos, source, lines)
    return value, end, {}


def _decode_leaf(text: str, pos: int, source: str, lines: _Lines):
    try:
        return _decoder.raw_decode(text, pos)
    except json.JSONDecodeError as exc:
        _raise_at(text, exc.pos, exc.msg, source, lines)


def _raise_at(text: str, pos: int, msg: str, source: str, lines: _Lines):
    line_start = text.rfind("\n", 0, pos) + 1
    raise UserError(f"invalid JSON: {msg} (column {pos - line_start + 1})", file=source,
                    line=lines.at(pos))


def parse_json_document(text: str, source: str):
    """(value, line_of, lines, start): the whole document, with the line of every object."""
    lines = _Lines(text)
    start = _skip_ws(text, 0)
    value, end, line_of = _parse_positioned(text, start, lines, source)
    if _skip_ws(text, end) != len(text):
        _raise_at(text, _skip_ws(text, end), "extra data after the JSON value", source, lines)
    return value, line_of, lines, start


def json_records(value, line_of: dict[int, int], lines: _Lines, start: int, source: str,
                 fields: FieldMap) -> Iterator[RawTurn]:
    """Turns of a generic JSON document: turns, conversations, or one conversation object
    (one without a turns list is refused before, by formats.read_document)."""
    if isinstance(value, dict):
        line_of.setdefault(id(value), lines.at(start))
        value = [value]
    if not isinstance(value, list):
        raise UserError("expected an array of turns or conversations", file=source, line=1)
    for item in value:
        yield from _records(item, source, line_of.get(id(item), 1), fields, line_of)


def read_jsonl(text: str, source: str, fields: FieldMap) -> Iterator[RawTurn]:
    return read_jsonl_lines(text.split("\n"), source, fields)


def read_jsonl_lines(lines: Iterable[str], source: str, fields: FieldMap) -> Iterator[RawTurn]:
    """Turns from JSON Lines, one str per line cut at \\n only: U+2028, U+2029 and U+0085
    are valid raw inside a JSON string (``str.splitlines`` breaks there), and the \\r of
    \\r\\n is JSON whitespace."""
    for number, raw_line in enumerate(lines, start=1):
        if not raw_line.strip():
            continue
        try:
            item = json.loads(raw_line)
        except json.JSONDecodeError as exc:
            raise UserError(f"invalid JSON: {exc.msg} (column {exc.colno})", file=source,
                            line=number) from None
        except RecursionError:
            raise UserError("invalid JSON: nested too deeply", file=source, line=number) from None
        yield from _records(item, source, number, fields, {})


def _turn_list_key(obj: dict) -> str | None:
    for key in TURN_LIST_KEYS:
        if isinstance(obj.get(key), list):
            return key
    return None


def _records(item, source: str, line: int, fields: FieldMap,
             line_of: dict[int, int]) -> Iterator[RawTurn]:
    """Turns from one top-level JSON item: a turn object or a conversation object."""
    if not isinstance(item, dict):
        yield RawTurn({}, source, line)   # reported as skipped: not an object
        return
    from .adapters import platform_turns   # the adapters import this module
    adapted = platform_turns(item, source, line, line_of)
    if adapted is not None:   # one platform export a line, or an array of them
        yield from adapted
        return
    list_key = _turn_list_key(item)
    if list_key is None:
        mapping = fields.resolve(item.keys())
        yield RawTurn({f: item[k] for f, k in mapping.items()}, source, line)
        return
    inherited = _conversation_fields(item, list_key, fields)
    for turn in item[list_key]:
        turn_line = line_of.get(id(turn), line)
        if isinstance(turn, list) and len(turn) == 2:
            values = {"speaker": turn[0], "text": turn[1]}
        elif isinstance(turn, dict):
            mapping = fields.resolve(turn.keys())
            values = {f: turn[k] for f, k in mapping.items()}
        else:
            yield RawTurn({"__invalid__": "turn is neither an object nor a [speaker, text] "
                                          "pair"}, source, turn_line)
            continue
        merged = {**inherited, **{k: v for k, v in values.items() if v is not None}}
        if "conversation_id" in inherited:   # the conversation groups its turns
            merged["conversation_id"] = inherited["conversation_id"]
        yield RawTurn(merged, source, turn_line)


def _conversation_fields(item: dict, list_key: str, fields: FieldMap) -> dict[str, object]:
    """Conversation-level values its turns inherit (id, agent_id, ...)."""
    scalar_keys = [k for k, v in item.items() if k != list_key and not isinstance(v, (list, dict))]
    mapping = fields.resolve(scalar_keys)
    inherited = {f: item[k] for f, k in mapping.items() if f in ("conversation_id", "agent_id")}
    if "conversation_id" not in inherited:
        for key in CONVERSATION_ID_KEYS:
            if key in item and not isinstance(item[key], (list, dict)):
                inherited["conversation_id"] = item[key]
                break
    return inherited


READERS = {"csv": read_csv, "jsonl": read_jsonl}   # whole documents: formats.read_document


# ---------------------------------------------------------------- grouping

def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def _validate(raw: RawTurn) -> tuple[dict[str, str] | None, str | None]:
    """Clean string values, or the reason the row cannot be used."""
    if "__invalid__" in raw.fields:
        return None, str(raw.fields["__invalid__"])
    if not raw.fields:
        return None, "not a turn or conversation object"
    values = {k: _as_text(v).strip() if k != "text" else _as_text(v)
              for k, v in raw.fields.items()}
    for name in REQUIRED:
        if name not in raw.fields:
            return None, f"missing field {name!r}"
    for name, value in raw.fields.items():
        if isinstance(value, (dict, list)):   # never a Python repr as text
            held = "an object" if isinstance(value, dict) else "a list"
            return None, f"field {name!r} holds {held}, not text"
    if not values["conversation_id"]:
        return None, "empty conversation_id"
    if not values["speaker"]:
        return None, "empty speaker"
    return values, None


def _turn_order(value: str) -> int | float | None:
    """The turn number, exact for integers of any size; None (keep the file order) when it is
    no finite number: "nan" or "inf" cannot order anything."""
    try:
        return int(value)
    except ValueError:
        pass
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def parse_speaker_map(speaker_map: dict[str, str] | None) -> dict[str, str]:
    custom = {}
    for label, role in (speaker_map or {}).items():
        if role not in (AGENT, CUSTOMER, OTHER):
            raise UserError(f"--speaker {label}={role}: the role must be agent, customer or "
                            f"other", key="--speaker")
        custom[speaker_key(label)] = role
    return custom


def assign_role(values: dict[str, str], roles: dict[str, str]) -> str:
    """The turn's role: a --speaker mapping first, then the role its format declares, then
    the speaker label read as a role word; "" when none says."""
    label = speaker_key(values["speaker"])
    declared = values.pop("role", "")
    if label in roles:
        return roles[label]
    if declared:
        return declared if declared in (AGENT, CUSTOMER, OTHER) else \
            normalize_speaker(declared) or ""
    return normalize_speaker(values["speaker"]) or ""


# Speaker or channel numbers (diarized calls, stereo channels): --roles infer may name them.
NUMBERED_LABEL = re.compile(r"^(?:spk|speaker|ch|channel)[ _-]?\d{1,3}$", re.IGNORECASE)


def unknown_speaker_notes(counts: dict[str, int]) -> list[str]:
    """One note per unrecognised speaker label, in label order."""
    return [f"{count} turn(s) with unrecognised speaker {label!r} kept as 'other' (never "
            f"scored); map it with --speaker {label}=agent"
            + (" or let --roles infer name it" if NUMBERED_LABEL.match(label) else "")
            for label, count in sorted(counts.items())]


_SURROGATE = re.compile("[\ud800-\udfff]")


class UsableRows:
    """What every reader does to a valid row, in memory or streamed: its role; lone surrogate
    escapes (JSON's "\\ud800", not UTF-8) replaced by U+FFFD; its conversation id made
    per-file, or refused when another file already used it; notes on what was changed."""

    def __init__(self, roles: dict[str, str], ids_per_file: bool = False,
                 check_ids: bool = True):
        self.roles, self.ids_per_file, self.check_ids = roles, ids_per_file, check_ids
        self.first_seen: dict[str, tuple[str, int]] = {}   # conversation id -> (file, line)
        self.unknown_speakers: dict[str, int] = {}
        self.repaired = 0

    def accept(self, raw: RawTurn, values: dict[str, str]) -> dict[str, str]:
        for key, value in values.items():
            if not value.isascii() and _SURROGATE.search(value):
                values[key] = value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
                self.repaired += 1
        if self.ids_per_file:
            values["conversation_id"] = f"{raw.source}:{values['conversation_id']}"
        values["conversation_id"] = sys.intern(values["conversation_id"])   # one copy per id
        if self.check_ids:
            self._check_one_file(values["conversation_id"], raw)
        values["role"] = assign_role(values, self.roles)
        if not values["role"]:
            label = values["speaker"]
            self.unknown_speakers[label] = self.unknown_speakers.get(label, 0) + 1
        return values

    def _check_one_file(self, conversation_id: str, raw: RawTurn) -> None:
        seen = self.first_seen.setdefault(conversation_id, (raw.source, raw.line))
        if seen[0] != raw.source:
            raise UserError(f"conversation {conversation_id!r} is also in {seen[0]}:{seen[1]}; "
                            f"ids must be unique across files, or pass --ids-per-file to "
                            f"prefix each id with its file", file=raw.source, line=raw.line,
                            key="conversation_id")

    def notes(self) -> list[str]:
        notes = unknown_speaker_notes(self.unknown_speakers)
        if self.repaired:
            notes.append(f"{self.repaired} value(s) held lone surrogate escapes (not valid "
                         f"Unicode); each replaced by U+FFFD")
        return notes


def load(paths: Iterable[str | Path], *, field_map: dict[str, str] | None = None,
         speaker_map: dict[str, str] | None = None, encoding: str = "utf-8-sig",
         ids_per_file: bool = False, exclude: Iterable[str] = (),
         input_format: str | None = None,
         allow_empty: bool = True) -> tuple[list[Conversation], LoadReport]:
    """Load every transcript file under ``paths`` into conversations, in input order.

    ``input_format`` forces a reader (see :mod:`formats`). With ``allow_empty=False`` (the
    command line's default), no conversation at all is an error saying why."""
    from . import formats   # the adapters import this module
    report = LoadReport()
    fields = FieldMap(field_map)
    usable = UsableRows(parse_speaker_map(speaker_map), ids_per_file)
    grouped: dict[str, list[tuple[RawTurn, dict[str, str]]]] = {}
    for path in expand_paths(paths, report, exclude):
        source = str(path)
        report.files.append(source)
        text = _open_text(path, encoding)
        for raw in formats.raw_turns(path, text, fields, input_format):
            values, problem = _validate(raw)
            if problem:
                report.skipped.append(Skipped(source, raw.line, problem,
                                              event="__event__" in raw.fields))
                continue
            values = usable.accept(raw, values)
            grouped.setdefault(values["conversation_id"], []).append((raw, values))
    report.notes.extend(usable.notes())
    if not grouped and not allow_empty:
        raise formats.nothing_read(report.files, report, encoding)
    return [_conversation(cid, rows) for cid, rows in grouped.items()], report


def _conversation(conversation_id: str, rows: list[tuple[RawTurn, dict[str, str]]]) -> Conversation:
    orders = [_turn_order(v.get("turn", "")) for _, v in rows]
    numbered = all(o is not None for o in orders)   # the input's own turn numbers, kept
    if numbered:
        rows = [row for _, row in sorted(zip(orders, rows), key=lambda pair: pair[0])]
    agent_id = next((v.get("agent_id", "") for _, v in rows
                     if v["role"] == AGENT and v.get("agent_id")), "")
    agent_id = agent_id or next((v["agent_id"] for _, v in rows if v.get("agent_id")), "") or "unknown"
    turns = [Turn(conversation_id=conversation_id, index=i,
                  speaker=v["role"] or OTHER, text=v["text"],
                  agent_id=v.get("agent_id") or agent_id, source=raw.source, line=raw.line,
                  raw_speaker=v["speaker"], timestamp=v.get("timestamp") or None,
                  label=v["turn"] if numbered else "")
             for i, (raw, v) in enumerate(rows)]
    first = rows[0][0]
    return Conversation(conversation_id, agent_id, turns, first.source, first.line)
