"""Rendering an Evaluation: agreement table, confusion matrices, disagreements, JSON."""
from __future__ import annotations

import json

from rich.console import Group
from rich.table import Table
from rich.text import Text

from ..evaluation import (VERDICTS, BehaviourAgreement, CueAgreement, Evaluation,
                          TurnDisagreement, TurnEvaluation)
from ..model import MISSED
from . import records


def _num(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def agreement_table(evaluation: Evaluation) -> Table:
    table = Table(title=Text(f"Agreement with {evaluation.labels_file}"), title_justify="left")
    for column in ("behaviour", "n", "accuracy", "precision", "recall", "F1", "kappa"):
        table.add_column(column, justify="left" if column == "behaviour" else "right")
    for row in [*evaluation.behaviours, evaluation.overall]:
        table.add_row(row.behaviour, str(row.compared), _num(row.accuracy), _num(row.precision),
                      _num(row.recall), _num(row.f1), _num(row.kappa),
                      style="bold" if row.behaviour == "overall" else None)
    return table


def confusion_table(row: BehaviourAgreement) -> Table:
    table = Table(title=f"{row.behaviour}: label (rows) × tool (columns)", title_justify="left")
    table.add_column("label")
    for verdict in VERDICTS:
        table.add_column(verdict, justify="right")
    for label in VERDICTS:
        table.add_row(label, *(str(row.confusion[label][tool]) for tool in VERDICTS))
    return table


def disagreement_lines(evaluation: Evaluation) -> list[Text]:
    lines = []
    for row in evaluation.behaviours:
        for cid, label, tool in row.disagreements:
            result = evaluation.results[cid]
            verdict = result.verdicts[row.behaviour]
            lines.append(Text(f"{cid} {row.behaviour}: label {label}, tool {tool} — "
                              f"{verdict.reason}", style="bold"))
            lines.extend(Text("    " + e) for e in _evidence(result, verdict))
    return lines


def _evidence(result, verdict) -> list[str]:
    """The words that decided, or the turn that should have shown the behaviour."""
    turns = verdict.met_turns[:2] if verdict.verdict != MISSED else verdict.missed_turns[:2]
    if verdict.trigger_turn is not None:
        turns = [verdict.trigger_turn, *[t for t in turns if t != verdict.trigger_turn]]
    shown = []
    for index in turns:
        turn = result.conversation.turns[index]
        relevant = [m for m in result.cues[index]
                    if m.cue in (verdict.trigger_cue, verdict.agent_cue) or
                    (verdict.trigger_cue is None and turn.speaker == "customer")]
        cues = "; ".join(records.evidence_text(m) for m in relevant) or "no cues"
        text = " ".join(turn.text.split())
        shown.append(f"turn {turn.number} {turn.speaker} [{cues}]: {text[:160]}")
    return shown


def cue_table(evaluation: TurnEvaluation) -> Table:
    table = Table(title=f"Turn-level agreement with {evaluation.labels_file}",
                  title_justify="left")
    for column in ("cue", "turns", "labelled", "found", "precision", "recall", "F1", "kappa"):
        table.add_column(column, justify="left" if column == "cue" else "right")
    for row in evaluation.cues:
        table.add_row(row.cue, str(row.turns), str(row.labelled), str(row.found),
                      _num(row.precision), _num(row.recall), _num(row.f1), _num(row.kappa))
    return table


def turn_disagreement_lines(evaluation: TurnEvaluation) -> list[Text]:
    lines = []
    for d in evaluation.disagreements:
        turn, evidence = _turn_evidence(evaluation, d)
        said = "labelled, not found" if d.labelled else "found, not labelled"
        lines.append(Text(f"{d.conversation_id} turn {d.turn} {turn.speaker} {d.cue}: {said}",
                          style="bold"))
        lines.append(Text("    " + " ".join(turn.text.split())[:300]))
        lines.append(Text("    [" + ("; ".join(evidence) or "no cues") + "]"))
    return lines


def _turn_evidence(evaluation: TurnEvaluation, d: TurnDisagreement):
    """The turn, and the words the tool found on it (all its cues, so a miss shows what was
    read instead)."""
    result = evaluation.results[d.conversation_id]
    return (result.conversation.turns[d.turn],
            [records.evidence_text(m) for m in result.cues[d.turn]])


def render_agreement(evaluation: Evaluation | None, show_disagreements: bool,
                     turns: TurnEvaluation | None = None) -> Group:
    parts: list = []
    if evaluation is not None:
        parts.append(agreement_table(evaluation))
        parts += [confusion_table(row) for row in evaluation.behaviours]
        if evaluation.skipped_columns:
            parts.append(Text("not in the checklist, skipped: "
                              + ", ".join(evaluation.skipped_columns)))
    if turns is not None:
        parts.append(cue_table(turns))
    if show_disagreements and evaluation is not None:
        parts.append(Text("Disagreements", style="bold underline"))
        parts.extend(disagreement_lines(evaluation) or [Text("none")])
    if show_disagreements and turns is not None:
        parts.append(Text("Turn disagreements", style="bold underline"))
        parts.extend(turn_disagreement_lines(turns) or [Text("none")])
    return Group(*parts)


def _metrics(row: BehaviourAgreement) -> dict:
    return {"behaviour": row.behaviour, "compared": row.compared,
            **{k: None if getattr(row, k) is None else round(getattr(row, k), 4)
               for k in ("accuracy", "precision", "recall", "f1", "kappa")},
            "confusion": row.confusion}


def _cue_metrics(row: CueAgreement) -> dict:
    return {"cue": row.cue, "turns": row.turns, "labelled": row.labelled,
            "found": row.found,
            **{k: None if getattr(row, k) is None else round(getattr(row, k), 4)
               for k in ("precision", "recall", "f1", "kappa")},
            "counts": {"both": row.both, "label_only": row.label_only,
                       "tool_only": row.tool_only, "neither": row.neither}}


def _turn_document(turns: TurnEvaluation, show_disagreements: bool) -> dict:
    document = {"turn_labels": turns.labels_file, "cues": [_cue_metrics(r) for r in turns.cues]}
    if show_disagreements:
        document["turn_disagreements"] = []
        for d in turns.disagreements:
            turn, evidence = _turn_evidence(turns, d)
            document["turn_disagreements"].append(
                {"conversation_id": d.conversation_id, "turn": d.turn, "speaker": turn.speaker,
                 "cue": d.cue, "labelled": d.labelled, "found": not d.labelled,
                 "text": turn.text, "evidence": evidence})
    return document


def render_agreement_json(evaluation: Evaluation | None, show_disagreements: bool,
                          turns: TurnEvaluation | None = None) -> str:
    document = {} if evaluation is None else _behaviour_document(evaluation, show_disagreements)
    if turns is not None:
        document |= _turn_document(turns, show_disagreements)
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _behaviour_document(evaluation: Evaluation, show_disagreements: bool) -> dict:
    document = {"labels": evaluation.labels_file,
                "behaviours": [_metrics(r) for r in evaluation.behaviours],
                "overall": _metrics(evaluation.overall),
                "skipped_columns": evaluation.skipped_columns}
    if show_disagreements:
        document["disagreements"] = [
            {"conversation_id": cid, "behaviour": row.behaviour, "label": label, "tool": tool,
             "reason": evaluation.results[cid].verdicts[row.behaviour].reason,
             "evidence": _evidence(evaluation.results[cid],
                                   evaluation.results[cid].verdicts[row.behaviour])}
            for row in evaluation.behaviours for cid, label, tool in row.disagreements]
    return document
