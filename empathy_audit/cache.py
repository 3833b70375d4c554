"""Values derived from a checklist's patterns, kept between runs in the user's cache folder.

What compiling a checklist derives from its patterns (factored alternations, RE2 prefilters,
regex checks and programs) are pure functions of strings, and they are most of the start-up
that pre-commit hooks and CI pay on every call. They are stored as JSON (never pickle) in
``$XDG_CACHE_HOME/empathy-audit`` (else ``~/.cache/empathy-audit``), in files named by a hash
of what they derive from; each file holds the :func:`code_version` that derived it, and one
derived by other code is not read. TextBlob's tables (cues/textblob_tables.py) are kept there
too, in a file of their own.

A missing, stale, corrupt or unwritable cache only means computing again: it is never an
error and never changes a result. ``EMPATHY_AUDIT_NO_CACHE=1`` (``--no-cache``) turns it off.
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from ._version import __version__

NO_CACHE_ENV = "EMPATHY_AUDIT_NO_CACHE"
KEEP_FILES = 16          # the most recently used files are kept (a read counts as a use)
Value = str | bool | None
# The modules whose functions derive what is cached (relative to this package).
_DERIVING = ("checklist.py", "cues/bounded.py", "cues/factored.py", "cues/prefilter.py",
             "cues/rules.py", "cues/sentiment_gate.py", "cues/fast_sentiment.py",
             "cues/textblob_tables.py", "cues/sre_cache.py")


@lru_cache(maxsize=1)
def code_version() -> str:
    """The package and Python versions and a hash of the modules that derive the cached
    values: another release, an edited checkout or another Python never reads what this
    code derived (and the other way round)."""
    digest = hashlib.sha256(f"{__version__}\0{sys.version}".encode())
    package = Path(__file__).resolve().parent
    for name in _DERIVING:
        try:
            digest.update((package / name).read_bytes())
        except OSError:   # installed without sources: the versions alone
            digest.update(name.encode())
    return f"{__version__}+{digest.hexdigest()[:16]}"


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
        document = read_json(self.path)
        if not isinstance(document, dict) or document.get("version") != code_version():
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
        if self.path and self.changed:
            write_json(self.path, {"version": code_version(), "entries": self.entries})


def read_json(path: Path):
    """A cache file's document (None when it cannot be read), marked as just used."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        os.utime(path)
    except (OSError, ValueError):
        return None
    return document


def write_json(path: Path, document) -> None:
    """Write a cache file whole or not at all, then keep only the most recently used
    files; a read-only or full disk only means the next run computes again."""
    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(document, out)
        os.replace(temporary, path)
        temporary = None
        _prune(path.parent)
    except OSError:
        pass
    finally:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)


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
