"""A summary fit for a pull-request comment: verdict line, failed gates, per-agent and
per-behaviour tables, and the worst conversations with what they missed."""
from __future__ import annotations

from ..model import MET, MISSED, NA, AuditResult
from .findings import RenderContext, conversation_misses
from .records import fmt_score

WORST = 5
COMMENT_LIMIT = 65_536    # characters GitHub accepts in a pull-request comment


# A pull-request comment renders HTML, links, images and @mentions: in ids and labels they
# are text. Entities for HTML, a backslash before link and table syntax, a word joiner
# (U+2060, invisible) after @ so no team is notified.
_MARKDOWN_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\\": "\\\\",
                                   "[": "\\[", "]": "\\]", "|": "\\|", "@": "@\u2060"})


def cell(value: object) -> str:
    """Text for Markdown: one line, no markup of its own."""
    return " ".join(str(value).split()).translate(_MARKDOWN_ESCAPES)


def table(header: list[str], rows: list[list[object]], align: str) -> list[str]:
    """``align``: one letter per column, l or r."""
    rule = ["---:" if a == "r" else "---" for a in align]
    lines = ["| " + " | ".join(cell(h) for h in header) + " |", "| " + " | ".join(rule) + " |"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return lines


class Budget:
    """Characters left under GitHub's comment limit: tables stop before it and say how many
    rows they left out, and where to find them all. ``reserve`` keeps room for those notes
    and the headings that follow."""

    def __init__(self, limit: int = COMMENT_LIMIT, reserve: int = 4_000):
        self.left = limit - reserve

    def lines(self, lines: list[str]) -> list[str]:
        self.left -= sum(len(line) + 1 for line in lines)
        return lines

    def table(self, header: list[str], rows: list[list[object]], align: str, what: str,
              where: str) -> list[str]:
        lines = table(header, rows, align)
        out = self.lines(lines[:2])
        for shown, line in enumerate(lines[2:]):
            if len(line) + 1 > self.left:
                return out + ["", f"_{len(rows) - shown} more {what} not shown here: {where}._"]
            out.append(line)
            self.left -= len(line) + 1
        return out


def _percent(rate: float | None) -> str:
    return "–" if rate is None else f"{rate:.0%}"


def render_markdown(result: AuditResult, context: RenderContext = RenderContext()) -> str:
    overall = fmt_score(result.overall_score) or "n/a"
    status = "❌ gates failed" if context.gate_failures else "✅ all gates passed"
    lines = [f"## Empathy audit: {status}", "",
             f"Checklist **{cell(result.checklist_name)}**: overall score **{overall}** over "
             f"{len(result.conversations)} conversation(s), {result.turn_count} turn(s).", ""]
    lines += _gates(context)
    behaviours = ["### Behaviours", ""] + table(
        ["behaviour", "met", "missed", "n/a", "met rate"],
        [[f"{b} ({context.title(b)})", *_counts(result, b)] for b in result.behaviours],
        "lrrrr") + [""]
    worst = _worst(result)
    budget = Budget()     # the agents table gives way to what follows it
    budget.lines(lines + behaviours + worst)
    lines += ["### Agents", ""]
    lines += budget.table(["agent", "conversations", "score", *result.behaviours],
                          [[a.agent_id, a.conversations, fmt_score(a.score) or "–",
                            *(_percent(a.met_rates[b]) for b in result.behaviours)]
                           for a in result.agents], "l" + "r" * (2 + len(result.behaviours)),
                          "agents", "`--export-dir` writes every agent to agents.csv") + [""]
    lines += behaviours + worst
    return "\n".join(lines).rstrip("\n") + "\n"


def _counts(result: AuditResult, behaviour: str) -> list[object]:
    counts = result.behaviour_counts[behaviour]
    applicable = counts[MET] + counts[MISSED]
    return [counts[MET], counts[MISSED], counts[NA],
            _percent(counts[MET] / applicable if applicable else None)]


def _gates(context: RenderContext) -> list[str]:
    if not context.gate_failures:
        return []
    return (["### Failed gates", ""]
            + [f"- **{cell(f.gate)}**: {cell(f.message)}" for f in context.gate_failures] + [""])


def _worst(result: AuditResult) -> list[str]:
    scored = [r for r in result.conversations if r.score is not None and r.score < 100]
    worst = sorted(scored, key=lambda r: (r.score, r.conversation.conversation_id))[:WORST]
    if not worst:
        return []
    rows = [[r.conversation.conversation_id, r.conversation.agent_id, fmt_score(r.score),
             "; ".join(f"{m.behaviour} at {m.source}:{m.line}" for m in conversation_misses(r))]
            for r in worst]
    return ([f"### Worst conversations (lowest {len(worst)})", ""]
            + table(["conversation", "agent", "score", "missed (where)"], rows, "llrl") + [""])
