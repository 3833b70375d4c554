"""Input built to break the loaders (issue 15): each case is read right, or is one located
error; the in-memory loader and the two-pass streaming reader always agree."""
from __future__ import annotations

import gzip
import json
import os

import pytest

from empathy_audit.engine.streaming import Source, conversations, scan
from empathy_audit.errors import UserError
from empathy_audit.loading import load

from .conftest import write, write_json


def turns_of(conversations_):
    return [(t.conversation_id, t.speaker, t.text, t.line) for c in conversations_
            for t in c.turns]


def load_both(paths, **options):
    """Turns as load() reads them, after checking the streaming reader reads the same."""
    loaded, report = load(paths, **options)
    source = Source.of(paths, **options)
    scanned = scan(source)
    assert turns_of(conversations(source, scanned)) == turns_of(loaded)
    assert scanned.report == report
    return loaded, report


def fails_both(paths, match, **options):
    with pytest.raises(UserError, match=match) as in_memory:
        load(paths, **options)
    with pytest.raises(UserError, match=match):
        scan(Source.of(paths, **options))
    assert "\n" not in str(in_memory.value)


# ---------------------------------------------------------------- wrong results (item 9)

@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1c"])
def test_jsonl_lines_break_only_at_newlines(tmp_path, separator):
    """U+2028, U+2029 and U+0085 are valid raw inside a JSON string; str.splitlines cut
    the line there. \\v, \\f and \\x1c are not valid raw in a string: an error at line 1."""
    row = '{"conversation_id": "c1", "speaker": "agent", "text": "%s"}'
    text = row % f"a{separator}b" + "\r\n" + row % "z" + "\n"   # raw, as json.dumps never writes
    path = write(tmp_path / "t.jsonl", text)
    if separator < " ":
        fails_both([path], r"t\.jsonl:1: invalid JSON")
        return
    loaded, _ = load_both([path])
    assert turns_of(loaded) == [("c1", "agent", f"a{separator}b", 1), ("c1", "agent", "z", 2)]


def test_gzip_suffix_in_capitals_is_decompressed(tmp_path):
    path = tmp_path / "TURNS.CSV.GZ"
    path.write_bytes(gzip.compress(b"conversation_id,speaker,text\nc1,agent,hello\n"))
    loaded, _ = load_both([path])
    assert turns_of(loaded) == [("c1", "agent", "hello", 2)]


def test_csv_field_over_128_kib_is_read_like_json_lines(tmp_path):
    text = "sorry " * 40_000   # 240 KB
    csv_path = write(tmp_path / "big.csv", f'conversation_id,speaker,text\nc1,agent,"{text}"\n')
    jsonl_path = write_json(tmp_path / "big.json", [{"conversation_id": "c1", "speaker": "agent",
                                                     "text": text}])
    from_csv, _ = load_both([csv_path])
    from_json, _ = load_both([jsonl_path])
    assert from_csv[0].turns[0].text == from_json[0].turns[0].text == text


def test_turn_numbers_nan_and_inf_keep_the_file_order(tmp_path):
    """As with any turn that is no number: sorting around a NaN orders nothing."""
    path = write(tmp_path / "t.csv", "conversation_id,speaker,text,turn\n"
                 "c1,agent,first,1\nc1,agent,second,3\nc1,agent,third,2\nc1,agent,fourth,nan\n")
    loaded, _ = load_both([path])
    assert [t.text for t in loaded[0].turns] == ["first", "second", "third", "fourth"]


def test_turn_numbers_above_2_to_the_53_compare_exactly(tmp_path):
    big = 2 ** 53
    path = write(tmp_path / "t.csv", "conversation_id,speaker,text,turn\n"
                 f"c1,agent,later,{big + 1}\nc1,agent,earlier,{big}\nc1,agent,half,1.5\n")
    loaded, _ = load_both([path])
    assert [t.text for t in loaded[0].turns] == ["half", "earlier", "later"]


# ---------------------------------------------------------------- crashes (item 8)

def test_json_nested_1000_deep_is_a_located_error(tmp_path):
    path = write(tmp_path / "deep.json", "[" * 1000 + "]" * 1000)
    fails_both([path], r"deep\.json:1: .*nested too deeply")


def test_jsonl_nested_100000_deep_is_a_located_error(tmp_path):
    row = '{"conversation_id": "c1", "speaker": "agent", "text": "ok"}\n'
    path = write(tmp_path / "deep.jsonl", row + '{"text": ' + "[" * 100_000 + "]" * 100_000 + "}\n")
    fails_both([path], r"deep\.jsonl:2: .*nested too deeply")


def test_lone_surrogate_escapes_become_replacement_characters(tmp_path):
    path = write(tmp_path / "s.jsonl",
                 '{"conversation_id": "c\\ud800", "speaker": "agent", "text": "hi \\udc00 there"}\n'
                 '{"conversation_id": "c\\ud800", "speaker": "agent", "text": "\\ud83d\\ude00"}\n')
    loaded, report = load_both([path])
    assert turns_of(loaded) == [("c\ufffd", "agent", "hi \ufffd there", 1),
                                ("c\ufffd", "agent", "\U0001F600", 2)]
    assert any("U+FFFD" in note for note in report.notes)


@pytest.mark.parametrize("damage", ["flip", "truncate", "not-gzip"])
def test_damaged_gzip_is_a_located_error(tmp_path, damage):
    data = gzip.compress(b'{"conversation_id": "c1", "speaker": "agent", "text": "hi"}\n' * 200)
    if damage == "flip":
        data = data[:20] + bytes(b ^ 0x55 for b in data[20:40]) + data[40:]
    elif damage == "truncate":
        data = data[: len(data) // 2]
    else:
        data = b"plain text, not gzip"
    path = tmp_path / "t.jsonl.gz"
    path.write_bytes(data)
    fails_both([path], r"t\.jsonl\.gz: not a valid gzip file")


def test_file_that_grows_between_the_two_passes_is_an_error(tmp_path):
    path = write(tmp_path / "t.csv", "conversation_id,speaker,text\nc1,agent,hi\n")
    source = Source.of([path])
    scanned = scan(source)
    with path.open("a", encoding="utf-8") as handle:
        handle.write("c1,agent,more\n")
    with pytest.raises(UserError, match=r"t\.csv: .*changed while it was read"):
        list(conversations(source, scanned))


# ---------------------------------------------------------------- same id twice (item 4)

def two_files(tmp_path):
    a = write(tmp_path / "a.csv", "conversation_id,speaker,agent_id,text\nc1,agent,ann,hi\n")
    b = write(tmp_path / "b.csv", "conversation_id,speaker,agent_id,text\n"
                                  "c2,agent,bob,yo\nc1,agent,bob,hello\n")
    return a, b


def test_same_conversation_id_in_two_files_is_an_error_naming_both(tmp_path):
    a, b = two_files(tmp_path)
    fails_both([a, b], r"b\.csv:3: \[conversation_id\] conversation 'c1' is also in .*a\.csv:2")


def test_ids_per_file_keeps_conversations_of_two_files_apart(tmp_path):
    a, b = two_files(tmp_path)
    loaded, _ = load_both([a, b], ids_per_file=True)
    assert sorted((c.conversation_id, c.agent_id) for c in loaded) == [
        (f"{a}:c1", "ann"), (f"{b}:c1", "bob"), (f"{b}:c2", "bob")]


def test_a_file_given_twice_is_read_once_with_a_note(tmp_path):
    a = write(tmp_path / "in" / "a.csv", "conversation_id,speaker,text\nc1,agent,hi\n")
    loaded, report = load_both([a, tmp_path / "in" / "." / "a.csv", tmp_path / "in"])
    assert len(turns_of(loaded)) == 1 and report.files.count(str(a)) == 1
    assert any("given more than once" in note for note in report.notes)


# ---------------------------------------------------------------- unreadable paths (item 2)

def test_unreadable_subdirectory_is_an_error(tmp_path, monkeypatch):
    write(tmp_path / "ok" / "a.csv", "conversation_id,speaker,text\nc1,agent,hi\n")
    locked = tmp_path / "locked"
    write(locked / "b.csv", "conversation_id,speaker,text\nc2,agent,hi\n")
    real_scandir = os.scandir

    def scandir(path="."):   # chmod 000 does not stop root: refuse as the kernel would
        if os.fspath(path) == str(locked):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)
    monkeypatch.setattr(os, "scandir", scandir)
    fails_both([tmp_path], r"locked: cannot read directory: .*Permission denied")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a chmod 000 directory")
def test_chmod_000_subdirectory_is_an_error(tmp_path):
    write(tmp_path / "locked" / "b.csv", "conversation_id,speaker,text\nc2,agent,hi\n")
    (tmp_path / "locked").chmod(0)
    try:
        fails_both([tmp_path], r"locked: cannot read directory")
    finally:
        (tmp_path / "locked").chmod(0o755)


def test_redact_reads_json_lines_as_the_loaders_do(run, tmp_path):
    row = '{"conversation_id": "c1", "speaker": "customer", "text": "mail bob@example.com\u2028ok"}'
    path = write(tmp_path / "in" / "t.jsonl", row + "\n")
    result = run("redact", path, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.stderr
    redacted = (tmp_path / "out" / "t.jsonl").read_text(encoding="utf-8")
    assert "bob@example.com" not in redacted and "\u2028ok" in redacted
