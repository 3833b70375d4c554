"""``empathy-audit train``: fit a checklist's learned cues from reviewers' turn labels.

Each learned cue (``kind: learned``) learns one turn label (``learns: distress``) from the
labelled turns of its speaker: a logistic regression over the binary features of
``cues/learned.py``, fitted by scikit-learn (the ``[train]`` extra; auditing never needs it).
Agreement is cross-validated with folds by conversation (a fixed hash of its id), so a
conversation's turns are never both trained on and measured. The model's threshold is chosen
inside each training fold by a second cross-validation, never on the turns it is measured on.
Same labels and transcripts, same bytes: features and conversations are sorted, the solver is
deterministic and the weights are rounded.
"""
from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from .checklist import Checklist, FeatureSpec, load_checklist, load_models, resolve_checklist
from .cues.finder import CueFinder
from .cues.learned import FORMAT, VERSION, LearnedModel, features, model_bytes, probability
from .errors import UserError
from .evaluation import (CueAgreement, TurnLabel, check_labelled_turns, read_ids,
                         read_turn_label_files)
from .formatters.csv_export import write_files_atomically
from .loading import load
from .model import Conversation

FOLDS = 5
C = 0.5                 # inverse regularisation strength, chosen by cross-validation
MIN_COUNT = 2           # a feature seen on fewer training turns is left out
CLASS_WEIGHT = None
DECIMALS = 4            # weights rounded: the same model is the same bytes everywhere
THRESHOLDS = [round(0.05 * i, 2) for i in range(2, 19)]   # 0.10 .. 0.90


# ---------------------------------------------------------------- inputs

def fold_of(conversation_id: str) -> int:
    """The cross-validation fold of a conversation: a fixed hash of its id."""
    return int(hashlib.sha256(conversation_id.encode()).hexdigest()[:8], 16) % FOLDS


# ---------------------------------------------------------------- labelled turns as features

@dataclass(frozen=True)
class Example:
    conversation_id: str
    turn: int
    speaker: str
    labels: frozenset[str]      # the reviewers' cues
    rules: frozenset[str]       # the cues the checklist's rules find (no learned cue)
    features: dict[str, frozenset[str]]   # learned cue id -> its features on this turn


def rules_only(checklist: Checklist) -> Checklist:
    """The checklist without its learned cues (and without references to them)."""
    learned = {c for c, cue in checklist.cues.items() if cue.kind == "learned"}
    data = checklist.model_dump(exclude={"extends"})
    data["cues"] = {c: {**cue, "includes": [i for i in cue["includes"] if i not in learned],
                        "only_with": [i for i in cue["only_with"] if i not in learned]}
                    for c, cue in data["cues"].items() if c not in learned}
    return Checklist.model_validate(data)


def labelled_examples(conversations: list[Conversation], labels: dict[str, dict[int, TurnLabel]],
                      checklist: Checklist,
                      specs: dict[str, FeatureSpec]) -> list[Example]:
    finder = CueFinder(rules_only(checklist))
    examples = []
    for conversation in conversations:
        wanted = labels[conversation.conversation_id]
        for seen in finder.turns_seen(conversation):
            if seen is None:
                continue
            finder.find_turn(seen)
            label = wanted.get(seen.turn.index)
            if label is None:
                continue
            examples.append(Example(
                conversation.conversation_id, seen.turn.index, label.speaker, label.cues, frozenset(seen.found),
                {cue_id: frozenset(name for name, _, _ in features(seen, spec))
                 for cue_id, spec in specs.items()}))
    return examples


# ---------------------------------------------------------------- fitting

def _sklearn():
    try:
        from scipy.sparse import csr_matrix
        from sklearn.linear_model import LogisticRegression
    except ImportError:
        raise UserError("training needs scikit-learn, the [train] extra: pip install "
                        "'.[train]' in a clone of empathy-audit", key="train") from None
    return LogisticRegression, csr_matrix


def fit(examples: list[Example], cue_id: str, learns: str,
        c: float = C) -> tuple[dict[str, float], float]:
    """Rounded weights (features with a zero weight left out) and intercept."""
    LogisticRegression, csr_matrix = _sklearn()
    counts = Counter(f for e in examples for f in e.features[cue_id])
    vocabulary = sorted(f for f, n in counts.items() if n >= MIN_COUNT)
    column = {f: i for i, f in enumerate(vocabulary)}
    rows, cols = [], []
    for row, example in enumerate(examples):
        present = sorted(column[f] for f in example.features[cue_id] if f in column)
        rows += [row] * len(present)
        cols += present
    x = csr_matrix(([1.0] * len(rows), (rows, cols)), shape=(len(examples), len(vocabulary)))
    y = [learns in e.labels for e in examples]
    if len(set(y)) < 2:
        raise UserError(f"cue {cue_id!r}: the labelled turns are all "
                        f"{'with' if y and y[0] else 'without'} {learns!r}; nothing to learn")
    model = LogisticRegression(C=c, solver="liblinear", random_state=0, max_iter=1000,
                               class_weight=CLASS_WEIGHT)
    model.fit(x, y)
    weights = {f: round(float(w), DECIMALS) for f, w in zip(vocabulary, model.coef_[0])}
    return {f: w for f, w in weights.items() if w}, round(float(model.intercept_[0]), DECIMALS)


@dataclass(frozen=True)
class Use:
    """How the checklist uses a learned cue: the label it learns, its speaker, and the rule
    cue whose matches it adds to (``includes``), if any: its threshold is chosen for that."""
    cue_id: str
    learns: str
    speaker: str
    rule_cue: str | None


def _kappa_at(threshold: float, probabilities: list[float], examples: list[Example],
              use: Use) -> float:
    pairs = [(use.learns in e.labels,
              p >= threshold or (use.rule_cue is not None and use.rule_cue in e.rules))
             for p, e in zip(probabilities, examples)]
    return CueAgreement.of(use.learns, pairs).kappa or 0.0


def fit_with_threshold(examples: list[Example], use: Use,
                       c: float = C) -> tuple[dict[str, float], float, float]:
    """Weights, intercept, and the threshold that agreed best with the labels in a
    cross-validation inside ``examples`` (ties: the lowest)."""
    probabilities: dict[int, float] = {}
    for fold in range(FOLDS):
        train = [e for e in examples if fold_of(e.conversation_id) != fold]
        weights, intercept = fit(train, use.cue_id, use.learns, c)
        for i, e in enumerate(examples):
            if fold_of(e.conversation_id) == fold:
                probabilities[i] = probability(weights, intercept, e.features[use.cue_id])
    ordered = [probabilities[i] for i in range(len(examples))]
    best = max(THRESHOLDS, key=lambda t: (_kappa_at(t, ordered, examples, use), -t))
    weights, intercept = fit(examples, use.cue_id, use.learns, c)
    return weights, intercept, best


# ---------------------------------------------------------------- cross-validated figures

@dataclass
class CueFigures:
    cue_id: str
    learns: str
    rules: CueAgreement         # the rule cue without any learned cue
    model: CueAgreement         # the learned cue alone
    checklist: CueAgreement     # the labelled cue in the checklist, models in place


def cross_validate(examples: list[Example], conversations: list[Conversation],
                   labels: dict[str, dict[int, TurnLabel]], checklist: Checklist,
                   uses: list[Use], fixed: dict[str, LearnedModel],
                   c: float = C) -> list[CueFigures]:
    """Per learned cue, agreement on turns of conversations held out of each fold's fit."""
    pairs: dict[str, dict[str, list]] = {u.cue_id: {"rules": [], "model": [], "checklist": []}
                                         for u in uses}
    for fold in range(FOLDS):
        train = [e for e in examples if fold_of(e.conversation_id) != fold]
        test = [e for e in examples if fold_of(e.conversation_id) == fold]
        models = dict(fixed)
        for use in uses:
            mine = [e for e in train if e.speaker == use.speaker]
            weights, intercept, threshold = fit_with_threshold(mine, use, c)
            models[use.cue_id] = as_model(use, checklist, weights, intercept, threshold, {})
            for e in test:
                if e.speaker == use.speaker:
                    p = probability(weights, intercept, e.features[use.cue_id])
                    pairs[use.cue_id]["rules"].append((use.learns in e.labels,
                                                       use.learns in e.rules))
                    pairs[use.cue_id]["model"].append((use.learns in e.labels, p >= threshold))
        held = [cv for cv in conversations if fold_of(cv.conversation_id) == fold]
        found = _checklist_cues(held, labels, checklist, models)
        for use in uses:
            pairs[use.cue_id]["checklist"] += [
                (use.learns in label.cues, use.learns in cues)
                for label, cues in found if label.speaker == use.speaker]
    return [CueFigures(u.cue_id, u.learns,
                       *(CueAgreement.of(u.learns, pairs[u.cue_id][k])
                         for k in ("rules", "model", "checklist"))) for u in uses]


def _checklist_cues(conversations: list[Conversation], labels: dict[str, dict[int, TurnLabel]],
                    checklist: Checklist, models: dict[str, LearnedModel]) -> list[tuple]:
    """(label, cue ids found) of every labelled turn, by the whole checklist with ``models``
    (installed in ``checklist`` in place of whatever it had: a fold's own fits)."""
    checklist.learned_models.clear()
    checklist.learned_models.update(models)
    finder = CueFinder(checklist)
    found = []
    for conversation in conversations:
        wanted = labels[conversation.conversation_id]
        for turn, matches in zip(conversation.turns, finder.find(conversation)):
            if turn.index in wanted:
                found.append((wanted[turn.index], {m.cue for m in matches}))
    return found


# ---------------------------------------------------------------- the command

def as_model(use: Use, checklist: Checklist, weights: dict[str, float], intercept: float,
             threshold: float, training: dict) -> LearnedModel:
    spec = checklist.cues[use.cue_id]
    return LearnedModel(format=FORMAT, version=VERSION, cue=use.cue_id, learns=use.learns,
                        speaker=spec.speaker, features=_spec(checklist, use.cue_id),
                        intercept=intercept, threshold=threshold, weights=weights,
                        training=training)


def _spec(checklist: Checklist, cue_id: str) -> FeatureSpec:
    """The cue's ``features`` in the checklist, else the default: word unigrams and bigrams,
    punctuation, capitals, length, who spoke before, and the own words of every words cue
    with phrases or patterns (on this turn and on the one before)."""
    return checklist.cues[cue_id].features or FeatureSpec(
        words=[1, 2], punctuation=True, capitals=True, previous=True, length=True,
        cues=[c for c, cue in checklist.cues.items()
              if cue.kind == "words" and (cue.phrases or cue.patterns)])


@dataclass
class Trained:
    figures: list[CueFigures]
    written: list[Path]
    turns: int
    conversations: int


def train(paths: list[str | Path], turn_labels: list[str | Path], checklist_path: str | Path | None,
          out: str | Path, only: list[str] | None = None,
          exclude_ids: str | Path | None = None) -> Trained:
    _sklearn()   # a missing extra is said before any work
    checklist = load_checklist(checklist_path, models=False)
    uses = _uses(checklist, only)
    excluded = read_ids(exclude_ids) if exclude_ids else frozenset()
    labels = {cid: turns for cid, turns in
              read_turn_label_files(turn_labels, set(checklist.cues)).items()
              if cid not in excluded}
    conversations = _labelled_conversations(paths, labels)
    check_labelled_turns(labels, {c.conversation_id: c.turns for c in conversations})
    fixed = load_models(checklist, resolve_checklist(checklist_path).parent,
                        frozenset(u.cue_id for u in uses))   # the learned cues not trained
    specs = {u.cue_id: _spec(checklist, u.cue_id) for u in uses}
    examples = labelled_examples(conversations, labels, checklist, specs)
    figures = cross_validate(examples, conversations, labels, checklist, uses, fixed)
    about = {"labels": ", ".join(Path(p).name for p in turn_labels), "C": C, "folds": FOLDS,
             "min_count": MIN_COUNT,
             "excluded_ids": Path(exclude_ids).name if exclude_ids else None}
    files = {Path(checklist.cues[use.cue_id].model).name:
             _model_file(use, checklist, examples, cv, about) for use, cv in zip(uses, figures)}
    written = write_files_atomically(Path(out), files)   # all or none, once every fit succeeded
    return Trained(figures, written, len(examples), len(conversations))


def _labelled_conversations(paths: list[str | Path],
                            labels: dict[str, dict[int, TurnLabel]]) -> list[Conversation]:
    """The labelled conversations of the transcripts, by id; every labelled one must be there."""
    conversations, _ = load(paths)
    conversations = sorted((c for c in conversations if c.conversation_id in labels),
                           key=lambda c: c.conversation_id)
    missing = sorted(set(labels) - {c.conversation_id for c in conversations})
    if missing:
        first = min(labels[missing[0]].values(), key=lambda label: label.line)
        raise UserError(f"conversation {missing[0]!r} is labelled but not in the transcripts "
                        f"({len(missing)} such)", file=first.source, line=first.line,
                        key="conversation_id")
    return conversations


def _model_file(use: Use, checklist: Checklist, examples: list[Example], cv: CueFigures,
                about: dict) -> bytes:
    """The final fit on every labelled turn of the cue's speaker, as the file's bytes."""
    mine = [e for e in examples if e.speaker == use.speaker]
    weights, intercept, threshold = fit_with_threshold(mine, use)
    training = {**about, "turns": len(mine),
                "conversations": len({e.conversation_id for e in mine}),
                "cross_validated": {k: _figures(getattr(cv, k))
                                    for k in ("rules", "model", "checklist")}}
    return model_bytes(as_model(use, checklist, weights, intercept, threshold,
                                training).model_dump())


def _uses(checklist: Checklist, only: list[str] | None) -> list[Use]:
    learned = {c: cue for c, cue in checklist.cues.items() if cue.kind == "learned"}
    if not learned:
        raise UserError("the checklist has no learned cues (kind: learned) to train",
                        key="cues")
    chosen = [c for c, cue in learned.items() if not only or c in only or cue.learns in only]
    unknown = [name for name in only or () if name not in learned and
               name not in {cue.learns for cue in learned.values()}]
    if unknown:
        raise UserError(f"no learned cue {unknown[0]!r}; learned cues: "
                        f"{', '.join(f'{c} (learns {cue.learns})' for c, cue in learned.items())}",
                        key="--cues")
    return [Use(c, learned[c].learns, learned[c].speaker,
                next((r for r, cue in checklist.cues.items() if c in cue.includes), None))
            for c in chosen]


def _figures(agreement: CueAgreement) -> dict[str, float | int | None]:
    def rounded(value):
        return None if value is None else round(value, 3)
    return {"turns": agreement.turns, "precision": rounded(agreement.precision),
            "recall": rounded(agreement.recall), "f1": rounded(agreement.f1),
            "kappa": rounded(agreement.kappa)}
