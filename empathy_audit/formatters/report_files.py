"""Every file of `report`, rendered in memory first, then written all at once.

Nothing reaches the output directory until every file has been rendered, and the files are
staged beside it and moved into place (csv_export.write_files_atomically), so an error part
way leaves no half-written report behind.
"""
from __future__ import annotations

from pathlib import Path

from ..model import AuditResult
from . import html_report, report_tables
from .csv_export import mark_as_output, write_files_atomically


def report_files(result: AuditResult) -> dict[str, str | bytes]:
    return {**report_tables.scorecards(result),
            "summary.csv": report_tables.summary_csv(result),
            "summary.xlsx": report_tables.summary_xlsx(result),
            "report.html": html_report.render_html(result)}


def write_report(result: AuditResult, out_dir: Path) -> tuple[list[Path], list[Path]]:
    """Write every file; then remove scorecards left in DIR/scorecards by an earlier run for
    agents not in this one, so the folder never mixes two runs. Returns (written, removed)."""
    written = write_files_atomically(out_dir, report_files(result))
    mark_as_output(out_dir)
    current = {path.resolve() for path in written}
    stale = sorted(path for path in (out_dir / "scorecards").glob("*.csv")
                   if path.resolve() not in current)
    for path in stale:
        path.unlink()
    return written, stale
