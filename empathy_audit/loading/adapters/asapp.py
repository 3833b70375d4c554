"""ASAPP Conversation API messages: ``messages[]`` with ``sender.role`` (agent, customer)
and ``text``."""
from __future__ import annotations

from . import Adapter, Document, dig, register


def read(doc: Document):
    conversation_id = doc.value.get("conversationId") or doc.stem

    def turn(message):
        role = dig(message, "sender", "role")
        return doc.turn(message, conversation_id=conversation_id, speaker=role,
                        text=message.get("text"), timestamp=message.get("timestamp"),
                        agent_id=dig(message, "sender", "externalId") if role == "agent" else None)
    return doc.each(doc.value["messages"], "messages", turn)


register(Adapter(
    "asapp",
    "ASAPP Conversation API messages: messages[] with sender.role (agent, customer) and text",
    read, needs=("messages[].sender.role", "messages[].text")))
