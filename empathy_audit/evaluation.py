"""Agreement between the tool's verdicts and hand labels: the calibration a QA team runs
between its graders, here run between the checklist and its graders."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .checklist import Checklist
from .errors import UserError
from .loading import read_csv_file, read_list_file
from .model import MET, MISSED, NA, AuditResult, ConversationResult, Turn

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
    def found(self) -> int:
        return self.both + self.tool_only

    @property
    def precision(self) -> float | None:
        return self.both / self.found if self.found else None

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


def _read_csv(path: str | Path, required: tuple[str, ...]):
    source = str(path)
    try:
        header, rows = read_csv_file(Path(path))
    except FileNotFoundError:
        raise UserError("labels file not found", file=source) from None
    for column in required:
        if column not in header:
            raise UserError(f"labels need a {column!r} column", file=source, line=1, key=column)
    return header, rows


def read_ids(path: str | Path) -> frozenset[str]:
    """Conversation ids, one a line; blank lines and `#` comments ignored."""
    return frozenset(read_list_file(Path(path), "ids file"))


def read_labels(path: str | Path) -> tuple[dict[str, dict[str, str]], list[str]]:
    """conversation_id -> behaviour -> verdict, and the behaviour columns present."""
    source = str(path)
    header, rows = _read_csv(path, ("conversation_id",))
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


def _keep(labels: dict, ids: frozenset[str] | None) -> dict:
    return labels if ids is None else {cid: row for cid, row in labels.items() if cid in ids}


def _by_id(result: AuditResult, labels: dict, labels_path) -> dict[str, ConversationResult]:
    """The audited conversations by id; every labelled one must be there."""
    by_id = {r.conversation.conversation_id: r for r in result.conversations}
    missing = [cid for cid in labels if cid not in by_id]
    if missing:
        shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
        raise UserError(f"{len(missing)} labelled conversation(s) not in the transcripts: {shown}",
                        file=str(labels_path), key="conversation_id")
    return by_id


def evaluate(result: AuditResult, labels_path: str | Path,
             ids: frozenset[str] | None = None) -> Evaluation:
    """Verdicts against conversation labels (only the conversations in ``ids`` if given)."""
    labels, columns = read_labels(labels_path)
    labels = _keep(labels, ids)
    by_id = _by_id(result, labels, labels_path)
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


# ---------------------------------------------------------------- turn labels


@dataclass(frozen=True)
class TurnLabel:
    speaker: str
    cues: frozenset[str]
    line: int
    source: str         # the labels file


@dataclass(frozen=True)
class TurnDisagreement:
    conversation_id: str
    turn: int
    cue: str
    labelled: bool     # True: a miss (labelled, not found); False: a false alarm


@dataclass
class TurnEvaluation:
    labels_file: str
    cues: list[CueAgreement]
    disagreements: list[TurnDisagreement]
    results: dict[str, ConversationResult]


def read_turn_labels(path: str | Path, cue_ids: set[str]) -> dict[str, dict[int, TurnLabel]]:
    """conversation_id -> turn position -> its speaker and labelled cues (``;``-separated)."""
    source = str(path)
    _, rows = _read_csv(path, ("conversation_id", "turn", "speaker", "cues"))
    labels: dict[str, dict[int, TurnLabel]] = {}
    for line, row in rows:
        cid = row["conversation_id"].strip()
        if not cid:
            raise UserError("empty conversation_id", file=source, line=line, key="conversation_id")
        turn = row["turn"].strip()
        if not turn.isdigit():
            raise UserError(f"turn {turn!r} is not a 0-based position", file=source, line=line,
                            key="turn")
        cues = frozenset(c.strip() for c in row["cues"].split(";")) - {""}
        unknown = sorted(cues - cue_ids)
        if unknown:
            raise UserError(f"cue {unknown[0]!r} is not in the checklist", file=source,
                            line=line, key="cues")
        turns = labels.setdefault(cid, {})
        if int(turn) in turns:
            raise UserError(f"turn {turn} of {cid!r} is labelled twice (line "
                            f"{turns[int(turn)].line})", file=source, line=line, key="turn")
        turns[int(turn)] = TurnLabel(row["speaker"].strip().lower(), cues, line, source)
    return labels


def read_turn_label_files(paths: Iterable[str | Path],
                          cue_ids: set[str]) -> dict[str, dict[int, TurnLabel]]:
    """The turn labels of several files; a conversation is labelled in one of them only."""
    labels: dict[str, dict[int, TurnLabel]] = {}
    read: set[Path] = set()
    for path in paths:
        if Path(path).resolve() in read:
            raise UserError("labels file given twice", file=str(path))
        read.add(Path(path).resolve())
        for cid, turns in read_turn_labels(path, cue_ids).items():
            if cid in labels:
                first = next(iter(labels[cid].values()))
                raise UserError(f"{cid!r} is labelled in {first.source} too; label each "
                                f"conversation in one file", file=str(path),
                                line=min(t.line for t in turns.values()), key="conversation_id")
            labels[cid] = turns
    return labels


def compared_cues(checklist: Checklist, labels: dict[str, dict[int, TurnLabel]]) -> list[str]:
    """The cues the behaviours use, and any other cue the labels name, in checklist order."""
    used = {c for b in checklist.behaviours.values()
            for c in (b.applies_when.customer_cue, b.met_when.agent_cue, b.met_when.from_cue)}
    used |= {c for turns in labels.values() for label in turns.values() for c in label.cues}
    return [c for c in checklist.cues if c in used]


def check_labelled_turns(labels: dict[str, dict[int, TurnLabel]],
                         transcripts: dict[str, Sequence[Turn]]) -> None:
    """Every labelled turn is in its conversation, with the speaker the transcript gives it
    (a label on a turn of neither side is an error too, never skipped)."""
    for cid, turns in labels.items():
        transcript = transcripts[cid]
        for position, label in turns.items():
            if position >= len(transcript):
                raise UserError(f"turn {position} is outside {cid!r}, which has "
                                f"{len(transcript)} turns", file=label.source, line=label.line,
                                key="turn")
            if label.speaker != transcript[position].speaker:
                raise UserError(f"turn {position} of {cid!r} is labelled {label.speaker!r} but "
                                f"the transcript says {transcript[position].speaker!r}",
                                file=label.source, line=label.line, key="speaker")


def evaluate_turns(result: AuditResult, checklist: Checklist, labels_path: str | Path,
                   ids: frozenset[str] | None = None) -> TurnEvaluation:
    """Each cue found on each labelled turn of its speaker against the turn labels."""
    labels = _keep(read_turn_labels(labels_path, set(checklist.cues)), ids)
    by_id = _by_id(result, labels, labels_path)
    check_labelled_turns(labels, {cid: r.conversation.turns for cid, r in by_id.items()})
    agreements, disagreements = [], []
    for cue in compared_cues(checklist, labels):
        speaker = checklist.cues[cue].speaker
        pairs = []
        for cid, turns in labels.items():
            found_cues = by_id[cid].cues
            for position, label in sorted(turns.items()):
                if speaker not in (label.speaker, "any"):
                    continue
                labelled = cue in label.cues
                found = any(m.cue == cue for m in found_cues[position])
                pairs.append((labelled, found))
                if labelled != found:
                    disagreements.append(TurnDisagreement(cid, position, cue, labelled))
        agreements.append(CueAgreement.of(cue, pairs))
    return TurnEvaluation(str(labels_path), agreements, disagreements,
                          {cid: by_id[cid] for cid in labels})
