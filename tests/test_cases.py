"""Every case under tests/cases/ against the default checklist (see tests/cases/README.md)."""
from pathlib import Path

import pytest
import yaml

from empathy_audit.audit import audit_conversations
from empathy_audit.checklist import load_checklist
from empathy_audit.model import Conversation, Turn

CASES = Path(__file__).parent / "cases"
CHECKLIST = load_checklist()


def _cases():
    for path in sorted(CASES.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")):
            yield pytest.param(case, id=f"{path.stem}: {case['name']}")


def _conversation(case) -> Conversation:
    turns = []
    for index, entry in enumerate(case["turns"]):
        (speaker, text), = entry.items()
        turns.append(Turn("case", index, speaker, text, "agent-1", "case.yaml", index + 1))
    return Conversation("case", "agent-1", turns, "case.yaml", 1)


@pytest.mark.parametrize("case", list(_cases()))
def test_case(case):
    result = audit_conversations([_conversation(case)], CHECKLIST).conversations[0]
    for index, expected in (case.get("cues") or {}).items():
        found = {m.cue for m in result.cues[index]}
        assert set(expected) <= found, f"turn {index}: missing {set(expected) - found}"
    for index, unexpected in (case.get("not_cues") or {}).items():
        found = {m.cue for m in result.cues[index]}
        assert not set(unexpected) & found, (
            f"turn {index}: unexpected {set(unexpected) & found}: "
            f"{[m for m in result.cues[index] if m.cue in unexpected]}")
    for behaviour, verdict in (case.get("verdicts") or {}).items():
        got = result.verdicts[behaviour]
        assert got.verdict == verdict, f"{behaviour}: {got.verdict} ({got.reason})"
