"""Intercom conversation: the opening message in ``source``, then
``conversation_parts.conversation_parts[]``; ``author.type`` admin (agent), user or lead or
contact (customer), bot or team (other); bodies are HTML. Parts without a body (assignments,
attribute updates, custom actions) are events, not turns."""
from __future__ import annotations

from ..html_text import html_to_text
from . import Adapter, Document, dig, register

AUTHOR_ROLES = {"admin": "agent", "user": "customer", "lead": "customer", "contact": "customer",
                "bot": "other", "team": "other"}


def _part(doc: Document, part, conversation_id):
    if not isinstance(part, dict):
        return doc.skip(part, "conversation part is not an object")
    body = part.get("body")
    if body is None or body == "":
        return doc.event(part, f"{part.get('part_type') or 'part'} without a body: an event, "
                              f"not a message")
    author = dig(part, "author", "type")
    return doc.turn(part, conversation_id=conversation_id, speaker=author,
                    role=AUTHOR_ROLES.get(str(author), "other"),
                    text=html_to_text(body) if isinstance(body, str) else body,
                    agent_id=dig(part, "author", "name") if author == "admin" else None,
                    timestamp=part.get("created_at"))


def read(doc: Document):
    conversation_id = doc.value.get("id") or doc.stem
    source = doc.value.get("source")
    if isinstance(source, dict):
        yield _part(doc, source, conversation_id)
    parts = dig(doc.value, "conversation_parts", "conversation_parts", default=())
    for part in parts:
        yield _part(doc, part, conversation_id)


register(Adapter(
    "intercom",
    "Intercom conversation: source and conversation_parts.conversation_parts[] with "
    "author.type (admin = agent, user/lead = customer, bot = other) and HTML body",
    read, needs=("source.body", "conversation_parts.conversation_parts")))
