"""Render an :class:`ExportDiff`: markdown (readable in a terminal and in a PR comment) or JSON."""
from __future__ import annotations

import json
from collections import Counter

from ..gates.diff import Delta, ExportDiff, Flip
from .markdown import Budget, cell, table


def _value(value: float | None, percent: bool) -> str:
    if value is None:
        return "–"
    return f"{value:.0%}" if percent else f"{value:.1f}"


def _change(delta: Delta, percent: bool) -> str:
    change = delta.change
    if change is None:
        return "–"
    if percent:
        return f"{change * 100:+.0f} pts"
    return f"{change:+.1f}"


def _delta_cells(delta: Delta, percent: bool) -> list[str]:
    return [_value(delta.old, percent), _value(delta.new, percent), _change(delta, percent)]


def _changed(delta: Delta, rates: list[Delta]) -> bool:
    return any(d.old != d.new for d in (delta, *rates))


def render_diff_markdown(diff: ExportDiff, old: str, new: str) -> str:
    """Fits a pull-request comment: agents that did not change are left out, verdict changes
    are counted per behaviour, and long lists stop at GitHub's limit, saying what is left."""
    full = f"`empathy-audit diff {cell(old)} {cell(new)} --format json` lists them all"
    budget = Budget()
    lines = budget.lines([
        f"## Empathy audit diff: `{cell(old)}` → `{cell(new)}`", "",
        f"{len(diff.newly_missed)} newly missed, {len(diff.newly_met)} newly met, "
        f"{len(diff.other_flips)} other change(s); {len(diff.added)} conversation(s) added, "
        f"{len(diff.removed)} removed.", "", "### Behaviours (met rate)", ""])
    lines += budget.lines(table(["behaviour", "old", "new", "change"],
                                [[d.name, *_delta_cells(d, True)] for d in diff.behaviour_rates],
                                "lrrr"))
    flips = (("Newly missed", diff.newly_missed), ("Newly met", diff.newly_met),
             ("Other verdict changes", diff.other_flips))
    counted = [[title, behaviour, n] for title, found in flips
               for behaviour, n in Counter(f.behaviour for f in found).items()]
    if counted:
        lines += budget.lines(["", "### Verdict changes by behaviour", ""]
                              + table(["change", "behaviour", "conversations"], counted, "llr"))
    changed = [d for d in diff.agent_scores if _changed(d, diff.agent_rates[d.name])]
    lines += budget.lines(["", f"### Agents ({len(changed)} changed, "
                               f"{len(diff.agent_scores) - len(changed)} unchanged not listed)", ""])
    header = ["agent", "old score", "new score", "change",
              *(f"{b} change" for b in diff.behaviours)]
    rows = [[d.name, *_delta_cells(d, False),
             *(_change(r, True) for r in diff.agent_rates[d.name])] for d in changed]
    lines += budget.table(header, rows, "l" + "r" * (len(header) - 1), "agents", full)
    for title, found in flips:
        if found:
            lines += budget.lines(["", f"### {title}", ""])
            lines += budget.table(["conversation", "behaviour", "old", "new"],
                                  [[f.conversation_id, f.behaviour, f.old, f.new] for f in found],
                                  "llll", "verdict changes", full)
    for title, ids in (("Added conversations", diff.added), ("Removed conversations", diff.removed)):
        if ids:
            lines += budget.lines(["", f"### {title}", ""])
            lines += budget.table(["conversation"], [[i] for i in ids], "l", "conversations",
                                  full)
    return "\n".join(lines) + "\n"


def _flip(f: Flip) -> dict:
    return {"conversation_id": f.conversation_id, "behaviour": f.behaviour, "old": f.old,
            "new": f.new}


def _delta(d: Delta) -> dict:
    change = d.change
    return {"old": d.old, "new": d.new, "change": None if change is None else round(change, 4)}


def render_diff_json(diff: ExportDiff, old: str, new: str) -> str:
    document = {
        "old": old, "new": new,
        "behaviours": {d.name: _delta(d) for d in diff.behaviour_rates},
        "agents": {d.name: {"score": _delta(d),
                            "met_rates": {r.name: _delta(r) for r in diff.agent_rates[d.name]}}
                   for d in diff.agent_scores},
        "newly_missed": [_flip(f) for f in diff.newly_missed],
        "newly_met": [_flip(f) for f in diff.newly_met],
        "other_changes": [_flip(f) for f in diff.other_flips],
        "added": diff.added, "removed": diff.removed,
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
