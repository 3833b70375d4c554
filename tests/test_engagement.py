"""`specific` on canned replies: a template sent to many customers is generic (the rubric's
"could be sent unchanged to any customer"), unless it is aimed at one issue, which its words
beyond support boilerplate show (``canned_min_own_words``)."""
from __future__ import annotations

import pytest

from empathy_audit.audit import audit_conversations
from empathy_audit.checklist import Checklist, load_checklist
from empathy_audit.model import Conversation, Turn

AIMED = "For troubleshooting console crashes on PlayStation, follow the steps in this article."
ANY = "Please send us a private message so we can assist."


def conversations(reply: str, count: int = 3) -> list[Conversation]:
    """``count`` customers with different issues, each sent ``reply`` word for word."""
    issues = ["My game freezes on the title screen", "The download stops at 40 percent",
              "My controller disconnects every few minutes", "Sound cuts out in every match"]
    return [Conversation(f"c{n}", "agent-1", [
        Turn(f"c{n}", 0, "customer", issues[n], "agent-1", "t.csv", 2 * n + 2),
        Turn(f"c{n}", 1, "agent", reply, "agent-1", "t.csv", 2 * n + 3)], "t.csv", 2 * n + 2)
        for n in range(count)]


def specific_evidence(checklist, reply: str) -> list[list[str]]:
    result = audit_conversations(conversations(reply), checklist)
    return [[f"{m.how}:{m.text}" for m in c.cues[1] if m.cue == "specific"]
            for c in result.conversations]


@pytest.fixture(scope="module")
def default():
    return load_checklist()


def test_a_template_any_customer_could_get_is_generic(default):
    assert specific_evidence(default, ANY) == [[], [], []]


def test_a_template_aimed_at_one_issue_engages_and_shows_its_words(default):
    for evidence in specific_evidence(default, AIMED):
        assert {"substance:troubleshooting", "substance:console", "substance:crashes",
                "substance:PlayStation"} <= set(evidence)


def test_without_canned_min_own_words_every_template_is_generic(default):
    data = default.model_dump(exclude={"extends"})
    data["cues"]["specific"]["canned_min_own_words"] = 0
    strict = Checklist.model_validate(data)
    strict.learned_models.update(default.learned_models)
    assert specific_evidence(strict, AIMED) == [[], [], []]


def test_the_same_words_sent_once_are_judged_as_any_reply(default):
    result = audit_conversations(conversations(AIMED, count=1), default)
    assert any(m.cue == "specific" for m in result.conversations[0].cues[1])


def test_a_template_may_not_engage_more_easily_than_a_one_off_reply():
    from empathy_audit.checklist import parse_checklist
    from empathy_audit.errors import UserError
    text = ("cues:\n  specific:\n    speaker: agent\n    kind: engagement\n"
            "    min_own_words: 4\n    canned_min_repeats: 3\n    canned_min_own_words: 3\n"
            "behaviours: {}\n")
    with pytest.raises(UserError, match=r"c\.yaml:7: \[cues\.specific\.canned_min_own_words\] "
                                        r"canned_min_own_words is below min_own_words"):
        parse_checklist(text, "c.yaml")


@pytest.mark.parametrize("name", ["Randi", "Randi Lee", "<PERSON_1>"])
def test_the_name_a_reply_addresses_is_no_engagement_and_redacting_it_changes_nothing(default,
                                                                                      name):
    """Four words of its own with the name, three without: the name must not tip it, whether
    it is written out or `redact` put a placeholder in its place."""
    conversation = Conversation("c", "agent-1", [
        Turn("c", 0, "customer", "My Pixel 7 screen flickers", "agent-1", "t.csv", 2),
        Turn("c", 1, "agent", f"Yay! We're thrilled about your stay, {name}.", "agent-1",
             "t.csv", 3)], "t.csv", 2)
    result = audit_conversations([conversation], default).conversations[0]
    assert not any(m.cue == "specific" for m in result.cues[1])
