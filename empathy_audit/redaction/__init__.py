"""Redaction of personal data: in text, consistent within a conversation (text), and in
transcript files, same format out as in (files). No terminal code."""
from .text import KINDS, WORD_KINDS, ConversationRedactor, luhn_valid, pattern_spans, read_names

__all__ = ["KINDS", "WORD_KINDS", "ConversationRedactor", "luhn_valid", "pattern_spans",
           "read_names"]
