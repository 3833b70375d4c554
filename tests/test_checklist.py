import pytest

from empathy_audit.checklist import compile_pattern, load_checklist, parse_checklist
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
        compile_pattern(pattern)


@pytest.mark.parametrize("pattern", [r"\bsorry\b", r"a{1,3}b+", r"(?:ab){2,5}", r"!{2,}"])
def test_ordinary_patterns_compile(pattern):
    compile_pattern(pattern)   # raises on rejection


def test_extends_adds_to_the_default(tmp_path):
    for name in ("avoid-blame.yaml", "greet-by-name.yaml"):
        checklist = load_checklist(ROOT / "checklists" / "examples" / name)
        assert set(load_checklist().behaviours) < set(checklist.behaviours)


def test_extends_cycle_is_an_error(tmp_path):
    write(tmp_path / "a.yaml", "extends: b.yaml\ncues: {}\nbehaviours: {}\n")
    write(tmp_path / "b.yaml", "extends: a.yaml\ncues: {}\nbehaviours: {}\n")
    with pytest.raises(UserError, match="cycle"):
        load_checklist(tmp_path / "a.yaml")
