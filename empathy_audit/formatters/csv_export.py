"""CSV exports: turns.csv, conversations.csv, agents.csv (and skipped.csv).

Cells are made safe for spreadsheets (OWASP CSV injection): a cell that starts with
``= + - @``, a tab or a carriage return gets a leading apostrophe, headers included. Every
field holding a CR, LF, comma or quote is quoted, so no character splits a row (the writer
quotes only the characters of its ``\n`` line terminator, so a row with a bare CR is written
with every field quoted). Files are written to a
temporary directory first and moved into place only when all are complete.
"""
from __future__ import annotations

import csv
import io
import os
import shutil
import tempfile
from pathlib import Path

from ..checklist import EXPORT_COLUMNS
from ..interruption import held, refuse_if_stopped
from ..loading.core import OUTPUT_MARKER, OUTPUT_MARKER_TEXT
from ..model import AuditResult
from . import records

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


def unsafe_cell(value: str) -> str:
    """Undo :func:`safe_cell` (for the exports the tool reads back)."""
    return value[1:] if value.startswith("'") and value[1:].startswith(_FORMULA_START) else value


def to_csv(rows: list[dict[str, str]], columns: list[str] | None = None) -> str:
    """The rows under a header of ``columns``: a column a row lacks is empty, a key that is no
    column is an error, as with csv.DictWriter (1.2x slower on the rows of turns.csv)."""
    buffer = io.StringIO()
    columns = columns or (list(rows[0]) if rows else [])
    known = set(columns)
    minimal = csv.writer(buffer, lineterminator="\n")
    quoted = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL)

    def write_row(cells: list[str]) -> None:
        (quoted if "\r" in "".join(cells) else minimal).writerow(cells)

    write_row([safe_cell(column) for column in columns])
    for row in rows:
        if not row.keys() <= known:
            raise ValueError(f"not a column: {sorted(row.keys() - known)}")
        write_row([safe_cell(row.get(column, "")) for column in columns])
    return buffer.getvalue()


EXPORT_NAMES = ("conversations.csv", "agents.csv", "turns.csv", "skipped.csv")


def export_tables(result: AuditResult) -> dict[str, str]:
    """File name -> CSV text, for every export (headers present even when empty)."""
    b = result.behaviours
    return {
        "conversations.csv": to_csv(records.conversation_rows(result),
                                    [*EXPORT_COLUMNS, *b]),
        "agents.csv": to_csv(records.agent_rows(result),
                             ["agent_id", "conversations", "score", *(f"{x}_met_rate" for x in b)]),
        "turns.csv": to_csv(records.turn_rows(result),
                            ["conversation_id", "turn", "speaker", "agent_id", "text", "cues",
                             "met", "missed", "evidence", "source_file", "source_line"]),
        "skipped.csv": to_csv(records.skipped_rows(result),
                              ["source_file", "source_line", "reason"]),
    }


def staging_directory(directory: Path) -> Path:
    """A private temporary directory inside ``directory``, where files are built before
    :func:`move_into_place` moves them all (the same file system: each move is atomic)."""
    directory.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=".empathy-audit-", dir=directory))


def move_into_place(staging: Path, directory: Path, names) -> list[Path]:
    """Move every staged file into ``directory``, then remove ``staging``. A stop that
    arrives meanwhile waits until both are done (then arrives as usual): a run never leaves
    some files new and some old, nor its staging directory."""
    refuse_if_stopped()
    written = []
    with held():
        for name in names:
            final = directory / name
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / name, final)
            written.append(final)
        shutil.rmtree(staging, ignore_errors=True)
    return written


def write_files_atomically(directory: Path, files: dict[str, str | bytes]) -> list[Path]:
    """Write all files or none: build them in a temp dir beside ``directory``, then move."""
    staging = staging_directory(directory)
    try:
        for name, content in files.items():
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(content, encoding="utf-8", newline="")
        return move_into_place(staging, directory, files)   # it removes the staging too
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def write_exports(result: AuditResult, directory: Path) -> list[Path]:
    written = write_files_atomically(directory, export_tables(result))
    mark_as_output(directory)
    return written


def mark_as_output(directory: Path) -> None:
    """Tell later runs over a folder holding ``directory`` that it is not transcripts."""
    marker = directory / OUTPUT_MARKER
    if not marker.exists():
        marker.write_text(OUTPUT_MARKER_TEXT, encoding="utf-8")
