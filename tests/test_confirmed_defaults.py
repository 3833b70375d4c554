"""``default_confirmed_by``: a cue read by default on a turn holds only when a later agent turn
shows a confirming cue; what other cues took from that reading goes with it."""
from __future__ import annotations

import pytest

from empathy_audit.checklist import parse_checklist
from empathy_audit.cues.finder import CueFinder
from empathy_audit.model import Conversation, Turn

CHECKLIST = """\
cues:
  ask:
    speaker: customer
    phrases: [how do]
    default_unless: ['\\bthanks\\b']
    default_confirmed_by: [answer]
  needs_reply:
    speaker: customer
    includes: [ask]
  still_open:
    speaker: customer
    includes: [needs_reply]
  for_today:
    speaker: customer
    phrases: [today]
    only_with: [ask]
  answer:
    speaker: agent
    phrases: [here is how]
behaviours:
  answering:
    title: Answer
    description: Answer what was asked.
    applies_when: {customer_cue: ask}
    met_when: {agent_cue: answer}
"""
FINDER = CueFinder(parse_checklist(CHECKLIST, "c.yaml"))


def cues_of(*turns: tuple[str, str]) -> list[set[str]]:
    conversation = Conversation("c", "a", [Turn("c", i, speaker, text, "a", "t.csv", i + 2)
                                           for i, (speaker, text) in enumerate(turns)],
                                "t.csv", 2)
    return [{m.cue for m in found} for found in FINDER.find(conversation)]


READ_BY_DEFAULT = {"ask", "needs_reply", "still_open"}


@pytest.mark.parametrize("reply,kept", [("Here is how: open Settings.", True),
                                        ("Lovely picture!", False)])
def test_a_default_reading_and_what_includes_it_need_a_confirming_reply(reply, kept):
    found = cues_of(("customer", "My new bike"), ("agent", reply))
    assert found[0] == (READ_BY_DEFAULT if kept else set())


def test_only_a_later_reply_confirms():
    found = cues_of(("agent", "Here is how: open Settings."), ("customer", "My new bike"),
                    ("agent", "Lovely picture!"))
    assert found[1] == set()


def test_words_need_no_confirmation():
    assert cues_of(("customer", "How do I pair it?"), ("agent", "Lovely picture!"))[0] == \
        READ_BY_DEFAULT


def test_without_any_agent_turn_the_default_stands():
    assert cues_of(("customer", "My new bike"),) == [READ_BY_DEFAULT]


def test_a_cue_that_needed_the_reading_goes_with_it():
    found = cues_of(("customer", "New bike today"), ("agent", "Lovely picture!"))
    assert found[0] == set()
    kept = cues_of(("customer", "New bike today"), ("agent", "Here is how to register it."))
    assert kept[0] == READ_BY_DEFAULT | {"for_today"}


def test_a_reply_to_a_later_request_does_not_confirm_an_earlier_remark():
    found = cues_of(("customer", "My new bike"), ("agent", "Lovely picture!"),
                    ("customer", "How do I register it?"), ("agent", "Here is how: open Settings."))
    assert found[0] == set() and found[2] == READ_BY_DEFAULT


def test_turns_of_a_third_speaker_and_a_last_unanswered_remark():
    found = cues_of(("customer", "My new bike"), ("other", "Transferred to an agent"),
                    ("agent", "Here is how: open Settings."), ("customer", "Nice weather"))
    assert found[0] == READ_BY_DEFAULT   # the agent's answer came after the system's turn
    assert found[1] == set()
    assert found[3] == set()              # the agent was there and never took it as a request
