"""tests/labels/verdicts.py derives conversation verdicts from turn labels by the rubric's
table: checked by hand on small cases, against labels-train.csv, and against the committed
verdicts of our own turn labels."""
from __future__ import annotations

import csv
import importlib.util
import io
from contextlib import redirect_stdout

import pytest

from .conftest import CARE, ROOT, needs_shared

LABELS = ROOT / "tests" / "labels"
_spec = importlib.util.spec_from_file_location("label_verdicts", LABELS / "verdicts.py")
label_verdicts = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(label_verdicts)


def turns(*spec: str) -> list[tuple[str, frozenset[str]]]:
    """"c:distress,problem" / "a:next_step" -> labelled turns."""
    out = []
    for item in spec:
        who, _, cues = item.partition(":")
        out.append(({"c": "customer", "a": "agent"}[who], frozenset(filter(None, cues.split(",")))))
    return out


@pytest.mark.parametrize("conversation,expected", [
    # distress and a problem; the reply only moves on: not acknowledged, no apology
    (turns("c:distress,problem,request", "a:next_step"),
     {"acknowledge": "missed", "be_present": "missed", "return_to_solving": "met",
      "apologize": "missed", "follow_up": "missed"}),
    # the first reply after the distress decides acknowledge; the next step before the
    # acknowledgement does not count (the rubric: "at or after the first acknowledgement")
    (turns("c:request", "a:next_step,specific", "c:distress", "a:acknowledgement,specific"),
     {"acknowledge": "met", "be_present": "met", "return_to_solving": "missed",
      "apologize": "n/a", "follow_up": "missed"}),
    # praise only: nothing applies but be_present (an agent turn follows a customer turn)
    (turns("c:", "a:"),
     {"acknowledge": "n/a", "be_present": "missed", "return_to_solving": "n/a",
      "apologize": "n/a", "follow_up": "n/a"}),
    # the agent opens; half of the replies specific is enough
    (turns("a:", "c:problem,request", "a:apology,specific,follow_up", "c:request", "a:next_step"),
     {"acknowledge": "n/a", "be_present": "met", "return_to_solving": "met",
      "apologize": "met", "follow_up": "met"}),
])
def test_verdicts_follow_the_rubrics_table(conversation, expected):
    assert label_verdicts.verdicts(conversation) == expected


def derived(path) -> dict[str, dict[str, str]]:
    buffer = io.StringIO()
    with redirect_stdout(buffer):
        label_verdicts.main(str(path))
    rows = csv.DictReader(io.StringIO(buffer.getvalue()))
    return {row.pop("conversation_id"): row for row in rows}


def read(path) -> dict[str, dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return {row.pop("conversation_id"): row for row in csv.DictReader(f)}


@pytest.mark.parametrize("name", ["labels-turns-own", "labels-turns-heldout2"])
def test_the_committed_verdicts_of_our_turn_labels_are_derived_from_them(name):
    assert derived(LABELS / f"{name}.csv") == read(LABELS / f"{name}-verdicts.csv")


@needs_shared
def test_labels_train_follows_from_labels_turns_on_the_study_set():
    heldout = {line for line in (LABELS / "heldout.txt").read_text().splitlines()
               if line and not line.startswith("#")}
    ours, theirs = derived(CARE / "labels-turns.csv"), read(CARE / "labels-train.csv")
    study = sorted(set(ours) - heldout)
    assert len(study) == 196
    assert {cid: ours[cid] for cid in study} == {cid: theirs[cid] for cid in study}
