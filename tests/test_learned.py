"""The learned cue kind (cues/learned.py) and `empathy-audit train` (training.py)."""
import json
import math
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from empathy_audit import audit_conversations
from empathy_audit.checklist import load_checklist
from empathy_audit.cues.finder import CueFinder
from empathy_audit.model import Conversation, Turn

from .conftest import CARE, ROOT, needs_shared, write, write_json

HELDOUT = ROOT / "tests" / "labels" / "heldout.txt"
OWN_TURN_LABELS = ROOT / "tests" / "labels" / "labels-turns-own.csv"

CHECKLIST = """\
cues:
  distress:
    speaker: customer
    phrases: [upset]
    includes: [distress_learned]
  acknowledgement:
    speaker: agent
    phrases: [sorry]
  distress_learned:
    speaker: customer
    kind: learned
    learns: distress
    model: models/distress.json
behaviours:
  acknowledge:
    title: Pause and acknowledge
    description: Acknowledge distress.
    applies_when: {customer_cue: distress}
    met_when: {agent_cue: acknowledgement, turns: first_reply}
"""


def model(**changes):
    data = {"format": "empathy-audit learned cue", "version": 1, "cue": "distress_learned",
            "learns": "distress", "speaker": "customer",
            "features": {"words": [1, 2], "cues": ["distress"], "previous": True},
            "intercept": -1.0, "threshold": 0.5,
            "weights": {"w:nothing since": 2.0, "w:monday": 0.5, "prev:none": 3.0,
                        "r:distress": 0.2},
            "training": {}}
    data.update(changes)
    return data


def setup(tmp_path, data=None, text=None):
    write(tmp_path / "checklist.yaml", CHECKLIST)
    path = tmp_path / "models" / "distress.json"
    if text is not None:
        write(path, text)
    else:
        write_json(path, data if data is not None else model())
    return tmp_path / "checklist.yaml"


def conversation(*texts):
    speakers = ["customer", "agent"]
    turns = [Turn("c1", i, speakers[i % 2], t, "acme", "chats.json", i + 1)
             for i, t in enumerate(texts)]
    return Conversation("c1", "acme", turns, "chats.json", 1)


def test_a_learned_match_quotes_the_words_that_weighed_most(tmp_path):
    checklist = load_checklist(setup(tmp_path))
    text = "Ordered for Monday and nothing since."
    found = CueFinder(checklist).find(conversation("hi", "hello", text))[2]
    learned = [m for m in found if m.cue == "distress_learned"]
    # -1 + 2.0 ("nothing since") + 0.5 ("monday"); prev:agent has no weight
    probability = 1 / (1 + math.exp(-1.5))
    assert [(m.start, m.end, m.text, m.how) for m in learned] == [
        (12, 18, "Monday", f"model {probability:.2f}"),
        (23, 36, "nothing since", f"model {probability:.2f}")]
    assert all(text[m.start:m.end] == m.text for m in learned)
    # the rule cue that includes it shows on the same words
    assert {(m.start, m.end, m.how) for m in found if m.cue == "distress"} == {
        (12, 18, "via distress_learned"), (23, 36, "via distress_learned")}


def test_features_without_a_span_are_never_quoted(tmp_path):
    checklist = load_checklist(setup(tmp_path, model(weights={"prev:none": 3.0,
                                                               "w:thanks": -0.5})))
    # the first turn: prev:none carries it (0.88) but has no span; the one spanned feature,
    # though negative, is quoted
    found = CueFinder(checklist).find(conversation("thanks"))[0]
    assert [(m.cue, m.start, m.end, m.text) for m in found] == [
        ("distress", 0, 6, "thanks"), ("distress_learned", 0, 6, "thanks")]


def test_below_the_threshold_the_cue_does_not_show(tmp_path):
    checklist = load_checklist(setup(tmp_path))
    found = CueFinder(checklist).find(conversation("hi", "hello", "all good now"))[2]
    assert found == []   # -1 alone: 0.27 < 0.5


def test_the_loaded_models_travel_with_the_checklist(tmp_path):
    checklist = load_checklist(setup(tmp_path))
    copy = pickle.loads(pickle.dumps(checklist))   # as to worker processes and Dask
    assert copy.learned_models == checklist.learned_models
    convo = conversation("hi", "hello", "nothing since Monday")
    assert CueFinder(copy).find(convo) == CueFinder(checklist).find(convo)


def test_a_model_path_stays_relative_to_its_own_checklist(tmp_path):
    setup(tmp_path)
    write(tmp_path / "team" / "mine.yaml", "extends: ../checklist.yaml\nname: mine\n")
    checklist = load_checklist(tmp_path / "team" / "mine.yaml")
    assert checklist.learned_models["distress_learned"].weights["w:nothing since"] == 2.0


# lines checked by hand against json.dumps(indent=1, sort_keys=True) of each file
@pytest.mark.parametrize("data,text,expected", [
    (None, '{"format": "empathy-audit learned cue",\n "version": 1,\n "cue": oops}',
     "models/distress.json:3: invalid JSON: Expecting value"),
    (None, "[1, 2]", "models/distress.json:1: a model file is a JSON object"),
    (model(version=2), None,
     "models/distress.json:19: [version] model format version 2 is not supported"),
    (model(format="something else"), None,
     "models/distress.json:13: [format] not a learned cue model"),
    (model(cue="problem_learned"), None,
     "models/distress.json:2: [cue] model is for cue 'problem_learned', not 'distress_learned'"),
    (model(speaker="agent"), None,
     "models/distress.json:16: [speaker] model is for agent turns"),
    (model(weights={"w:upset": "high"}), None,
     "models/distress.json:21: [weights.w:upset] Input should be a valid number"),
    (model(weights={"w:upset": math.nan}), None,
     "models/distress.json:20: [weights] weight of 'w:upset' is not a finite number"),
    (model(weights={"zz:upset": 1.0}), None,
     "models/distress.json:20: [weights] unknown feature 'zz:upset'"),
    (model(features={"cues": ["acknowledgment"]}), None,
     "models/distress.json:4: [features.cues.0] model reads cue 'acknowledgment', which is not"),
    (model(colour="red"), None, "models/distress.json:2: [colour] unknown key 'colour'"),
])
def test_a_bad_model_file_is_a_located_error(tmp_path, run, data, text, expected):
    if data is not None:
        text = json.dumps(data, indent=1, sort_keys=True, allow_nan=True)
    path = setup(tmp_path, text=text)
    result = run("checklist", "validate", path)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert f"error: {tmp_path / expected}" in result.stderr, result.stderr


def test_a_missing_model_file_names_the_cue(tmp_path, run):
    write(tmp_path / "checklist.yaml", CHECKLIST)
    result = run("checklist", "validate", tmp_path / "checklist.yaml")
    assert result.exit_code == 2
    assert "models/distress.json: model file of cue 'distress_learned' not found" in result.stderr


@pytest.mark.parametrize("change,expected", [
    ("    model: models/distress.json\n", "[cues.distress_learned.model] a learned cue needs 'model'"),
    ("    learns: distress\n", "[cues.distress_learned.learns] a learned cue needs 'learns'"),
])
def test_a_learned_cue_needs_its_label_and_its_file(tmp_path, run, change, expected):
    path = write(tmp_path / "checklist.yaml", CHECKLIST.replace(change, ""))
    result = run("checklist", "validate", path)
    assert result.exit_code == 2 and expected in result.stderr, result.stderr


def test_an_unknown_kind_lists_the_kinds(tmp_path, run):
    path = write(tmp_path / "checklist.yaml", CHECKLIST.replace("kind: learned", "kind: neural"))
    result = run("checklist", "validate", path)
    assert result.exit_code == 2
    assert ("checklist.yaml:11: [cues.distress_learned.kind] unknown cue kind 'neural'; "
            "kinds: words, engagement, learned") in result.stderr


def test_auditing_never_imports_scikit_learn():
    code = ("import sys, empathy_audit.cli.app\n"
            "from empathy_audit import audit\n"
            f"audit([{str(ROOT / 'samples')!r}])\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'sklearn', 'scipy'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT).stdout
    assert out == "[]\n"


# ---------------------------------------------------------------- train

TRAIN_CHECKLIST = CHECKLIST.replace("    phrases: [upset]\n", "    phrases: [upset, furious]\n")


def labelled_corpus(tmp_path):
    """40 conversations: customers who say they are still waiting are distressed."""
    rows, labels = [], ["conversation_id,turn,speaker,cues"]
    for i in range(40):
        cid = f"conv-{i:02d}"
        upset = i % 2 == 0
        first = (f"order {i} still not here, waiting since monday" if upset
                 else f"order {i} arrived, thanks")
        for turn, (speaker, text) in enumerate([("customer", first),
                                                ("agent", "Sorry about that, checking now"),
                                                ("customer", "ok thank you")]):
            rows.append({"conversation_id": cid, "speaker": speaker, "text": text})
        labels.append(f"{cid},0,customer,{'distress' if upset else ''}")
        labels.append(f"{cid},2,customer,")
    write_json(tmp_path / "chats.json", rows)
    write(tmp_path / "labels.csv", "\n".join(labels) + "\n")
    write(tmp_path / "checklist.yaml", TRAIN_CHECKLIST)
    return tmp_path


def train(run, tmp_path, out, *extra):
    return run("train", tmp_path / "chats.json", "--turn-labels", tmp_path / "labels.csv",
               "--checklist", tmp_path / "checklist.yaml", "--out", out, *extra)


def test_train_writes_the_same_bytes_every_time(tmp_path, run):
    pytest.importorskip("sklearn", reason="training needs the [train] extra")
    labelled_corpus(tmp_path)
    first = train(run, tmp_path, tmp_path / "models")
    assert first.exit_code == 0, first.stderr
    assert "wrote" in first.stdout and "kappa" in first.stdout
    written = (tmp_path / "models" / "distress.json").read_bytes()
    assert train(run, tmp_path, tmp_path / "again").exit_code == 0
    assert (tmp_path / "again" / "distress.json").read_bytes() == written
    data = json.loads(written)
    assert data["weights"]["w:waiting"] > 0 and data["training"]["turns"] == 80
    # the file it wrote is a model the checklist loads, and it finds what it learned
    checklist = load_checklist(tmp_path / "checklist.yaml")
    found = CueFinder(checklist).find(conversation("parcel still not here, waiting"))[0]
    assert "distress_learned" in {m.cue for m in found}


def test_train_leaves_excluded_conversations_out(tmp_path, run):
    pytest.importorskip("sklearn", reason="training needs the [train] extra")
    labelled_corpus(tmp_path)
    write(tmp_path / "held.txt", "# held out\n" + "\n".join(f"conv-{i:02d}" for i in range(10)))
    result = train(run, tmp_path, tmp_path / "models", "--exclude-ids", tmp_path / "held.txt")
    assert result.exit_code == 0, result.stderr
    data = json.loads((tmp_path / "models" / "distress.json").read_text())
    assert data["training"]["turns"] == 60 and data["training"]["conversations"] == 30


def test_train_reads_several_label_files_as_one(tmp_path, run):
    pytest.importorskip("sklearn", reason="training needs the [train] extra")
    labelled_corpus(tmp_path)
    assert train(run, tmp_path, tmp_path / "whole").exit_code == 0
    header, *rows = (tmp_path / "labels.csv").read_text().splitlines()
    write(tmp_path / "first.csv", "\n".join([header] + rows[:30]) + "\n")    # conv-00..14
    write(tmp_path / "second.csv", "\n".join([header] + rows[30:]) + "\n")   # conv-15..39
    result = run("train", tmp_path / "chats.json", "--turn-labels", tmp_path / "first.csv",
                 "--turn-labels", tmp_path / "second.csv", "--checklist",
                 tmp_path / "checklist.yaml", "--out", tmp_path / "split")
    assert result.exit_code == 0, result.stderr
    whole = json.loads((tmp_path / "whole" / "distress.json").read_text())
    split = json.loads((tmp_path / "split" / "distress.json").read_text())
    assert split["training"]["labels"] == "first.csv, second.csv"
    assert split["weights"] == whole["weights"] and split["threshold"] == whole["threshold"]


def test_a_labels_file_given_twice_is_an_error(tmp_path, run):
    pytest.importorskip("sklearn", reason="training needs the [train] extra")
    labelled_corpus(tmp_path)
    result = run("train", tmp_path / "chats.json", "--turn-labels", tmp_path / "labels.csv",
                 "--turn-labels", tmp_path / "labels.csv", "--checklist",
                 tmp_path / "checklist.yaml", "--out", tmp_path / "models")
    assert (result.exit_code, result.stderr) == (
        2, f"error: {tmp_path / 'labels.csv'}: labels file given twice\n")


def test_a_conversation_labelled_in_two_files_is_an_error(tmp_path, run):
    pytest.importorskip("sklearn", reason="training needs the [train] extra")
    labelled_corpus(tmp_path)
    write(tmp_path / "again.csv", "conversation_id,turn,speaker,cues\nconv-05,0,customer,\n")
    result = run("train", tmp_path / "chats.json", "--turn-labels", tmp_path / "labels.csv",
                 "--turn-labels", tmp_path / "again.csv", "--checklist",
                 tmp_path / "checklist.yaml", "--out", tmp_path / "models")
    assert result.exit_code == 2
    assert result.stderr == (f"error: {tmp_path / 'again.csv'}:2: [conversation_id] 'conv-05' is "
                             f"labelled in {tmp_path / 'labels.csv'} too; label each conversation "
                             f"in one file\n")
    assert not (tmp_path / "models").exists()


@pytest.mark.parametrize("labels,expected", [
    ("conversation_id,turn,speaker,cues\nconv-00,x,customer,\n",
     "labels.csv:2: [turn] turn 'x' is not a 0-based position"),
    ("conversation_id,turn,speaker,cues\nconv-00,1,customer,\n",
     "labels.csv:2: [speaker] turn 1 of 'conv-00' is labelled 'customer' but the transcript "
     "says 'agent'"),
    ("conversation_id,turn,speaker,cues\nconv-00,9,customer,\n",
     "labels.csv:2: [turn] turn 9 is outside 'conv-00', which has 3 turns"),
    ("conversation_id,turn,speaker,cues\nnope,0,customer,\n",
     "labels.csv:2: [conversation_id] conversation 'nope' is labelled but not in the transcripts"),
])
def test_bad_turn_labels_are_located_errors(tmp_path, run, labels, expected):
    pytest.importorskip("sklearn", reason="training needs the [train] extra")
    labelled_corpus(tmp_path)
    write(tmp_path / "labels.csv", labels)
    result = train(run, tmp_path, tmp_path / "models")
    assert result.exit_code == 2 and str(tmp_path / expected) in result.stderr, result.stderr
    assert not (tmp_path / "models").exists()   # nothing half-written


def test_a_label_on_a_turn_of_neither_side_is_an_error_not_skipped(tmp_path, run):
    pytest.importorskip("sklearn", reason="training needs the [train] extra")
    labelled_corpus(tmp_path)
    rows = json.loads((tmp_path / "chats.json").read_text())
    rows.insert(3, {"conversation_id": "conv-00", "speaker": "system", "text": "transferred"})
    write_json(tmp_path / "chats.json", rows)
    with (tmp_path / "labels.csv").open("a") as labels:
        labels.write("conv-00,3,customer,distress\n")
    result = train(run, tmp_path, tmp_path / "models")
    assert result.exit_code == 2
    assert result.stderr == (f"error: {tmp_path / 'labels.csv'}:82: [speaker] turn 3 of 'conv-00' "
                             f"is labelled 'customer' but the transcript says 'other'\n")


def test_train_without_the_extra_says_which_extra(tmp_path):
    labelled_corpus(tmp_path)
    code = ("import sys; sys.modules['sklearn'] = None\n"
            "from empathy_audit.cli import main\n"
            f"sys.argv = ['empathy-audit', 'train', {str(tmp_path / 'chats.json')!r}, "
            f"'--turn-labels', {str(tmp_path / 'labels.csv')!r}, '--checklist', "
            f"{str(tmp_path / 'checklist.yaml')!r}, '--out', {str(tmp_path / 'models')!r}]\n"
            "main()")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr == ("error: [train] training needs scikit-learn, the [train] extra: "
                             "pip install '.[train]' in a clone of empathy-audit\n")


@needs_shared
def test_the_bundled_models_are_what_train_makes_of_the_study_set(tmp_path, run):
    """Retrain the default checklist's learned cues on the study set of turn labels (the 196
    study conversations of the shared labels, the held-out ones excluded, and our own 240 of
    tests/labels) and compare bytes with the bundled files."""
    pytest.importorskip("sklearn", reason="training needs the [train] extra")
    result = run("train", CARE / "conversations.jsonl", "--turn-labels",
                 CARE / "labels-turns.csv", "--turn-labels", OWN_TURN_LABELS,
                 "--exclude-ids", HELDOUT, "--out", tmp_path)
    assert result.exit_code == 0, result.stderr
    bundled = sorted((ROOT / "checklists" / "models").glob("*.json"))
    assert bundled and sorted(p.name for p in tmp_path.glob("*.json")) == [p.name for p in bundled]
    for path in bundled:
        assert (tmp_path / path.name).read_bytes() == path.read_bytes(), path.name


def test_the_bundled_models_are_in_the_wheel():
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert '"checklists" = "empathy_audit/checklists"' in pyproject   # models/ with it
    for cue_id, cue in load_checklist().cues.items():
        if cue.kind == "learned":
            assert (ROOT / "checklists" / cue.model).is_file(), cue_id


def test_exports_with_learned_cues_are_the_same_for_any_number_of_jobs(tmp_path, run):
    for jobs in (1, 2):
        result = run("audit", ROOT / "samples", "--jobs", jobs, "--export-dir",
                     tmp_path / str(jobs), "-q")
        assert result.exit_code == 0, result.stderr
    for name in ("turns.csv", "conversations.csv", "agents.csv"):
        assert (tmp_path / "1" / name).read_bytes() == (tmp_path / "2" / name).read_bytes()
    assert "_learned[" in (tmp_path / "1" / "turns.csv").read_text(encoding="utf-8")


def test_audit_conversations_uses_the_learned_cues(tmp_path):
    result = audit_conversations([conversation("nothing since Monday", "ok")],
                                 load_checklist(setup(tmp_path)))
    assert "distress_learned" in {m.cue for m in result.conversations[0].cues[0]}
