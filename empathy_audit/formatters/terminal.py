"""Rich tables and the turn-by-turn explanation, for people at a terminal."""
from __future__ import annotations

from rich import box
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ..checklist import Checklist
from ..errors import one_line
from ..model import AGENT, CUSTOMER, MET, MISSED, NA, AuditResult, ConversationResult
from ..scoring import rate
from . import ordering, records

VERDICT_STYLE = {MET: "green", MISSED: "bold red", NA: "dim"}
CUE_STYLE = {CUSTOMER: "bold yellow", AGENT: "bold cyan"}


BAR_WIDTH = 3
_EIGHTHS = " ▏▎▍▌▋▊▉"


def rate_band(rate: float) -> str:
    return "green" if rate >= 0.8 else "yellow" if rate >= 0.5 else "red"


def rate_bar(rate: float, width: int = BAR_WIDTH) -> str:
    """The filled part of a bar ``width`` cells long, in eighths of a cell: 0.5 of 3 -> '█▌'."""
    eighths = round(max(0.0, min(rate, 1.0)) * width * 8)
    full, part = divmod(eighths, 8)
    return "█" * full + (_EIGHTHS[part] if part else "")


def _rate_cell(rate: float | None, bar: bool = False) -> Text:
    if rate is None:
        return Text("–", style="dim")
    number = Text(f"{rate:4.0%}", style=rate_band(rate))
    if not bar:
        return number
    filled = rate_bar(rate)
    return (Text(filled, style=rate_band(rate)) + Text("░" * (BAR_WIDTH - len(filled)), style="dim")
            + Text(" ") + number)


def _limit(rows: list, top: int | None, table: Table, what: str) -> list:
    if top is not None and top < len(rows):
        table.caption = f"{top} of {len(rows)} {what} shown (--top)"
        return rows[:top]
    return rows


def agents_table(result: AuditResult, top: int | None = None) -> Table:
    """Met rates as bars beside the numbers; with --top, the busiest agents first."""
    table = Table(title="Agents (met rate per behaviour)", title_justify="left",
                  box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("agent", overflow="fold", min_width=8)
    table.add_column("convs", justify="right", width=5)
    table.add_column("score", justify="right", width=5)
    for b in result.behaviours:  # fixed width: the header wraps, never the bar and number
        table.add_column(Text(b.replace("_", " "), overflow="fold"), justify="right",
                         width=BAR_WIDTH + 5)
    agents = ordering.busiest_agents_first(result) if top is not None else result.agents
    for a in _limit(agents, top, table, "agents"):
        table.add_row(Text(a.agent_id), str(a.conversations), records.fmt_score(a.score) or "–",
                      *(_rate_cell(a.met_rates[b], bar=True) for b in result.behaviours))
    return table


def conversations_table(result: AuditResult, top: int | None = None) -> Table:
    """Lowest-scoring conversations first, with every verdict."""
    table = Table(title="Conversations, lowest scores first", title_justify="left")
    for column in ("conversation", "agent", "turns", "score", *result.behaviours):
        table.add_column(column, justify="right" if column in ("turns", "score") else "left")
    rows = ordering.worst_conversations_first(result)
    for r in _limit(rows, top, table, "conversations"):
        table.add_row(Text(r.conversation.conversation_id), Text(r.conversation.agent_id),
                      str(len(r.conversation.turns)), records.fmt_score(r.score) or "–",
                      *(Text(r.verdicts[b].verdict, style=VERDICT_STYLE[r.verdicts[b].verdict])
                        for b in result.behaviours))
    return table


def behaviours_table(result: AuditResult, top: int | None = None) -> Table:
    table = Table(title="Behaviours", title_justify="left")
    for column in ("behaviour", "met", "missed", "n/a", "met rate"):
        table.add_column(column, justify="left" if column == "behaviour" else "right")
    for b in _limit(result.behaviours, top, table, "behaviours"):
        counts = result.behaviour_counts[b]
        table.add_row(b, str(counts[MET]), str(counts[MISSED]), str(counts[NA]),
                      _rate_cell(rate(counts[MET], counts[MISSED]), bar=True))
    return table


TABLES = {"agent": agents_table, "behaviour": behaviours_table,
          "conversation": conversations_table}


def print_audit(result: AuditResult, console: Console, by: str | None = None,
                top: int | None = None) -> None:
    """The agents and behaviours tables, or only the one ``by`` names."""
    for name in [by] if by else ["agent", "behaviour"]:
        console.print(TABLES[name](result, top))
    overall = records.fmt_score(result.overall_score) or "n/a"
    console.print(f"Overall score: [bold]{overall}[/bold]")
    console.print(records.summary_line(result), markup=False, highlight=False, soft_wrap=True)
    for note in result.report.notes:
        console.print(one_line(f"note: {note}"), markup=False, highlight=False, soft_wrap=True)


def highlighted(text: str, cues, style: str) -> Text:
    rendered = Text(text)
    for m in cues:
        if m.end > m.start and not m.how.startswith("via "):
            rendered.stylize(f"{style} underline", m.start, m.end)
    return rendered


def explain_view(result: ConversationResult, checklist: Checklist,
                 window: range | None = None) -> Group:
    """The conversation turn by turn (only the turns in ``window`` if given), then verdicts."""
    conversation = result.conversation
    met, missed = records.behaviours_by_turn(result)
    parts = [Text(f"Conversation {conversation.conversation_id} — agent {conversation.agent_id} "
                  f"— {conversation.source}:{conversation.line}", style="bold")]
    if window is not None:
        parts.append(Text(f"turns {window.start} to {window.stop - 1} of "
                          f"0 to {len(conversation.turns) - 1}", style="dim"))
    for turn, cues in zip(conversation.turns, result.cues):
        if window is not None and turn.index not in window:
            continue
        lines = [highlighted(turn.text, cues, CUE_STYLE.get(turn.speaker, "bold"))]
        seen = dict.fromkeys(m.cue for m in cues)
        for cue in seen:
            words = [m for m in cues if m.cue == cue]
            shown = ", ".join(f'"{m.text}" [{m.start}:{m.end}]' + ("" if m.how == "words" else f" ({m.how})")
                              for m in words[:4])
            lines.append(Text(f"  cue {cue}: ", style="dim") + Text(shown))
        for bid in met.get(turn.index, []):
            lines.append(Text(f"  ✓ {bid}", style="green"))
        for bid in missed.get(turn.index, []):
            lines.append(Text(f"  ✗ {bid} expected here: {result.verdicts[bid].reason}",
                              style="bold red"))
        title = f"turn {turn.index} · {turn.speaker}" + (
            f" ({turn.raw_speaker})" if turn.raw_speaker.lower() != turn.speaker else "") + (
            " inferred" if turn.role_inferred else "")
        parts.append(Panel(Group(*lines), title=Text(title), title_align="left",
                           border_style={AGENT: "cyan", CUSTOMER: "yellow"}.get(turn.speaker, "dim")))
    table = Table(title="Verdicts", title_justify="left")
    for column in ("behaviour", "verdict", "why"):
        table.add_column(column)
    for bid, verdict in result.verdicts.items():
        table.add_row(Text(f"{bid} — {checklist.behaviours[bid].title}"),
                      Text(verdict.verdict, style=VERDICT_STYLE[verdict.verdict]),
                      Text(verdict.reason))
    parts.append(table)
    parts.append(Text(f"Score: {records.fmt_score(result.score) or 'n/a (nothing applied)'}",
                      style="bold"))
    return Group(*parts)


def checklist_view(checklist: Checklist) -> Group:
    parts = [Text(f"Checklist {checklist.name}: {checklist.description}", style="bold")]
    for bid, b in checklist.behaviours.items():
        applies = (f"a customer turn shows {b.applies_when.customer_cue}"
                   if b.applies_when.customer_cue else "the agent replies to the customer")
        rule = b.met_when
        how = {"any": f"an agent turn shows {rule.agent_cue}",
               "share": f"at least {rule.min_share:.0%} of the turns show {rule.agent_cue}",
               "none": f"no agent turn shows {rule.agent_cue}"}[rule.rule]
        where = {"first_reply": "in the first reply after it", "replies": "in the replies after it",
                 "all": "in any agent turn"}[rule.turns]
        if rule.from_cue:
            where += f", from the first {rule.from_cue} on"
        body = [Text(b.description), Text(f"Applies when: {applies}."),
                Text(f"Met when: {how}, {where}."),
                Text(f"Weight {b.weight:g}" + (", critical" if b.critical else ""))]
        if b.example:
            body += [Text("Meets: ", style="green") + Text(b.example.meets),
                     Text("Misses: ", style="red") + Text(b.example.misses)]
        parts.append(Panel(Group(*body), title=Text(f"{bid} — {b.title}"), title_align="left"))
    return Group(*parts)
