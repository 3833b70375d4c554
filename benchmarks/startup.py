"""Start-up: `empathy-audit audit samples/` end to end, warm (cache filled) and cold (cache
off), for this checkout and, with --baseline, for another one in the same run.

    python benchmarks/startup.py                                 # this checkout
    python benchmarks/startup.py --baseline ../old-checkout      # and a ratio against it

Each run is a fresh `python -m empathy_audit` process (interpreter start, imports, checklist,
audit of the bundled samples, the table written to a pipe). With a baseline the two run in
turn, A B A B ..., and the ratio is taken pair by pair, so a machine whose speed drifts
during the run still gives a fair ratio. Medians are printed, with the spread; peak memory is
the largest resident size of one process (os.wait4). Both use the same Python; the
baseline's package is put first on its path, and both run from an empty folder so that
neither imports the other's.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def run_once(package_root: Path, cwd: str, cache: bool) -> tuple[float, float]:
    """(wall seconds, peak MiB) of one audit of the samples by the package under root, with
    a cache folder of its own (below ``cwd``)."""
    env = {**os.environ, "PYTHONPATH": str(package_root), "COLUMNS": "100",
           "XDG_CACHE_HOME": str(Path(cwd) / "cache" / package_root.name)}
    env.pop("EMPATHY_AUDIT_NO_CACHE", None)
    if not cache:
        env["EMPATHY_AUDIT_NO_CACHE"] = "1"
    command = [sys.executable, "-m", "empathy_audit", "audit", str(REPO / "samples")]
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL)
    process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"{package_root}: the audit of samples/ failed")
    return wall, usage.ru_maxrss / 1024


def summary(values: list[float]) -> str:
    return f"{statistics.median(values):.3f} (min {min(values):.3f}, max {max(values):.3f})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", type=Path, help="another checkout to compare with")
    parser.add_argument("--runs", type=int, default=11, help="runs of each (default 11)")
    args = parser.parse_args(argv)
    roots = {"this checkout": REPO}
    if args.baseline:
        roots["baseline"] = args.baseline.resolve()
    with tempfile.TemporaryDirectory() as cwd:
        for label, cache in (("warm", True), ("cold (--no-cache)", False)):
            for root in roots.values():
                run_once(root, cwd, cache)   # fills the cache (warm); evens out disk caches
            runs = {name: [] for name in roots}
            for _ in range(args.runs):
                for name, root in roots.items():
                    runs[name].append(run_once(root, cwd, cache))
            print(f"{label}, {args.runs} runs each, wall seconds and peak MiB (median):")
            for name, figures in runs.items():
                walls, peaks = zip(*figures)
                print(f"  {name:14} {summary(list(walls))} s, "
                      f"{statistics.median(peaks):.1f} MiB")
            if args.baseline:
                ratios = [a[0] / b[0] for a, b in zip(runs["this checkout"], runs["baseline"])]
                print(f"  ratio (paired) {summary(ratios)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
