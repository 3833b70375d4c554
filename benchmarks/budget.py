"""What 8x the reference's throughput would leave for the auditor's own work, on this machine.

    python benchmarks/budget.py --turns 100000 [--reference-seconds S] [--auditor-cpu S]

The throughput target of issue 6 gives the auditor a budget: the reference's wall time over 8,
on this machine's cores (all of them busy all the time, which no real run achieves). Some of
any audit by the default checklist cannot be written away in Python; each is measured here
the cheapest way we know, on the benchmark corpus (``bench.py`` builds it the same way):

* start-up, once (worker processes could fork from a process that has done it): the
  interpreter with the CLI's and TextBlob's imports, the checklist's cue finder compiled
  (Python and RE2 regexes) and TextBlob's lexicon loaded;
* reading: every line of the corpus through ``json.loads``, once (the auditor reads twice);
* sentiment: TextBlob's polarity, by the port in ``cues/fast_sentiment.py``, of exactly the
  texts the auditor asks it for (recorded in a run of the cue finder over the corpus);
* screening: which cue regexes could match each turn, by one pass of RE2's FilteredRE2 over
  the turn in its cheapest mode (literal atoms only, a superset of the regexes that match);
* writing: one CSV row per turn holding its ids and text, and nothing of the verdicts.

What is left of the budget, per turn, is what every other step would have to fit in: Python's
regex at the screened turns, exclusions and negation, the engagement check, canned replies,
verdicts, evidence, export rows, moving chunks between processes. The auditor's CPU time for
all of those now is its measured CPU time less the same floors. The reference and the auditor
are run once each (``--reference-seconds`` / ``--auditor-cpu``, e.g. medians from
``bench.py``, skip those runs); the in-process floors are medians over ``--runs``.
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))   # the benchmarks' own folder is on the path as the script's

import re2  # noqa: E402

import bench  # noqa: E402
from empathy_audit.cues import rules, sentiment  # noqa: E402
from empathy_audit.checklist import Checklist, load_checklist, normalize_quotes  # noqa: E402
from empathy_audit.cues.finder import CueFinder  # noqa: E402
from empathy_audit.cues.prefilter import relaxed_options  # noqa: E402
from empathy_audit.engine.dispatch import default_jobs  # noqa: E402
from empathy_audit.engine.streaming import Source, conversations, scan  # noqa: E402
from empathy_audit.model import AGENT, CUSTOMER  # noqa: E402
from prefilter import ROLES, median_time  # noqa: E402   (benchmarks/prefilter.py)

TARGET = 8
ENV = {**os.environ, "PYTHONPATH": str(REPO)}
IMPORTS = "import empathy_audit.cli.app, empathy_audit.engine.run, textblob.en"
COMPILE = """
import time
import textblob.en
from empathy_audit.checklist import load_checklist
from empathy_audit.cues.finder import CueFinder
from empathy_audit.cues.sentiment import _analyzer
checklist = load_checklist(None)
start = time.process_time()
finder = CueFinder(checklist)
for matcher in [*finder.words.values(), *(m.words for m in finder.engagement.values())]:
    for screened in (matcher.regex, matcher.exclude, matcher.veto, matcher.default_unless):
        if screened is not None:
            screened._start_finder, screened._never_empty
_analyzer()("warm")
print(time.process_time() - start)
"""


def child_cpu_seconds(code: str, runs: int) -> float:
    """Median CPU seconds (user + system) of ``python -c code`` in a fresh process."""
    times = []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run([sys.executable, "-c", code], env=ENV, check=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        times.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(times)


def reported_seconds(code: str, runs: int) -> float:
    """Median of the seconds that ``python -c code`` prints."""
    return statistics.median(float(subprocess.run(
        [sys.executable, "-c", code], env=ENV, check=True, capture_output=True, text=True
    ).stdout) for _ in range(runs))


def texts_by_speaker(corpus: Path) -> dict[str, list[tuple[str, str, str]]]:
    """speaker -> (conversation id, agent id, normalized text) of each scored turn."""
    found: dict[str, list] = {AGENT: [], CUSTOMER: []}
    with corpus.open(encoding="utf-8") as lines:
        for line in lines:
            conversation = json.loads(line)
            for turn in conversation["turns"]:
                if turn["speaker"] in found:
                    found[turn["speaker"]].append((conversation["conversation_id"],
                                                   conversation["agent_id"],
                                                   normalize_quotes(turn["text"])))
    return found


def texts_sent_to_sentiment(corpus: Path, finder: CueFinder) -> list[str]:
    """The texts the cue finder hands to TextBlob, in a run over the whole corpus."""
    sent: list[str] = []
    real = rules.sentiment

    def recording(text: str):
        sent.append(text)
        return real(text)

    source = Source.of([corpus])
    scanned = scan(source)
    rules.sentiment = recording
    try:
        for conversation in conversations(source, scanned):
            finder.find(conversation)
    finally:
        rules.sentiment = real
    return sent


def screening_filters(checklist: Checklist, finder: CueFinder) -> dict[str, re2.Filter]:
    """Per speaker, one FilteredRE2 of the relaxed patterns of every cue regex it is run on."""
    options = relaxed_options()
    filters = {AGENT: re2.Filter(), CUSTOMER: re2.Filter()}
    matchers = [*finder.words.items(), *((c, m.words) for c, m in finder.engagement.items())]
    for cue_id, matcher in matchers:
        speaker = checklist.cues[cue_id].speaker
        for screened in (getattr(matcher, role) for role in ROLES):
            if screened is not None and screened.relaxed:
                for kind in ((AGENT, CUSTOMER) if speaker == "any" else (speaker,)):
                    filters[kind].Add(screened.relaxed, options)
    for flt in filters.values():
        flt.Compile()
    return filters


def floors(corpus: Path, runs: int) -> dict[str, float]:
    """CPU seconds of each part no Python rewrite avoids, on this corpus."""
    checklist = load_checklist(None)
    finder = CueFinder(checklist)
    texts = texts_by_speaker(corpus)
    sentiment_texts = texts_sent_to_sentiment(corpus, finder)
    analyzer = sentiment._analyzer()
    filters = screening_filters(checklist, finder)
    encoded = {speaker: [t.encode("utf-8", "surrogatepass") for _, _, t in rows]
               for speaker, rows in texts.items()}

    def read():
        with corpus.open(encoding="utf-8") as lines:
            for line in lines:
                json.loads(line)

    def screen():
        for speaker, data in encoded.items():
            match = filters[speaker].Match
            for text in data:
                match(text, True)

    def write():
        out = csv.writer(io.StringIO())
        for speaker, rows in texts.items():
            out.writerows((cid, number, speaker, agent, text)
                          for number, (cid, agent, text) in enumerate(rows))

    return {
        "start-up: interpreter and imports": child_cpu_seconds(IMPORTS, runs),
        "start-up: cue finder and lexicon": reported_seconds(COMPILE, runs),
        "reading (json.loads, once)": median_time(read, runs),
        f"sentiment ({len(sentiment_texts):,} texts)":
            median_time(lambda: [analyzer(t) for t in sentiment_texts], runs),
        "screening (FilteredRE2 atoms)": median_time(screen, runs),
        "writing (ids and text, csv)": median_time(write, runs),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--turns", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=default_jobs())
    parser.add_argument("--reference-seconds", type=float,
                        help="the reference's wall time on this corpus (else run it once)")
    parser.add_argument("--auditor-cpu", type=float,
                        help="the auditor's CPU seconds on this corpus (else run it once)")
    options = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="empathy-budget-") as work:
        corpus = Path(work) / "corpus.jsonl"
        turns = bench.build_corpus(bench.DEFAULT_SOURCE, options.turns, corpus)
        reference = options.reference_seconds or bench.measure(
            [sys.executable, str(REPO / "benchmarks" / "reference.py"), str(corpus),
             str(Path(work) / "reference.csv")], ENV)[0]
        auditor_cpu = options.auditor_cpu or bench.measure(
            [sys.executable, "-m", "empathy_audit", "audit", str(corpus), "--export-dir",
             str(Path(work) / "out"), "--jobs", str(options.jobs)], ENV)[2]
        parts = floors(corpus, options.runs)
    report(turns, options.jobs, reference, auditor_cpu, parts)


def report(turns: int, jobs: int, reference: float, auditor_cpu: float,
           parts: dict[str, float]) -> None:
    budget = reference / TARGET * jobs
    floor = sum(parts.values())
    print(f"{turns:,} turns; reference {reference:.1f} s; {TARGET}x is {reference / TARGET:.2f} s"
          f" wall, at most {budget:.2f} CPU s on {jobs} core(s)")
    for name, seconds in parts.items():
        print(f"  {name:34} {seconds:6.2f} CPU s  {seconds / turns * 1e6:6.1f} µs/turn")
    print(f"  {'floors together':34} {floor:6.2f} CPU s  {floor / turns * 1e6:6.1f} µs/turn")
    left, now = budget - floor, auditor_cpu - floor
    print(f"left for everything else: {left:.2f} CPU s, {left / turns * 1e6:.1f} µs/turn")
    print(f"the auditor spends on it now: {now:.2f} CPU s, {now / turns * 1e6:.1f} µs/turn"
          + (f" ({now / left:.1f}x the budget)" if left > 0 else ""))


if __name__ == "__main__":
    main()
