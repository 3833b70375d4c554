"""`audit` and `explain`: score transcripts, show one conversation turn by turn."""
from __future__ import annotations

import os
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..checklist import load_checklist, select_behaviours
from ..errors import UserError
from ..formatters import csv_export, terminal
from . import ci
from .app import (AllowEmptyOpt, ChecklistOpt, EncodingOpt, ExcludeOpt, IdsPerFileOpt,
                  InputFormatOpt, MapOpt, PathsArg, QuietOpt, Reading, Roles, RolesOpt,
                  SpeakerOpt, app, run_audit_command, run_streamed_command, say, stderr, stdout,
                  user_errors)


class By(str, Enum):
    agent = "agent"
    behaviour = "behaviour"
    conversation = "conversation"


class Engine(str, Enum):
    local = "local"
    dask = "dask"


def print_skipped(result) -> None:
    for skipped in result.report.skipped[:20]:
        say(stderr, f"skipped: {skipped.source}:{skipped.line}: {skipped.reason}")
    if len(result.report.skipped) > 20:
        say(stderr, f"skipped: ... {len(result.report.skipped) - 20} more (see skipped.csv "
                    f"with --export-dir)")


@app.command()
@user_errors
def audit(
    paths: PathsArg,
    checklist: ChecklistOpt = None,
    export_dir: Annotated[Optional[Path], typer.Option(
        "--export-dir", "-o", help="Write turns.csv, conversations.csv, agents.csv, skipped.csv here.")] = None,
    format: ci.FormatOpt = ci.OutputFormat.table,
    output: ci.OutputOpt = None,
    fail_under: ci.FailUnderOpt = None,
    require: ci.RequireOpt = None,
    fail_on_critical: ci.FailOnCriticalOpt = False,
    exit_zero: ci.ExitZeroOpt = False,
    expect: ci.ExpectOpt = None,
    update_expected: ci.UpdateExpectedOpt = False,
    max_annotations: ci.MaxAnnotationsOpt = 10,
    field_map: MapOpt = None,
    speakers: SpeakerOpt = None,
    encoding: EncodingOpt = "utf-8-sig",
    ids_per_file: IdsPerFileOpt = False,
    strict: Annotated[bool, typer.Option(help="Treat any skipped row as an error (exit 2).")] = False,
    by: Annotated[Optional[By], typer.Option(
        "--by", help="Show only this table (default: agents and behaviours).")] = None,
    top: Annotated[Optional[int], typer.Option(
        min=1, help="At most N rows per table: the busiest agents, the lowest-scoring "
                    "conversations.")] = None,
    quiet: QuietOpt = False,
    exclude: ExcludeOpt = None,
    select: Annotated[Optional[list[str]], typer.Option(
        "--select", metavar="BEHAVIOUR", help="Audit only this behaviour (repeatable).")] = None,
    ignore: Annotated[Optional[list[str]], typer.Option(
        "--ignore", metavar="BEHAVIOUR", help="Leave this behaviour out (repeatable).")] = None,
    jobs: Annotated[Optional[int], typer.Option(
        "--jobs", "-j", min=1, help="Worker processes (default: the number of cores; "
        "never more than chunks of 2,000 turns). Results are the same for any number.")] = None,
    engine: Annotated[Engine, typer.Option(
        help="local: worker processes on this machine; dask: a Dask cluster (the "
        "dask extra).")] = Engine.local,
    scheduler: Annotated[Optional[str], typer.Option(
        help="Dask scheduler address, e.g. tcp://host:8786 (default: a local cluster).")] = None,
    # input formats and roles (issue 13)
    input_format: InputFormatOpt = None,
    roles: RolesOpt = Roles.labels,
    allow_empty: AllowEmptyOpt = False,
):
    """Score every agent turn, then print per-agent and per-behaviour tables.

    The tables alone stream the input in chunks of whole conversations, on --jobs worker
    processes or a Dask cluster, and write the exports as they go (memory stays flat).
    Outputs that need every conversation (a machine format, --output, --expect,
    --fail-on-critical, --by conversation) audit in memory, in this process.

    Exit codes: 0 all gates hold, 1 a gate failed (--fail-under, --require, --fail-on-critical,
    --expect), 2 an error in the input, checklist or options, 3 an internal error (a bug),
    130/143 interrupted (Ctrl-C/SIGTERM)."""
    options = ci.CiOptions(format, output, fail_under, tuple(require or ()), fail_on_critical,
                           exit_zero, expect, update_expected, max_annotations)
    reading = Reading(input_format, roles, allow_empty)
    checklist_model = select_behaviours(load_checklist(checklist), select or (), ignore or ())
    required = ci.check_options(options, checklist_model)
    expected = ci.expected_before(options)
    if scheduler and engine is not Engine.dask:
        raise UserError("--scheduler needs --engine dask", key="--scheduler")
    if ci.needs_conversations(options) or by is By.conversation:
        if jobs is not None or engine is not Engine.local:
            say(stderr, "note: this output needs every conversation, so the audit runs in "
                        "memory in this process; --jobs and --engine are not used")
        result = run_audit_command(paths, checklist_model, field_map, speakers, encoding,
                                   strict, quiet, ids_per_file, exclude, reading)
        if export_dir is not None:
            csv_export.write_exports(result, export_dir)
    else:
        result = run_streamed_command(paths, checklist_model, field_map, speakers, encoding,
                                      strict, export_dir=export_dir, jobs=jobs,
                                      engine=engine.value, scheduler=scheduler, quiet=quiet,
                                      ids_per_file=ids_per_file, exclude=exclude,
                                      reading=reading)
    code = ci.report(result, checklist_model, options, required, expected,
                     table_view={"by": by.value if by else None, "top": top})
    if export_dir is not None:
        say(stderr, f"Wrote {', '.join(csv_export.EXPORT_NAMES)} in {export_dir}")
    print_skipped(result)
    raise typer.Exit(code)


@app.command()
@user_errors
def explain(
    path: Annotated[list[Path], typer.Argument(help="Transcript file(s) or directory.")],
    conversation: Annotated[str, typer.Option("--conversation", "-i", help="Conversation id.")],
    checklist: ChecklistOpt = None,
    field_map: MapOpt = None,
    speakers: SpeakerOpt = None,
    encoding: EncodingOpt = "utf-8-sig",
    ids_per_file: IdsPerFileOpt = False,
    turn: Annotated[Optional[str], typer.Option(
        "--turn", "-t", help="Jump to this turn (its number in the input, or from 0 when the "
        "input has none): show it with --context turns around it.")] = None,
    context: Annotated[int, typer.Option(min=0, help="Turns shown either side of --turn.")] = 2,
    input_format: InputFormatOpt = None,
    roles: RolesOpt = Roles.labels,
    pager: Annotated[Optional[bool], typer.Option(
        "--pager/--no-pager", help="Page the output (default: when it is longer than the "
                                   "terminal).")] = None,
):
    """Show one conversation turn by turn: cues with the deciding words, met and missed."""
    checklist_model = load_checklist(checklist)
    result = run_audit_command(path, checklist_model, field_map, speakers, encoding,
                               ids_per_file=ids_per_file, reading=Reading(input_format, roles))
    found = next((r for r in result.conversations
                  if r.conversation.conversation_id == conversation), None)
    if found is None:
        raise UserError(f"conversation {conversation!r} not found in "
                        f"{', '.join(result.report.files)}", key="--conversation")
    view = terminal.explain_view(found, checklist_model,
                                 turn_window(turn, context, found.conversation.turns))
    print_paged(stdout, view, pager)


def turn_window(turn: str | None, context: int, turns: list) -> range | None:
    """The positions to show around the turn the input numbers ``turn``."""
    if turn is None:
        return None
    at = next((t.index for t in turns if t.number == turn.strip()), None)
    if at is None:
        raise UserError(f"turn {turn} does not exist: the conversation has turns "
                        f"{turns[0].number} to {turns[-1].number}", key="--turn")
    return range(max(0, at - context), min(len(turns), at + context + 1))


def should_page(console, view, pager: bool | None) -> bool:
    """Explicit --pager/--no-pager wins; otherwise page only a terminal too short for it."""
    if pager is not None:
        return pager
    if not console.is_terminal:
        return False
    return len(console.render_lines(view, console.options, pad=False)) > console.height


def print_paged(console, view, pager: bool | None) -> None:
    if not should_page(console, view, pager):
        console.print(view)
        return
    os.environ.setdefault("LESS", "-R")  # let less show the colours
    with console.pager(styles=True):
        console.print(view)
