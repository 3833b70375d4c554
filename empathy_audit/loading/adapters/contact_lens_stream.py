"""Contact Lens real-time segment stream: ``Segments[]`` holding final ``Transcript``
segments, partial ``Utterance`` segments that repeat them, and ``Categories`` segments. Only
the final transcripts are turns; the rest are not reported, being no turn of their own."""
from __future__ import annotations

from . import Adapter, Document, register


def read(doc: Document):
    conversation_id = doc.value.get("ContactId") or doc.stem
    for segment in doc.value["Segments"]:
        final = segment.get("Transcript") if isinstance(segment, dict) else None
        if not isinstance(final, dict):
            continue   # Utterance (partial, repeated by its Transcript) or Categories
        yield doc.turn(final, conversation_id=conversation_id,
                       speaker=final.get("ParticipantRole") or final.get("ParticipantId"),
                       text=final.get("Content"), timestamp=final.get("BeginOffsetMillis"))


register(Adapter(
    "contact-lens-stream",
    "Contact Lens real-time segment stream: Segments[].Transcript (final segments, with "
    "ParticipantRole and Content); partial Utterance segments are ignored",
    read, needs=("Segments[].Transcript",)))
