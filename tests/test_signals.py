"""SIGTERM (a CI timeout, `timeout`, `kill`) ends an audit as cleanly as Ctrl-C: no staging
directory left in the output folder, no worker, forkserver or resource tracker left running
(holding stderr open, so `| tee` never ends), exit code 143."""
from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

import pytest

from .synthetic import AGENT_LINES, CUSTOMER_LINES

psutil = pytest.importorskip("psutil", reason="psutil (the bench extra) lists the processes")


def big_input(path, conversations: int) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for n in range(conversations):
            turns = [{"speaker": "customer", "text": CUSTOMER_LINES[n % 4]},
                     {"speaker": "agent", "text": AGENT_LINES[(n // 4) % 4]}] * 3
            handle.write(json.dumps({"conversation_id": f"c{n}", "agent_id": f"a{n % 7}",
                                     "turns": turns}) + "\n")


def wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def block_stop_signals() -> None:
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})


def ignore_sigterm() -> None:   # as `trap '' TERM` in the shell that starts us
    signal.signal(signal.SIGTERM, signal.SIG_IGN)


def start_audit(tmp_path, jobs: str, preexec_fn=None):
    """An audit well into scoring: (process, its descendants, the export directory)."""
    source, out = tmp_path / "big.jsonl", tmp_path / "out"
    big_input(source, 8_000)   # 48,000 turns: several seconds of scoring
    audit = subprocess.Popen([sys.executable, "-m", "empathy_audit", "audit", str(source),
                              "-o", str(out), "--jobs", jobs, "--quiet"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             preexec_fn=preexec_fn)
    parent = psutil.Process(audit.pid)
    workers = int(jobs) if jobs != "1" else 0
    started = wait_for(lambda: any(out.glob(".empathy-audit-*/turns.csv"))
                       and len(parent.children(recursive=True)) >= workers, 60)
    assert started, "the audit never started writing its exports"
    return audit, parent.children(recursive=True), out


@pytest.mark.parametrize("jobs,signum,code", [("1", signal.SIGTERM, 143),
                                               ("2", signal.SIGTERM, 143),
                                               ("2", signal.SIGINT, 130)])
def test_sigterm_removes_the_staging_directory_and_every_child(tmp_path, jobs, signum, code):
    audit, descendants, out = start_audit(tmp_path, jobs)
    assert_stopped_cleanly(audit, descendants, out, signum, code)


@pytest.mark.skipif(not hasattr(signal, "pthread_sigmask"), reason="no signal masks here")
@pytest.mark.parametrize("inherited", [block_stop_signals, ignore_sigterm])
def test_a_sigterm_blocked_or_ignored_by_the_parent_still_stops_the_audit(tmp_path, inherited):
    """A parent can start us with SIGTERM blocked or ignored (both survive exec): it would
    wait, unseen, until the audit had written every export and exited 0."""
    audit, descendants, out = start_audit(tmp_path, "1", preexec_fn=inherited)
    assert_stopped_cleanly(audit, descendants, out, signal.SIGTERM, 143)


def assert_stopped_cleanly(audit, descendants, out, signum, code):
    audit.send_signal(signum)
    try:   # stderr reaches EOF only when no process holds it open any more
        _, stderr = audit.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        audit.kill()
        for process in descendants:
            process.kill()
        pytest.fail("stderr still open 30 s after SIGTERM")
    assert audit.returncode == code, stderr.decode()
    assert list(out.iterdir()) == [], "staging directory or partial exports left behind"
    gone, alive = psutil.wait_procs(descendants, timeout=10)
    assert alive == [], f"still running: {[p.cmdline() for p in alive]}"
    assert b"Traceback" not in stderr
    assert stderr.decode().strip().splitlines() == [
        f"error: terminated by {'SIGTERM' if code == 143 else 'Ctrl-C'}; exports not written"]


def test_workers_die_with_a_killed_auditor(tmp_path):
    """SIGKILL cannot be handled: the staging directory stays, but no process outlives it."""
    audit, descendants, _ = start_audit(tmp_path, "2")
    assert len(descendants) >= 2
    audit.kill()
    try:
        audit.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        for process in descendants:
            process.kill()
        pytest.fail("stderr still open 30 s after SIGKILL")
    gone, alive = psutil.wait_procs(descendants, timeout=10)
    for process in alive:
        process.kill()
    assert alive == []
