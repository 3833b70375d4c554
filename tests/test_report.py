"""`report`: the files it writes, their content, safety, determinism and atomicity."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from empathy_audit import audit
from empathy_audit.cli import app
from empathy_audit.formatters import html_report, report_files
from empathy_audit.formatters.report_tables import scorecard_names
from tests.synthetic import synthetic_result

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
runner = CliRunner()


def run_report(*args: str):
    return runner.invoke(app, ["report", *args])


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def write_transcripts(path: Path, conversations: list[dict]) -> Path:
    path.write_text(json.dumps(conversations), encoding="utf-8")
    return path


def conversation(cid: str, agent: str, customer: str, reply: str) -> dict:
    return {"conversation_id": cid, "agent_id": agent,
            "turns": [{"speaker": "customer", "text": customer},
                      {"speaker": "agent", "text": reply}]}


def test_report_writes_every_file(tmp_path):
    result = run_report(str(SAMPLES), "--out-dir", str(tmp_path))
    assert result.exit_code == 0, result.output
    names = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert names == [".empathy-audit-output", "report.html", "scorecards/carrier-rep-dana.csv",
                     "scorecards/store-rep-lee.csv", "scorecards/support-max.csv",
                     "scorecards/support-sam.csv", "summary.csv", "summary.xlsx"]
    assert "4 scorecard(s)" in result.stdout


def test_scorecard_lists_conversations_then_totals(tmp_path):
    run_report(str(SAMPLES), "--out-dir", str(tmp_path))
    rows = read_csv(tmp_path / "scorecards" / "support-sam.csv")
    assert [r["conversation_id"] for r in rows] == ["chat-101", "chat-102", "chat-103",
                                                    "TOTAL (3 conversations)"]
    assert list(rows[0]) == ["conversation_id", "turns", "score", "acknowledge", "be_present",
                             "return_to_solving", "apologize", "follow_up"]
    assert rows[1]["be_present"] == "missed"
    totals = rows[-1]
    assert totals["score"] == "55.0"
    assert totals["be_present"] == "2/3 met (67%)"
    assert totals["acknowledge"] == "0/1 met (0%)"


def test_summary_csv_and_workbook_agree_with_the_audit(tmp_path):
    run_report(str(SAMPLES), "--out-dir", str(tmp_path))
    audited = audit([SAMPLES])
    summary = read_csv(tmp_path / "summary.csv")
    assert [r["agent_id"] for r in summary] == [a.agent_id for a in audited.agents]
    assert summary[0]["scorecard"] == "scorecards/carrier-rep-dana.csv"
    sheets = pd.read_excel(tmp_path / "summary.xlsx", sheet_name=None, keep_default_na=False)
    assert list(sheets) == ["agents", "behaviours", "conversations"]
    assert len(sheets["conversations"]) == len(audited.conversations)
    behaviours = sheets["behaviours"].set_index("behaviour")
    for b, counts in audited.behaviour_counts.items():
        assert behaviours.loc[b, "missed"] == counts["missed"]
    sam = sheets["agents"].set_index("agent_id").loc["support-sam"]
    assert sam["score"] == pytest.approx(55.0)
    assert sam["apologize_met_rate"] == pytest.approx(0.333)


def test_scorecard_names_are_safe_and_unique():
    names = scorecard_names(["a/b", "a_b", "../../etc/passwd", "CON", "Team", "team", "",
                             "ok-agent"])
    assert names["ok-agent"] == "ok-agent.csv"
    assert names["CON"] == "CON_.csv"
    assert names["../../etc/passwd"] == "etc_passwd.csv"
    assert names[""] == "agent.csv"
    assert names["a/b"] != names["a_b"] and names["a/b"].startswith("a_b-")
    assert names["Team"].lower() != names["team"].lower()
    for name in names.values():
        assert "/" not in name and "\\" not in name and not name.startswith(".")
    assert scorecard_names(["a/b", "a_b"])["a/b"] == names["a/b"]  # independent of order


def test_hostile_text_and_ids_are_neutralised(tmp_path):
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    source = write_transcripts(tmp_path / "in.json", [
        conversation("=HYPERLINK(\"http://x\")", "@evil/../agent",
                     f"My order is broken!! {payload}", f"Sure. {payload}"),
        conversation("c2", "<b>agent</b>", "My order is broken!!", "Sure.")])
    out = tmp_path / "out"
    assert run_report(str(source), "--out-dir", str(out)).exit_code == 0
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "<script>alert" not in page and "<img src=x" not in page and "<b>agent" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert page.count("<script>") == 1  # only the report's own pager
    scorecards = list((out / "scorecards").iterdir())
    assert all(p.parent == out / "scorecards" for p in scorecards)
    ids = {row["conversation_id"] for p in scorecards for row in read_csv(p)}
    assert "'=HYPERLINK(\"http://x\")" in ids
    summary = read_csv(out / "summary.csv")
    assert {r["agent_id"] for r in summary} == {"'@evil/../agent", "<b>agent</b>"}
    sheets = pd.read_excel(out / "summary.xlsx", sheet_name=None, keep_default_na=False)
    assert "'=HYPERLINK(\"http://x\")" in set(sheets["conversations"]["conversation_id"])
    assert "'@evil/../agent" in set(sheets["agents"]["agent_id"])


def test_report_is_deterministic(tmp_path):
    first, second = tmp_path / "one", tmp_path / "two"
    run_report(str(SAMPLES), "--out-dir", str(first))
    run_report(str(SAMPLES), "--out-dir", str(second))
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files
    for name in files:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_nothing_is_written_when_rendering_fails(tmp_path, monkeypatch):
    def broken(result):
        raise OSError("disk full")
    monkeypatch.setattr(html_report, "render_html", broken)
    out = tmp_path / "out"
    result = run_report(str(SAMPLES), "--out-dir", str(out))
    assert result.exit_code == 2
    assert "disk full" in result.stderr
    assert not out.exists() or not any(out.rglob("*"))


def test_missing_input_is_a_user_error(tmp_path):
    result = run_report(str(tmp_path / "nope.json"), "--out-dir", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert result.stderr.startswith("error:")


def test_turn_view_marks_evidence_and_the_missed_turn():
    result = audit([SAMPLES])
    page = html_report.render_html(result)
    start = page.index('data-conversation-id="call-001"')
    view = page[start:page.index("</section>", start)]
    assert '<mark class="evidence"' in view
    assert 'class="turn agent has-missed" id=' in view
    assert 'data-behaviour="acknowledge"' in view


def test_highlight_escapes_and_merges_overlapping_evidence():
    from empathy_audit.model import CueMatch
    text = "I'm <so> sorry"
    cues = [CueMatch("apology", 9, 14, "sorry"), CueMatch("acknowledgement", 4, 14, "<so> sorry")]
    html = html_report.highlight(text, cues)
    assert html == ("I&#x27;m <mark class=\"evidence\" title=\"acknowledgement\">&lt;so&gt; </mark>"
                    "<mark class=\"evidence\" title=\"acknowledgement, apology\">sorry</mark>")


def test_ten_thousand_conversations_stay_small_and_capped():
    result = synthetic_result(10_000, agents=150)
    page = html_report.render_html(result)
    assert page.count('class="conv"') == html_report.MAX_LOWEST
    assert page.count('class="conv-link"') == html_report.MAX_LOWEST
    assert page.count('<g class="cell">') == html_report.MAX_AGENTS_IN_CHART * 5
    assert "The 100 lowest-scoring of 150 agents" in page
    assert len(page) < 2_000_000
    files = report_files.report_files(result)
    assert sum(name.startswith("scorecards/") for name in files) == 150


def test_scorecards_of_an_earlier_run_are_removed_and_reported(tmp_path):
    (tmp_path / "scorecards").mkdir()
    (tmp_path / "scorecards" / "gone-agent.csv").write_text("old\n", encoding="utf-8")
    (tmp_path / "keep.txt").write_text("not ours\n", encoding="utf-8")
    result = run_report(str(SAMPLES), "--out-dir", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "scorecards" / "gone-agent.csv").exists()
    assert (tmp_path / "keep.txt").exists()
    assert len(list((tmp_path / "scorecards").iterdir())) == 4
    assert "removed 1 scorecard(s) of an earlier run" in result.stderr
