"""Amazon Transcribe batch output with speaker diarization or channel identification: no
turns in the file, only word and punctuation ``results.items[]``, each with a
``speaker_label`` (spk_0...) or ``channel_label`` (ch_0...). Consecutive items of one
speaker or channel make one turn. Which label is the agent is not in the file: map it with
``--speaker spk_0=agent`` or let ``--roles infer`` decide."""
from __future__ import annotations

from . import Adapter, Document, dig, register


def _label_of_time(doc: Document) -> dict[str, str]:
    """start_time -> label from speaker_labels.segments or channel_labels.channels, for items
    that carry no label (older outputs)."""
    found = {}
    groups = [(g, "speaker_label") for g in dig(doc.value, "results", "speaker_labels",
                                                 "segments", default=()) or ()]
    groups += [(g, "channel_label") for g in dig(doc.value, "results", "channel_labels",
                                                  "channels", default=()) or ()]
    for group, key in groups:
        for item in group.get("items") or () if isinstance(group, dict) else ():
            if isinstance(item, dict) and "start_time" in item:
                found[item["start_time"]] = item.get(key) or group.get(key)
    return found


def _words(doc: Document):
    """(item, label, content, is_punctuation) in file order."""
    by_time = _label_of_time(doc)
    label = None
    for item in doc.value["results"]["items"]:
        if not isinstance(item, dict):
            continue
        label = (item.get("speaker_label") or item.get("channel_label")
                 or by_time.get(item.get("start_time")) or label)
        content = dig(item, "alternatives", default=[{}])
        content = content[0].get("content") if content and isinstance(content[0], dict) else None
        if isinstance(content, str):
            yield item, label, content, item.get("type") == "punctuation"


def read(doc: Document):
    results = doc.value["results"]
    if not (results.get("speaker_labels") or results.get("channel_labels")):
        yield doc.skip(results, "Transcribe output without speaker_labels or channel_labels: "
                                "run the job with ShowSpeakerLabels or ChannelIdentification")
        return
    conversation_id = doc.value.get("jobName") or doc.stem
    turn_item, turn_label, words = None, None, []
    for item, label, content, punctuation in _words(doc):
        if label != turn_label and words:
            yield _turn(doc, conversation_id, turn_item, turn_label, words)
            words = []
        if not words:
            turn_item, turn_label = item, label
        if punctuation and words:
            words[-1] += content
        else:
            words.append(content)
    if words:
        yield _turn(doc, conversation_id, turn_item, turn_label, words)


def _turn(doc, conversation_id, item, label, words):
    if label is None:
        return doc.skip(item, "words with no speaker or channel label")
    return doc.turn(item, conversation_id=conversation_id, speaker=label, text=" ".join(words),
                    timestamp=item.get("start_time"))


register(Adapter(
    "transcribe",
    "Amazon Transcribe batch output with speaker diarization or channel identification: "
    "results.items[] words with speaker_label (spk_0) or channel_label (ch_0), joined into "
    "turns; map roles with --speaker spk_0=agent or use --roles infer",
    read, needs=("results.items[].alternatives",)))
