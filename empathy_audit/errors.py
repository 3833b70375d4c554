"""The one user-facing error type: bad input, bad checklist, bad usage.

The CLI catches it in one place, prints ``str(error)`` on one line and exits 2.
"""
from __future__ import annotations


class UserError(Exception):
    """An error the user can fix, located as precisely as we can: file, line, key."""

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None,
                 key: str | None = None):
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.key = key

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = self.file if self.line is None else f"{self.file}:{self.line}"
        key = f" [{self.key}]" if self.key else ""
        text = " ".join(self.message.split())  # always one line
        return f"{where}:{key} {text}" if where else f"{key.strip()} {text}".strip()
