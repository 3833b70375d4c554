"""`evaluate`: agreement of the tool's verdicts and cues with hand labels."""
from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..checklist import load_checklist
from ..errors import UserError
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
    labels: Annotated[Optional[Path], typer.Option(
        help="CSV: conversation_id + one column per behaviour (met, missed, n/a).")] = None,
    turn_labels: Annotated[Optional[Path], typer.Option(
        help="CSV: conversation_id, turn (0-based), speaker, cues (';'-separated cue ids).")] = None,
    ids: Annotated[Optional[Path], typer.Option(
        help="Compare only the conversations listed in this file (one id a line, # comments).")]
        = None,
    checklist: ChecklistOpt = None,
    show_disagreements: Annotated[bool, typer.Option(
        help="List each conversation or turn where tool and label differ, with the evidence.")]
        = False,
    format: Annotated[EvaluationFormat, typer.Option(
        "--format", "-f", help="table: for people; json: for scripts.")] = EvaluationFormat.table,
    fail_under_kappa: Annotated[Optional[float], typer.Option(
        help="Exit 1 when any behaviour's or cue's kappa is below this.")] = None,
    field_map: MapOpt = None,
    speakers: SpeakerOpt = None,
    encoding: EncodingOpt = "utf-8-sig",
):
    """Compare verdicts (--labels) and turn cues (--turn-labels) with hand labels: precision,
    recall, F1, Cohen's kappa."""
    from ..evaluation import evaluate as run_evaluation, evaluate_turns, read_ids
    from ..formatters.agreement import render_agreement, render_agreement_json

    if labels is None and turn_labels is None:
        raise UserError("give --labels (conversation verdicts), --turn-labels (turn cues) or both")
    keep = None if ids is None else read_ids(ids)
    rules = load_checklist(checklist)
    result = run_audit_command(paths, rules, field_map, speakers, encoding)
    evaluation = None if labels is None else run_evaluation(result, labels, keep)
    turns = None if turn_labels is None else evaluate_turns(result, rules, turn_labels, keep)
    if format is EvaluationFormat.json:
        sys.stdout.write(render_agreement_json(evaluation, show_disagreements, turns))
    else:
        stdout.print(render_agreement(evaluation, show_disagreements, turns))
    rows = [(b.behaviour, b.kappa) for b in (evaluation.behaviours if evaluation else [])]
    rows += [(c.cue, c.kappa) for c in (turns.cues if turns else [])]
    below = [(name, kappa) for name, kappa in rows
             if fail_under_kappa is not None and (kappa is None or kappa < fail_under_kappa)]
    for name, kappa in below:
        shown = "n/a" if kappa is None else f"{kappa:.2f}"
        say(stderr, f"gate failed: kappa: {name} kappa {shown} is below {fail_under_kappa:g}")
    raise typer.Exit(EXIT_GATE_FAILED if below else EXIT_OK)
