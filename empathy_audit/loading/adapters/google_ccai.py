"""Google Contact Center AI Insights conversation: ``entries[]`` with ``role`` (AGENT,
CUSTOMER/END_USER) and ``text``. The export has no conversation id: the file name is."""
from __future__ import annotations

from . import Adapter, Document, register


# Dialogflow participant roles, which Insights entries may carry too.
PARTICIPANT_ROLES = {"HUMAN_AGENT": "agent", "AUTOMATED_AGENT": "other", "END_USER": "customer"}


def read(doc: Document):
    return doc.each(doc.value["entries"], "entries", lambda entry: doc.turn(
        entry, conversation_id=doc.stem, speaker=entry.get("role"),
        role=PARTICIPANT_ROLES.get(str(entry.get("role")).upper()), text=entry.get("text"),
        timestamp=entry.get("start_timestamp_usec")))


register(Adapter(
    "google-ccai",
    "Google Contact Center AI Insights: entries[] with role (AGENT, CUSTOMER) and text; "
    "the conversation id is the file name",
    read, needs=("entries[].role", "entries[].text")))
