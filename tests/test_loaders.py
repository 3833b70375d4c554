import gzip
import json

import pytest

from empathy_audit.errors import UserError
from empathy_audit.loading import load, normalize_speaker

from .conftest import ABCD, CARE, needs_shared, write, write_json


def turns_of(conversations):
    return [(t.conversation_id, t.speaker, t.text, t.line) for c in conversations for t in c.turns]


def test_csv_one_turn_a_row_with_quoted_newlines_and_line_numbers(tmp_path):
    path = write(tmp_path / "t.csv",
                 'conversation_id,speaker,text\n'
                 'c1,customer,"first line\nsecond line, with comma"\n'
                 'c1,agent,"I\'m sorry, ""really"""\n')
    conversations, report = load([path])
    assert turns_of(conversations) == [
        ("c1", "customer", "first line\nsecond line, with comma", 2),
        ("c1", "agent", 'I\'m sorry, "really"', 4),
    ]
    assert report.skipped == []


def test_json_array_of_turns_with_aliases(tmp_path):
    path = write_json(tmp_path / "t.json", [
        {"thread_id": "c1", "role": "Client", "message": "hello"},
        {"thread_id": "c1", "role": "Support", "message": "hi"},
    ])
    conversations, _ = load([path])
    assert [(t.speaker, t.text) for t in conversations[0].turns] == [("customer", "hello"),
                                                                     ("agent", "hi")]


def test_json_conversations_inherit_fields_and_lines_point_at_turn_objects(tmp_path):
    path = write(tmp_path / "c.json", json.dumps([
        {"conversation_id": "c1", "agent_id": "ann", "turns": [
            {"speaker": "customer", "text": "a"},
            {"speaker": "agent", "text": "b"}]}], indent=2))
    conversations, _ = load([path])
    c = conversations[0]
    assert c.agent_id == "ann"
    lines = path.read_text().splitlines()
    for turn in c.turns:   # the line where the turn's object starts holds its "{"
        assert lines[turn.line - 1].strip() == "{"
        assert f'"{turn.text}"' in lines[turn.line]  or f'"{turn.text}"' in lines[turn.line + 1]


def test_jsonl_conversation_or_turn_per_line_and_gzip(tmp_path):
    text = (json.dumps({"conversation_id": "c1", "turns": [{"speaker": "user", "text": "x"}]})
            + "\n\n" + json.dumps({"conversation_id": "c2", "speaker": "agent", "text": "y"}) + "\n")
    path = tmp_path / "t.jsonl.gz"
    path.write_bytes(gzip.compress(text.encode()))
    conversations, _ = load([path])
    assert turns_of(conversations) == [("c1", "customer", "x", 1), ("c2", "agent", "y", 3)]


def test_turn_field_orders_turns_and_map_overrides_a_column(tmp_path):
    path = write(tmp_path / "t.csv", "cid,who,words,seq\nc1,agent,second,2\nc1,customer,first,1\n")
    conversations, _ = load([path], field_map={"conversation_id": "cid", "text": "words"})
    assert [t.text for t in conversations[0].turns] == ["first", "second"]
    assert [t.index for t in conversations[0].turns] == [0, 1]


@pytest.mark.parametrize("label,role", [
    ("Agent", "agent"), ("rep", "agent"), ("Advisor", "agent"), ("staff", "agent"),
    ("agent_2", "agent"), ("Customer 1", "customer"), ("caller", "customer"),
    ("visitor", "customer"), ("system", "other"), ("action", "other"), ("BOT", "other"),
    ("Bob", None)])
def test_speaker_normalization(label, role):
    assert normalize_speaker(label) == role


def test_unknown_speaker_is_kept_as_other_and_reported(tmp_path):
    path = write(tmp_path / "t.csv", "conversation_id,speaker,text\nc1,Bob,hi\nc1,customer,x\n")
    conversations, report = load([path])
    assert conversations[0].turns[0].speaker == "other"
    assert any("'Bob'" in note for note in report.notes)
    conversations, _ = load([path], speaker_map={"Bob": "agent"})
    assert conversations[0].turns[0].speaker == "agent"


def test_unusable_rows_are_skipped_with_file_and_line(tmp_path):
    path = write(tmp_path / "t.csv", "conversation_id,speaker,text\n,agent,hi\nc1,,x\nc1,agent,ok\n")
    conversations, report = load([path])
    assert [(s.line, s.reason) for s in report.skipped] == [(2, "empty conversation_id"),
                                                            (3, "empty speaker")]
    assert sum(len(c.turns) for c in conversations) == 1


def test_json_turn_missing_text_is_skipped_not_dropped(tmp_path):
    path = write_json(tmp_path / "t.json", [{"conversation_id": "c1", "speaker": "agent"}])
    _, report = load([path])
    assert [(s.line, s.reason) for s in report.skipped] == [(2, "missing field 'text'")]


@pytest.mark.parametrize("name,content,expected", [
    ("missing.csv", "conversation_id,speaker\nc1,agent\n",
     "missing.csv:1: [text] missing required column 'text'"),
    ("broken.json", '[{"conversation_id": "c1",\n "speaker": "agent" "text": "x"}]',
     "broken.json:2: invalid JSON"),
    ("broken.jsonl", '{"conversation_id": "c1", "speaker": "agent", "text": "x"}\n{oops\n',
     "broken.jsonl:2: invalid JSON"),
    ("ragged.csv", "conversation_id,speaker,text\nc1,agent,x,extra\n",
     "ragged.csv:2: row has 4 fields, header has 3"),
    ("scalar.json", '"just a string"', "scalar.json:1: expected an array"),
])
def test_bad_input_is_one_located_error(tmp_path, name, content, expected):
    path = write(tmp_path / name, content)
    with pytest.raises(UserError) as caught:
        load([path])
    message = str(caught.value)
    assert expected in message and "\n" not in message


def test_bad_encoding_names_the_line(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes("conversation_id,speaker,text\nc1,agent,caf\xe9\n".encode("latin-1"))
    with pytest.raises(UserError, match=r"latin\.csv:2: cannot decode byte 0xe9"):
        load([path])
    conversations, _ = load([path], encoding="latin-1")
    assert conversations[0].turns[0].text == "café"


def test_directories_are_expanded_and_other_files_reported(tmp_path):
    write(tmp_path / "a.csv", "conversation_id,speaker,text\nc1,agent,x\n")
    write(tmp_path / "notes.txt", "ignore me")
    conversations, report = load([tmp_path])
    assert len(conversations) == 1
    assert any("ignored 1 file" in note for note in report.notes)


def test_missing_path_is_an_error(tmp_path):
    with pytest.raises(UserError, match="no such file"):
        load([tmp_path / "nope.csv"])


@needs_shared
def test_shared_jsonl_and_csv_load_every_turn_identically():
    from_jsonl, r1 = load([CARE / "conversations.jsonl"])
    from_csv, r2 = load([CARE / "turns.csv"])
    assert r1.skipped == r2.skipped == []
    assert sum(len(c.turns) for c in from_jsonl) == 6891
    assert len(from_jsonl) == 2335
    key = lambda cs: [(t.conversation_id, t.index, t.speaker, t.text) for c in cs for t in c.turns]
    assert key(from_jsonl) == key(from_csv)


@needs_shared
def test_abcd_pairs_and_action_turns():
    conversations, report = load([ABCD])
    assert len(conversations) == 3 and report.skipped == []
    first = conversations[0]
    assert first.conversation_id == "3592"
    assert [t.speaker for t in first.turns[:3]] == ["agent", "agent", "customer"]
    assert "other" in {t.speaker for t in first.turns}        # 'action' system events
    assert {t.line for t in first.turns} == {1}   # the whole file is one line


def test_exclude_given_as_a_generator_applies_to_every_directory(tmp_path):
    from empathy_audit.loading.core import expand_paths
    from empathy_audit.model import LoadReport
    for folder in ("d1", "d2"):
        for name in ("keep.csv", "skip.csv"):
            write(tmp_path / folder / name, "conversation_id,speaker,text\nc,agent,hi\n")
    found = expand_paths([tmp_path / "d1", tmp_path / "d2"], LoadReport(),
                         (glob for glob in ["skip.csv"]))
    assert sorted(p.relative_to(tmp_path).as_posix() for p in found) == ["d1/keep.csv",
                                                                         "d2/keep.csv"]
