"""The command line: parse options, call the core, pick a formatter, set the exit code."""
from __future__ import annotations

import functools
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from .audit import audit as run_audit
from .checklist import load_checklist
from .errors import UserError
from .formatters import csv_export, json_format, records, terminal
from .gates import EXIT_ERROR, check_gates, exit_code

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Audit customer-service transcripts for empathy, against a YAML checklist.")
checklist_app = typer.Typer(no_args_is_help=True, help="Validate or show a checklist.")
app.add_typer(checklist_app, name="checklist")

stdout = Console(highlight=False)
stderr = Console(stderr=True, highlight=False)


class Format(str, Enum):
    table = "table"
    json = "json"


def user_errors(command):
    """Every user error ends the same way: one line on stderr, exit 2, no traceback."""
    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except UserError as error:
            stderr.print(f"error: {error}", markup=False, soft_wrap=True)
            raise typer.Exit(EXIT_ERROR) from None
        except OSError as error:
            where = f"{error.filename}: " if getattr(error, "filename", None) else ""
            stderr.print(f"error: {where}{error.strerror or error}", markup=False, soft_wrap=True)
            raise typer.Exit(EXIT_ERROR) from None
    return wrapper


def _pairs(values: list[str] | None, option: str) -> dict[str, str]:
    pairs = {}
    for value in values or []:
        key, sep, target = value.partition("=")
        if not sep or not key.strip() or not target.strip():
            raise UserError(f"{option} takes KEY=VALUE, got {value!r}", key=option)
        pairs[key.strip()] = target.strip()
    return pairs


PathsArg = Annotated[list[Path], typer.Argument(help="Transcript files or directories.",
                                                show_default=False)]
ChecklistOpt = Annotated[Optional[Path], typer.Option(
    "--checklist", "-c", help="Checklist YAML (default: the bundled default checklist).")]
MapOpt = Annotated[Optional[list[str]], typer.Option(
    "--map", help="Field mapping FIELD=COLUMN, e.g. --map text=message (repeatable).")]
SpeakerOpt = Annotated[Optional[list[str]], typer.Option(
    "--speaker", help="Speaker label mapping LABEL=agent|customer|other (repeatable).")]
EncodingOpt = Annotated[str, typer.Option(help="Text encoding of the input files.")]


def _audit(paths, checklist, field_map, speakers, encoding, strict=False):
    result = run_audit(paths, checklist, field_map=_pairs(field_map, "--map"),
                       speaker_map=_pairs(speakers, "--speaker"), encoding=encoding)
    if strict and result.report.skipped:
        first = result.report.skipped[0]
        raise UserError(f"row skipped: {first.reason} (--strict; "
                        f"{len(result.report.skipped)} row(s) in all)",
                        file=first.source, line=first.line)
    return result


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
):
    """Score every agent turn, then print per-agent and per-behaviour tables."""
    result = _audit(paths, checklist, field_map, speakers, encoding, strict)
    if export_dir is not None:
        csv_export.write_exports(result, export_dir)
    if format is Format.json:
        sys.stdout.write(json_format.render_json(result))
    else:
        terminal.print_audit(result, stdout)
    for skipped in result.report.skipped[:20]:
        stderr.print(f"skipped: {skipped.source}:{skipped.line}: {skipped.reason}",
                     markup=False, highlight=False)
    if len(result.report.skipped) > 20:
        stderr.print(f"skipped: ... {len(result.report.skipped) - 20} more (see skipped.csv "
                     f"with --export-dir)", markup=False)
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
    result = _audit(path, checklist_model, field_map, speakers, encoding)
    found = next((r for r in result.conversations
                  if r.conversation.conversation_id == conversation), None)
    if found is None:
        raise UserError(f"conversation {conversation!r} not found in "
                        f"{', '.join(result.report.files)}", key="--conversation")
    stdout.print(terminal.explain_view(found, checklist_model))


@checklist_app.command("validate")
@user_errors
def checklist_validate(path: Annotated[Path, typer.Argument(help="Checklist YAML.")]):
    """Check a checklist: keys, types, regexes, references and ids."""
    model = load_checklist(path)
    stdout.print(f"{path}: OK ({len(model.cues)} cues, {len(model.behaviours)} behaviours)",
                 markup=False)


@checklist_app.command("show")
@user_errors
def checklist_show(path: Annotated[Optional[Path], typer.Argument(
        help="Checklist YAML (default: the bundled one).")] = None):
    """Print each behaviour: description, when it applies, what meets it, an example."""
    stdout.print(terminal.checklist_view(load_checklist(path)))


def main() -> None:
    app()
