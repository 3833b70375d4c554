"""Redact transcript files, same format out as in: CSV stays CSV (column order, unknown
columns and line endings kept), JSON and JSON Lines keep their structure and key order,
``.gz`` stays gzipped. Placeholders are numbered per conversation (see :mod:`.redaction`).

Structural fields the auditor reads (conversation id, speaker, agent id, turn, timestamp) are
left as they are, so auditing the redacted file groups and orders turns the same way.
No terminal code.
"""
from __future__ import annotations

import csv
import gzip
import io
import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import UserError
from ..loading.core import (FIELD_ALIASES, GZIP_ERRORS, STDIN, FieldMap, _turn_list_key,
                           decode_text, files_under, format_of, gzip_error, is_gzip,
                           normalize_speaker, stdin_bytes)
from .text import ConversationRedactor

STRUCTURAL = ("conversation_id", "speaker", "agent_id", "turn", "timestamp")
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?')
_COLON = re.compile(r"\s*:")
_decoder = json.JSONDecoder()
_BOM = "\ufeff"


@dataclass(frozen=True, slots=True)
class RedactedFile:
    source: Path
    relative: str       # where it goes under --out
    content: bytes
    counts: Counter


class FileRedactor:
    def __init__(self, names: Sequence[str] = (), field_map: dict[str, str] | None = None,
                 encoding: str = "utf-8-sig"):
        self.names = list(names)
        self.fields = FieldMap(field_map)
        self.encoding = encoding
        self.structural_keys = frozenset(
            key.lower() for f in STRUCTURAL
            for key in ((field_map or {}).get(f) or "", *FIELD_ALIASES[f], *(
                ("id",) if f == "conversation_id" else ())) if key)

    def redact_path(self, path: Path, relative: str) -> RedactedFile:
        raw = stdin_bytes() if str(path) == STDIN else path.read_bytes()
        gzipped = is_gzip(path)
        if gzipped:
            try:
                raw = gzip.decompress(raw)
            except GZIP_ERRORS as exc:
                raise gzip_error(path, exc) from None
        text = self._decode(raw, path)
        bom = text.startswith(_BOM)
        counts: Counter = Counter()
        redacted = self.redact_text(text.removeprefix(_BOM), format_of(path), str(path), counts)
        data = ((_BOM if bom else "") + redacted).encode("utf-8")
        if gzipped:
            data = gzip.compress(data, mtime=0)   # deterministic bytes
        return RedactedFile(path, relative, data, counts)

    def _decode(self, raw: bytes, path: Path) -> str:
        # plain utf-8 keeps a byte-order mark, so that the output starts as the input did
        return decode_text(raw, str(path), "utf-8" if self.encoding == "utf-8-sig" else self.encoding)

    def redact_text(self, text: str, fmt: str, source: str, counts: Counter) -> str:
        if fmt == "csv":
            return self._redact_csv(text, source, counts)
        if fmt == "json":
            return self._redact_json(text, source, counts)
        return self._redact_jsonl(text, source, counts)

    def _conversation(self) -> ConversationRedactor:
        return ConversationRedactor(self.names)

    # ------------------------------------------------------------ CSV
    def _redact_csv(self, text: str, source: str, counts: Counter) -> str:
        rows = _csv_rows(text, source)
        if not rows:
            return text
        header, body = rows[0], rows[1:]
        mapping = self.fields.resolve(header)
        column = {f: header.index(mapping[f]) for f in mapping}
        keep = {column[f] for f in STRUCTURAL if f in column}
        groups: dict[str, list[list[str]]] = {}
        for row in body:
            key = row[column["conversation_id"]] if "conversation_id" in column and row else ""
            groups.setdefault(key, []).append(row)
        for rows_of_one in groups.values():
            redactor = self._conversation()
            for row in rows_of_one:
                for i, cell in enumerate(row):
                    if i not in keep and i < len(header):
                        redactor.learn_field(header[i], cell)
            if "text" in column:
                redactor.learn_turns((self._role(row, column), row[column["text"]])
                                     for row in rows_of_one if row)
            for row in rows_of_one:
                for i, cell in enumerate(row):
                    if i not in keep:
                        redactor.learn_text(cell)
            for row in rows_of_one:
                row[:] = [cell if i in keep else redactor.redact(cell) for i, cell in enumerate(row)]
            counts.update(redactor.counts)
        ending = "\r\n" if "\r\n" in text else "\n"
        header_quoted, body_quoted = _quoting_style(text, len(header))
        lines = [_csv_line(header, header_quoted)]
        lines += [_csv_line(row, body_quoted) for row in body]
        out = "".join(line + ending for line in lines)
        return out if text.endswith(("\n", "\r")) else out.removesuffix(ending)

    def _role(self, row: list[str], column: dict[str, int]) -> str | None:
        return normalize_speaker(row[column["speaker"]]) if "speaker" in column else None

    # ------------------------------------------------------------ JSON and JSON Lines
    def _redact_json(self, text: str, source: str, counts: Counter) -> str:
        _json_load(text, source, 0)   # a broken file fails here, located
        return self._splice_items(text, _top_level_items(text), counts)

    def _redact_jsonl(self, text: str, source: str, counts: Counter) -> str:
        items, offset = [], 0
        for number, line in enumerate(io.StringIO(text, newline="\n")):   # as loaders cut it
            if line.strip():
                value = _json_load(line, source, number)
                start = offset + len(line) - len(line.lstrip())
                items.append((value, start, offset + len(line.rstrip())))
            offset += len(line)
        return self._splice_items(text, items, counts)

    def _splice_items(self, text: str, items: list[tuple[object, int, int]],
                      counts: Counter) -> str:
        """Learn each conversation's values from the parsed items, then replace the string
        values inside each item's own stretch of the original text: formatting, key order,
        escapes and line numbers stay as they were; only personal values change."""
        redactors = self._learn_scopes([value for value, _, _ in items])
        pieces, last = [], 0
        for (_, start, end), redactor in zip(items, redactors):
            pieces += [text[last:start], self._splice(text[start:end], redactor)]
            last = end
        for redactor in {id(r): r for r in redactors}.values():
            counts.update(redactor.counts)
        return "".join(pieces) + text[last:]

    def _learn_scopes(self, items: list) -> list[ConversationRedactor]:
        """One redactor per item: a conversation object is its own scope, flat turn objects
        share the scope of their conversation id."""
        scopes: dict[object, list[int]] = {}
        for index, item in enumerate(items):
            scopes.setdefault(self._scope_of(item, index), []).append(index)
        redactors: list[ConversationRedactor] = [None] * len(items)   # type: ignore[list-item]
        for indices in scopes.values():
            redactor = self._conversation()
            members = [items[i] for i in indices]
            for member in members:
                self._learn_fields(member, redactor)
            redactor.learn_turns(turn for member in members for turn in self._turns(member))
            for member in members:
                _walk_strings(member, redactor.learn_text)
            for i in indices:
                redactors[i] = redactor
        return redactors

    def _splice(self, raw: str, redactor: ConversationRedactor) -> str:
        pieces, last = [], 0
        key, key_end = None, -1
        for match in _JSON_TOKEN.finditer(raw):
            token = match.group()
            colon = _COLON.match(raw, match.end()) if token.startswith('"') else None
            if colon:
                key, key_end = json.loads(token), colon.end()
                continue
            under = key if not raw[key_end:match.start()].strip() else None
            if under is not None and under.lower() in self.structural_keys:
                continue
            replacement = self._replacement(token, redactor)
            if replacement is not None:
                pieces += [raw[last:match.start()], replacement]
                last = match.end()
        return "".join(pieces) + raw[last:]

    def _replacement(self, token: str, redactor: ConversationRedactor) -> str | None:
        """The JSON text for a redacted string or number token, or None to keep it."""
        if token.startswith('"'):
            value = json.loads(token)
            redacted = redactor.redact(value)
            return None if redacted == value else json.dumps(redacted, ensure_ascii="\\u" in token)
        if not token.lstrip("-").isdigit():
            return None
        # a number is replaced only when it is a known personal value (an order id given in
        # the text or under a personal key), never by pattern: ids and counts stay numbers.
        placeholder = redactor.known_placeholder(token)
        if placeholder is None:
            return None
        redactor.counts[placeholder[1:].rsplit("_", 1)[0]] += 1
        return json.dumps(placeholder)

    def _scope_of(self, item, index: int):
        if isinstance(item, dict) and _turn_list_key(item) is None:
            key = self.fields.resolve(item.keys()).get("conversation_id")
            if key is not None and not isinstance(item[key], (dict, list)):
                return ("conversation", str(item[key]))
        return ("item", index)

    def _structural_keys(self, obj: dict) -> set[str]:
        mapping = self.fields.resolve(obj.keys())
        return {mapping[f] for f in STRUCTURAL if f in mapping}

    def _learn_fields(self, value, redactor: ConversationRedactor) -> None:
        if isinstance(value, dict):
            skip = self._structural_keys(value)
            for key, inner in value.items():
                if key not in skip:
                    redactor.learn_field(key, inner)
                self._learn_fields(inner, redactor)
        elif isinstance(value, list):
            for inner in value:
                self._learn_fields(inner, redactor)

    def _turns(self, item) -> Iterable[tuple[str | None, str]]:
        """(role, text) of each turn in a conversation object, or of a flat turn object."""
        if not isinstance(item, dict):
            return []
        list_key = _turn_list_key(item)
        turns = item[list_key] if list_key else [item]
        found = []
        for turn in turns:
            if isinstance(turn, list) and len(turn) == 2 and all(isinstance(x, str) for x in turn):
                found.append((normalize_speaker(turn[0]), turn[1]))
            elif isinstance(turn, dict):
                mapping = self.fields.resolve(turn.keys())
                text = turn.get(mapping.get("text", ""), None)
                speaker = turn.get(mapping.get("speaker", ""), None)
                if isinstance(text, str):
                    role = normalize_speaker(speaker) if isinstance(speaker, str) else None
                    found.append((role, text))
        return found


def _walk_strings(value, visit) -> None:
    if isinstance(value, dict):
        for inner in value.values():
            _walk_strings(inner, visit)
    elif isinstance(value, list):
        for inner in value:
            _walk_strings(inner, visit)
    elif isinstance(value, str):
        visit(value)


def _field_quoting(text: str) -> list[list[bool]]:
    """For each CSV record, whether each of its fields was written in quotes."""
    records, record, i, n = [], [], 0, len(text)
    field_start, in_quotes = True, False
    while i < n:
        char = text[i]
        if field_start:
            record.append(char == '"')
            field_start = False
            if char == '"':
                in_quotes = True
                i += 1
                continue
        if in_quotes:
            if char == '"' and text[i + 1:i + 2] == '"':
                i += 1
            elif char == '"':
                in_quotes = False
        elif char == ",":
            field_start = True
        elif char in "\r\n":
            if char == "\r" and text[i + 1:i + 2] == "\n":
                i += 1
            records.append(record)
            record, field_start = [], True
        i += 1
    if record:
        records.append(record)
    return records


def _quoting_style(text: str, width: int) -> tuple[list[bool], list[bool]]:
    """Which header fields were quoted, and which columns most data rows quote: the redacted
    file keeps that style, so a diff shows only the redactions."""
    records = [r for r in _field_quoting(text) if len(r) == width]
    if not records:
        return [False] * width, [False] * width
    header, body = records[0], records[1:]
    columns = [sum(r[i] for r in body) * 2 > len(body) for i in range(width)]
    return header, columns


def _csv_line(row: list[str], quoted: list[bool]) -> str:
    cells = []
    for i, cell in enumerate(row):
        must = any(c in cell for c in ',"\r\n') or cell != cell.strip(" ")
        if must or (i < len(quoted) and quoted[i]):
            cell = '"' + cell.replace('"', '""') + '"'
        cells.append(cell)
    return ",".join(cells)


def _top_level_items(text: str) -> list[tuple[object, int, int]]:
    """(value, start, end) of each element of a top-level array, or of the one top-level
    object; the text is already known to be valid JSON."""
    pos = _skip_ws(text, 0)
    if pos >= len(text) or text[pos] not in "[{":
        return []
    if text[pos] == "{":
        value, end = _decoder.raw_decode(text, pos)
        return [(value, pos, end)]
    items, pos = [], _skip_ws(text, pos + 1)
    while pos < len(text) and text[pos] != "]":
        value, end = _decoder.raw_decode(text, pos)
        items.append((value, pos, end))
        pos = _skip_ws(text, end)
        if text[pos] == ",":
            pos = _skip_ws(text, pos + 1)
    return items


def _skip_ws(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


def _csv_rows(text: str, source: str) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    rows = []
    try:
        for row in reader:
            rows.append(row)
    except csv.Error as exc:
        raise UserError(f"malformed CSV: {exc}", file=source, line=reader.line_num) from None
    return rows


def _json_load(text: str, source: str, line_offset: int):
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise UserError(f"invalid JSON: {exc.msg} (column {exc.colno})", file=source,
                        line=exc.lineno + line_offset) from None
    except RecursionError:
        raise UserError("invalid JSON: nested too deeply", file=source,
                        line=line_offset + 1) from None


def transcript_files(paths: Iterable[str | Path],
                     exclude: Path | None = None) -> list[tuple[Path, str]]:
    """(file, relative output name): files named directly go to the top of --out, files under
    a directory keep their path below it (except those under ``exclude``, the output
    directory). Two inputs with the same output name are an error."""
    found: list[tuple[Path, str]] = []
    skip = exclude.resolve() if exclude is not None else None
    for given in paths:
        path = Path(given)
        if str(given) == STDIN:
            if format_of(path) not in ("csv", "json", "jsonl"):
                raise UserError("redact reads CSV, JSON and JSON Lines only", file=STDIN)
            found.append((path, STDIN))
        elif path.is_dir():
            for file in files_under(path):
                if skip is not None and file.resolve().is_relative_to(skip):
                    continue
                name = file.name.lower().removesuffix(".gz")
                if name.endswith((".csv", ".json", ".jsonl", ".ndjson")) and not file.name.startswith("."):
                    found.append((file, file.relative_to(path).as_posix()))
        elif path.is_file():
            if format_of(path) not in ("csv", "json", "jsonl"):
                raise UserError("redact reads CSV, JSON and JSON Lines only", file=str(path))
            found.append((path, path.name))
        else:
            raise UserError("no such file or directory", file=str(path))
    if not found:
        raise UserError("no transcript files found in " + ", ".join(map(str, paths)))
    seen: dict[str, Path] = {}
    for file, relative in found:
        if relative in seen and seen[relative] != file:
            raise UserError(f"two inputs would both be written as {relative!r} "
                            f"(also {seen[relative]}); redact them in separate runs",
                            file=str(file))
        seen[relative] = file
    return found


def redact_paths(paths: Iterable[str | Path], *, names: Sequence[str] = (),
                 field_map: dict[str, str] | None = None, encoding: str = "utf-8-sig",
                 out: Path | None = None) -> list[RedactedFile]:
    """Redact every transcript under ``paths`` (in memory; the caller writes the results)."""
    redactor = FileRedactor(names, field_map, encoding)
    return [redactor.redact_path(file, relative)
            for file, relative in transcript_files(paths, exclude=out)]
