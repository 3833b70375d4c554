"""LivePerson Messaging Interactions: ``conversationHistoryRecords[]``, each with ``info``
(``conversationId``) and ``messageRecords[]`` (``sentBy`` Agent or Consumer, text in
``messageData.msg.text``)."""
from __future__ import annotations

from . import Adapter, Document, dig, register

SENT_BY_ROLES = {"agent": "agent", "consumer": "customer"}


def read(doc: Document):
    for record in doc.value["conversationHistoryRecords"]:
        if not isinstance(record, dict):
            yield doc.skip(record, "conversationHistoryRecords item is not an object")
            continue
        conversation_id = dig(record, "info", "conversationId") or doc.stem
        for message in record.get("messageRecords") or ():
            if not isinstance(message, dict):
                yield doc.skip(message, "messageRecords item is not an object")
                continue
            text = dig(message, "messageData", "msg", "text")
            if not isinstance(text, str):
                yield doc.skip(message, f"{message.get('type', 'message')} without text")
                continue
            sent_by = message.get("sentBy")
            yield doc.turn(message, conversation_id=conversation_id, speaker=sent_by,
                           role=SENT_BY_ROLES.get(str(sent_by).lower(), "other"), text=text,
                           agent_id=dig(record, "info", "latestAgentId"),
                           turn=message.get("seq"), timestamp=message.get("time"))


register(Adapter(
    "liveperson",
    "LivePerson Messaging Interactions: conversationHistoryRecords[].messageRecords[] with "
    "sentBy (Agent, Consumer) and messageData.msg.text",
    read, needs=("conversationHistoryRecords[].messageRecords",)))
