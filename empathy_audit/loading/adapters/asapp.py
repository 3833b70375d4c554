"""ASAPP Conversation API messages: ``messages[]`` with ``sender.role`` (agent, customer)
and ``text``."""
from __future__ import annotations

from . import Adapter, Document, dig, register


def read(doc: Document):
    conversation_id = doc.value.get("conversationId") or doc.stem
    for message in doc.value["messages"]:
        if not isinstance(message, dict):
            yield doc.skip(message, "messages item is not an object")
            continue
        yield doc.turn(message, conversation_id=conversation_id,
                       speaker=dig(message, "sender", "role"), text=message.get("text"),
                       agent_id=dig(message, "sender", "externalId")
                       if dig(message, "sender", "role") == "agent" else None,
                       timestamp=message.get("timestamp"))


register(Adapter(
    "asapp",
    "ASAPP Conversation API messages: messages[] with sender.role (agent, customer) and text",
    read, needs=("messages[].sender.role", "messages[].text")))
