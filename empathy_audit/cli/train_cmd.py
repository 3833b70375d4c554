"""`train`: fit the checklist's learned cues from turn labels and write their model files."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from .app import ChecklistOpt, PathsArg, app, stdout, user_errors


@app.command()
@user_errors
def train(
    paths: PathsArg,
    turn_labels: Annotated[list[Path], typer.Option(
        help="CSV: conversation_id,turn,speaker,cues (turn: 0-based; cues separated by ;). "
             "Give it again for more files; each conversation is labelled in one.")],
    out: Annotated[Path, typer.Option(help="Folder for the model files (named as the "
                                           "checklist's `model:` paths).")],
    checklist: ChecklistOpt = None,
    cues: Annotated[Optional[str], typer.Option(
        help="Train only these learned cues (ids or the labels they learn), comma-separated.")
    ] = None,
    exclude_ids: Annotated[Optional[Path], typer.Option(
        help="Conversation ids to leave out (one a line), e.g. a held-out set.")] = None,
):
    """Fit the learned cues from reviewers' turn labels; print cross-validated agreement."""
    from ..training import train as run_training

    only = [c.strip() for c in cues.split(",") if c.strip()] if cues else None
    trained = run_training(paths, turn_labels, checklist, out, only, exclude_ids)
    table = Table(title=f"Cross-validated agreement ({trained.turns} labelled turns of "
                        f"{trained.conversations} conversations, folds by conversation)")
    for column in ("cue", "as found by", "turns", "precision", "recall", "F1", "kappa"):
        table.add_column(column, justify="left" if column in ("cue", "as found by") else "right")
    for figures in trained.figures:
        for name, agreement in (("rules", figures.rules), ("model", figures.model),
                                ("checklist", figures.checklist)):
            table.add_row(f"{figures.learns} ({figures.cue_id})" if name == "rules" else "",
                          name, str(agreement.turns),
                          *(_shown(getattr(agreement, k)) for k in ("precision", "recall",
                                                                    "f1", "kappa")))
    stdout.print(table)
    for path in trained.written:
        stdout.print(f"wrote {path}", markup=False)


def _shown(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"
