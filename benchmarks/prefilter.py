"""Cue regex time per turn with and without the RE2 prefilter, in one process.

    python benchmarks/prefilter.py [--runs 5] [FILE ...]

For every regex of every words cue (and the words of engagement cues) of the default
checklist, over the normalized texts of the cue's speaker in FILE (default: the shared
customer-care corpus): the Python regex alone on every text ("before"), and the regex behind
its prefilter as the matchers run it ("after": RE2 finds where the regex may start, Python
tries it there; "(RE2)": RE2's first search alone). ``regex`` is timed as ``find_words``
uses it (every match of ``finditer``), the others as ``search``, all on every text, though
the matcher calls ``exclude`` only where the cue's words matched and ``veto`` and
``default_unless`` on some turns: their figures are upper bounds, before and after.
"flagged" is the share of texts RE2 flags, "matches" the share the regex matches. Figures
are µs per turn of the cue's speaker, and in the last line per turn of the corpus, medians
over ``--runs``.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from empathy_audit.checklist import load_checklist  # noqa: E402
from empathy_audit.cues.finder import CueFinder  # noqa: E402
from empathy_audit.cues.prefilter import compile_relaxed, may_match  # noqa: E402
from empathy_audit.checklist import normalize_quotes  # noqa: E402
from empathy_audit.loading import load  # noqa: E402
from empathy_audit.model import AGENT, CUSTOMER  # noqa: E402

CARE = REPO.parent / "shared" / "data" / "customer-care" / "conversations.jsonl"
ROLES = ("regex", "exclude", "veto", "default_unless")


def median_time(run, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("files", nargs="*", default=[str(CARE)])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    conversations, _ = load(args.files)
    checklist = load_checklist(None)
    finder = CueFinder(checklist)
    matchers = {**finder.words, **{c: m.words for c, m in finder.engagement.items()}}
    turns = [t for c in conversations for t in c.turns]

    def texts_of(speaker):
        return [normalize_quotes(t.text) for t in turns
                if t.speaker == speaker or (speaker == "any" and t.speaker in (AGENT, CUSTOMER))]

    print(f"{len(turns)} turns, medians of {args.runs} runs\n")
    print(f"{'cue.regex':28} {'flagged':>8} {'matches':>8} {'before':>8} {'after':>8} "
          f"{'(RE2)':>8}  µs/turn of its speaker")
    total_before = total_after = 0.0
    for cue_id, matcher in matchers.items():
        speaker = checklist.cues[cue_id].speaker
        texts = texts_of(speaker)
        for role in ROLES:
            screened = getattr(matcher, role)
            if screened is None:
                continue
            regex = screened.regex
            if role == "regex":
                def python(text, regex=regex):
                    return [m for m in regex.finditer(text) if m.end() > m.start()]

                def behind(text, screened=screened):
                    return [m for m in screened.finditer(text) if m.end() > m.start()]
            else:
                python, behind = regex.search, screened.search

            matches = sum(bool(python(t)) for t in texts) / len(texts)
            t_before = median_time(lambda: [python(t) for t in texts], args.runs)
            compiled = compile_relaxed(screened.relaxed) if screened.relaxed else None
            if compiled is not None:
                flagged = sum(may_match(compiled, t) for t in texts) / len(texts)
                t_after = median_time(lambda: [behind(t) for t in texts], args.runs)
                t_re2 = median_time(lambda: [may_match(compiled, t) for t in texts], args.runs)
            else:
                flagged = t_after = t_re2 = None
            per_turn = len(texts) / len(turns)
            total_before += t_before / len(texts) * 1e6 * per_turn
            total_after += (t_after if t_after is not None else t_before) / len(texts) * 1e6 * \
                per_turn
            note = "" if compiled is not None else "  no prefilter"
            print(f"{cue_id + '.' + role:28} "
                  f"{'-' if flagged is None else f'{flagged:.3f}':>8} {matches:8.3f} "
                  f"{t_before / len(texts) * 1e6:8.1f} "
                  f"{'-' if t_after is None else f'{t_after / len(texts) * 1e6:.1f}':>8} "
                  f"{'-' if t_re2 is None else f'{t_re2 / len(texts) * 1e6:.1f}':>8}{note}")
    print(f"\nall cue regexes, µs per turn of the corpus: before {total_before:.1f}, "
          f"after {total_after:.1f}, saved {total_before - total_after:.1f} "
          f"({1 - total_after / total_before:.0%})")


if __name__ == "__main__":
    main()
