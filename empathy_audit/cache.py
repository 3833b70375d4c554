"""Values derived from a checklist's patterns, kept between runs in the user's cache folder.

What compiling a checklist derives from its patterns (factored alternations, RE2 prefilters,
regex checks and programs, TextBlob's tables) are pure functions of strings, and they are
most of the start-up that pre-commit hooks and CI pay on every call. They are stored as JSON
- strings, booleans, null: never pickle - in ``$XDG_CACHE_HOME/empathy-audit`` (else
``~/.cache/empathy-audit``), in files named by a hash of what they derive from and of the
package version.

A missing, stale, corrupt or unwritable cache only means computing again: it is never an
error and never changes a result. ``EMPATHY_AUDIT_NO_CACHE=1`` (``--no-cache``) turns it off.
"""
from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ._version import __version__

NO_CACHE_ENV = "EMPATHY_AUDIT_NO_CACHE"
KEEP_FILES = 16          # the most recently used files are kept
Value = str | bool | None


def cache_dir() -> Path | None:
    if os.environ.get(NO_CACHE_ENV, "") not in ("", "0"):
        return None
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "empathy-audit"


class Memo:
    """Derived values by kind and input, read from and saved to one JSON file."""

    def __init__(self, path: Path | None):
        self.path = path
        self.entries: dict[str, Value] = self._read() if path else {}
        self.changed = False

    def _read(self) -> dict[str, Value]:
        try:
            document = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(document, dict) or document.get("version") != __version__:
            return {}
        entries = document.get("entries")
        if not isinstance(entries, dict) or not all(
                isinstance(v, (str, bool, type(None))) for v in entries.values()):
            return {}
        return entries

    def get(self, kind: str, key: str, compute: Callable[[], Value]) -> Value:
        name = f"{kind}\0{key}"
        if name not in self.entries:
            self.entries[name] = compute()
            self.changed = True
        return self.entries[name]

    def save(self) -> None:
        if not (self.path and self.changed):
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.path.parent, suffix=".tmp")
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump({"version": __version__, "entries": self.entries}, out)
            os.replace(temporary, self.path)
            _prune(self.path.parent)
        except OSError:
            pass     # a read-only or full disk: the next run computes again


def _prune(folder: Path) -> None:
    files = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in files[KEEP_FILES:]:
        old.unlink(missing_ok=True)


_active: Memo | None = None


def caching() -> bool:
    """Is a cache file open (inside :func:`remembering`, the cache not turned off)?"""
    return _active is not None and _active.path is not None


def derived(kind: str, key: str, compute: Callable[[], Value]) -> Value:
    """``compute()``, or its value from the open cache file (inside :func:`remembering`)."""
    return _active.get(kind, key, compute) if _active is not None else compute()


@contextmanager
def remembering(name: str) -> Iterator[None]:
    """Derivations inside come from, and go to, the cache file ``name``."""
    global _active
    folder = cache_dir()
    memo = Memo(folder / name if folder else None)
    outer, _active = _active, memo
    try:
        yield
    finally:   # what was derived holds even when the work inside stopped on an error
        _active = outer
        memo.save()
