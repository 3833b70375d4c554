import json

import pytest

from empathy_audit.evaluation import cohen_kappa

from .conftest import CARE, ROOT, SAMPLES, needs_shared, write

HEADER = "conversation_id,acknowledge,be_present,return_to_solving,apologize,follow_up\n"


def confusion(pairs):
    table = {l: {t: 0 for t in ("met", "missed", "n/a")} for l in ("met", "missed", "n/a")}
    for label, tool in pairs:
        table[label][tool] += 1
    return table


def test_kappa_matches_a_hand_computation():
    # 10 items; agree on 8. p_o = 0.8; both raters 5 met / 5 missed: p_e = 0.5; kappa = 0.6
    pairs = [("met", "met")] * 4 + [("met", "missed")] + [("missed", "met")] + \
            [("missed", "missed")] * 4
    assert cohen_kappa(confusion(pairs), 10) == pytest.approx(0.6)


def test_kappa_with_three_verdicts_and_chance_agreement():
    # label: met, met, missed, n/a; tool: met, missed, missed, met. p_o = 2/4.
    # p_e = (2*2 + 1*2 + 1*0)/16 = 6/16; kappa = (0.5 - 0.375) / 0.625 = 0.2
    pairs = [("met", "met"), ("met", "missed"), ("missed", "missed"), ("n/a", "met")]
    assert cohen_kappa(confusion(pairs), 4) == pytest.approx(0.2)


def test_evaluate_reports_agreement_and_disagreements(run, tmp_path):
    # Verdicts from the rubric's worked example; call-002's follow_up deliberately mislabelled,
    # and the n/a written two other ways.
    labels = write(tmp_path / "labels.csv", HEADER +
                   "call-001,missed,missed,met,na,missed\n"
                   "call-002,met,met,met,,missed\n")
    result = run("evaluate", SAMPLES, "--labels", labels, "--format", "json",
                 "--show-disagreements")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    by_behaviour = {b["behaviour"]: b for b in document["behaviours"]}
    assert by_behaviour["acknowledge"]["kappa"] == 1.0
    assert by_behaviour["follow_up"]["accuracy"] == 0.5
    assert by_behaviour["follow_up"]["confusion"]["missed"]["met"] == 1
    assert document["overall"]["compared"] == 10
    [disagreement] = document["disagreements"]
    assert disagreement["conversation_id"] == "call-002"
    assert (disagreement["label"], disagreement["tool"]) == ("missed", "met")
    assert any('follow_up[204:214]="just reply"' in e for e in disagreement["evidence"])


def test_evaluate_table_and_kappa_gate(run, tmp_path):
    labels = write(tmp_path / "labels.csv", "conversation_id,follow_up,sentiment\n"
                   "call-001,met,\ncall-002,met,\ncall-004,met,\n")
    result = run("evaluate", SAMPLES, "--labels", labels, "--fail-under-kappa", "0.8")
    assert result.exit_code == 1
    assert "follow_up" in result.stdout and "not in the checklist, skipped: sentiment" in result.stdout
    assert "gate failed: kappa: follow_up" in result.stderr


def test_labels_missing_from_transcripts_are_named(run, tmp_path):
    labels = write(tmp_path / "labels.csv", HEADER + "ghost-1,met,met,met,met,met\n")
    result = run("evaluate", SAMPLES, "--labels", labels)
    assert result.exit_code == 2 and "ghost-1" in result.stderr


def test_bad_label_value_is_located(run, tmp_path):
    labels = write(tmp_path / "labels.csv", HEADER + "call-001,maybe,met,met,met,met\n")
    result = run("evaluate", SAMPLES, "--labels", labels)
    assert result.exit_code == 2 and "labels.csv:2: [acknowledge]" in result.stderr


@needs_shared
@pytest.mark.parametrize("labels", [CARE / "labels-dev.csv", ROOT / "tests/labels/labels-own.csv"])
def test_evaluate_runs_on_both_label_sets(run, labels):
    result = run("evaluate", CARE / "conversations.jsonl", "--labels", labels, "--format", "json")
    document = json.loads(result.stdout)
    assert result.exit_code == 0
    assert {b["behaviour"] for b in document["behaviours"]} == {
        "acknowledge", "be_present", "return_to_solving", "apologize", "follow_up"}


def test_a_short_label_row_is_an_error_not_silent_na(run, tmp_path):
    labels = write(tmp_path / "labels.csv", HEADER + "call-001,missed\n")
    result = run("evaluate", SAMPLES, "--labels", labels)
    assert result.exit_code == 2 and "labels.csv:2: row has 2 fields, header has 6" in result.stderr


def test_cue_agreement_counts_and_kappa_worked_by_hand():
    from empathy_audit.evaluation import CueAgreement
    # 20 both, 5 missed, 10 false alarms, 65 neither: p = 20/30, r = 20/25,
    # observed 0.85, chance (25*30 + 75*70) / 100^2 = 0.6, kappa (0.85-0.6)/0.4 = 0.625
    a = CueAgreement.of("distress", [(True, True)] * 20 + [(True, False)] * 5
                        + [(False, True)] * 10 + [(False, False)] * 65)
    assert (a.turns, a.labelled) == (100, 25)
    assert abs(a.precision - 2 / 3) < 1e-12 and abs(a.recall - 0.8) < 1e-12
    assert abs(a.f1 - 2 * (2 / 3) * 0.8 / (2 / 3 + 0.8)) < 1e-12
    assert abs(a.kappa - 0.625) < 1e-12
    assert CueAgreement.of("x", []).kappa is None
