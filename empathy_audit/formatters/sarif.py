"""SARIF 2.1.0: one rule per behaviour, one result per missed behaviour, located at the file
and line of the turn that should have shown it. Deterministic: no timestamps, no absolute paths
added. GitHub code scanning reads this file (``github/codeql-action/upload-sarif``)."""
from __future__ import annotations

import hashlib
import json
from pathlib import PurePath
from urllib.parse import quote

from .. import __version__
from ..model import AuditResult
from .findings import Miss, RenderContext, all_misses

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/empathy-audit/empathy-audit"


def render_sarif(result: AuditResult, context: RenderContext = RenderContext()) -> str:
    rules = [_rule(b, context) for b in result.behaviours]
    index = {b: i for i, b in enumerate(result.behaviours)}
    log = {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "empathy-audit", "version": __version__,
                                "informationUri": INFORMATION_URI, "rules": rules}},
            "results": [_result(m, index[m.behaviour], context) for m in all_misses(result)],
            "invocations": [{"executionSuccessful": True,
                             "toolExecutionNotifications": [
                                 {"level": "error", "message": {"text": f"gate {f.gate} failed: "
                                                                        f"{f.message}"}}
                                 for f in context.gate_failures]}],
            "properties": {"checklist": result.checklist_name,
                           "overallScore": None if result.overall_score is None
                           else round(result.overall_score, 1)},
        }],
    }
    return json.dumps(log, ensure_ascii=False, indent=2) + "\n"


def _rule(behaviour: str, context: RenderContext) -> dict:
    return {
        "id": behaviour,
        "name": behaviour,
        "shortDescription": {"text": context.title(behaviour)},
        "fullDescription": {"text": context.description(behaviour)},
        "defaultConfiguration": {"level": "error" if context.is_critical(behaviour) else "warning"},
    }


def _result(miss: Miss, rule_index: int, context: RenderContext) -> dict:
    return {
        "ruleId": miss.behaviour,
        "ruleIndex": rule_index,
        "level": "error" if context.is_critical(miss.behaviour) else "warning",
        "message": {"text": f"Conversation {miss.conversation_id} (agent {miss.agent_id}): "
                            f"{miss.behaviour} missed: {miss.reason}"},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": quote(PurePath(miss.source).as_posix())},
            "region": {"startLine": max(miss.line, 1)},
        }}],
        "partialFingerprints": {"conversationBehaviour/v1": _fingerprint(miss)},
        "properties": {"conversationId": miss.conversation_id, "agentId": miss.agent_id,
                       "turn": miss.turn, "evidence": list(miss.evidence)},
    }


def _fingerprint(miss: Miss) -> str:
    """Stable across runs and line moves, so code scanning tracks a miss, not a line."""
    key = f"{miss.conversation_id}\0{miss.behaviour}".encode()
    return hashlib.sha256(key).hexdigest()[:32]
