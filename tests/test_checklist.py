import pytest

from empathy_audit.checklist import check_pattern, load_checklist, parse_checklist
from empathy_audit.errors import UserError

from .conftest import ROOT, write

MINIMAL = """\
cues:
  distress:
    speaker: customer
    phrases: [upset]
  acknowledgement:
    speaker: agent
    phrases: [sorry]
behaviours:
  acknowledge:
    title: Pause and acknowledge
    description: Acknowledge distress.
    applies_when: {customer_cue: distress}
    met_when: {agent_cue: acknowledgement, turns: first_reply}
"""


def test_default_checklist_documents_every_behaviour():
    checklist = load_checklist()
    assert list(checklist.behaviours) == ["acknowledge", "be_present", "return_to_solving",
                                          "apologize", "follow_up"]
    for bid, behaviour in checklist.behaviours.items():
        assert behaviour.title and behaviour.description, bid
        assert behaviour.example and behaviour.example.meets and behaviour.example.misses, bid


def test_minimal_checklist_loads():
    assert list(parse_checklist(MINIMAL, "m.yaml").behaviours) == ["acknowledge"]


@pytest.mark.parametrize("change,expected", [
    (("    phrases: [upset]", "    phrases: [upset]\n    colour: red"),
     "m.yaml:5: [cues.distress.colour] unknown key 'colour'"),
    (("    phrases: [upset]", "    phrases: upset"),
     "m.yaml:4: [cues.distress.phrases] Input should be a valid list"),
    (("    phrases: [upset]", "    patterns: ['(unclosed']"),
     "m.yaml:4: [cues.distress.patterns.0] invalid regex '(unclosed'"),
    (("    phrases: [upset]", "    patterns: ['(a+)+$']"),
     "m.yaml:4: [cues.distress.patterns.0] regex '(a+)+$' nests an unbounded repeat"),
    (("customer_cue: distress", "customer_cue: anger"),
     "m.yaml:12: [behaviours.acknowledge.applies_when.customer_cue] refers to undefined cue 'anger'"),
    (("agent_cue: acknowledgement", "agent_cue: distress"),
     "m.yaml:13: [behaviours.acknowledge.met_when.agent_cue] cue 'distress' is a customer cue"),
    (("  acknowledgement:\n", "  distress:\n"),
     "m.yaml:5: [cues.distress] duplicate key 'distress'"),
    (("    title: Pause and acknowledge\n", ""),
     "m.yaml:9: [behaviours.acknowledge.title] missing required key 'title'"),
    (("turns: first_reply", "turns: sometimes"),
     "m.yaml:13: [behaviours.acknowledge.met_when.turns] Input should be 'first_reply'"),
    (("cues:", "cues: [\n"), "m.yaml:4: invalid YAML"),
    (("    phrases: [upset]", "    phrases: [upset]\n    default_confirmed_by: [acknowledgement]"),
     "m.yaml:5: [cues.distress.default_confirmed_by] default_confirmed_by needs default_unless"),
    (("    phrases: [upset]", "    phrases: [upset]\n    default_unless: [thanks]\n"
                           "    default_confirmed_by: [distress]"),
     "m.yaml:6: [cues.distress.default_confirmed_by.0] cue 'distress' is a customer cue"),
])
def test_invalid_checklists_give_one_located_message(change, expected):
    old, new = change
    with pytest.raises(UserError) as caught:
        parse_checklist(MINIMAL.replace(old, new), "m.yaml")
    assert expected in str(caught.value)
    assert "\n" not in str(caught.value)


def test_yaml_is_never_constructed_unsafely():
    with pytest.raises(UserError):
        parse_checklist("!!python/object/apply:os.system ['echo hacked']", "x.yaml")


def test_duplicate_behaviour_ids_are_errors():
    text = MINIMAL + MINIMAL[MINIMAL.index("  acknowledge:"):]
    with pytest.raises(UserError, match=r"duplicate key 'acknowledge'"):
        parse_checklist(text, "m.yaml")


@pytest.mark.parametrize("pattern", [r"(a+)+", r"(\w*\s?)*x", r"(?:a|b+){2,}"])
def test_catastrophic_shapes_are_rejected(pattern):
    with pytest.raises(ValueError, match="exponential"):
        check_pattern(pattern)


@pytest.mark.parametrize("pattern", [r"\bsorry\b", r"a{1,3}b+", r"(?:ab){2,5}", r"!{2,}"])
def test_ordinary_patterns_compile(pattern):
    check_pattern(pattern)   # raises on rejection


def test_extends_adds_to_the_default(tmp_path):
    for name in ("avoid-blame.yaml", "greet-by-name.yaml"):
        checklist = load_checklist(ROOT / "checklists" / "examples" / name)
        assert set(load_checklist().behaviours) < set(checklist.behaviours)


def test_extends_cycle_is_an_error(tmp_path):
    write(tmp_path / "a.yaml", "extends: b.yaml\ncues: {}\nbehaviours: {}\n")
    write(tmp_path / "b.yaml", "extends: a.yaml\ncues: {}\nbehaviours: {}\n")
    with pytest.raises(UserError, match="cycle"):
        load_checklist(tmp_path / "a.yaml")


# ---------------------------------------------------------------- hostile checklists (issue 15.7)

def _alias_bomb() -> str:
    anchors = ["x0: &x0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in range(1, 9):
        anchors.append(f"x{level}: &x{level} [" + ", ".join([f"*x{level - 1}"] * 9) + "]")
    return "bomb:\n" + "".join(f"  {line}\n" for line in anchors) + MINIMAL


def _with_timeout(seconds: int, work):
    """Run ``work``; fail (instead of hanging the suite) if it takes more than ``seconds``."""
    import signal

    def expire(*_):
        raise TimeoutError(f"took more than {seconds} s")
    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        return work()
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_yaml_alias_bomb_is_rejected_at_once():
    text = _alias_bomb()
    assert len(text.encode()) < 1500 and text.count("*x") == 72   # 9**9 leaves if expanded
    with pytest.raises(UserError, match=r"unknown key 'bomb'"):
        _with_timeout(5, lambda: parse_checklist(text, "bomb.yaml"))


def test_alias_bomb_inside_a_cue_is_located_at_once():
    anchors = "".join(f"      - &x{level} [" + ", ".join([f"*x{level - 1}"] * 9) + "]\n"
                      for level in range(1, 9))
    text = MINIMAL.replace("    phrases: [upset]\n",
                           "    phrases: [upset]\n    exclude:\n      - &x0 [lol]\n" + anchors)
    with pytest.raises(UserError, match=r"m\.yaml:6: \[cues\.distress\.exclude\.0\] "):
        _with_timeout(5, lambda: parse_checklist(text, "m.yaml"))


def _diamonds(levels: int) -> str:
    """Cues in ``levels`` layers of two, each including both cues of the layer below: 2**levels
    include paths from the top to the bottom, 2*levels+1 cues."""
    cues = ["  d_bottom:\n    speaker: agent\n    phrases: [sorry]\n"]
    below = ["d_bottom"]
    for level in range(levels):
        layer = [f"d{level}a", f"d{level}b"]
        cues += [f"  {cue}:\n    speaker: agent\n    phrases: [w{cue}]\n"
                 f"    includes: [{', '.join(below)}]\n" for cue in layer]
        below = layer
    return ("cues:\n  distress:\n    speaker: customer\n    phrases: [upset]\n" + "".join(cues)
            + "behaviours:\n  acknowledge:\n    title: t\n    description: d\n"
              "    applies_when: {customer_cue: distress}\n"
              f"    met_when: {{agent_cue: {below[0]}, turns: first_reply}}\n")


def test_includes_forming_diamonds_validate_in_linear_time():
    text = _diamonds(40)           # 2**40 include paths: exponential would never finish
    checklist = _with_timeout(5, lambda: parse_checklist(text, "diamonds.yaml"))
    assert len(checklist.cues) == 82


def test_a_cycle_below_diamonds_is_still_found():
    text = _diamonds(30).replace("    phrases: [sorry]\n",
                                 "    phrases: [sorry]\n    includes: [d29a]\n")
    with pytest.raises(UserError, match=r"cycle: d_bottom -> d29a -> .* -> d_bottom"):
        _with_timeout(5, lambda: parse_checklist(text, "diamonds.yaml"))


def test_include_diamonds_cost_linear_work_when_auditing():
    """Each cue passes on the matches of the cues it includes once each: along 2**24 include
    paths a match would otherwise be copied 2**24 times."""
    from empathy_audit.cues import CueFinder
    from empathy_audit.model import Conversation, Turn

    checklist = parse_checklist(_diamonds(24), "diamonds.yaml")
    turns = [Turn("c1", 0, "customer", "I am upset", "a1", "t.csv", 2),
             Turn("c1", 1, "agent", "sorry about that", "a1", "t.csv", 3)]
    found = _with_timeout(10, lambda: CueFinder(checklist).find(
        Conversation("c1", "a1", turns, "t.csv", 2)))
    top = [m for m in found[1] if m.cue == "d23a"]
    assert [(m.text, m.how) for m in top] == [("sorry", "via d22a"), ("sorry", "via d22b")]
