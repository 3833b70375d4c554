"""Redaction of personal data: in text, consistent within a conversation (text), and in
transcript files, same format out as in (files). No terminal code.

The redactor compiles its patterns when text.py is imported; the names below that need it are
imported on first use, so reading ``KINDS`` (as the cue rules do) does not."""
from .placeholders import KINDS, WORD_KINDS

_FROM_TEXT = ("ConversationRedactor", "luhn_valid", "pattern_spans", "ordered_names")


def __getattr__(name: str):
    if name in _FROM_TEXT:
        from . import text
        return getattr(text, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["KINDS", "WORD_KINDS", *_FROM_TEXT]
