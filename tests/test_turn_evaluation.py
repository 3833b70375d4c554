"""`evaluate --turn-labels`: cue agreement turn by turn, on hand-made transcripts whose figures
are computed by hand below."""
import json

import pytest

from .conftest import CARE, needs_shared, write
from .test_checklist import MINIMAL

# the minimal checklist (distress "upset", acknowledgement "sorry", behaviour acknowledge) and
# a cue no behaviour uses
CHECKLIST = MINIMAL.replace("behaviours:", "  greeting:\n    speaker: agent\n    phrases: [hello]\n"
                            "behaviours:")


CONVERSATIONS = [
    ("c1", [("customer", "I am upset, the order is late"), ("agent", "Sorry about that"),
            ("customer", "Still upset"), ("agent", "Let me check")]),
    ("c2", [("customer", "I am furious"), ("agent", "Sorry to keep you")]),
    ("c3", [("customer", "Where is my parcel?"), ("agent", "Sorry, I will check.")]),
]

HEADER = "conversation_id,turn,speaker,cues\n"
# found by the tool (phrase "upset" / "sorry"):   c1:0 distress, c1:1 ack, c1:2 distress,
# c2:1 ack, c3:1 ack. Labelled below: c1:0 distress, c1:1 ack, c2:0 distress, c3:1 ack.
LABELS = HEADER + """\
c1,0,customer,distress
c1,1,agent,acknowledgement
c1,2,customer,
c1,3,agent,
c2,0,customer,distress
c2,1,agent,
c3,0,customer,
c3,1,agent,acknowledgement
"""


@pytest.fixture
def corpus(tmp_path):
    lines = [json.dumps({"conversation_id": cid, "agent_id": "a1",
                         "turns": [{"speaker": s, "text": t} for s, t in turns]})
             for cid, turns in CONVERSATIONS]
    return (write(tmp_path / "chats.jsonl", "\n".join(lines) + "\n"),
            write(tmp_path / "checklist.yaml", CHECKLIST))


def evaluate(run, corpus, labels_path, *extra):
    chats, checklist = corpus
    return run("evaluate", chats, "--checklist", checklist, "--turn-labels", labels_path, *extra)


def test_per_cue_figures_match_a_hand_computation(run, corpus, tmp_path):
    result = evaluate(run, corpus, write(tmp_path / "t.csv", LABELS), "--format", "json")
    assert result.exit_code == 0, result.stderr
    cues = {c["cue"]: c for c in json.loads(result.stdout)["cues"]}
    # greeting is neither used by a behaviour nor labelled: not compared
    assert list(cues) == ["distress", "acknowledgement"]
    # distress on the 4 customer turns: both 1 (c1:0), label only 1 (c2:0), tool only 1 (c1:2),
    # neither 1 (c3:0). p = r = F1 = 0.5; p_o = 0.5, p_e = 0.5*0.5 + 0.5*0.5 = 0.5: kappa 0.
    d = cues["distress"]
    assert (d["turns"], d["labelled"], d["found"]) == (4, 2, 2)
    assert (d["precision"], d["recall"], d["f1"], d["kappa"]) == (0.5, 0.5, 0.5, 0.0)
    # acknowledgement on the 4 agent turns: both 2, tool only 1 (c2:1), neither 1.
    # p = 2/3, r = 1, F1 = 0.8; p_o = 0.75, p_e = 0.5*0.75 + 0.5*0.25 = 0.5: kappa 0.5.
    a = cues["acknowledgement"]
    assert (a["turns"], a["labelled"], a["found"]) == (4, 2, 3)
    assert a["precision"] == pytest.approx(0.6667, abs=1e-4)
    assert (a["recall"], a["f1"], a["kappa"]) == (1.0, 0.8, 0.5)
    assert a["counts"] == {"both": 2, "label_only": 0, "tool_only": 1, "neither": 1}


def test_disagreements_show_turn_text_and_evidence(run, corpus, tmp_path):
    labels = write(tmp_path / "t.csv", LABELS)
    result = evaluate(run, corpus, labels, "--format", "json", "--show-disagreements")
    found = [(d["conversation_id"], d["turn"], d["speaker"], d["cue"], d["labelled"])
             for d in json.loads(result.stdout)["turn_disagreements"]]
    assert found == [("c1", 2, "customer", "distress", False),
                     ("c2", 0, "customer", "distress", True),
                     ("c2", 1, "agent", "acknowledgement", False)]
    [first, *_] = json.loads(result.stdout)["turn_disagreements"]
    assert first["text"] == "Still upset" and first["evidence"] == ['distress[6:11]="upset"']
    table = evaluate(run, corpus, labels, "--show-disagreements")
    assert table.exit_code == 0
    shown = " ".join(table.stdout.split())   # any terminal width
    assert "c2 turn 0 customer distress: labelled, not found" in shown
    assert "I am furious" in shown and "[no cues]" in shown


def test_ids_keep_a_subset_and_both_label_kinds_in_one_run(run, corpus, tmp_path):
    ids = write(tmp_path / "ids.txt", "# a subset\nc1   # the first\n\n")
    verdicts = write(tmp_path / "v.csv", "conversation_id,acknowledge\nc1,met\nc2,missed\n")
    result = evaluate(run, corpus, write(tmp_path / "t.csv", LABELS), "--labels", verdicts,
                      "--ids", ids, "--format", "json")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    # c1 only: distress labelled on turn 0, found on turns 0 and 2
    distress = document["cues"][0]
    assert (distress["turns"], distress["precision"], distress["recall"]) == (2, 0.5, 1.0)
    # c1's acknowledge is met (distress at 0, "Sorry" in the first reply); c2 was left out
    assert document["behaviours"][0]["compared"] == 1
    assert document["behaviours"][0]["accuracy"] == 1.0


@pytest.mark.parametrize("content, message", [
    (None, "ids.txt: ids file not found"),
    (b"c1\nc\xe9\n", "ids.txt:2: cannot decode byte 0xe9 as utf-8-sig; re-save the file as UTF-8"),
])
def test_a_missing_or_undecodable_ids_file_is_one_located_line(run, corpus, tmp_path,
                                                                content, message):
    ids = tmp_path / "ids.txt"
    if content is not None:
        ids.write_bytes(content)
    result = evaluate(run, corpus, write(tmp_path / "t.csv", LABELS), "--ids", ids)
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert message in line


def test_kappa_gate_covers_cues(run, corpus, tmp_path):
    result = evaluate(run, corpus, write(tmp_path / "t.csv", LABELS), "--fail-under-kappa", "0.4")
    assert result.exit_code == 1
    assert "gate failed: kappa: distress kappa 0.00 is below 0.4" in result.stderr
    assert "acknowledgement" not in result.stderr


def test_either_kind_of_labels_is_needed(run, corpus):
    chats, _ = corpus
    result = run("evaluate", chats)
    assert result.exit_code == 2 and "--turn-labels" in result.stderr


@pytest.mark.parametrize("text, message", [
    ("conversation_id,turn,cues\nc1,0,\n", "t.csv:1: [speaker] labels need a 'speaker' column"),
    (HEADER + "c1,0,customer,distress;anger\n",
     "t.csv:2: [cues] cue 'anger' is not in the checklist"),
    (HEADER + "c1,4,customer,\n", "t.csv:2: [turn] turn 4 is outside 'c1', which has 4 turns"),
    (HEADER + "c1,-1,customer,\n", "t.csv:2: [turn] turn '-1' is not a 0-based position"),
    (HEADER + "c1,1,customer,\n",
     "t.csv:2: [speaker] turn 1 of 'c1' is labelled 'customer' but the transcript says 'agent'"),
    (HEADER + "c1,0,customer,\nc9,0,customer,\n",
     "[conversation_id] 1 labelled conversation(s) not in the transcripts: c9"),
    (HEADER + "c1,0,customer,\nc1,0,customer,distress\n",
     "t.csv:3: [turn] turn 0 of 'c1' is labelled twice (line 2)"),
])
def test_bad_turn_labels_are_one_line_errors(run, corpus, tmp_path, text, message):
    result = evaluate(run, corpus, write(tmp_path / "t.csv", text))
    assert result.exit_code == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""


@needs_shared
def test_runs_on_the_shared_turn_labels(run):
    result = run("evaluate", CARE / "conversations.jsonl", "--turn-labels",
                 CARE / "labels-turns.csv", "--format", "json")
    assert result.exit_code == 0
    cues = {c["cue"] for c in json.loads(result.stdout)["cues"]}
    assert cues == {"distress", "problem", "request", "acknowledgement", "apology", "next_step",
                    "follow_up", "specific"}
