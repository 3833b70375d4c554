"""Roles that lie (issue 13, item 4) and long calls (item 5)."""
import time
from dataclasses import replace

from empathy_audit.audit import score_conversation
from empathy_audit.checklist import load_checklist
from empathy_audit.cues import CueFinder
from empathy_audit.loading import load
from empathy_audit.model import AGENT, CUSTOMER, OTHER, Conversation, Turn
from empathy_audit.roles import RoleCheck

from .conftest import CARE, needs_shared

CHECK = RoleCheck(CueFinder(load_checklist(None)))
SWAP = {AGENT: CUSTOMER, CUSTOMER: AGENT}


def conversation(*turns, cid="c1"):
    return Conversation(cid, "a1", [Turn(cid, i, role, text, "a1", "f.json", i + 1,
                                         raw_speaker=raw or role)
                                    for i, (role, text, raw) in enumerate(turns)], "f.json", 1)


AGENT_HELLO = "Thank you for calling, how can I help you today?"
CUSTOMER_COMPLAINT = "My order never arrived and I'm really upset, this is the third time."
AGENT_SORRY = "I'm so sorry about that. I will send a replacement today and email you tracking."


def test_swapped_labels_and_one_label_for_both_sides_are_flagged():
    right = conversation((AGENT, AGENT_HELLO, ""), (CUSTOMER, CUSTOMER_COMPLAINT, ""),
                         (AGENT, AGENT_SORRY, ""))
    assert CHECK.check(right) is None
    swapped = replace(right, turns=[replace(t, speaker=SWAP[t.speaker]) for t in right.turns])
    assert CHECK.check(swapped).startswith("labels look swapped")
    merged = replace(right, turns=[replace(t, speaker=AGENT) for t in right.turns])
    assert CHECK.check(merged).startswith("one label covers both sides")


def test_roles_inferred_only_among_numbered_speakers_and_marked():
    call = conversation((OTHER, CUSTOMER_COMPLAINT, "spk_0"), (OTHER, AGENT_SORRY, "spk_1"),
                        (OTHER, "Queue message.", "SYSTEM"))
    inferred, why = CHECK.infer(call)
    assert why is None
    assert [(t.speaker, t.role_inferred) for t in inferred.turns] == [
        (CUSTOMER, True), (AGENT, True), (OTHER, False)]
    flat = conversation((OTHER, "Okay.", "ch_0"), (OTHER, "Right.", "ch_1"))
    same, why = CHECK.infer(flat)
    assert same is flat and "do not tell agent from customer" in why


def test_the_verdicts_change_only_with_roles_infer_and_are_marked(tmp_path, run):
    from .conftest import write_json
    path = write_json(tmp_path / "call.json", {"jobName": "j", "results": {
        "speaker_labels": {"segments": []},
        "items": [{"speaker_label": "spk_0", "type": "pronunciation", "start_time": "1",
                   "alternatives": [{"content": w}]} for w in CUSTOMER_COMPLAINT.split()]
        + [{"speaker_label": "spk_1", "type": "pronunciation", "start_time": "9",
            "alternatives": [{"content": w}]} for w in AGENT_SORRY.split()]}})
    plain = run("audit", path, "-o", tmp_path / "plain")
    inferred = run("audit", path, "--roles", "infer", "-o", tmp_path / "inferred")
    assert plain.exit_code == inferred.exit_code == 0
    plain_turns = (tmp_path / "plain" / "turns.csv").read_text(encoding="utf-8")
    inferred_turns = (tmp_path / "inferred" / "turns.csv").read_text(encoding="utf-8")
    assert "inferred" not in plain_turns and ",other," in plain_turns
    assert ",customer (inferred)," in inferred_turns and ",agent (inferred)," in inferred_turns


@needs_shared
def test_role_check_accuracy_on_the_shared_corpus_with_every_conversation_swapped():
    """Figures for the README: every conversation checked as labelled (a flag is a false
    alarm, unless the corpus itself mislabels it) and with agent and customer swapped."""
    conversations, _ = load([CARE / "conversations.jsonl"])
    false_flags = sum(CHECK.check(c) is not None for c in conversations)
    swapped = [replace(c, turns=[replace(t, speaker=SWAP.get(t.speaker, t.speaker))
                                 for t in c.turns]) for c in conversations]
    found = sum((CHECK.check(c) or "").startswith("labels look swapped") for c in swapped)
    long_ones = [i for i, c in enumerate(conversations) if len(c.turns) >= 6]
    long_found = sum((CHECK.check(swapped[i]) or "").startswith("labels look swapped")
                     for i in long_ones)
    long_false = sum(CHECK.check(conversations[i]) is not None for i in long_ones)
    n = len(conversations)
    print(f"\nrole check on {n} conversations: false flags {false_flags} "
          f"({false_flags / n:.1%}), swapped found {found} ({found / n:.1%}); "
          f"{len(long_ones)} with 6+ turns: false {long_false / len(long_ones):.1%}, "
          f"found {long_found / len(long_ones):.1%}")
    assert false_flags / n <= 0.02
    assert found / n >= 0.20
    assert long_found / len(long_ones) >= 0.45

    # --roles infer on the same conversations relabelled spk_0 (agent) / spk_1 (customer),
    # the agent's number alternating so that "spk_0 is the agent" cannot be learned
    right = wrong = 0
    for i, c in enumerate(conversations):
        numbers = {AGENT: f"spk_{i % 2}", CUSTOMER: f"spk_{1 - i % 2}"}
        hidden = replace(c, turns=[replace(t, speaker=OTHER, raw_speaker=numbers[t.speaker])
                                   if t.speaker in numbers else t for t in c.turns])
        inferred, _ = CHECK.infer(hidden)
        for before, after in zip(c.turns, inferred.turns):
            if after.role_inferred:
                right += after.speaker == before.speaker
                wrong += after.speaker != before.speaker
    print(f"--roles infer: {right + wrong} turns named, {right / (right + wrong):.1%} right")
    assert right / (right + wrong) >= 0.75


# ---------------------------------------------------------------- long calls

def long_call(turns: int) -> Conversation:
    rows = []
    for i in range(turns // 2):
        rows.append((CUSTOMER, f"My order {i} is late and I'm upset, it was due Monday.", ""))
        rows.append((AGENT, f"Thanks for waiting, I will check tracking number {i} now.", ""))
    return conversation(*rows, cid="long")


def scoring_seconds(turns: int) -> float:
    checklist = load_checklist(None)
    finder = CueFinder(checklist)
    call = long_call(turns)
    finder.prepare([call])
    best = float("inf")
    for _ in range(2):
        start = time.perf_counter()
        score_conversation(finder, checklist, call, CHECK)
        best = min(best, time.perf_counter() - start)
    return best


def test_scoring_is_linear_in_the_turns_of_one_conversation():
    scoring_seconds(200)   # warm up: regex compilation, lazy imports
    small, large = scoring_seconds(1000), scoring_seconds(4000)
    # four times the turns: about 4x if linear, 16x if quadratic; generous for a busy machine
    assert large / small < 8, (small, large)


def test_explain_of_a_2000_turn_call_stays_readable(run, tmp_path):
    from .conftest import write_json
    call = long_call(2000)
    path = write_json(tmp_path / "long.json", [{"conversation_id": "long", "turns": [
        {"speaker": t.speaker, "text": t.text} for t in call.turns]}])
    result = run("explain", path, "-i", "long", "--turn", "1000", "--no-pager")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) < 80   # five turns and the verdicts, not 2,000 turns
    assert "turns 998 to 1002 of 0 to 1999" in result.stdout
    assert "..." in result.stdout   # long turn lists are cut, not printed in full


def test_the_role_checks_shortcut_agrees_with_the_full_search():
    """shows_words stops at the first match that counts; it must say what find_words says,
    through vetoes, exclusions and negation."""
    finder = CueFinder(load_checklist())
    texts = ["I'm not upset at all", "Sorry, could you repeat that?", "I'm so sorry for the wait",
             "No worries, not a big deal!!", "This is ridiculous lol", "lol this is ridiculous 😂",
             "My order never arrived and I'm furious", "Thanks so much for your help",
             "Let us know if that doesn't work", "", "!!!", "no problem, it works now"]
    for cue_id, matcher in finder.words.items():
        for text in texts:
            assert matcher.shows_words(text) == bool(matcher.find_words(text)), (cue_id, text)


def test_the_role_check_says_the_same_with_the_finders_words():
    """score_conversation hands the role check the own words the cue finder found; it must
    reach the verdict it reaches searching alone, curly quotes and all."""
    finder = CueFinder(load_checklist())
    check = RoleCheck(finder)
    texts = [("agent", "I’m so sorry about that, I’ve refunded it. Let us know if it doesn’t arrive."),
             ("customer", "My order never arrived and I’m furious!!"),
             ("agent", "This is ridiculous, it still doesn’t work"),
             ("customer", "Thanks for contacting us, how can I help?")]
    for turns in (texts, texts[::-1], [(s, t) for s, t in texts if s == "agent"]):
        conversation = Conversation("c", "a", [Turn("c", i, s, t, "a", "t.csv", i + 2)
                                               for i, (s, t) in enumerate(turns)], "t.csv", 2)
        words = []
        finder.find(conversation, words)
        each_turn = lambda turn: f"{turn.speaker} {turn.index}"   # noqa: E731
        assert check.by_label(conversation, each_turn, words=words) == \
            check.by_label(conversation, each_turn)
        assert check.check(conversation, words) == check.check(conversation)
