"""`evaluate`: agreement of the tool's verdicts with hand labels."""
from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..evaluation import evaluate as run_evaluation
from ..formatters.agreement import render_agreement, render_agreement_json
from ..gates import EXIT_GATE_FAILED, EXIT_OK
from .app import (ChecklistOpt, EncodingOpt, MapOpt, PathsArg, SpeakerOpt, app,
                  run_audit_command, say, stderr, stdout, user_errors)


class EvaluationFormat(str, Enum):
    table = "table"
    json = "json"


@app.command()
@user_errors
def evaluate(
    paths: PathsArg,
    labels: Annotated[Path, typer.Option(help="CSV: conversation_id + one column per behaviour "
                                              "(met, missed, n/a).")],
    checklist: ChecklistOpt = None,
    show_disagreements: Annotated[bool, typer.Option(
        help="List each conversation where tool and label differ, with the evidence.")] = False,
    format: Annotated[EvaluationFormat, typer.Option(
        "--format", "-f", help="table: for people; json: for scripts.")] = EvaluationFormat.table,
    fail_under_kappa: Annotated[Optional[float], typer.Option(
        help="Exit 1 when any behaviour's kappa is below this.")] = None,
    field_map: MapOpt = None,
    speakers: SpeakerOpt = None,
    encoding: EncodingOpt = "utf-8-sig",
):
    """Compare verdicts with hand labels: accuracy, precision, recall, F1, Cohen's kappa."""
    result = run_audit_command(paths, checklist, field_map, speakers, encoding)
    evaluation = run_evaluation(result, labels)
    if format is EvaluationFormat.json:
        sys.stdout.write(render_agreement_json(evaluation, show_disagreements))
    else:
        stdout.print(render_agreement(evaluation, show_disagreements))
    below = [b for b in evaluation.behaviours
             if fail_under_kappa is not None and (b.kappa is None or b.kappa < fail_under_kappa)]
    for b in below:
        kappa = "n/a" if b.kappa is None else f"{b.kappa:.2f}"
        say(stderr, f"gate failed: kappa: {b.behaviour} kappa {kappa} is below "
                    f"{fail_under_kappa:g}")
    raise typer.Exit(EXIT_GATE_FAILED if below else EXIT_OK)
