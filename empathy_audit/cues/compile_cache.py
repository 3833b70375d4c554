"""The compile cache of one checklist: what compiling its cues derives from its patterns
(empathy_audit/cache.py), kept in one file named by a hash of the package version and the
checklist as validated (extended and included files are merged into it by then)."""
from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager

from .._version import __version__
from ..cache import caching, derived, remembering
from ..checklist import Checklist

__all__ = ["caching", "checklist_key", "compiling", "derived"]


def checklist_key(checklist: Checklist) -> str:
    digest = hashlib.sha256(f"{__version__}\0{checklist.model_dump_json()}".encode())
    return digest.hexdigest()[:32]


@contextmanager
def compiling(checklist: Checklist) -> Iterator[None]:
    """Derivations inside come from, and go to, this checklist's cache file."""
    with remembering(f"{checklist_key(checklist)}.json"):
        yield
