"""The one user-facing error type: bad input, bad checklist, bad usage.

The CLI catches it in one place, prints ``str(error)`` on one line and exits 2.
"""
from __future__ import annotations

import re

# What could end a line of stderr: a file name or id holding one would split an `error:` line,
# and GitHub Actions reads a line that starts with `::` as a workflow command.
_LINE_BREAKING = re.compile("[\x00-\x08\x0a-\x1f\x7f\x85\u2028\u2029]")


def one_line(text: str) -> str:
    """``text`` with every character that could break the line shown as its escape (\\n)."""
    return _LINE_BREAKING.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


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
        return one_line(f"{where}:{key} {text}" if where else f"{key.strip()} {text}".strip())
