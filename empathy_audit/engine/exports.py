"""Exports written while the chunks come back: turns.csv and conversations.csv grow chunk by
chunk in a staging directory; agents.csv and skipped.csv follow the totals; then every file
moves into place, all or none, as ``csv_export.write_files_atomically`` does."""
from __future__ import annotations

import shutil
from pathlib import Path

from ..formatters.csv_export import (export_tables, mark_as_output, move_into_place,
                                     staging_directory)
from ..model import AuditResult
from .work import STREAMED_TABLES


class StreamedExports:
    def __init__(self, directory: Path, empty: AuditResult):
        """``empty``: a result with no conversations, for the headers."""
        self.directory = directory
        headers = export_tables(empty)
        self.names = list(headers)   # the same files, in the same order
        self.staging = staging_directory(directory)
        self.handles = {}
        try:
            for name, text in headers.items():
                if name in STREAMED_TABLES:
                    handle = open(self.staging / name, "w", encoding="utf-8", newline="")
                    self.handles[name] = handle
                    handle.write(text)   # the header
        except BaseException:   # a full disk, Ctrl-C: no staging directory left behind
            self.discard()
            raise

    def append(self, rows: dict[str, str]) -> None:
        for name, text in rows.items():
            self.handles[name].write(text)

    def finish(self, result: AuditResult) -> list[Path]:
        """Write the summary tables and move every file into place."""
        self._close()
        for name, text in export_tables(result).items():
            if name not in STREAMED_TABLES:
                (self.staging / name).write_text(text, encoding="utf-8", newline="")
        written = move_into_place(self.staging, self.directory, self.names)   # staging gone
        mark_as_output(self.directory)
        return written

    def discard(self) -> None:
        self._close()
        shutil.rmtree(self.staging, ignore_errors=True)

    def _close(self) -> None:
        for handle in self.handles.values():
            handle.close()
