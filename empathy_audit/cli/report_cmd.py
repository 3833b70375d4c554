"""`report`: scorecards, summary tables and an HTML report for QA analysts."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from ..formatters import records
from .app import (ChecklistOpt, EncodingOpt, IdsPerFileOpt, MapOpt, PathsArg, QuietOpt,
                  SpeakerOpt, app,
                  run_audit_command, stderr, stdout, user_errors)


@app.command()
@user_errors
def report(
    paths: PathsArg,
    out_dir: Annotated[Path, typer.Option(
        "--out-dir", "-o", help="Directory for scorecards/, summary.csv, summary.xlsx, report.html.")],
    checklist: ChecklistOpt = None,
    field_map: MapOpt = None,
    speakers: SpeakerOpt = None,
    encoding: EncodingOpt = "utf-8-sig",
    ids_per_file: IdsPerFileOpt = False,
    strict: Annotated[bool, typer.Option(help="Treat any skipped row as an error (exit 2).")] = False,
    quiet: QuietOpt = False,
):
    """Write per-agent scorecards, summary.csv/.xlsx and a self-contained report.html."""
    started = time.perf_counter()
    from ..formatters.report_files import write_report   # pandas: only `report` needs it

    result = run_audit_command(paths, checklist, field_map, speakers, encoding, strict, quiet,
                               ids_per_file)
    written, stale = write_report(result, out_dir)
    scorecards = sum(1 for path in written if path.parent.name == "scorecards")
    stdout.print(f"Wrote {out_dir / 'report.html'}, summary.csv, summary.xlsx and "
                 f"{scorecards} scorecard(s) in {out_dir / 'scorecards'} "
                 f"({time.perf_counter() - started:.1f}s).", markup=False, highlight=False,
                 soft_wrap=True)
    if stale:
        stderr.print(f"removed {len(stale)} scorecard(s) of an earlier run for agents not in "
                     f"this one: {', '.join(p.name for p in stale[:5])}"
                     + (", ..." if len(stale) > 5 else ""), markup=False, soft_wrap=True)
    stderr.print(records.summary_line(result), markup=False, highlight=False)
