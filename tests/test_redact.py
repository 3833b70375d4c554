"""Redaction: the core rules, the file formats, and the CLI (counts, --check, --names)."""
from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from empathy_audit.cli import app
from empathy_audit.redaction import ConversationRedactor, luhn_valid, pattern_spans

from .conftest import ABCD, CARE, ROOT, needs_shared


def run(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def redact_one(text: str, names=()) -> str:
    redactor = ConversationRedactor(list(names))
    redactor.learn_turns([("customer", text)])
    return redactor.redact(text)


# ---------------------------------------------------------------- rules

@pytest.mark.parametrize("text, kind, secret", [
    ("write to jo.smith+bills@example.co.uk please", "EMAIL", "jo.smith+bills@example.co.uk"),
    ("call me on (977) 625-2661 tonight", "PHONE", "625-2661"),
    ("my number is +44 20 7946 0958", "PHONE", "7946 0958"),
    ("ring 1-800-848-9136 now", "PHONE", "848-9136"),
    ("card 4111 1111 1111 1111 was charged", "CARD", "4111 1111 1111 1111"),
    ("order 3348917502 is late", "ACCOUNT", "3348917502"),
    ("my order #A-1042 arrived broken", "ACCOUNT", "A-1042"),
    ("ask @jane_doe99 about it", "HANDLE", "@jane_doe99"),
    ("see https://x.example/track?id=123&email=a%40b.c for status", "QUERY", "id=123"),
    ("ship it to 6821 1st ave by monday", "ADDRESS", "6821 1st ave"),
    ("Hi, my name is Crystal Minh and I need help", "PERSON", "Crystal Minh"),
])
def test_each_kind_is_replaced_by_a_numbered_placeholder(text, kind, secret):
    redacted = redact_one(text)
    assert secret not in redacted
    assert f"<{kind}_1>" in redacted


def test_luhn_decides_what_is_a_card():
    assert luhn_valid("4111111111111111") and not luhn_valid("4111111111111112")
    kinds = {s.kind for s in pattern_spans("card 4111 1111 1111 1112 was charged")}
    assert "CARD" not in kinds       # not a card number...
    assert "ACCOUNT" not in kinds    # ...and with spaces not one long digit run either
    assert {s.kind for s in pattern_spans("ref 4111111111111112")} == {"ACCOUNT"}


def test_a_url_keeps_its_address_and_page_ids_only_the_query_goes():
    redacted = redact_one("try https://help.example.com/answer/7177579?visit_id=1-63667707 now")
    assert redacted == "try https://help.example.com/answer/7177579?<QUERY_1> now"


@pytest.mark.parametrize("text", [
    "I waited 3 days and it still does not work",
    "It costs 9.99 and arrived on 2019-11-06",
    "you have to be 17 to drive",
    "my login is not working",
    "call me back tomorrow",
])
def test_ordinary_text_is_left_alone(text):
    assert redact_one(text) == text


def test_placeholders_are_consistent_within_a_conversation():
    redactor = ConversationRedactor()
    turns = [("customer", "I'm jo@example.com, also jo2@example.com"),
             ("agent", "Thanks, I emailed jo@example.com"),
             ("customer", "Reach me at 977-625-2661 or (977) 625-2661")]
    redactor.learn_turns(turns)
    out = [redactor.redact(text) for _, text in turns]
    assert out == ["I'm <EMAIL_1>, also <EMAIL_2>", "Thanks, I emailed <EMAIL_1>",
                   "Reach me at <PHONE_1> or <PHONE_1>"]


def test_an_answer_to_may_i_have_your_name_is_a_name_everywhere_after():
    redactor = ConversationRedactor()
    turns = [("agent", "sure, may I have your name please?"), ("customer", "Crystal Minh"),
             ("agent", "What is your membership level Crystal?"),
             ("customer", "I'm a bronze. Crystal clear?")]
    redactor.learn_turns(turns)
    out = [redactor.redact(text) for _, text in turns]
    assert out[1] == "<PERSON_1>" and out[2] == "What is your membership level <PERSON_1>?"
    assert out[3] == "I'm a bronze. <PERSON_1> clear?"   # capitalised: counted as the name


def test_names_file_entries_are_redacted_case_insensitively():
    assert redact_one("Ask Dana or DANA's manager", names=["Dana"]) == \
        "Ask <PERSON_1> or <PERSON_1>'s manager"


def test_redacting_twice_changes_nothing():
    once = redact_one("my name is Jo Lee, jo@x.com, 4111 1111 1111 1111, @jolee, 12 Oak St")
    assert re.fullmatch(r"[^@\d]*(<[A-Z]+_\d>[^@\d]*)+", once), once
    assert redact_one(once) == once


# ---------------------------------------------------------------- files and CLI

CSV_TEXT = ('ticket,conversation_id,speaker,agent_id,text,extra\r\n'
            'T1,c1,customer,sam,"Hi, I\'m jo@example.com, order 3348917502 is late",keep me\r\n'
            'T1,c1,agent,sam,"Sorry! I\'ve emailed jo@example.com about 3348917502.",x\r\n'
            'T2,c2,customer,max,"Write to al@example.com",y\r\n')


def test_csv_stays_csv_with_columns_quoting_and_line_endings_kept(tmp_path):
    source = tmp_path / "in" / "chats.csv"
    source.parent.mkdir()
    source.write_bytes(CSV_TEXT.encode())
    result = run("redact", source, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.stderr
    out = (tmp_path / "out" / "chats.csv").read_bytes().decode()
    assert out == CSV_TEXT.replace("jo@example.com", "<EMAIL_1>").replace(
        "3348917502", "<ACCOUNT_1>").replace("al@example.com", "<EMAIL_1>")   # c2 restarts at 1
    assert "EMAIL 3, ACCOUNT 2" in result.stdout
    assert "example.com" not in result.stdout      # counts only, never the values


def test_json_and_jsonl_keep_structure_keys_and_unknown_fields(tmp_path):
    conversation = {"id": "c9", "channel": "chat", "meta": {"email": "zed@example.com"},
                    "turns": [{"speaker": "customer", "text": "I'm zed@example.com", "n": 1},
                              ["agent", "Got it, zed@example.com"]]}
    (tmp_path / "a.json").write_text(json.dumps([conversation], indent=2), encoding="utf-8")
    (tmp_path / "b.jsonl").write_text(json.dumps(conversation) + "\n\n" + json.dumps(conversation)
                                      + "\n", encoding="utf-8")
    result = run("redact", tmp_path / "a.json", tmp_path / "b.jsonl", "--out", tmp_path / "out")
    assert result.exit_code == 0, result.stderr
    expected = json.loads(json.dumps(conversation).replace("zed@example.com", "<EMAIL_1>"))
    assert json.loads((tmp_path / "out" / "a.json").read_text()) == [expected]
    lines = (tmp_path / "out" / "b.jsonl").read_text().split("\n")
    assert [json.loads(x) for x in lines if x] == [expected, expected] and lines[1] == ""
    assert list(json.loads((tmp_path / "out" / "a.json").read_text())[0]) == list(conversation)


def test_json_text_is_kept_byte_for_byte_except_the_values(tmp_path):
    """Formatting, escapes and line numbers survive: annotations on a redacted file point at
    the same lines as on the original."""
    text = ('[\n  {"id": "c9", "meta": {"order_id": 3348917502, "count": 3348917502},\n'
            '   "turns": [\n'
            '    {"speaker": "customer", "text": "I\'m zed@example.com, caf\\u00e9"},\n'
            '    ["agent", "Got it, zed@example.com"]\n  ]}\n]\n')
    source = tmp_path / "t.json"
    source.write_text(text, encoding="utf-8")
    assert run("redact", source, "--out", tmp_path / "out").exit_code == 0
    expected = (text.replace("zed@example.com", "<EMAIL_1>")
                .replace('"order_id": 3348917502', '"order_id": "<ACCOUNT_1>"')
                .replace('"count": 3348917502', '"count": "<ACCOUNT_1>"'))
    assert (tmp_path / "out" / "t.json").read_text(encoding="utf-8") == expected
    before = json.loads(run("audit", source, "--format", "json").stdout)
    after = json.loads(run("audit", tmp_path / "out" / "t.json", "--format", "json").stdout)
    lines = [[t["source_line"] for t in c["turns"]] for c in before["conversations"]]
    assert lines == [[4, 5]]
    assert lines == [[t["source_line"] for t in c["turns"]] for c in after["conversations"]]


def test_gzip_in_gzip_out_and_deterministic(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "c.csv.gz").write_bytes(gzip.compress(CSV_TEXT.encode()))
    run("redact", tmp_path / "in", "--out", tmp_path / "o1")
    run("redact", tmp_path / "in", "--out", tmp_path / "o2")
    first = (tmp_path / "o1" / "c.csv.gz").read_bytes()
    assert first == (tmp_path / "o2" / "c.csv.gz").read_bytes()
    assert b"<EMAIL_1>" in gzip.decompress(first)


def test_check_fails_on_personal_data_and_passes_on_redacted_output(tmp_path):
    source = tmp_path / "chats.csv"
    source.write_text(CSV_TEXT, encoding="utf-8")
    dirty = run("redact", source, "--check")
    assert dirty.exit_code == 1
    assert "1 of 1 file(s) hold personal data" in dirty.stdout
    run("redact", source, "--out", tmp_path / "clean")
    clean = run("redact", tmp_path / "clean", "--check")
    assert clean.exit_code == 0, clean.stdout
    assert not list((tmp_path).glob("**/.empathy-audit-*"))


def test_an_out_dir_inside_the_input_dir_is_not_read_back(tmp_path):
    (tmp_path / "chats.csv").write_bytes(CSV_TEXT.encode())
    for _ in range(2):
        result = run("redact", tmp_path, "--out", tmp_path / "redacted")
        assert result.exit_code == 0, result.stderr
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.csv")) == \
        ["chats.csv", "redacted/chats.csv"]


def test_a_ragged_csv_row_is_kept_not_a_crash(tmp_path):
    source = tmp_path / "r.csv"
    source.write_text("conversation_id,speaker,text\nc1,customer,mail jo@x.com,extra\n",
                      encoding="utf-8")
    assert run("redact", source, "--out", tmp_path / "out").exit_code == 0
    assert (tmp_path / "out" / "r.csv").read_text() == \
        "conversation_id,speaker,text\nc1,customer,mail <EMAIL_1>,extra\n"


def test_names_file_option(tmp_path):
    source = tmp_path / "chats.csv"
    source.write_text("conversation_id,speaker,text\nc1,agent,Thanks Priya\n", encoding="utf-8")
    names = tmp_path / "names.txt"
    names.write_text("# staff\nPriya\n", encoding="utf-8")
    run("redact", source, "--names", names, "--out", tmp_path / "out")
    assert (tmp_path / "out" / "chats.csv").read_text() == \
        "conversation_id,speaker,text\nc1,agent,Thanks <PERSON_1>\n"


@pytest.mark.parametrize("args, message", [
    (["--out", "{src_dir}"], "would overwrite the input"),
    ([], "give --out DIR"),
    (["--out", "{tmp}/o", "--names", "{tmp}/none.txt"], "none.txt: [--names] names file not found"),
    (["--out", "{tmp}/o", "--names", "{tmp}/latin1.txt"],
     "latin1.txt:2: [--names] cannot decode byte 0xe9 as utf-8-sig; re-save the file as UTF-8"),
    (["--out", "{tmp}/o", "--names", "{tmp}"], "[--names] names file is a folder; name a file"),
])
def test_redact_usage_errors_exit_2_and_write_nothing(tmp_path, args, message):
    source = tmp_path / "src" / "chats.csv"
    source.parent.mkdir()
    source.write_bytes(CSV_TEXT.encode())
    (tmp_path / "latin1.txt").write_bytes(b"# staff\nJos\xe9\n")
    filled = [a.format(src_dir=source.parent, tmp=tmp_path) for a in args]
    result = run("redact", source, *filled)
    assert result.exit_code == 2
    assert message in result.stderr and "Traceback" not in result.stderr
    assert source.read_bytes() == CSV_TEXT.encode()
    assert not (tmp_path / "o").exists()


def test_broken_input_is_a_located_error(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('[\n {"turns": [}\n]', encoding="utf-8")
    result = run("redact", bad, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert f"{bad}:2:" in result.stderr
    assert not (tmp_path / "out" / "bad.json").exists()


# ---------------------------------------------------------------- acceptance on ABCD

PERSONAL = [("personal", "customer_name"), ("personal", "email"), ("personal", "phone"),
            ("personal", "username"), ("order", "order_id"), ("order", "street_address")]


def scenario_values(conversation: dict) -> list[str]:
    values = [conversation["scenario"].get(group, {}).get(key) for group, key in PERSONAL]
    return [str(v) for v in values if v]


@needs_shared
def test_abcd_no_scenario_personal_value_remains(tmp_path):
    result = run("redact", ABCD, "--out", tmp_path)
    assert result.exit_code == 0, result.stderr
    redacted_text = (tmp_path / ABCD.name).read_text(encoding="utf-8").lower()
    originals = json.loads(ABCD.read_text(encoding="utf-8"))
    checked = 0
    for conversation in originals:
        for value in scenario_values(conversation):
            assert value.lower() not in redacted_text, value
            checked += 1
    assert checked >= 15


@needs_shared
def test_abcd_values_in_the_turns_are_found_from_the_text_alone(tmp_path):
    """Without the scenario block (where keys name the data), the turns still lose every
    personal value they mention: patterns, labels and answers to the agent's questions."""
    originals = json.loads(ABCD.read_text(encoding="utf-8"))
    stripped = [{"convo_id": c["convo_id"], "original": c["original"]} for c in originals]
    source = tmp_path / "turns_only.json"
    source.write_text(json.dumps(stripped), encoding="utf-8")
    assert run("redact", source, "--out", tmp_path / "out").exit_code == 0
    redacted = json.loads((tmp_path / "out" / source.name).read_text(encoding="utf-8"))
    mentioned = 0
    for before, after in zip(originals, redacted):
        original_text = " ".join(t for _, t in before["original"]).lower()
        after_text = " ".join(t for _, t in after["original"]).lower()
        for value in scenario_values(before):
            if value.lower() in original_text:
                mentioned += 1
                assert value.lower() not in after_text, value
    assert mentioned >= 8        # names, emails, phones, usernames and order ids are in the chats


@needs_shared
def test_abcd_redacted_audits_to_the_same_verdicts(tmp_path):
    run("redact", ABCD, "--out", tmp_path / "red")
    before = json.loads(run("audit", ABCD, "--format", "json").stdout)
    after = json.loads(run("audit", tmp_path / "red" / ABCD.name, "--format", "json").stdout)

    def verdicts(document):
        return {c["conversation_id"]: {b: v["verdict"] for b, v in c["verdicts"].items()}
                for c in document["conversations"]}
    assert verdicts(after) == verdicts(before)
    assert len(verdicts(before)) == 3


# ---------------------------------------------------------------- recall (issue 15.10)

def _recall_module():
    import importlib.util
    spec = importlib.util.spec_from_file_location(
        "redaction_recall", ROOT / "benchmarks" / "redaction_recall.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_recall_per_kind_on_realistic_snippets_and_no_false_positive():
    """The README's figures: every kind found in the snippets written with the patterns,
    and no ordinary support text (versions, prices, flights, times, dates) changed."""
    recall = _recall_module()
    per_kind, changed = recall.measure(recall.load(recall.SNIPPETS))
    missed = {kind: total - found for kind, (found, total) in per_kind.items() if found < total}
    assert missed == {}
    assert changed == []
    assert sum(total for _, total in per_kind.values()) >= 80


def test_recall_on_snippets_written_after_the_patterns():
    """held_out.yaml was measured as written: 31 of 32 found ("it's Kwame" is not an
    introduction the redactor knows) and 3 of 20 ordinary snippets changed (a capitalised
    word after "This is", a four-part version read as an IP); see the README."""
    recall = _recall_module()
    per_kind, changed = recall.measure(recall.load(recall.HELD_OUT))
    assert sum(found for found, _ in per_kind.values()) >= 31
    assert len(changed) <= 3


@pytest.mark.parametrize("text", [
    "I'm frustrated, this is the third time",
    "I'm Sorry to bother you again",
    "This is Ridiculous, I waited 3 hours",
    "I am DMing you the details",
    "I am Premium User and it fails",
    "New order is 30minutes late",
    "I cancelled the $11.99 one month trail",
])
def test_introductions_and_labels_that_are_not_personal_data(text):
    assert redact_one(text) == text


def test_a_known_name_goes_in_every_case_and_every_part():
    redactor = ConversationRedactor()
    turns = [("customer", "hi, I'm Omar Haddad"), ("agent", "Thanks Omar, HADDAD is on the order"),
             ("agent", "ok omar, done. Will you need anything else?")]
    redactor.learn_turns(turns)
    out = [redactor.redact(text) for _, text in turns]
    assert out == ["hi, I'm <PERSON_1>", "Thanks <PERSON_1>, <PERSON_1> is on the order",
                   "ok <PERSON_1>, done. Will you need anything else?"]


def test_a_name_part_that_is_a_common_word_goes_only_capitalised():
    redactor = ConversationRedactor()
    turns = [("customer", "my name is Bill Turner"), ("agent", "Bill, your bill is ready")]
    redactor.learn_turns(turns)
    assert redactor.redact(turns[1][1]) == "<PERSON_1>, your bill is ready"


@needs_shared
def test_abcd_no_personal_value_of_the_scenario_remains_in_any_case(tmp_path):
    """Every part of the name (any case: "membership level crystal?"), the city, the
    address, email, phone, username and order id are gone from the whole output."""
    assert run("redact", ABCD, "--out", tmp_path).exit_code == 0
    redacted = (tmp_path / ABCD.name).read_text(encoding="utf-8").lower()
    checked = 0
    for conversation in json.loads(ABCD.read_text(encoding="utf-8")):
        scenario = conversation["scenario"]
        values = [*scenario_values(conversation),
                  *scenario["personal"].get("customer_name", "").split(),
                  scenario["order"].get("city"), scenario["order"].get("full_address"),
                  scenario["order"].get("zip_code")]
        for value in filter(None, values):
            assert not re.search(r"(?<!\w)" + re.escape(value.lower()) + r"(?!\w)", redacted), value
            checked += 1
    assert checked >= 25


@needs_shared
def test_check_reports_what_redact_would_still_find_on_abcd():
    result = run("redact", ABCD, "--check")
    assert result.exit_code == 1
    assert "PERSON" in result.stdout and "ADDRESS" in result.stdout


def test_the_bundled_samples_pass_the_projects_own_redaction_hook():
    """The README's pre-commit hook (`redact --check`) passes on samples/: their personal
    values are placeholders, as a redacted transcript's are."""
    result = run("redact", ROOT / "samples", "--check")
    assert result.exit_code == 0, result.stdout
    assert "0 of 2 file(s) hold personal data" in " ".join(result.stdout.split())


# ---------------------------------------------------------------- verdicts kept (issue 14)

def _verdicts(document: dict) -> dict:
    return {c["conversation_id"]: {b: v["verdict"] for b, v in c["verdicts"].items()}
            for c in document["conversations"]}


def _audit_json(path) -> dict:
    result = run("audit", path, "--format", "json")
    assert result.exit_code in (0, 1), result.stderr
    return json.loads(result.stdout)


def test_an_email_and_its_placeholder_count_as_one_word_each(tmp_path):
    """The agent's reply has four words of its own (desk, the email, additional, visit) and
    shares none with the customer; the placeholder must count as the email's one word, or
    be_present turns from met to missed (as it did on the shared corpus)."""
    conversation = {"conversation_id": "c1", "agent_id": "Ask_Bank", "turns": [
        {"speaker": "customer", "text": "@Ask_Bank I keep getting these messages. link"},
        {"speaker": "agent", "text": "@jdoe88 Hello, this is not from us. Please forward them "
                                     "to our desk at reportfraud@bankmail.com. For additional "
                                     "information please visit https://bank.example.com/fraud"}]}
    source = write_json_lines(tmp_path / "in.jsonl", [conversation])
    assert run("redact", source, "--out", tmp_path / "out").exit_code == 0
    redacted = (tmp_path / "out" / "in.jsonl").read_text(encoding="utf-8")
    assert "<EMAIL_1>" in redacted and "reportfraud" not in redacted
    before = _verdicts(_audit_json(source))
    assert before["c1"]["be_present"] == "met"
    assert _verdicts(_audit_json(tmp_path / "out" / "in.jsonl")) == before


def write_json_lines(path: Path, items: list) -> Path:
    path.write_text("".join(json.dumps(item) + "\n" for item in items), encoding="utf-8")
    return path


SHARED_CORPUS = CARE / "conversations.jsonl"


@needs_shared
def test_redacting_the_shared_corpus_changes_no_verdict(tmp_path):
    assert run("redact", SHARED_CORPUS, "--out", tmp_path).exit_code == 0
    before = _verdicts(_audit_json(SHARED_CORPUS))
    after = _verdicts(_audit_json(tmp_path / SHARED_CORPUS.name))
    assert len(before) > 2000
    assert {c: v for c, v in after.items() if v != before[c]} == {}
