"""The corpus-level canned-reply count, turn by turn, for the streaming engine's first pass.

``EngagementMatcher.count_replies`` counts, per reply template (``canned_key``), the
conversations it was sent in, from whole conversations. In the first pass turns arrive one by
one and a conversation's turns need not be adjacent, so each template keeps the distinct
conversations seen so far until it reaches the largest threshold; a verdict only ever asks
``count >= threshold``, so counts capped there decide exactly as full counts do.

Templates are remembered by a 16-byte BLAKE2 digest while they are below every threshold
(most replies are sent once); the text is kept only for those that reach one.
"""
from __future__ import annotations

from hashlib import blake2b

from .rules import canned_key


class ReplyCounter:
    def __init__(self, thresholds: list[int]):
        self.thresholds = thresholds
        self.cap = max(thresholds, default=0)
        self._seen: dict[bytes, str | tuple[str, ...]] = {}   # digest -> conversation id(s)
        self.counts: dict[str, int] = {}                # template -> count, once >= a threshold

    def add(self, conversation_id: str, text: str) -> None:
        if not self.cap:
            return
        key = canned_key(text)
        if not key:
            return
        digest = blake2b(key.encode("utf-8", "surrogatepass"), digest_size=16).digest()
        seen = self._seen.get(digest)
        if seen is None:   # most templates: one conversation, kept as a bare id
            self._seen[digest] = conversation_id
            seen = (conversation_id,)
        else:
            seen = (seen,) if isinstance(seen, str) else seen
            if conversation_id in seen or len(seen) >= self.cap:
                return
            seen += (conversation_id,)
            self._seen[digest] = seen
        if len(seen) >= self.thresholds[0]:
            self.counts[key] = len(seen)
