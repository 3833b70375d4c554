"""Genesys Cloud speech and text analytics transcript, from its documented schema (no real
exported file was found to test against): ``transcripts[].phrases[]`` with ``text`` and
``participantPurpose`` (internal = the agent, external = the customer; acd, ivr: other)."""
from __future__ import annotations

from . import Adapter, Document, register

PURPOSE_ROLES = {"internal": "agent", "agent": "agent", "external": "customer",
                 "customer": "customer"}


def read(doc: Document):
    conversation_id = doc.value.get("conversationId") or doc.stem

    def turn(phrase):
        purpose = phrase.get("participantPurpose")
        return doc.turn(phrase, conversation_id=conversation_id, speaker=purpose,
                        role=PURPOSE_ROLES.get(str(purpose).lower(), "other"),
                        text=phrase.get("text", phrase.get("decoratedText")),
                        timestamp=phrase.get("startTimeMs"))
    for transcript in doc.value["transcripts"]:
        if isinstance(transcript, dict):
            yield from doc.each(transcript.get("phrases"), "phrases", turn)


register(Adapter(
    "genesys",
    "Genesys Cloud transcript (documented schema, untested on a real export): "
    "transcripts[].phrases[] with participantPurpose (internal/external) and text",
    read, needs=("transcripts[].phrases[].participantPurpose",)))
