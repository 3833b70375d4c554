"""User regexes cannot hold an audit (issue 15.6): patterns a static check cannot prove safe
run with a time budget per search, and running out of it is a located one-line error."""
import re
import signal
import subprocess
import sys
import time

import pytest

from empathy_audit.cues.bounded import Bounded, BudgetExceeded, can_backtrack, compile_bounded

from .conftest import write
from .test_checklist import MINIMAL

# the minimal checklist with the customer cue's phrase replaced by a pattern (line 4)
CHECKLIST = MINIMAL.replace("    phrases: [upset]", "    patterns: ['{pattern}']")


def _audit(tmp_path, pattern: str, text: str, seconds: int = 60):
    checklist = write(tmp_path / "slow.yaml", CHECKLIST.replace("{pattern}", pattern))
    chats = write(tmp_path / "chats.csv", "conversation_id,speaker,text\n"
                  f"c1,customer,hello\nc1,customer,{text}\nc1,agent,sorry about that\n")
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "empathy_audit", "audit", str(chats),
                             "--checklist", str(checklist), "--format", "json"],
                            capture_output=True, text=True, timeout=seconds)
    return result, time.monotonic() - started, chats


@pytest.mark.parametrize("pattern, text", [
    # texts where the RE2 prefilter finds a possible match, so that the regex itself runs
    (r"(?:a?){30}a{30}", "a" * 30),              # 28 s in re
    (r"(a|a)*b", "é b " + "a" * 40),             # 2**40 ways in re
    (r"\w*\w*\w*\w*\w*\w*x", "é x " + "a" * 300),   # n**6 in re
])
def test_backtracking_patterns_that_pass_validation_finish(tmp_path, pattern, text):
    result, seconds, _ = _audit(tmp_path, pattern, text)
    assert result.returncode in (0, 2), result.stderr
    assert seconds < 30


def test_a_pattern_over_its_budget_is_a_located_one_line_error(tmp_path):
    result, seconds, chats = _audit(tmp_path, r"(?:a|aa)+b", "é ab " + "a" * 60)
    assert result.returncode == 2
    error = result.stderr.strip()
    assert "\n" not in error and "Traceback" not in error
    assert error.startswith(f"error: {chats}:3: [cues.distress.patterns.0] regex '(?:a|aa)+b' "
                            f"of cue 'distress' ({tmp_path / 'slow.yaml'}:4) takes more than 1 s")
    assert seconds < 30
    assert result.stdout == ""


@pytest.mark.parametrize("pattern", [
    r"(?:a?){30}a{30}", r"(a|a)*b", r"\w*\w*\w*\w*\w*\w*x", r"(?:a|aa)+b", r".*a.*b",
    r"(\w+\s?)*$", r"(a+)+", r"(?:.*,){12}X", r"\s+(?:also\s+)?\s+x", r"(\w)\1",
])
def test_risky_shapes_are_not_run_by_re(pattern):
    assert can_backtrack(pattern)
    assert isinstance(compile_bounded(pattern), Bounded)


@pytest.mark.parametrize("pattern", [
    r"\bsorry\b", r"\w+\s+\w+", r"a{1,3}b+", r"(?:ab){2,5}", r"\w+(?:-\w+)*",
    r"\b(?:which|what)\s+(?:app|device)\b[^?\n]{0,80}\?", r"(?:\w{1,20}\s{1,3}){0,2}x",
])
def test_safe_shapes_keep_re(pattern):
    assert not can_backtrack(pattern)
    assert isinstance(compile_bounded(pattern), re.Pattern)


def test_bounded_finds_what_re_finds():
    pattern = r"\bnot\s+(?:\w+\s+)?(?:happy|pleased)\b|\s+\s*x"
    text = "I am not very happy, not pleased  x at all"
    assert [m.span() for m in Bounded(pattern, re.I).finditer(text)] == \
        [m.span() for m in re.finditer(pattern, text, re.I)]


def test_the_budget_is_enforced_on_every_call():
    def expire(*_):
        raise TimeoutError("not bounded")
    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(20)
    try:
        with pytest.raises(BudgetExceeded):
            Bounded(r"(?:a|aa)+b", re.I).search("a" * 60)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_an_alternation_is_bounded_when_one_of_its_user_patterns_is():
    safe, risky = r"\bsorry\b", r"(?:a|aa)+b"
    assert isinstance(compile_bounded(f"{safe}|{risky}", re.I, (safe, risky)), Bounded)
    assert isinstance(compile_bounded(f"{safe}|\\bthanks\\b", re.I, (safe,)), re.Pattern)
