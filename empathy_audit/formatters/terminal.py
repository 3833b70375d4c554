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


def _header(behaviour: str) -> Text:
    return Text(behaviour.replace("_", " "))


def _header_width(behaviour: str) -> int:
    """Wide enough for the bar and number, and for the header's longest word unbroken."""
    return max(BAR_WIDTH + 5, *(len(word) for word in behaviour.split("_")))


def _codes(behaviours: list[str]) -> dict[str, str]:
    return {b: f"B{n}" for n, b in enumerate(behaviours, 1)}


def _legend(behaviours: list[str]) -> str:
    return "  ".join(f"{code}={b}" for b, code in _codes(behaviours).items())


def _agents_frame(result: AuditResult, top: int | None, title: str,
                  score: bool = True) -> tuple[Table, list]:
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("agent", no_wrap=True)
    table.add_column("convs", justify="right", width=5)
    if score:
        table.add_column("score", justify="right", width=5)
    agents = ordering.busiest_agents_first(result) if top is not None else result.agents
    return table, _limit(agents, top, table, "agents")


def agents_table(result: AuditResult, top: int | None = None) -> Table:
    """Met rates as bars beside the numbers; with --top, the busiest agents first."""
    table, agents = _agents_frame(result, top, "Agents (met rate per behaviour)")
    for b in result.behaviours:
        table.add_column(_header(b), justify="right", width=_header_width(b))
    for a in agents:
        table.add_row(Text(a.agent_id), str(a.conversations), records.fmt_score(a.score) or "–",
                      *(_rate_cell(a.met_rates[b], bar=True) for b in result.behaviours))
    return table


def compact_agents_table(result: AuditResult, top: int | None = None) -> Table:
    """The same numbers without bars, under short headers B1, B2... and a legend."""
    table, agents = _agents_frame(result, top, "Agents (met rate per behaviour)")
    for code in _codes(result.behaviours).values():
        table.add_column(code, justify="right", no_wrap=True)
    for a in agents:
        table.add_row(Text(a.agent_id), str(a.conversations), records.fmt_score(a.score) or "–",
                      *(_rate_cell(a.met_rates[b]) for b in result.behaviours))
    table.caption = "  ".join(filter(None, [table.caption, _legend(result.behaviours)]))
    table.caption_justify = "left"
    return table


def agents_per_behaviour(result: AuditResult, top: int | None = None) -> Group:
    """The narrowest layout: one small table per behaviour."""
    tables = []
    for b in result.behaviours:
        table, agents = _agents_frame(result, top, f"Agents: {b}", score=False)
        table.add_column("met rate", justify="right", no_wrap=True)
        for a in agents:
            table.add_row(Text(a.agent_id), str(a.conversations), _rate_cell(a.met_rates[b]))
        tables.append(table)
    return Group(*tables)


def _conversations_frame(result: AuditResult, top: int | None) -> tuple[Table, list]:
    table = Table(title="Conversations, lowest scores first", title_justify="left",
                  box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("conversation", no_wrap=True)
    table.add_column("agent", no_wrap=True)
    table.add_column("turns", justify="right")
    table.add_column("score", justify="right")
    rows = _limit(ordering.worst_conversations_first(result), top, table, "conversations")
    return table, rows


def _conversation_cells(r: ConversationResult) -> list:
    """Ids as Text: a [bracketed] id is not Rich markup."""
    return [Text(r.conversation.conversation_id), Text(r.conversation.agent_id),
            str(len(r.conversation.turns)), records.fmt_score(r.score) or "–"]


def conversations_table(result: AuditResult, top: int | None = None) -> Table:
    """Lowest-scoring conversations first, with every verdict."""
    table, rows = _conversations_frame(result, top)
    for b in result.behaviours:
        table.add_column(_header(b), min_width=max(len(w) for w in b.split("_")))
    for r in rows:
        table.add_row(*_conversation_cells(r),
                      *(Text(r.verdicts[b].verdict, style=VERDICT_STYLE[r.verdicts[b].verdict])
                        for b in result.behaviours))
    return table


def conversations_missed(result: AuditResult, top: int | None = None) -> Table:
    """The narrow layout: the behaviours each conversation missed, in one wrapping column."""
    table, rows = _conversations_frame(result, top)
    table.add_column("missed", min_width=max(map(len, result.behaviours), default=6))
    for r in rows:
        missed = [b for b in result.behaviours if r.verdicts[b].verdict == MISSED]
        table.add_row(*_conversation_cells(r), Text(", ".join(missed) or "–",
                                                    style="bold red" if missed else "dim"))
    return table


def conversations_list(result: AuditResult, top: int | None = None) -> Group:
    """The narrowest layout: two lines per conversation, wrapped between words only."""
    rows = ordering.worst_conversations_first(result)
    lines = [Text("Conversations, lowest scores first", style="italic")]
    for r in rows[:top]:
        conversation_id, agent, turns, score = map(str, _conversation_cells(r))
        missed = [b for b in result.behaviours if r.verdicts[b].verdict == MISSED]
        lines += [Text(f"{conversation_id}  agent {agent}  turns {turns}  score {score}"),
                  Text(f"  missed: {', '.join(missed) or 'nothing'}",
                       style="bold red" if missed else "dim")]
    if top is not None and top < len(rows):
        lines.append(Text(f"{top} of {len(rows)} conversations shown (--top)"))
    return Group(*lines)


def behaviours_list(result: AuditResult, top: int | None = None) -> Group:
    lines = [Text("Behaviours", style="italic")]
    for b in result.behaviours[:top]:
        counts = result.behaviour_counts[b]
        met_rate = rate(counts[MET], counts[MISSED])
        lines.append(Text(f"{b}: met {counts[MET]}, missed {counts[MISSED]}, n/a {counts[NA]}, "
                          f"met rate {'–' if met_rate is None else f'{met_rate:.0%}'}"))
    return Group(*lines)


def behaviours_table(result: AuditResult, top: int | None = None) -> Table:
    table = Table(title="Behaviours", title_justify="left")
    table.add_column("behaviour", no_wrap=True)
    for column in ("met", "missed", "n/a", "met rate"):
        table.add_column(column, justify="right", no_wrap=True)
    for b in _limit(result.behaviours, top, table, "behaviours"):
        counts = result.behaviour_counts[b]
        table.add_row(b, str(counts[MET]), str(counts[MISSED]), str(counts[NA]),
                      _rate_cell(rate(counts[MET], counts[MISSED]), bar=True))
    return table


# Each table's layouts, widest first: the first that fits the console is printed, so ids
# never wrap or get cut, whatever the width.
TABLES = {"agent": (agents_table, compact_agents_table, agents_per_behaviour),
          "behaviour": (behaviours_table, behaviours_list),
          "conversation": (conversations_table, conversations_missed, conversations_list)}


def fitting(console: Console, layouts, result: AuditResult, top: int | None):
    unbounded = console.options.update(max_width=10_000)   # the width each layout wants
    for layout in layouts:
        view = layout(result, top)
        if console.measure(view, options=unbounded).maximum <= console.width:
            return view
    return view


def print_audit(result: AuditResult, console: Console, by: str | None = None,
                top: int | None = None) -> None:
    """The agents and behaviours tables, or only the one ``by`` names."""
    for name in [by] if by else ["agent", "behaviour"]:
        console.print(fitting(console, TABLES[name], result, top))
    overall = records.fmt_score(result.overall_score) or "n/a"
    console.print(f"Overall score: [bold]{overall}[/bold]")
    say(console, records.summary_line(result))
    for note in result.report.notes:
        say(console, f"note: {note}")


def say(console: Console, message: str) -> None:
    """One message, one line, at any terminal width: never wrapped, never read as markup,
    its own line breaks escaped."""
    console.print(one_line(message), markup=False, highlight=False, soft_wrap=True)


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
        turns = conversation.turns
        parts.append(Text(f"turns {turns[window.start].number} to {turns[window.stop - 1].number}"
                          f" of {turns[0].number} to {turns[-1].number}", style="dim"))
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
        title = f"turn {turn.number} · {turn.speaker}" + (
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
    parts.append(cues_table(checklist))
    return Group(*parts)


def cues_table(checklist: Checklist) -> Table:
    """What every cue the behaviours name means, and whose turns it is looked for on."""
    table = Table(title="Cues", title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("cue", no_wrap=True)
    table.add_column("on", no_wrap=True)
    table.add_column("means")
    for cid, cue in checklist.cues.items():
        table.add_row(Text(cid), cue.speaker, Text(cue.description or "(no description)"))
    return table
