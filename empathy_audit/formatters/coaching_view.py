"""The `coach` view: per behaviour, the agent's own missed turns beside a colleague's met one."""
from __future__ import annotations

from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ..coaching import CoachingPlan, CoachingTopic, TurnExample
from ..model import AGENT, CUSTOMER
from . import records
from .terminal import CUE_STYLE, highlighted

MAX_CHARS = 600


def coaching_view(plan: CoachingPlan) -> Group:
    score = records.fmt_score(plan.score) or "n/a"
    parts: list = [Text(f"Coaching for {plan.agent_id}: {plan.conversations} conversation(s), "
                        f"score {score}", style="bold")]
    if not plan.topics:
        parts.append(Text("No behaviour was missed in this agent's conversations.", style="green"))
    for rank, topic in enumerate(plan.topics, 1):
        parts.append(_topic_panel(rank, topic))
    return Group(*parts)


def _topic_panel(rank: int, topic: CoachingTopic) -> Panel:
    table = Table(expand=True, show_lines=True)
    table.add_column("Their turn (missed)", ratio=1)
    table.add_column("A colleague's turn (met), same customer cue", ratio=1)
    for pair in topic.pairs:
        colleague = (_example(pair.colleague, f"{pair.colleague.agent_id}, shared cue: "
                              f"{', '.join(pair.shared_cues)}") if pair.colleague else
                     Text("No colleague met it after a customer turn with the same cues.",
                          style="dim"))
        table.add_row(_example(pair.missed, "missed"), colleague)
    share = f"{topic.missed / topic.applicable:.0%}" if topic.applicable else "n/a"
    title = (f"{rank}. {topic.behaviour}: missed in {topic.missed} of {topic.applicable} "
             f"conversation(s) where it applied ({share})")
    return Panel(table, title=title, title_align="left", border_style="red")


def _example(example: TurnExample, note: str) -> Group:
    lines = [Text(f"{example.conversation_id} · {note}", style="dim"),
             Text("customer: ", style="bold") + _turn_text(example.customer_turn.text,
                                                          example.customer_cues, CUSTOMER)]
    if example.agent_turn is not None:
        lines.append(Text(f"agent (turn {example.agent_turn.number}): ", style="bold")
                     + _turn_text(example.agent_turn.text, example.agent_cues, AGENT))
    return Group(*lines)


def _turn_text(text: str, cues, speaker: str) -> Text:
    shown = highlighted(text, cues, CUE_STYLE[speaker])
    if len(text) > MAX_CHARS:
        shown = shown[:MAX_CHARS] + Text("…")
    return shown
