"""GitHub Actions workflow commands: one annotation per missed behaviour, on the line of the
turn that should have shown it, plus one per failed gate.

Escaping follows GitHub's documented syntax (``@actions/core`` ``command.ts``): in the message,
``%`` -> ``%25``, ``\\r`` -> ``%0D``, ``\\n`` -> ``%0A``; in property values also
``:`` -> ``%3A`` and ``,`` -> ``%2C``.
"""
from __future__ import annotations

from collections import Counter

from ..model import AuditResult
from .findings import RenderContext, all_misses


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(level: str, message: str, **properties: str | int) -> str:
    props = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items())
    return f"::{level}{' ' + props if props else ''}::{escape_data(message)}"


def render_github(result: AuditResult, context: RenderContext = RenderContext()) -> str:
    """Critical misses first, at most ``context.max_annotations`` of them, then one notice
    counting the rest by behaviour, then the failed gates."""
    misses = sorted(all_misses(result), key=lambda m: not context.is_critical(m.behaviour))
    shown, rest = misses[:context.max_annotations], misses[context.max_annotations:]
    lines = []
    for miss in shown:
        level = "error" if context.is_critical(miss.behaviour) else "warning"
        title = f"empathy-audit: {miss.behaviour} missed ({context.title(miss.behaviour)})"
        message = (f"Conversation {miss.conversation_id} (agent {miss.agent_id}): "
                   f"{miss.behaviour} missed: {miss.reason}")
        lines.append(command(level, message, file=context.relative(miss.source), line=miss.line,
                             title=title))
    if rest:
        counts = Counter(miss.behaviour for miss in rest)
        lines.append(command("notice", f"{len(rest)} more missed behaviour(s) not annotated "
                             f"(--max-annotations {context.max_annotations}): "
                             + ", ".join(f"{b} {n}" for b, n in counts.items())
                             + "; --format sarif or --export-dir lists them all",
                             title="empathy-audit: more misses"))
    for failure in context.gate_failures:
        lines.append(command("error", failure.message, title=f"empathy-audit gate {failure.gate}"))
    return "".join(line + "\n" for line in lines)
