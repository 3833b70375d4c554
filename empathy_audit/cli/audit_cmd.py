"""`audit` and `explain`: score transcripts, show one conversation turn by turn."""
from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..checklist import load_checklist
from ..errors import UserError
from ..formatters import csv_export, json_format, terminal
from ..gates import check_gates, exit_code
from .app import (ChecklistOpt, EncodingOpt, MapOpt, PathsArg, SpeakerOpt, app,
                  run_audit_command, run_streamed_command, stderr, stdout, user_errors)


class Format(str, Enum):
    table = "table"
    json = "json"


class Engine(str, Enum):
    local = "local"
    dask = "dask"


def print_skipped(result) -> None:
    for skipped in result.report.skipped[:20]:
        stderr.print(f"skipped: {skipped.source}:{skipped.line}: {skipped.reason}",
                     markup=False, highlight=False)
    if len(result.report.skipped) > 20:
        stderr.print(f"skipped: ... {len(result.report.skipped) - 20} more (see skipped.csv "
                     f"with --export-dir)", markup=False)


@app.command()
@user_errors
def audit(
    paths: PathsArg,
    checklist: ChecklistOpt = None,
    export_dir: Annotated[Optional[Path], typer.Option(
        "--export-dir", "-o", help="Write turns.csv, conversations.csv, agents.csv, skipped.csv here.")] = None,
    format: Annotated[Format, typer.Option("--format", "-f", help="Output on stdout.")] = Format.table,
    fail_under: Annotated[Optional[float], typer.Option(
        help="Exit 1 when the overall score is below this (0-100).")] = None,
    field_map: MapOpt = None,
    speakers: SpeakerOpt = None,
    encoding: EncodingOpt = "utf-8-sig",
    strict: Annotated[bool, typer.Option(help="Treat any skipped row as an error (exit 2).")] = False,
    jobs: Annotated[Optional[int], typer.Option(
        "--jobs", "-j", min=1, help="Worker processes (default: the number of cores). "
        "Results are the same for any number.")] = None,
    engine: Annotated[Engine, typer.Option(
        help="local: worker processes on this machine; dask: a Dask cluster "
        "(pip install 'empathy-audit[dask]').")] = Engine.local,
    scheduler: Annotated[Optional[str], typer.Option(
        help="Dask scheduler address, e.g. tcp://host:8786 (default: a local cluster).")] = None,
):
    """Score every agent turn, then print per-agent and per-behaviour tables.

    Table output streams the input in chunks of whole conversations and writes the exports as
    it goes (memory stays flat); --format json holds every conversation in one document, so
    it audits in memory, in this process."""
    if format is Format.json:
        result = run_audit_command(paths, checklist, field_map, speakers, encoding, strict)
        if export_dir is not None:
            csv_export.write_exports(result, export_dir)
    else:
        result = run_streamed_command(paths, checklist, field_map, speakers, encoding, strict,
                                      export_dir=export_dir, jobs=jobs, engine=engine.value,
                                      scheduler=scheduler)
    if format is Format.json:
        sys.stdout.write(json_format.render_json(result))
    else:
        terminal.print_audit(result, stdout)
    print_skipped(result)
    failures = check_gates(result, fail_under=fail_under)
    for failure in failures:
        stderr.print(f"gate failed: {failure.gate}: {failure.message}", markup=False)
    raise typer.Exit(exit_code(failures))


@app.command()
@user_errors
def explain(
    path: Annotated[list[Path], typer.Argument(help="Transcript file(s) or directory.")],
    conversation: Annotated[str, typer.Option("--conversation", "-i", help="Conversation id.")],
    checklist: ChecklistOpt = None,
    field_map: MapOpt = None,
    speakers: SpeakerOpt = None,
    encoding: EncodingOpt = "utf-8-sig",
):
    """Show one conversation turn by turn: cues with the deciding words, met and missed."""
    checklist_model = load_checklist(checklist)
    result = run_audit_command(path, checklist_model, field_map, speakers, encoding)
    found = next((r for r in result.conversations
                  if r.conversation.conversation_id == conversation), None)
    if found is None:
        raise UserError(f"conversation {conversation!r} not found in "
                        f"{', '.join(result.report.files)}", key="--conversation")
    stdout.print(terminal.explain_view(found, checklist_model))
