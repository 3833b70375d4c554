"""Twilio: Conversations messages (``messages[]`` with ``author``, an identity, and
``body``; null for media) and Conversational Intelligence transcript sentences
(``sentences[]`` with ``media_channel``, a number, and ``transcript``). Neither names roles:
map them with --speaker (``--speaker alice=customer``, ``--speaker ch_1=customer``) or use
``--roles infer``."""
from __future__ import annotations

import re

from . import Adapter, Document, dig, register

_TRANSCRIPT_SID = re.compile(r"/Transcripts/(GT[0-9a-fA-F]{1,64})")


def read_messages(doc: Document):
    def turn(message):
        if message.get("body") is None:
            return doc.event(message, "media message without text" if message.get("media")
                            else "message without a body")
        return doc.turn(message, conversation_id=message.get("conversation_sid") or doc.stem,
                        speaker=message.get("author"), text=message.get("body"),
                        timestamp=message.get("date_created"))
    return doc.each(doc.value["messages"], "messages", turn)


def read_sentences(doc: Document):
    url = dig(doc.value, "meta", "url")
    found = _TRANSCRIPT_SID.search(url) if isinstance(url, str) else None
    conversation_id = found.group(1) if found else doc.stem

    def turn(sentence):
        channel = sentence.get("media_channel")
        return doc.turn(sentence, conversation_id=conversation_id,
                        speaker=f"ch_{channel}" if channel is not None else None,
                        text=sentence.get("transcript"), turn=sentence.get("sentence_index"),
                        timestamp=sentence.get("start_time"))
    return doc.each(doc.value["sentences"], "sentences", turn)


register(Adapter(
    "twilio-conversations",
    "Twilio Conversations messages: messages[] with author (an identity: map it with "
    "--speaker NAME=agent) and body; media-only messages skipped",
    read_messages, needs=("messages[].author", "messages[].conversation_sid")))
register(Adapter(
    "twilio-intelligence",
    "Twilio Conversational Intelligence transcript sentences: sentences[] with media_channel "
    "(speaker ch_N: map it with --speaker ch_1=customer) and transcript",
    read_sentences, needs=("sentences[].transcript", "sentences[].media_channel")))
