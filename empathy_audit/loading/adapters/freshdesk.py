"""Freshdesk ticket conversations: a list of entries with ``incoming`` (true: from the
customer), ``private`` (an internal note, not a reply: kept as ``other``, never scored) and an
HTML ``body`` (``body_text`` when there is no body)."""
from __future__ import annotations

from ..html_text import html_to_text
from . import Adapter, Document, register


def read(doc: Document):
    return doc.each(doc.value, "conversation", lambda entry: _turn(doc, entry))


def _turn(doc: Document, entry: dict):
    if entry.get("private"):
        speaker, role = "private note", "other"
    elif entry.get("incoming"):
        speaker, role = "incoming", "customer"
    else:
        speaker, role = "outgoing", "agent"
    body = entry.get("body")
    text = html_to_text(body) if isinstance(body, str) else entry.get("body_text", body)
    return doc.turn(entry, conversation_id=entry.get("ticket_id") or doc.stem,
                    speaker=speaker, role=role, text=text,
                    agent_id=entry.get("user_id") if role == "agent" else None,
                    timestamp=entry.get("created_at"))


register(Adapter(
    "freshdesk",
    "Freshdesk ticket conversations: [] of entries with incoming (customer) or not (agent), "
    "private notes kept as other (never scored), HTML body",
    read, needs=("[].incoming", "[].body")))
