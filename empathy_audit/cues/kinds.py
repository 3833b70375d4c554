"""The kinds of cue a checklist can use: ``kind:`` in the YAML -> the matcher class that finds
it. A new kind is a module in this package with a matcher class and one line here.

A matcher class has ``build(cue_id, cue, checklist)``, ``prepare()`` (derive what it needs
before the first turn), ``find_on(seen) -> [CueMatch]`` (``seen``: finder.TurnSeen) and
``runs_last`` (True when it looks at the other cues of the turn).
"""
from __future__ import annotations

from .learned import LearnedMatcher
from .rules import EngagementMatcher, WordsMatcher

KINDS = {
    "words": WordsMatcher,
    "engagement": EngagementMatcher,
    "learned": LearnedMatcher,
}
