"""`report`: scorecards, summary tables and an HTML report for QA analysts."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from ..errors import UserError
from ..formatters import records
from .app import (ChecklistOpt, EncodingOpt, ExcludeOpt, IdsPerFileOpt, MapOpt, PathsArg,
                  QuietOpt, SpeakerOpt, app, run_audit_command, say, stderr, stdout,
                  user_errors)


def report_writer():
    """pandas and openpyxl (the [report] extra) are imported only when `report` runs."""
    try:
        import openpyxl  # noqa: F401  (pandas loads it only when the workbook is written)

        from ..formatters.report_files import write_report
    except ModuleNotFoundError as missing:
        if missing.name not in ("pandas", "openpyxl"):
            raise
        raise UserError(f"report needs {missing.name}, from the [report] extra: pip install "
                        f"'pandas>=2.2' 'openpyxl>=3.1'", key="report") from None
    return write_report


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
    exclude: ExcludeOpt = None,
):
    """Write per-agent scorecards, summary.csv/.xlsx and a self-contained report.html."""
    started = time.perf_counter()
    write_report = report_writer()

    result = run_audit_command(paths, checklist, field_map, speakers, encoding, strict, quiet,
                               ids_per_file, exclude)
    written, stale = write_report(result, out_dir)
    scorecards = sum(1 for path in written if path.parent.name == "scorecards")
    say(stdout, f"Wrote {out_dir / 'report.html'}, summary.csv, summary.xlsx and "
                f"{scorecards} scorecard(s) in {out_dir / 'scorecards'} "
                f"({time.perf_counter() - started:.1f}s).")
    if stale:
        say(stderr, f"removed {len(stale)} scorecard(s) of an earlier run for agents not in "
                    f"this one: {', '.join(p.name for p in stale[:5])}"
                    + (", ..." if len(stale) > 5 else ""))
    say(stderr, records.summary_line(result))
