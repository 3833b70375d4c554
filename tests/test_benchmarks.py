"""The benchmark scripts run, on a corpus small enough for the suite (their figures are for
the README, not for assertions about speed)."""
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("psutil")   # bench.py measures process trees with it

REPO = Path(__file__).resolve().parent.parent
SHARED_CORPUS = REPO.parent / "shared" / "data" / "customer-care" / "conversations.jsonl"


@pytest.mark.skipif(not SHARED_CORPUS.exists(), reason="needs ../shared beside the repository")
def test_budget_prints_floors_and_what_is_left():
    run = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "budget.py"), "--turns", "400", "--runs", "1",
         "--jobs", "2", "--reference-seconds", "16", "--auditor-cpu", "3"],
        capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    # 16 s / 8 = 2 s wall, 4 CPU s on two cores
    assert "8x is 2.00 s wall, at most 4.00 CPU s on 2 core(s)" in lines[0]
    parts = {name.strip(): float(seconds) for name, seconds in
             re.findall(r"^  (.+?)\s+(\d+\.\d+) CPU s", run.stdout, re.MULTILINE)}
    together = parts.pop("floors together")
    assert len(parts) == 6 and all(seconds >= 0 for seconds in parts.values())
    assert parts["start-up: interpreter and imports"] > 0   # 400 turns round the rest to 0
    assert together == pytest.approx(sum(parts.values()), abs=0.01)
    sent = int(re.search(r"sentiment \(([\d,]+) texts\)", run.stdout)[1].replace(",", ""))
    assert 0 < sent < 400
    assert f"left for everything else: {4 - together:.2f} CPU s" in run.stdout
    assert f"the auditor spends on it now: {3 - together:.2f} CPU s" in run.stdout
