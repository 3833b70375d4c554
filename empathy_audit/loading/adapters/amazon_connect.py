"""Amazon Connect: Contact Lens post-call and post-chat analysis, chat transcripts, and
Transcribe Call Analytics output, which share one item shape: ``Transcript[]`` with
``ParticipantRole`` (or a ``ParticipantId`` that is the role, or that ``Participants[]`` names)
and ``Content``. Chat ``EVENT`` items (joined, left, ended) are not turns."""
from __future__ import annotations

from . import Adapter, Document, dig, register


def read(doc: Document):
    value = doc.value
    conversation_id = (dig(value, "CustomerMetadata", "ContactId") or value.get("ContactId")
                       or value.get("JobName") or doc.stem)
    roles = {p.get("ParticipantId"): p.get("ParticipantRole")
             for p in value.get("Participants") or () if isinstance(p, dict)}

    def turn(item):
        if item.get("Type") == "EVENT":
            return doc.event(item, f"event, not a message ({item.get('ContentType', 'EVENT')})")
        participant = item.get("ParticipantId")
        return doc.turn(item, conversation_id=conversation_id,
                        speaker=item.get("ParticipantRole") or roles.get(participant) or participant,
                        text=item.get("Content"),
                        timestamp=item.get("AbsoluteTime") or item.get("BeginOffsetMillis"))
    return doc.each(value["Transcript"], "Transcript", turn)


register(Adapter(
    "amazon-connect",
    "Amazon Connect Contact Lens analysis (voice and chat), Connect chat transcripts, "
    "Transcribe Call Analytics: Transcript[] items with ParticipantRole or ParticipantId "
    "(AGENT/CUSTOMER/SYSTEM) and Content; EVENT items skipped",
    read, needs=("Transcript[].Content",)))
