"""Compare two export directories (``audit --export-dir``): per-agent and per-behaviour
deltas, and the conversations whose verdicts flipped. Reads agents.csv and conversations.csv
only; no terminal code."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import UserError
from ..formatters.csv_export import unsafe_cell
from .snapshots import verdict_columns
from ..loading import read_csv_file
from ..model import MET, MISSED
from ..scoring import met_rate


@dataclass(frozen=True, slots=True)
class ExportTables:
    directory: str
    behaviours: list[str]
    agents: dict[str, dict[str, str]]          # agent_id -> agents.csv row
    verdicts: dict[str, dict[str, str]]        # conversation_id -> behaviour -> verdict


@dataclass(frozen=True, slots=True)
class Delta:
    name: str
    old: float | None
    new: float | None

    @property
    def change(self) -> float | None:
        return None if self.old is None or self.new is None else self.new - self.old


@dataclass(frozen=True, slots=True)
class Flip:
    conversation_id: str
    behaviour: str
    old: str
    new: str


@dataclass(slots=True)
class ExportDiff:
    behaviours: list[str]
    agent_scores: list[Delta] = field(default_factory=list)
    agent_rates: dict[str, list[Delta]] = field(default_factory=dict)  # agent -> per behaviour
    behaviour_rates: list[Delta] = field(default_factory=list)
    newly_missed: list[Flip] = field(default_factory=list)
    newly_met: list[Flip] = field(default_factory=list)
    other_flips: list[Flip] = field(default_factory=list)             # to or from n/a
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def _read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    if not path.is_file():
        raise UserError("missing export file (write it with audit --export-dir)", file=str(path))
    header, rows = read_csv_file(path)
    return header, [{k: unsafe_cell(v) for k, v in row.items()} for _, row in rows]


def read_export(directory: Path) -> ExportTables:
    if not directory.is_dir():
        raise UserError("no such export directory", file=str(directory))
    columns, conversations = _read_csv(directory / "conversations.csv")
    for key in ("conversation_id", "agent_id"):
        if key not in columns:
            raise UserError(f"missing column {key!r}", file=str(directory / "conversations.csv"),
                            line=1, key=key)
    behaviours = verdict_columns(columns)
    _, agents = _read_csv(directory / "agents.csv")
    return ExportTables(str(directory), behaviours,
                        {a.get("agent_id", ""): a for a in agents},
                        {c["conversation_id"]: {b: c[b] for b in behaviours} for c in conversations})


def _number(text: str | None) -> float | None:
    try:
        return float(text) if text not in (None, "") else None
    except ValueError:
        return None


def _met_rate(tables: ExportTables, behaviour: str) -> float | None:
    return met_rate([v.get(behaviour) for v in tables.verdicts.values()])


def diff_exports(old: ExportTables, new: ExportTables) -> ExportDiff:
    behaviours = list(dict.fromkeys([*old.behaviours, *new.behaviours]))
    diff = ExportDiff(behaviours)
    for agent in sorted(set(old.agents) | set(new.agents)):
        before, after = old.agents.get(agent, {}), new.agents.get(agent, {})
        diff.agent_scores.append(Delta(agent, _number(before.get("score")),
                                       _number(after.get("score"))))
        diff.agent_rates[agent] = [Delta(b, _number(before.get(f"{b}_met_rate")),
                                         _number(after.get(f"{b}_met_rate"))) for b in behaviours]
    diff.behaviour_rates = [Delta(b, _met_rate(old, b), _met_rate(new, b)) for b in behaviours]
    for conversation_id, after in new.verdicts.items():
        before = old.verdicts.get(conversation_id)
        if before is None:
            diff.added.append(conversation_id)
            continue
        for b in behaviours:
            flip = Flip(conversation_id, b, before.get(b, "absent"), after.get(b, "absent"))
            if flip.old == flip.new:
                continue
            if flip.new == MISSED and flip.old == MET:
                diff.newly_missed.append(flip)
            elif flip.new == MET and flip.old == MISSED:
                diff.newly_met.append(flip)
            else:
                diff.other_flips.append(flip)
    diff.removed = [c for c in old.verdicts if c not in new.verdicts]
    return diff
