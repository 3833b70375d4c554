"""JUnit XML: a test suite per conversation, a test case per applicable behaviour, and a
failure, with the evidence, for each missed one. The shape read by Jenkins, GitLab, Azure
DevOps and the common JUnit report actions (testsuites > testsuite > testcase > failure)."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from ..model import MISSED, AuditResult, ConversationResult
from .findings import RenderContext, applicable_verdicts, conversation_misses


# Characters XML 1.0 cannot hold at all, even escaped (transcripts do contain some).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def render_junit(result: AuditResult, context: RenderContext = RenderContext()) -> str:
    suites = [_suite(r, context) for r in result.conversations]
    root = ET.Element("testsuites", {
        "name": f"empathy-audit ({result.checklist_name})",
        "tests": str(sum(int(s.get("tests")) for s in suites)),
        "failures": str(sum(int(s.get("failures")) for s in suites)),
        "errors": "0",
    })
    root.extend(suites)
    ET.indent(root)
    body = xml_safe(ET.tostring(root, encoding="unicode"))   # ids and paths too
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"


def _suite(result: ConversationResult, context: RenderContext) -> ET.Element:
    conversation = result.conversation
    verdicts = applicable_verdicts(result)
    misses = {m.behaviour: m for m in conversation_misses(result)}
    suite = ET.Element("testsuite", {
        "name": conversation.conversation_id,
        "tests": str(len(verdicts)),
        "failures": str(sum(v.verdict == MISSED for _, v in verdicts)),
        "errors": "0", "skipped": "0", "time": "0",
        "file": conversation.source,
    })
    for behaviour, verdict in verdicts:
        case = ET.SubElement(suite, "testcase", {
            "classname": f"{conversation.agent_id}.{conversation.conversation_id}",
            "name": f"{behaviour}: {context.title(behaviour)}",
            "file": conversation.source, "time": "0",
        })
        miss = misses.get(behaviour)
        if miss is None:
            continue
        case.set("file", miss.source)
        case.set("line", str(miss.line))
        failure = ET.SubElement(case, "failure", {"message": f"{behaviour} missed: {miss.reason}",
                                                  "type": "critical" if context.is_critical(behaviour)
                                                  else "missed"})
        failure.text = "\n".join([f"{miss.source}:{miss.line}: {miss.reason}", *miss.evidence])
    return suite
