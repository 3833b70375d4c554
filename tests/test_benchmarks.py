"""The benchmark scripts run, on a corpus small enough for the suite (their figures are for
the README, not for assertions about speed)."""
import os
import re
import subprocess
import sys

import pytest

from .conftest import ROOT, needs_shared

pytest.importorskip("psutil")   # bench.py measures process trees with it


@needs_shared
def test_budget_prints_floors_and_what_is_left():
    run = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "budget.py"), "--turns", "400", "--runs", "1",
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
    rounding = 0.005 * (len(parts) + 1)   # each printed figure is rounded to 0.01
    assert together == pytest.approx(sum(parts.values()), abs=rounding)
    sent = int(re.search(r"sentiment \(([\d,]+) texts\)", run.stdout)[1].replace(",", ""))
    assert 0 < sent < 400
    left = float(re.search(r"left for everything else: (-?[\d.]+) CPU s", run.stdout)[1])
    now = float(re.search(r"the auditor spends on it now: (-?[\d.]+) CPU s", run.stdout)[1])
    assert left == pytest.approx(4 - together, abs=0.011)
    assert now == pytest.approx(3 - together, abs=0.011)


def test_startup_prints_warm_cold_and_a_paired_ratio(tmp_path):
    """Against itself as the baseline: the ratio is a ratio of two runs of the same code."""
    run = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "startup.py"), "--runs", "1",
         "--baseline", str(ROOT)], capture_output=True, text=True, timeout=300,
        env={**os.environ, "XDG_CACHE_HOME": str(tmp_path)})
    assert run.returncode == 0, run.stderr
    assert [line.split(",")[0] for line in run.stdout.splitlines() if not line.startswith(" ")] \
        == ["warm", "cold (--no-cache)"]
    figures = re.findall(r"^  (this checkout|baseline) +(\d+\.\d+) .* s, (\d+\.\d) MiB$",
                         run.stdout, re.MULTILINE)
    assert len(figures) == 4 and all(float(s) > 0 and float(m) > 10 for _, s, m in figures)
    ratios = re.findall(r"^  ratio \(paired\) (\d+\.\d+)", run.stdout, re.MULTILINE)
    assert len(ratios) == 2 and all(float(r) > 0 for r in ratios)
