"""Plain-text transcripts (.txt, .md): ``Agent: ...`` / ``Customer: ...`` lines, Markdown
emphasis (``**Agent**:``), list markers and ``>`` quotes around the name allowed. A line with no
name continues the turn above. One conversation a file, unless a line of ``---``, ``===`` or
``***`` separates conversations (ids: the file name, then name-2, name-3...)."""
from __future__ import annotations

import re

from ...errors import UserError
from ..core import RawTurn
from . import Adapter, Document, register

_QUOTE = re.compile(r"^\s*(?:>\s?)+")
# [10:02] or 10:02:15 PM before the name, as chat logs write it
_TIME = r"(?:\[?\d{1,2}:\d{2}(?::\d{2})?(?:\s?[AaPp][Mm])?\]?\s+)?"
_SPEAKER_LINE = re.compile(
    r"^\s*(?:[-*+]\s+)?" + _TIME + r"(\*\*|__|\*|_)?([A-Za-z][\w'.-]{0,30}"
    r"(?: [\w'.-]{1,30}){0,2}(?: \([^()]{1,40}\))?)(?:\1)?\s*:(?:\1)?\s+(.*)$")
_SEPARATOR = re.compile(r"^\s*(?:-{3,}|={3,}|\*{3,})\s*$")
_HARD_BREAK = re.compile(r"(?:\\|  +)$")
_MARKDOWN_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!$>|~])")   # "\$5000" reads "$5000"


def read(doc: Document):
    part, turn = 1, None   # turn: [line, speaker, text lines]
    found = False
    for number, raw in enumerate(doc.value.splitlines(), start=1):
        line = _HARD_BREAK.sub("", _QUOTE.sub("", raw)).rstrip()
        if _SEPARATOR.match(line):
            if turn:
                yield _turn(doc, part, turn)
            part, turn = (part + 1 if found else part), None
            continue
        match = _SPEAKER_LINE.match(line) if line.strip() else None
        if match and match.group(3):
            if turn:
                yield _turn(doc, part, turn)
            turn, found = [number, match.group(2), [match.group(3)]], True
        elif turn and line.strip():
            turn[2].append(line.strip())
        elif line.strip():
            yield RawTurn({"__invalid__": "text before the first 'Speaker: text' line"},
                          doc.source, number)
    if turn:
        yield _turn(doc, part, turn)
    if not found:
        raise UserError("no 'Speaker: text' line (e.g. 'Agent: Hello'): not a plain-text "
                        "transcript", file=doc.source, line=1)


def _turn(doc: Document, part: int, turn) -> RawTurn:
    number, speaker, lines = turn
    conversation_id = doc.stem if part == 1 else f"{doc.stem}-{part}"
    text = "\n".join(lines)
    if doc.source.lower().removesuffix(".gz").endswith(".md"):
        text = _MARKDOWN_ESCAPE.sub(r"\1", text)
    return RawTurn({"conversation_id": conversation_id, "speaker": speaker, "text": text},
                   doc.source, number)


register(Adapter(
    "text",
    "plain-text transcript (.txt, .md; read when named, not found in directories): "
    "'Agent: ...' / 'Customer: ...' lines, Markdown emphasis allowed, '---' between "
    "conversations",
    read, suffixes=(".txt", ".md")))
