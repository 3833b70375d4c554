"""AWS Post-Call Analytics parsed output: ``SpeechSegments[]`` with ``SegmentSpeaker``
(spk_0, spk_1...) named in ``ConversationAnalytics.SpeakerLabels`` (Agent, Customer)."""
from __future__ import annotations

from . import Adapter, Document, register


def _known(value) -> str | None:
    return value if isinstance(value, str) and value not in ("", "None") else None


def read(doc: Document):
    analytics = doc.value.get("ConversationAnalytics") or {}
    named = {label.get("Speaker"): label.get("DisplayText")
             for label in analytics.get("SpeakerLabels") or () if isinstance(label, dict)}
    conversation_id = _known(analytics.get("GUID")) or doc.stem
    agent_id = _known(analytics.get("Agent"))
    return doc.each(doc.value["SpeechSegments"], "SpeechSegments", lambda segment: doc.turn(
        segment, conversation_id=conversation_id, speaker=segment.get("SegmentSpeaker"),
        role=named.get(segment.get("SegmentSpeaker")), agent_id=agent_id,
        text=segment.get("DisplayText", segment.get("OriginalText")),
        timestamp=segment.get("SegmentStartTime")))


register(Adapter(
    "aws-pca",
    "AWS Post-Call Analytics parsed output: SpeechSegments[] with SegmentSpeaker and "
    "DisplayText; speakers named in ConversationAnalytics.SpeakerLabels",
    read, needs=("SpeechSegments[].SegmentSpeaker",)))
