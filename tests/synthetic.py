"""Made-up conversations for tests that need many of them (no real data in the repo)."""
from __future__ import annotations

from empathy_audit import audit_conversations, load_checklist
from empathy_audit.model import AGENT, CUSTOMER, AuditResult, Conversation, Turn

CUSTOMER_LINES = [
    "My order arrived broken and I need it for work on Monday!!",
    "The app crashes every time I open my invoices page.",
    "This is the third time I'm calling, it is ridiculous.",
    "Can you tell me when the store opens?",
]
AGENT_LINES = [
    "I'm so sorry about that, I've sent a replacement. Let us know if anything else goes wrong.",
    "Please send us a private message so we can assist.",
    "I understand how frustrating that is. Which app version are you on?",
    "Sure. Where do you want your bills mailed?",
]


def synthetic_conversation(n: int, agents: int = 7) -> Conversation:
    cid, agent = f"syn-{n:05d}", f"agent-{n % agents}"
    texts = [(CUSTOMER, CUSTOMER_LINES[n % 4]), (AGENT, AGENT_LINES[(n // 4) % 4])]
    turns = [Turn(cid, i, speaker, text, agent, "synthetic", n) for i, (speaker, text)
             in enumerate(texts)]
    return Conversation(cid, agent, turns, "synthetic", n)


def synthetic_result(count: int, agents: int = 7) -> AuditResult:
    return audit_conversations([synthetic_conversation(n, agents) for n in range(count)],
                               load_checklist(None))
