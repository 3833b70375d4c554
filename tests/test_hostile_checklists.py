"""Checklists built to break the loader (issue 15): each is one located error, never a
traceback, a NaN score or a column overwritten."""
from __future__ import annotations

import pytest

from empathy_audit.checklist import load_checklist, parse_checklist
from empathy_audit.errors import UserError

from .conftest import write
from .test_checklist import MINIMAL


def fails(text: str, match: str) -> str:
    with pytest.raises(UserError, match=match) as caught:
        parse_checklist(text, "c.yaml")
    assert "\n" not in str(caught.value)
    return str(caught.value)


@pytest.mark.parametrize("value", [".inf", "-.inf", ".nan", ".NaN"])
def test_weight_and_share_must_be_finite(value):
    fails(MINIMAL.replace("title: Pause", f"weight: {value}\n    title: Pause"),
          r"c\.yaml:\d+: \[behaviours\.acknowledge\.weight\]")
    fails(MINIMAL.replace("turns: first_reply", f"turns: first_reply, min_share: {value}"),
          r"\[behaviours\.acknowledge\.met_when\.min_share\]")


@pytest.mark.parametrize("bid", ["score", "turns", "agent_id", "conversation_id"])
def test_behaviour_id_that_is_an_export_column_is_refused(bid):
    message = fails(MINIMAL.replace("  acknowledge:", f"  {bid}:"),
                    rf"c\.yaml:9: \[behaviours\.{bid}\] .*export column")
    assert bid in message


@pytest.mark.parametrize("bid", ["'=HYPERLINK(1)'", "'[bold]x'", "'a,b'", "'a b'", "'-x'"])
def test_behaviour_and_cue_ids_are_plain_words(bid):
    fails(MINIMAL.replace("  acknowledge:", f"  {bid}:"), r"c\.yaml:9: \[behaviours\..*letters")
    fails(MINIMAL.replace("  upset]", "  upset]").replace("  distress:", f"  {bid}:")
          .replace("customer_cue: distress", f"customer_cue: {bid}"), r"c\.yaml:2: .*letters")


def test_yaml_nested_5000_deep_is_an_error():
    fails("cues: " + "[" * 5000 + "]" * 5000 + "\n",
          r"c\.yaml(:1)?: .*(nested too deeply|maximum nesting depth)")  # Python / C parser


def test_extends_chain_of_400_files_is_an_error(tmp_path):
    for i in range(400):
        write(tmp_path / f"e{i}.yaml", f"extends: e{i + 1}.yaml\n" if i < 399 else MINIMAL)
    with pytest.raises(UserError, match=r"e\d+\.yaml:1: \[extends\] .*more than \d+ checklists"):
        load_checklist(tmp_path / "e0.yaml")


def test_short_extends_chain_still_loads(tmp_path):
    for i in range(5):
        write(tmp_path / f"e{i}.yaml", f"extends: e{i + 1}.yaml\n" if i < 4 else MINIMAL)
    assert list(load_checklist(tmp_path / "e0.yaml").behaviours) == ["acknowledge"]


@pytest.mark.parametrize("key,line", [("1", "2"), ("2.5", "2"), ("null", r"\d+")])
def test_keys_yaml_reads_as_no_string_are_located_errors(key, line):
    text = MINIMAL.replace("  distress:", f"  {key}:").replace("customer_cue: distress",
                                                               f"customer_cue: '{key}'")
    fails(text, rf"c\.yaml:{line}: \[cues\..*\] key .* is not a string; quote it")
