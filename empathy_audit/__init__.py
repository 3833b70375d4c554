"""empathy-audit: score customer-service transcripts against an empathy checklist.

    >>> from empathy_audit import audit
    >>> result = audit(["samples/"])            # bundled default checklist
    >>> result.overall_score, result.agents[0].met_rates

The core (loading, checklist, cues, scoring) never imports the terminal libraries; the CLI
and the formatters render the one :class:`AuditResult` it returns.
"""
from ._version import __version__
from .audit import audit, audit_conversations
from .checklist import Checklist, load_checklist
from .errors import UserError
from .loading import load
from .model import AuditResult

__all__ = ["__version__", "audit", "audit_conversations", "load", "load_checklist", "Checklist",
           "AuditResult", "UserError"]
