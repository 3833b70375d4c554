"""Throughput and memory of ``empathy-audit audit`` against the quick script a QA analyst
would write (``benchmarks/reference.py``), on an N-turn corpus built from the shared data.

    python benchmarks/bench.py --turns 100000 --runs 3
    python benchmarks/bench.py --turns 1000000 --runs 1 --no-reference

The corpus is copies of ``../shared/data/customer-care/conversations.jsonl``, each copy made
unique so that nothing can be served from a cache of identical texts:

* conversation ids get a copy suffix; every @handle gets the copy's tag, and a customer turn
  without one starts with a handle of the copy (``@zq<tag>``);
* every digit is shifted by the copy number (same length, so offsets keep their shape);
* every agent turn starts with the copy's tag word (``zq<tag>``), so a reply template of one
  copy is a different template from the same reply in another copy. Canned-reply detection
  counts templates across the whole input; without the tag, N copies would make every reply
  "sent to N conversations" and canned (cheaper to score, and not what a contact centre's
  data looks like). With it, each copy has exactly the canned replies of the original.

Both programs run as subprocesses, end to end (start-up, load, score, write CSV). Peak memory
is the resident set size summed over the process and all its descendants, polled every
50 ms. Figures are medians over ``--runs``. Corpora and outputs live in a temporary directory
(``--keep DIR`` keeps them there instead); ``--json FILE`` saves the figures.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = REPO.parent / "shared" / "data" / "customer-care" / "conversations.jsonl"
_HANDLE = re.compile(r"@(\w+)")
_DIGIT = re.compile(r"\d")


# ---------------------------------------------------------------- corpus

def copy_tag(copy: int) -> str:
    """Letters only (digits and punctuation vanish from reply templates): 0 -> 'a', 26 -> 'ba'."""
    letters = ""
    while True:
        copy, digit = divmod(copy, 26)
        letters = chr(ord("a") + digit) + letters
        if not copy:
            return letters


def unique_text(text: str, speaker: str, copy: int, tag: str) -> str:
    text = _HANDLE.sub(lambda m: f"@{m.group(1)}zq{tag}", text)
    text = _DIGIT.sub(lambda m: str((int(m.group()) + copy) % 10), text)
    if speaker == "agent":
        return f"zq{tag} {text}"
    return text if "@" in text else f"@zq{tag} {text}"


def build_corpus(source: Path, turns_wanted: int, target: Path) -> int:
    """Write copies of ``source`` (JSON Lines of conversations) until ``turns_wanted`` turns;
    whole conversations only. Returns the number of turns written."""
    originals = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines()
                 if line.strip()]
    written, copy = 0, 0
    with target.open("w", encoding="utf-8") as out:
        while written < turns_wanted:
            tag = copy_tag(copy)
            for conversation in originals:
                if written + len(conversation["turns"]) > turns_wanted:
                    return written
                turns = [{**t, "text": unique_text(t["text"], t["speaker"], copy, tag)}
                         for t in conversation["turns"]]
                copied = {**conversation, "turns": turns,
                          "conversation_id": f"{conversation['conversation_id']}-{tag}"}
                out.write(json.dumps(copied, ensure_ascii=False) + "\n")
                written += len(turns)
            copy += 1
    return written


# ---------------------------------------------------------------- measuring

def sample_tree(process: psutil.Process, cpu: dict[int, float]) -> int:
    """Summed RSS of the process and its descendants now; their CPU seconds so far into
    ``cpu`` (per pid, so a process that ends keeps its last reading)."""
    total = 0
    for p in [process, *process.children(recursive=True)]:
        try:
            with p.oneshot():
                total += p.memory_info().rss
                times = p.cpu_times()
                cpu[p.pid] = times.user + times.system
        except psutil.Error:
            pass   # ended between listing and reading
    return total


def measure(command: list[str], env: dict[str, str]) -> tuple[float, int, float]:
    """Wall seconds, peak summed RSS (bytes) and CPU seconds (as last polled, so slightly
    low) of ``command`` and its descendants."""
    start = time.perf_counter()
    process = psutil.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak, cpu = 0, {}
    while process.poll() is None:
        peak = max(peak, sample_tree(process, cpu))
        time.sleep(0.05)
    seconds = time.perf_counter() - start
    stderr = process.stderr.read().decode(errors="replace")
    if process.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}):\n{stderr}")
    return seconds, peak, sum(cpu.values())


def runs(command: list[str], env: dict[str, str], count: int) -> dict:
    results = [measure(command, env) for _ in range(count)]
    return {"seconds": [r[0] for r in results], "peak_rss": [r[1] for r in results],
            "cpu_seconds": [r[2] for r in results],
            "median_seconds": statistics.median(r[0] for r in results),
            "median_peak_rss": statistics.median(r[1] for r in results),
            "median_cpu_seconds": statistics.median(r[2] for r in results),
            "load_average": os.getloadavg()}


# ---------------------------------------------------------------- main

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--turns", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--no-reference", action="store_true", help="time the auditor only")
    parser.add_argument("--auditor-args", default="", help="extra audit options, e.g. '--jobs 1'")
    parser.add_argument("--keep", type=Path, help="build the corpus and outputs here")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    options = parser.parse_args()

    work = options.keep or Path(tempfile.mkdtemp(prefix="empathy-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    corpus = work / f"corpus-{options.turns}.jsonl"
    started = time.perf_counter()
    turns = build_corpus(options.source, options.turns, corpus)
    print(f"corpus: {turns} turns, {corpus.stat().st_size / 1e6:.0f} MB "
          f"(built in {time.perf_counter() - started:.0f} s)", flush=True)

    env = {**os.environ, "PYTHONPATH": str(REPO)}
    auditor = [sys.executable, "-m", "empathy_audit", "audit", str(corpus),
               "--export-dir", str(work / "out"), *options.auditor_args.split()]
    figures = {"turns": turns, "runs": options.runs, "auditor_command": auditor[1:],
               "machine": {"cpus": os.cpu_count(), "memory_gb": round(
                   psutil.virtual_memory().total / 2**30, 1), "python": platform.python_version(),
                   "processor": platform.processor() or platform.machine()}}
    figures["auditor"] = runs(auditor, env, options.runs)
    report("empathy-audit", figures["auditor"], turns)
    if not options.no_reference:
        reference = [sys.executable, str(REPO / "benchmarks" / "reference.py"), str(corpus),
                     str(work / "reference.csv")]
        figures["reference"] = runs(reference, env, options.runs)
        report("reference", figures["reference"], turns)
        ratio = figures["reference"]["median_seconds"] / figures["auditor"]["median_seconds"]
        cpu_ratio = (figures["reference"]["median_cpu_seconds"]
                     / figures["auditor"]["median_cpu_seconds"])
        figures["ratio"], figures["cpu_ratio"] = ratio, cpu_ratio
        print(f"empathy-audit / reference throughput: {ratio:.2f}x wall, "
              f"{cpu_ratio:.2f}x per CPU second")
    if options.json:
        options.json.parent.mkdir(parents=True, exist_ok=True)
        options.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    if not options.keep:
        for path in sorted(work.rglob("*"), reverse=True):
            path.unlink() if path.is_file() else path.rmdir()
        work.rmdir()


def report(name: str, figures: dict, turns: int) -> None:
    seconds = figures["median_seconds"]
    rounded = [round(s, 1) for s in figures["seconds"]]
    print(f"{name}: {seconds:.2f} s median of {rounded} -> {turns / seconds:,.0f} turns/s; "
          f"CPU {figures['median_cpu_seconds']:.1f} s; peak RSS "
          f"{figures['median_peak_rss'] / 2**20:.0f} MB (max {max(figures['peak_rss']) / 2**20:.0f}"
          f" MB); load average after {figures['load_average'][0]:.1f}", flush=True)


if __name__ == "__main__":
    main()
