"""Cue finding: which turns show which cue, with the words and character offsets that show it.

* kinds.py: the registry of cue kinds (``kind:`` in the checklist -> its matcher);
* rules.py: the hand-written kinds, ``words`` (phrases, regexes, sentiment) and
  ``engagement`` (a reply that engages with what the customer said);
* learned.py: the ``learned`` kind, a linear model from a JSON file (fitted by training.py);
* finder.py: CueFinder, every cue of a checklist applied turn by turn;
* prefilter.py, factored.py: the cue regexes made fast (RE2 screen, factored alternatives);
* bounded.py: the user's regexes made safe (``re`` where a static check proves them so, the
  ``regex`` module with a time budget elsewhere);
* sentiment.py, fast_sentiment.py, sentiment_gate.py: TextBlob polarity, ported and gated;
* canned.py: the corpus-wide count of reply templates (canned replies) for the streaming engine.
"""
from .finder import CueFinder

__all__ = ["CueFinder"]
