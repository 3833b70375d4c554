"""`checklist validate` and `checklist show`."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from ..checklist import bundled_checklists, load_checklist
from ..formatters import terminal
from .app import checklist_app, say, stdout, user_errors


@checklist_app.command("validate")
@user_errors
def checklist_validate(path: Annotated[Path, typer.Argument(
        help="Checklist YAML, or a bundled checklist's name.", show_default=False)]):
    """Check a checklist: keys, types, regexes, references and ids."""
    model = load_checklist(path)
    say(stdout, f"{path}: OK ({len(model.cues)} cues, {len(model.behaviours)} behaviours)")


@checklist_app.command("show")
@user_errors
def checklist_show(path: Annotated[Optional[Path], typer.Argument(
        help="Checklist YAML or a bundled checklist's name (default: default).",
        show_default=False)] = None):
    """Print each behaviour (description, when it applies, what meets it, an example) and
    what each cue means."""
    stdout.print(terminal.checklist_view(load_checklist(path)))


@checklist_app.command("list")
@user_errors
def checklist_list():
    """List the bundled checklists, by the name --checklist takes."""
    for name, path in bundled_checklists().items():
        model = load_checklist(path)
        say(stdout, f"{name}: {model.description or model.name} ({len(model.behaviours)} "
                    f"behaviours)")
