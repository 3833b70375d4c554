"""Compiled regex programs kept with the compile cache: a checklist's regexes without
compiling them again on every run.

``re.compile`` parses a pattern and generates the program of Python's regex engine: a list
of integers, handed to ``_sre.compile`` with the pattern's flags and groups. For the
checklist's cue regexes (alternations of hundreds of phrases) that is most of the remaining
start-up, a tenth of a second that pre-commit hooks and CI pay on every call. Inside
``compile_cache.compiling`` this module keeps the program as JSON (integers and strings,
never pickle) and hands it back to ``_sre.compile`` on the next run, about ten times faster.

The program belongs to one build of the engine, so the key holds the Python version and the
engine's ``MAGIC`` number besides the pattern and flags: another Python never reads it. The
engine validates every program it is given, and anything unexpected (a changed private API,
a corrupt entry) means compiling with ``re`` as usual. Outside a checklist's compilation this is
``re.compile``.
"""
from __future__ import annotations

import json
import re
import sys

from .compile_cache import caching, derived

try:   # CPython's engine and the two steps of re.compile before it (Python >= 3.11)
    import _sre
    from re import _compiler, _parser
    _ENGINE: str | None = f"{sys.hexversion}:{_sre.MAGIC}:{_sre.CODESIZE}"
except (ImportError, AttributeError):
    _ENGINE = None


def compile_regex(pattern: str, flags: int = 0) -> re.Pattern:
    """``re.compile(pattern, flags)``, its program from the compile cache when one is open."""
    if _ENGINE is None or not caching():
        return re.compile(pattern, flags)
    program = derived("sre", f"{_ENGINE}\0{flags}\0{pattern}", lambda: _program(pattern, flags))
    if program is None:   # re.compile will say what is wrong
        return re.compile(pattern, flags)
    try:
        return _from_program(pattern, program)
    except Exception:   # noqa: BLE001 (a program this engine will not take: compile it)
        return re.compile(pattern, flags)


def _program(pattern: str, flags: int) -> str | None:
    """What ``re._compiler.compile`` gives ``_sre.compile``, as JSON (None: not kept)."""
    try:
        parsed = _parser.parse(pattern, flags)
        code = _compiler._code(parsed, flags)
    except Exception:   # noqa: BLE001 (re.compile will say what is wrong)
        return None
    return json.dumps({"flags": flags | parsed.state.flags, "code": list(code),
                       "groups": parsed.state.groups, "groupindex": parsed.state.groupdict})


def _from_program(pattern: str, program: str) -> re.Pattern:
    document = json.loads(program)
    groupindex = {str(name): int(i) for name, i in document["groupindex"].items()}
    indexgroup = [None] * int(document["groups"])
    for name, i in groupindex.items():
        indexgroup[i] = name
    return _sre.compile(pattern, int(document["flags"]), [int(c) for c in document["code"]],
                        len(indexgroup) - 1, groupindex, tuple(indexgroup))
