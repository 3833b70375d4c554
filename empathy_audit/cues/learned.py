"""The ``learned`` cue kind: a small linear model over features of the turn, stored as plain
JSON beside the checklist (never a pickle), trained by ``empathy-audit train``.

A turn's features are binary: present or not. The score is the logistic of the intercept plus
the weights of the features present; the cue shows when it reaches the model's threshold. Its
evidence is the words (or characters, or punctuation) whose features weighed most for it, with
their offsets in the turn: features without a span (who spoke before, the turn's polarity)
add to the score but are never quoted.

Inference is pure Python: no scikit-learn or numpy at audit time.
"""
from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..checklist import FeatureSpec
from ..errors import UserError
from ..model import CueMatch
from .rules import _strip_noise as strip_noise
from .sentiment import sentiment

if TYPE_CHECKING:
    from ..checklist import Checklist, Cue
    from .finder import TurnSeen

FORMAT = "empathy-audit learned cue"
VERSION = 1
EVIDENCE_SPANS = 3                     # the strongest spanned features quoted per match

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?", re.IGNORECASE)
_PUNCTUATION = (("!!", re.compile(r"!{2,}")), ("?!", re.compile(r"\?+!+[!?]*|!+\?+[!?]*")),
                ("???", re.compile(r"\?{3,}")))
_SHOUTED = re.compile(r"\b[A-Z][A-Z']{2,}\b")   # a word of 3+ capitals
_LENGTHS = ((3, "<=3"), (8, "<=8"), (20, "<=20"), (50, "<=50"), (math.inf, ">50"))
_POLARITY_BUCKETS = ((-0.5, "<=-0.5"), (-0.1, "<=-0.1"), (0.1, "<0.1"), (0.5, "<0.5"))


# ---------------------------------------------------------------- the file

class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class LearnedModel(_Strict):
    """One learned cue's model file."""
    format: Literal["empathy-audit learned cue"]
    version: int
    cue: str
    learns: str                       # the label it was trained on (e.g. distress)
    speaker: Literal["customer", "agent"]
    features: FeatureSpec
    intercept: float
    threshold: float = Field(gt=0, lt=1)
    weights: dict[str, float]
    training: dict = {}

    @field_validator("version")
    @classmethod
    def _known_version(cls, version: int) -> int:
        if version != VERSION:
            raise ValueError(f"model format version {version} is not supported "
                             f"(this empathy-audit reads version {VERSION}); retrain it "
                             f"with `empathy-audit train`")
        return version

    @field_validator("weights")
    @classmethod
    def _finite(cls, weights: dict[str, float]) -> dict[str, float]:
        for name, weight in weights.items():
            if not math.isfinite(weight):
                raise ValueError(f"weight of {name!r} is not a finite number")
            if ":" not in name or name.split(":", 1)[0] not in FEATURE_FAMILIES:
                raise ValueError(f"unknown feature {name!r}")
        return weights


FEATURE_FAMILIES = ("w", "c", "r", "p", "k", "s", "n", "prev")


def load_model(path: Path, cue_id: str, cue: "Cue") -> LearnedModel:
    """Read and check a model file for ``cue_id``; UserError naming file, line and key."""
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(f"model file of cue {cue_id!r} not found (the path is relative to "
                        f"the checklist's folder: copy its models/ beside a copied checklist, "
                        f"start from `extends: default`, or train it with `empathy-audit "
                        f"train`)", file=source) from None
    except UnicodeDecodeError:
        raise UserError("model file is not valid UTF-8", file=source) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UserError(f"invalid JSON: {exc.msg}", file=source, line=exc.lineno) from None
    if not isinstance(data, dict):
        raise UserError("a model file is a JSON object", file=source, line=1)
    try:
        model = LearnedModel.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = tuple(first["loc"])
        if first["type"] == "extra_forbidden":
            message = f"unknown key {loc[-1]!r}"
        elif first["type"] == "missing":
            message = f"missing required key {loc[-1]!r}"
        elif first["type"] == "literal_error" and loc == ("format",):
            message = f"not a learned cue model (format is not {FORMAT!r})"
        elif first["type"] == "value_error":
            message = str(first["ctx"]["error"])
        else:
            message = first["msg"]
        raise _error(source, text, loc, message) from None
    if model.cue != cue_id:
        raise _error(source, text, ("cue",), f"model is for cue {model.cue!r}, not {cue_id!r}")
    if model.speaker != cue.speaker:
        raise _error(source, text, ("speaker",), f"model is for {model.speaker} turns; cue "
                                                 f"{cue_id!r} is a {cue.speaker} cue")
    if cue.features is not None and cue.features != model.features:
        raise _error(source, text, ("features",), f"model was trained on other features than "
                                                  f"cue {cue_id!r} names; retrain it")
    if cue.learns and model.learns != cue.learns:
        raise _error(source, text, ("learns",), f"model learns {model.learns!r}; cue "
                                                f"{cue_id!r} learns {cue.learns!r}")
    return model


def check_feature_cues(model: LearnedModel, checklist: "Checklist", path: Path) -> None:
    """The rule cues a model reads must be words cues of the checklist."""
    for index, cue_id in enumerate(model.features.cues):
        cue = checklist.cues.get(cue_id)
        if cue is None or cue.kind != "words":
            source = str(path)
            raise UserError(f"model reads cue {cue_id!r}, which is not a words cue of the "
                            f"checklist", file=source,
                            line=_line_of(path.read_text(encoding="utf-8"), ("features", "cues")),
                            key=f"features.cues.{index}")


def _error(source: str, text: str, loc: tuple, message: str) -> UserError:
    return UserError(message, file=source, line=_line_of(text, loc),
                     key=".".join(str(k) for k in loc) or None)


def _line_of(text: str, loc: tuple) -> int | None:
    """1-based line of the innermost key of ``loc`` found in the JSON text, each key searched
    after the one that holds it (exact for the files ``train`` writes, one key a line)."""
    position, line = 0, None
    for key in loc:
        if not isinstance(key, str):
            continue
        found = re.compile(re.escape(json.dumps(key)) + r"\s*:").search(text, position)
        if not found:
            break
        position = found.start()
        line = text.count("\n", 0, position) + 1
    return line


def model_bytes(model: dict) -> bytes:
    """The file's bytes: sorted keys, one key a line, so the same model is the same bytes."""
    return (json.dumps(model, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode()


# ---------------------------------------------------------------- features

def features(seen: "TurnSeen", spec: FeatureSpec) -> Iterator[tuple[str, int, int]]:
    """(feature, start, end) of every feature of the turn; start == end == -1 for features
    without a span. A feature may come more than once (each place it shows)."""
    text = seen.text
    if spec.words or spec.chars or spec.length:
        # handles and URLs blanked (offsets kept); tokens lowered one by one, as lowering
        # the whole text may change its length
        tokens = [(m.group().lower(), m.start(), m.end())
                  for m in _TOKEN.finditer(strip_noise(text))]
        for n in spec.words:
            for i in range(len(tokens) - n + 1):
                gram = tokens[i:i + n]
                yield "w:" + " ".join(t for t, _, _ in gram), gram[0][1], gram[-1][2]
        for word, start, end in tokens if spec.chars else ():
            padded = f" {word} "   # the spaces mark the word's edges, as in "c: no"
            for n in spec.chars:
                for i in range(len(padded) - n + 1):
                    yield "c:" + padded[i:i + n], start, end   # quoted as the whole word
        if spec.length:
            yield "n:words" + next(name for most, name in _LENGTHS if len(tokens) <= most), -1, -1
    for cue_id in spec.cues:
        for m in seen.own_words(cue_id):
            yield "r:" + cue_id, m.start, m.end
    if spec.punctuation:
        for name, pattern in _PUNCTUATION:
            for m in pattern.finditer(text):
                yield "p:" + name, m.start(), m.end()
    if spec.capitals:
        for m in _SHOUTED.finditer(text):
            yield "k:shouted", m.start(), m.end()
    if spec.polarity:
        yield "s:polarity" + _bucket(sentiment(text)[0]), -1, -1
    if spec.previous:
        before = seen.previous
        yield "prev:" + (before.turn.speaker if before else "none"), -1, -1
        if before is not None and before.turn.speaker != seen.turn.speaker:
            for cue_id in spec.cues:
                if before.own_words(cue_id):
                    yield f"prev:r:{cue_id}", -1, -1


def _bucket(value: float) -> str:
    for bound, name in _POLARITY_BUCKETS:
        if value <= bound if name.startswith("<=") else value < bound:
            return name
    return ">=0.5"


# ---------------------------------------------------------------- the matcher

def probability(weights: dict[str, float], intercept: float, present: Iterable[str]) -> float:
    """The model's probability for a turn with these features: the one definition that
    training (choosing thresholds) and auditing (applying them) share."""
    score = intercept + sum(weights.get(f, 0.0) for f in present)
    return 1 / (1 + math.exp(-score))


@dataclass
class LearnedMatcher:
    cue_id: str
    model: LearnedModel
    runs_last = False   # its features read other cues' own words, never their verdicts

    @classmethod
    def build(cls, cue_id: str, cue: "Cue", checklist: "Checklist") -> "LearnedMatcher":
        model = checklist.learned_models.get(cue_id)
        if model is None:
            raise UserError(f"cue {cue_id!r} of kind learned has no model loaded; load the "
                            f"checklist from its file (load_checklist)")
        return cls(cue_id, model)

    def prepare(self) -> None:
        """Nothing to derive: the weights are read when the checklist loads."""

    def probability(self, seen: "TurnSeen") -> tuple[float, list[tuple[str, int, int]]]:
        found = list(features(seen, self.model.features))
        present = {f[0] for f in found}
        return probability(self.model.weights, self.model.intercept, present), found

    def find_on(self, seen: "TurnSeen") -> list[CueMatch]:
        probability, found = self.probability(seen)
        if probability < self.model.threshold:
            return []
        how = f"model {probability:.2f}"
        return [CueMatch(self.cue_id, s, e, seen.text[s:e], how)
                for s, e in evidence(found, self.model.weights)]


def evidence(found: list[tuple[str, int, int]], weights: dict[str, float]) -> list[tuple[int, int]]:
    """The spans that weighed most for the cue: per span, the summed weights of the features
    found there (a word's own feature and its character n-grams together); the strongest
    positive ones, or the strongest span when none is positive; merged where they overlap,
    in text order. Features without a span are never quoted."""
    by_span: dict[tuple[int, int], float] = {}
    for name, start, end in dict.fromkeys(found):
        if start >= 0:
            by_span[(start, end)] = by_span.get((start, end), 0.0) + weights.get(name, 0.0)
    ranked = sorted(by_span.items(), key=lambda item: (-item[1], item[0]))
    chosen = [span for span, weight in ranked if weight > 0][:EVIDENCE_SPANS] or \
        [span for span, _ in ranked[:1]]
    merged: list[tuple[int, int]] = []
    for start, end in sorted(chosen):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
