"""Project configuration, as linters keep it: `[tool.empathy-audit]` in pyproject.toml or a
`.empathy-audit.toml`, found by walking up from the working directory (`--config` names one).

Its keys are the commands' long options without the dashes; they become those options'
defaults (click's ``default_map``), so an option given on the command line still wins.
Relative paths are relative to the configuration file."""
from __future__ import annotations

import tomllib
from pathlib import Path

from ..errors import UserError
from ..loading.core import STDIN

OWN_FILE = ".empathy-audit.toml"
SECTION = "empathy-audit"

# key -> (type of its value, a path or paths resolved against the file's folder)
KEYS: dict[str, tuple[type | tuple[type, ...], bool]] = {
    "paths": (list, True), "checklist": (str, True), "exclude": (list, False),
    "format": (str, False), "output": (str, True), "export-dir": (str, True),
    "fail-under": ((int, float), False), "require": ((list, dict), False),
    "fail-on-critical": (bool, False), "exit-zero": (bool, False), "expect": (str, True),
    "select": (list, False), "ignore": (list, False), "max-annotations": (int, False),
    "encoding": (str, False), "map": (list, False), "speaker": (list, False),
    "strict": (bool, False), "jobs": (int, False),
}
PARAMS = {"map": "field_map", "speaker": "speakers"}   # option name -> parameter name


def find_config(start: Path) -> Path | None:
    """The nearest .empathy-audit.toml, or pyproject.toml with [tool.empathy-audit]."""
    for folder in (start, *start.parents):
        if (folder / OWN_FILE).is_file():
            return folder / OWN_FILE
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and SECTION in _read(pyproject).get("tool", {}):
            return pyproject
    return None


def _read(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise UserError(f"invalid TOML: {error}", file=str(path)) from None
    except UnicodeDecodeError:
        raise UserError("not valid UTF-8", file=str(path)) from None


def read_config(path: Path) -> dict[str, object]:
    """The configuration's values by parameter name, checked and with paths resolved."""
    data = _read(path)
    table = data.get("tool", {}).get(SECTION) if path.name == "pyproject.toml" else data
    if not isinstance(table, dict):
        raise UserError(f"no [tool.{SECTION}] table", file=str(path))
    values = {}
    for key, value in table.items():
        if key not in KEYS:
            raise UserError(f"unknown key {key!r}; known: {', '.join(KEYS)}", file=str(path),
                            key=key)
        kind, is_path = KEYS[key]
        if not isinstance(value, kind) or (kind == list and not all(
                isinstance(v, str) for v in value)):
            raise UserError(f"{key} has the wrong type ({type(value).__name__})",
                            file=str(path), key=key)
        if key == "require" and isinstance(value, dict):
            value = [f"{behaviour}={rate}" for behaviour, rate in value.items()]
        if is_path:
            value = ([_relative(path.parent, v, key) for v in value] if isinstance(value, list)
                     else _relative(path.parent, value, key))
        values[PARAMS.get(key, key.replace("-", "_"))] = value
    return values


def _relative(base: Path, value: str, key: str) -> str:
    """A path relative to the configuration's folder; ``-`` (standard input) and a bundled
    checklist's name stay as they are (an export folder not made yet is a path all the same)."""
    if value == STDIN:
        return value
    candidate = base / value
    if key != "checklist" or candidate.exists() or Path(value).suffix or \
            len(Path(value).parts) > 1:
        return str(candidate)
    return value


def default_map(values: dict[str, object], commands: dict) -> dict[str, dict[str, object]]:
    """For each command, the configured values of the options it has."""
    found = {}
    for name, command in commands.items():
        params = {param.name for param in command.params}
        found[name] = {key: value for key, value in values.items() if key in params}
    return found
