"""Zendesk: Sunshine Conversations messages (``messages[]`` with ``author.type`` user or
business and a ``content`` object) and Support ticket comments (``comments[]`` with
``author_id`` and ``body``). Neither export holds the conversation or ticket id (it is in the
request URL), so the file name is the id unless the document has one."""
from __future__ import annotations

from ..html_text import html_to_text
from . import Adapter, Document, dig, register

SUNSHINE_ROLES = {"user": "customer", "business": "agent"}


def read_sunshine(doc: Document):
    conversation_id = dig(doc.value, "conversation", "id") or doc.stem

    def turn(message):
        text = dig(message, "content", "text")
        if not isinstance(text, str):
            kind = dig(message, "content", "type", default="unknown")
            return doc.event(message, f"{kind} message without text")
        author = dig(message, "author", "type")
        return doc.turn(message, conversation_id=conversation_id, speaker=author,
                        role=SUNSHINE_ROLES.get(str(author), "other"), text=text,
                        timestamp=message.get("received"))
    return doc.each(doc.value["messages"], "messages", turn)


def _requester(doc: Document):
    return doc.value.get("requester_id") or dig(doc.value, "ticket", "requester_id")


def read_comments(doc: Document):
    """Roles from author_id: the ticket's requester (``requester_id`` in the document) is the
    customer, any other author the agent; without a requester, map ids with --speaker."""
    conversation_id = (doc.value.get("ticket_id") or dig(doc.value, "ticket", "id")
                       or doc.stem)
    requester = _requester(doc)

    def turn(comment):
        author = comment.get("author_id")
        if comment.get("public") is False:
            role = "other"   # an internal note: not a reply to the customer, never scored
        elif requester is None:
            role = None
        else:
            role = "customer" if author == requester else "agent"
        text = comment.get("plain_body", comment.get("body"))
        if text is None and isinstance(comment.get("html_body"), str):
            text = html_to_text(comment["html_body"])
        return doc.turn(comment, conversation_id=conversation_id, speaker=author, role=role,
                        text=text, timestamp=comment.get("created_at"))
    return doc.each(doc.value["comments"], "comments", turn)


register(Adapter(
    "zendesk-sunshine",
    "Zendesk Sunshine Conversations messages: messages[] with author.type (user = customer, "
    "business = agent) and content.text; conversation id: the file name",
    read_sunshine, needs=("messages[].author.type", "messages[].content")))
register(Adapter(
    "zendesk-comments",
    "Zendesk Support ticket comments: comments[] with author_id and body; the requester "
    "(requester_id) is the customer, else map ids with --speaker 123=customer; non-public "
    "comments are internal notes (other, never scored)",
    read_comments, needs=("comments[].author_id", "comments[].body")))
