"""`checklist validate` and `checklist show`."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from ..checklist import load_checklist
from ..formatters import terminal
from .app import checklist_app, stdout, user_errors


@checklist_app.command("validate")
@user_errors
def checklist_validate(path: Annotated[Path, typer.Argument(help="Checklist YAML.")]):
    """Check a checklist: keys, types, regexes, references and ids."""
    model = load_checklist(path)
    stdout.print(f"{path}: OK ({len(model.cues)} cues, {len(model.behaviours)} behaviours)",
                 markup=False)


@checklist_app.command("show")
@user_errors
def checklist_show(path: Annotated[Optional[Path], typer.Argument(
        help="Checklist YAML (default: the bundled one).")] = None):
    """Print each behaviour: description, when it applies, what meets it, an example."""
    stdout.print(terminal.checklist_view(load_checklist(path)))
