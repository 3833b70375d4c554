"""LivePerson Messaging Interactions: ``conversationHistoryRecords[]``, each with ``info``
(``conversationId``) and ``messageRecords[]`` (``sentBy`` Agent or Consumer, text in
``messageData.msg.text``)."""
from __future__ import annotations

from . import Adapter, Document, dig, register

SENT_BY_ROLES = {"agent": "agent", "consumer": "customer"}


def read(doc: Document):
    for record in doc.value["conversationHistoryRecords"]:
        if isinstance(record, dict):
            yield from _messages(doc, record)
        else:
            yield doc.skip(record, "conversationHistoryRecords item is not an object")


def _messages(doc: Document, record: dict):
    info = record.get("info") or {}

    def turn(message):
        text = dig(message, "messageData", "msg", "text")
        if not isinstance(text, str):
            return doc.event(message, f"{message.get('type', 'message')} without text")
        sent_by = message.get("sentBy")
        return doc.turn(message, conversation_id=info.get("conversationId") or doc.stem,
                        speaker=sent_by, role=SENT_BY_ROLES.get(str(sent_by).lower(), "other"),
                        text=text, agent_id=info.get("latestAgentId"), turn=message.get("seq"),
                        timestamp=message.get("time"))
    return doc.each(record.get("messageRecords"), "messageRecords", turn)


register(Adapter(
    "liveperson",
    "LivePerson Messaging Interactions: conversationHistoryRecords[].messageRecords[] with "
    "sentBy (Agent, Consumer) and messageData.msg.text",
    read, needs=("conversationHistoryRecords[].messageRecords",)))
