"""Agreement between the tool's verdicts and hand labels: the calibration a QA team runs
between its graders, here run between the checklist and its graders."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .errors import UserError
from .loading import read_csv_file
from .model import MET, MISSED, NA, AuditResult, ConversationResult

VERDICTS = (MET, MISSED, NA)
_ALIASES = {"met": MET, "missed": MISSED, "n/a": NA, "na": NA, "": NA, "none": NA}


@dataclass
class BehaviourAgreement:
    behaviour: str
    compared: int
    confusion: dict[str, dict[str, int]]   # label -> tool verdict -> count
    disagreements: list[tuple[str, str, str]] = field(default_factory=list)  # id, label, tool

    @property
    def accuracy(self) -> float | None:
        agree = sum(self.confusion[v][v] for v in VERDICTS)
        return agree / self.compared if self.compared else None

    @property
    def precision(self) -> float | None:
        predicted = sum(self.confusion[label][MET] for label in VERDICTS)
        return self.confusion[MET][MET] / predicted if predicted else None

    @property
    def recall(self) -> float | None:
        actual = sum(self.confusion[MET].values())
        return self.confusion[MET][MET] / actual if actual else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p and r else (0.0 if p is not None and r is not None else None)

    @property
    def kappa(self) -> float | None:
        return cohen_kappa(self.confusion, self.compared)


def cohen_kappa(confusion: dict[str, dict[str, int]], n: int,
                values: tuple[str, ...] = VERDICTS) -> float | None:
    """Cohen's kappa over ``values`` (the three verdicts unless told). 1.0 when both raters
    agree on everything, including the degenerate case where both used a single value
    throughout."""
    if not n:
        return None
    observed = sum(confusion[v][v] for v in values) / n
    expected = sum(sum(confusion[v].values()) * sum(confusion[l][v] for l in values)
                   for v in values) / (n * n)
    if expected == 1:
        return 1.0 if observed == 1 else 0.0
    return (observed - expected) / (1 - expected)


@dataclass(frozen=True)
class CueAgreement:
    """Agreement on one yes/no label (a cue on a turn): the counts of the 2x2 table."""
    cue: str
    both: int = 0          # labelled and found
    label_only: int = 0    # labelled, not found (a miss)
    tool_only: int = 0     # found, not labelled (a false alarm)
    neither: int = 0

    @classmethod
    def of(cls, cue: str, pairs) -> "CueAgreement":
        """``pairs``: (labelled, found) booleans, one per turn."""
        counts = {(True, True): 0, (True, False): 0, (False, True): 0, (False, False): 0}
        for labelled, found in pairs:
            counts[(bool(labelled), bool(found))] += 1
        return cls(cue, counts[(True, True)], counts[(True, False)], counts[(False, True)],
                   counts[(False, False)])

    @property
    def turns(self) -> int:
        return self.both + self.label_only + self.tool_only + self.neither

    @property
    def labelled(self) -> int:
        return self.both + self.label_only

    @property
    def precision(self) -> float | None:
        found = self.both + self.tool_only
        return self.both / found if found else None

    @property
    def recall(self) -> float | None:
        return self.both / self.labelled if self.labelled else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def kappa(self) -> float | None:
        yes, no = "yes", "no"
        confusion = {yes: {yes: self.both, no: self.label_only},
                     no: {yes: self.tool_only, no: self.neither}}
        return cohen_kappa(confusion, self.turns, (yes, no))


def read_labels(path: str | Path) -> tuple[dict[str, dict[str, str]], list[str]]:
    """conversation_id -> behaviour -> verdict, and the behaviour columns present."""
    source = str(path)
    try:
        header, rows = read_csv_file(Path(path))
    except FileNotFoundError:
        raise UserError("labels file not found", file=source) from None
    if "conversation_id" not in header:
        raise UserError("labels need a 'conversation_id' column", file=source, line=1,
                        key="conversation_id")
    columns = [c for c in header if c != "conversation_id"]
    labels: dict[str, dict[str, str]] = {}
    for line, row in rows:
        cid = row["conversation_id"].strip()
        if not cid:
            raise UserError("empty conversation_id", file=source, line=line, key="conversation_id")
        if cid in labels:
            raise UserError(f"conversation {cid!r} is labelled twice", file=source, line=line,
                            key="conversation_id")
        labels[cid] = {}
        for column in columns:
            value = row[column].strip().lower()
            if value not in _ALIASES:
                raise UserError(f"verdict {value!r} is not met, missed or n/a", file=source,
                                line=line, key=column)
            labels[cid][column] = _ALIASES[value]
    return labels, columns


@dataclass
class Evaluation:
    labels_file: str
    behaviours: list[BehaviourAgreement]
    skipped_columns: list[str]
    results: dict[str, ConversationResult]

    @property
    def overall(self) -> BehaviourAgreement:
        confusion = {l: {t: sum(b.confusion[l][t] for b in self.behaviours) for t in VERDICTS}
                     for l in VERDICTS}
        return BehaviourAgreement("overall", sum(b.compared for b in self.behaviours), confusion,
                                  [d for b in self.behaviours for d in b.disagreements])


def evaluate(result: AuditResult, labels_path: str | Path) -> Evaluation:
    labels, columns = read_labels(labels_path)
    by_id = {r.conversation.conversation_id: r for r in result.conversations}
    missing = [cid for cid in labels if cid not in by_id]
    if missing:
        shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
        raise UserError(f"{len(missing)} labelled conversation(s) not in the transcripts: {shown}",
                        file=str(labels_path), key="conversation_id")
    compared = [c for c in columns if c in result.behaviours]
    agreements = []
    for behaviour in compared:
        confusion = {l: {t: 0 for t in VERDICTS} for l in VERDICTS}
        disagreements = []
        for cid, row in labels.items():
            label, tool = row[behaviour], by_id[cid].verdicts[behaviour].verdict
            confusion[label][tool] += 1
            if label != tool:
                disagreements.append((cid, label, tool))
        agreements.append(BehaviourAgreement(behaviour, len(labels), confusion, disagreements))
    return Evaluation(str(labels_path), agreements,
                      [c for c in columns if c not in result.behaviours],
                      {cid: by_id[cid] for cid in labels})
