"""A stop (SIGTERM, Ctrl-C) is remembered: outputs never move into place after one, even when
a library swallowed the exception the signal raised on its way up."""
from __future__ import annotations

import builtins
import os
import signal
import subprocess
import sys
import threading

import pytest

from empathy_audit import interruption
from empathy_audit.checklist import load_checklist
from empathy_audit.engine.exports import StreamedExports
from empathy_audit.engine.work import partial_result
from empathy_audit.formatters.csv_export import write_files_atomically
from empathy_audit.interruption import Terminated

from .conftest import SAMPLES


@pytest.mark.parametrize("signum,raised", [(signal.SIGTERM, Terminated),
                                           (signal.SIGINT, KeyboardInterrupt)])
def test_nothing_is_written_after_a_swallowed_stop(tmp_path, monkeypatch, signum, raised):
    def swallowed():
        try:
            interruption._on_signal(signum, None)
        except BaseException:   # noqa: BLE001 (what a careless library might do)
            pass
    monkeypatch.setattr(interruption, "_stopped_by", None)
    swallowed()
    with pytest.raises(raised):
        write_files_atomically(tmp_path, {"agents.csv": "agent_id\n"})
    assert list(tmp_path.iterdir()) == [], "an export or the staging directory was left"


def test_files_are_written_when_no_stop_was_asked_for(tmp_path, monkeypatch):
    monkeypatch.setattr(interruption, "_stopped_by", None)
    write_files_atomically(tmp_path, {"agents.csv": "agent_id\n"})
    assert [p.name for p in tmp_path.iterdir()] == ["agents.csv"]


def test_a_stop_while_the_streamed_exports_open_leaves_no_staging_directory(tmp_path,
                                                                            monkeypatch):
    real_open, opened = builtins.open, []

    def open_then_stop(*args, **kwargs):   # Ctrl-C after the first streamed file is open
        if opened:
            raise KeyboardInterrupt
        opened.append(real_open(*args, **kwargs))
        return opened[-1]
    empty = partial_result(load_checklist(None), [])
    monkeypatch.setattr(builtins, "open", open_then_stop)
    with pytest.raises(KeyboardInterrupt):
        StreamedExports(tmp_path, empty)
    monkeypatch.undo()
    assert list(tmp_path.iterdir()) == []
    assert all(handle.closed for handle in opened)


def test_a_model_file_is_not_written_after_a_stop(tmp_path, monkeypatch):
    """train writes its model files (bytes) through the same writer, into a new folder."""
    monkeypatch.setattr(interruption, "_stopped_by", signal.SIGTERM)
    with pytest.raises(Terminated):
        write_files_atomically(tmp_path / "models", {"distress.json": b"{}"})
    assert list((tmp_path / "models").iterdir()) == [], "the model or its temporary file was left"


@pytest.mark.skipif(not hasattr(signal, "pthread_sigmask"), reason="no signal masks here")
def test_a_stop_already_waiting_at_start_up_is_one_line_and_143(tmp_path):
    """A parent that blocked SIGTERM and sent it at once: it arrives as the handlers are
    installed, before any command, and still ends as every stop does."""
    def blocked():
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    audit = subprocess.Popen([sys.executable, "-m", "empathy_audit", "audit", str(SAMPLES),
                              "-q", "--export-dir", str(tmp_path / "out")],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=blocked)
    audit.send_signal(signal.SIGTERM)
    _, stderr = audit.communicate(timeout=60)
    assert audit.returncode == 143
    assert stderr.decode().splitlines() == [
        "error: terminated by SIGTERM; exports not written"]
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []


@pytest.mark.parametrize("how", ["handled while held", "signal blocked while held"])
def test_a_stop_during_the_moves_waits_for_the_last_one(tmp_path, monkeypatch, how):
    """A stop between two renames: every export is new, and the staging directory gone,
    when it arrives. The kernel may hand SIGTERM to another thread (Dask leaves some), and
    then the handler runs in the main thread while the moves are held: the first case."""
    if how == "signal blocked while held" and (sys.platform == "win32"
                                               or threading.active_count() > 1):
        pytest.skip("needs a single thread and POSIX signals; the first case covers the rest")
    monkeypatch.setattr(interruption, "_stopped_by", None)
    previous = signal.signal(signal.SIGTERM, interruption._on_signal)
    real_replace = os.replace
    moves = []

    def replace_then_stop(source, target):
        real_replace(source, target)
        moves.append(target)
        if len(moves) == 1:
            if how == "handled while held":
                interruption._on_signal(signal.SIGTERM, None)
            else:
                os.kill(os.getpid(), signal.SIGTERM)

    monkeypatch.setattr(os, "replace", replace_then_stop)
    files = {"agents.csv": "agent_id\n", "turns.csv": "turn\n", "conversations.csv": "id\n"}
    try:
        with pytest.raises(Terminated):
            write_files_atomically(tmp_path, files)
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(files)
    assert len(moves) == 3
