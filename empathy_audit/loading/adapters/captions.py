"""Call captions: WebVTT (``<v Name>`` voice tags) and SRT (a ``Name:`` prefix in the cue
text). Consecutive cues of one speaker make one turn; a cue with no speaker continues the
previous one. A file where no cue names its speaker cannot tell agent from customer: error."""
from __future__ import annotations

import re
from dataclasses import dataclass

from ...errors import UserError
from ..core import RawTurn
from ..html_text import html_to_text
from . import Adapter, Document, register

_VOICE = re.compile(r"^\s*<v(?:\.[\w.-]{1,40})?\s+([^>]{1,80})>")
_TAG = re.compile(r"</?[a-zA-Z][^<>]{0,200}>|<\d[\d:.]{0,20}>")
_PREFIX = re.compile(r"^\s*(?:-\s*)?([A-Za-z][\w'.-]{0,30}(?: [\w'.-]{1,30}){0,2})\s*:\s+")
_TIMING = "-->"


@dataclass
class Cue:
    line: int          # the cue's first line (identifier or timing)
    start: str
    speaker: str | None
    text: str


def _blocks(text: str):
    """(first line number, lines) of each blank-line-separated block."""
    block, first = [], 0
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            if not block:
                first = number
            block.append(line)
        elif block:
            yield first, block
            block = []
    if block:
        yield first, block


def _cues(text: str):
    for first, lines in _blocks(text):
        timing = next((i for i, line in enumerate(lines) if _TIMING in line), None)
        if timing is None or timing > 1:
            continue   # WEBVTT header, NOTE, STYLE, REGION: not a cue
        payload = "\n".join(lines[timing + 1:])
        voice = _VOICE.match(payload)
        speaker = voice.group(1).strip() if voice else None
        if voice is None:
            prefix = _PREFIX.match(payload)
            if prefix:
                speaker, payload = prefix.group(1), payload[prefix.end():]
        words = " ".join(html_to_text(_TAG.sub("", payload)).split())
        yield Cue(first, lines[timing].split(_TIMING)[0].strip(), speaker, words)


def read(doc: Document):
    cues = list(_cues(doc.value))
    if cues and all(cue.speaker is None for cue in cues):
        raise UserError("no cue names its speaker (a WebVTT <v Name> tag or a 'Name:' prefix), "
                        "so agent and customer cannot be told apart", file=doc.source,
                        line=cues[0].line, key="speaker")
    turn: list[Cue] = []
    for cue in cues:
        if cue.speaker is None and not turn:
            yield RawTurn({"__invalid__": "cue before the first cue that names a speaker"},
                          doc.source, cue.line)
            continue
        if turn and cue.speaker not in (None, turn[0].speaker):
            yield _turn(doc, turn)
            turn = []
        turn.append(cue)
    if turn:
        yield _turn(doc, turn)


def _turn(doc: Document, cues: list[Cue]) -> RawTurn:
    text = " ".join(c.text for c in cues if c.text)
    return RawTurn({"conversation_id": doc.stem, "speaker": cues[0].speaker, "text": text,
                    "timestamp": cues[0].start}, doc.source, cues[0].line)


register(Adapter(
    "webvtt",
    "WebVTT captions (.vtt): <v Name> voice tags (or a 'Name:' prefix); consecutive cues of "
    "one speaker joined into one turn; the conversation id is the file name",
    read, suffixes=(".vtt",)))
register(Adapter(
    "srt",
    "SRT captions (.srt): a 'Name:' prefix in the cue text; consecutive cues of one speaker "
    "joined into one turn; the conversation id is the file name",
    read, suffixes=(".srt",)))
