"""The Typer application, its consoles, shared options and the one user-error handler.

Each command group lives in its own module and registers itself on ``app``."""
from __future__ import annotations

import functools
import os
import sys
import traceback
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import click
import typer
from rich.console import Console
from typer.core import TyperGroup

from .. import __version__
from ..audit import audit as run_audit
from ..cache import NO_CACHE_ENV
from ..engine.run import stream_audit
from ..errors import UserError
from ..formatters.terminal import say
from ..gates import EXIT_ERROR, EXIT_INTERNAL
from ..interruption import Terminated, describe
from .config import default_map, find_config, read_config
from .progress import ScoringProgress

stdout = Console(highlight=False)
stderr = Console(stderr=True, highlight=False, soft_wrap=True)


# click's exceptions, or the copy newer Typer versions vendor: whichever Typer raises
_clicks = sys.modules[typer.BadParameter.__module__]
_NoArgsIsHelp = getattr(_clicks, "NoArgsIsHelpError", ())


# What an option's value is, for help text; other options show their name in capitals.
METAVARS = {"paths": "PATH", "path": "PATH", "checklist": "FILE|NAME", "export_dir": "DIR",
            "out_dir": "DIR", "out": "DIR", "output": "FILE", "field_map": "FIELD=COLUMN",
            "speakers": "LABEL=ROLE", "require": "BEHAVIOUR=RATE", "jobs": "N", "top": "N",
            "context": "N", "scheduler": "ADDRESS", "config": "FILE", "exclude": "GLOB",
            "conversation": "ID", "agent": "ID", "behaviours": "N", "examples": "N",
            "labels": "FILE", "names": "FILE", "fail_under": "SCORE", "turn": "N",
            "fail_under_kappa": "KAPPA", "expect": "FILE", "max_annotations": "N"}


def plain_metavars(command) -> None:
    """Recent Typer names values by their Python type (`<list[Path]>`, `<str>`); name them
    the way a user thinks of them, as click always did. Choices keep their list."""
    for param in command.params:
        descriptor = getattr(param, "type_descriptor", None)
        if descriptor is None or getattr(param, "is_flag", False) or descriptor.is_choice:
            continue
        param.metavar = param.metavar or METAVARS.get(param.name, param.name.upper())
        if param.param_type_name == "argument":   # Typer prints the type beside the name
            param.display_type_rich = lambda ctx: None
    for sub in getattr(command, "commands", {}).values():
        plain_metavars(sub)


class OneLineErrors(TyperGroup):
    """Option and usage errors end like every other error: one line on stderr, exit 2."""

    def main(self, *args, standalone_mode: bool = True, **kwargs):
        plain_metavars(self)
        try:
            code = super().main(*args, standalone_mode=False, **kwargs)
        except _NoArgsIsHelp as error:
            if not standalone_mode:
                raise
            say(stdout, error.ctx.get_help())
            sys.exit(EXIT_ERROR)
        except _clicks.ClickException as error:
            if not standalone_mode:
                raise
            where = f" (see {error.ctx.command_path} --help)" if getattr(error, "ctx", None) else ""
            message = error.format_message().replace("Value error, ", "")   # pydantic's prefix
            say(stderr, f"error: {message}{where}")
            sys.exit(EXIT_ERROR)
        except typer.Abort:
            if not standalone_mode:
                raise
            say(stderr, "Aborted.")
            sys.exit(1)
        if standalone_mode:
            sys.exit(code if isinstance(code, int) else 0)
        return code


app = typer.Typer(cls=OneLineErrors, no_args_is_help=True, pretty_exceptions_enable=False,
                  rich_markup_mode=None,   # plain help: wraps at 80 columns, [dask] stays
                  help="Audit customer-service transcripts for empathy, against a YAML checklist.")
checklist_app = typer.Typer(no_args_is_help=True, help="Validate, list or show checklists.")
app.add_typer(checklist_app, name="checklist")


ISSUES_URL = "https://github.com/empathy-audit/empathy-audit/issues"
DEBUG_VARIABLE = "EMPATHY_AUDIT_DEBUG"


def user_errors(command):
    """Every user error ends the same way: one line on stderr, exit 2, no traceback. An
    interruption exits 130 (Ctrl-C) or 143 (SIGTERM) once the ``finally`` blocks have run;
    a bug exits 3 (never 1, which CI reads as a failed gate)."""
    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except UserError as error:
            fail(f"error: {error}", EXIT_ERROR)
        except OSError as error:
            where = f"{error.filename}: " if getattr(error, "filename", None) else ""
            fail(f"error: {where}{error.strerror or error}", EXIT_ERROR)
        except (KeyboardInterrupt, Terminated) as stop:
            message, code = describe(stop)
            fail(f"error: {message}", code)
        except (typer.Exit, typer.Abort, click.exceptions.Exit, click.ClickException,
                _clicks.ClickException):
            raise   # typer's and click's own ways to end
        except Exception as error:
            if os.environ.get(DEBUG_VARIABLE):
                traceback.print_exc()
            fail(f"internal error: {type(error).__name__}: {error}; please report it at "
                 f"{ISSUES_URL} (set {DEBUG_VARIABLE}=1 for the traceback)", EXIT_INTERNAL)
    return wrapper


def fail(message: str, code: int):
    say(stderr, message)
    raise typer.Exit(code) from None


def _print_version(value: bool) -> None:
    if value:
        say(stdout, f"empathy-audit {__version__}")
        raise typer.Exit()


@app.callback()
@user_errors
def _options(ctx: typer.Context,
             version: Annotated[Optional[bool], typer.Option(
                 "--version", callback=_print_version, is_eager=True,
                 help="Print the version and exit.")] = None,
             config: Annotated[Optional[Path], typer.Option(
                 "--config", help="Configuration file (default: the nearest "
                 ".empathy-audit.toml, or pyproject.toml with [tool.empathy-audit], from the "
                 "working directory up).", show_default=False)] = None,
             no_cache: Annotated[bool, typer.Option(
                 "--no-cache", help="Compile the checklist afresh, without reading or writing "
                 "the cache (also EMPATHY_AUDIT_NO_CACHE=1).")] = False) -> None:
    """Audit customer-service transcripts for empathy, against a YAML checklist."""
    if no_cache:   # the environment reaches worker processes too
        os.environ[NO_CACHE_ENV] = "1"
    if config is not None and not config.is_file():
        raise UserError("configuration file not found", file=str(config), key="--config")
    found = config or find_config(Path.cwd())
    if found is not None:
        ctx.default_map = default_map(read_config(found), ctx.command.commands)


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
    "--checklist", "-c", help="Checklist YAML, or the name of a bundled one (see `checklist "
    "list`; default: default).", show_default=False)]
MapOpt = Annotated[Optional[list[str]], typer.Option(
    "--map", help="Field mapping FIELD=COLUMN, e.g. --map text=message (repeatable).")]
SpeakerOpt = Annotated[Optional[list[str]], typer.Option(
    "--speaker", help="Speaker label mapping LABEL=agent|customer|other (repeatable).")]
EncodingOpt = Annotated[str, typer.Option(help="Text encoding of the input files.")]
IdsPerFileOpt = Annotated[bool, typer.Option(
    "--ids-per-file", help="Conversation ids are unique per file only: prefix each with its "
                           "file (default: an id in two files is an error).")]


# ---- input formats and roles (issue 13): --input-format, --roles, --allow-empty
class Roles(str, Enum):
    labels = "labels"
    infer = "infer"


InputFormatOpt = Annotated[Optional[str], typer.Option(
    "--input-format", help="Read every input as this format (see `empathy-audit formats`; "
                           "default: recognised from each file).")]
RolesOpt = Annotated[Roles, typer.Option(
    "--roles", help="labels: roles from the input's speaker labels; infer: also name agent "
                    "and customer among speaker/channel numbers (spk_0, ch_1) from their "
                    "words, marked '(inferred)' in turns.csv.")]
AllowEmptyOpt = Annotated[bool, typer.Option(
    "--allow-empty", help="Exit 0 when the input holds no conversation (default: exit 2 "
                          "saying why).")]


@dataclass(frozen=True)
class Reading:
    """How inputs are read and roles named: the issue-13 options, passed as one."""
    input_format: str | None = None
    roles: Roles = Roles.labels
    allow_empty: bool = False

    def options(self) -> dict:
        return {"input_format": self.input_format, "allow_empty": self.allow_empty,
                "infer_roles": self.roles is Roles.infer}


QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar on stderr.")]
ExcludeOpt = Annotated[Optional[list[str]], typer.Option(
    "--exclude", help="Skip files under the given folders that match this glob, e.g. "
    "'archive/*' or '*.jsonl' (repeatable). The tool's own exports are always skipped.")]


def run_audit_command(paths, checklist, field_map, speakers, encoding, strict=False,
                      quiet=False, ids_per_file=False, exclude=(),
                      reading: Reading = Reading()):
    """Shared by every command that audits: options in, AuditResult out. Shows a progress
    bar on stderr for long runs, unless quiet or stderr is not a terminal."""
    with ScoringProgress(stderr, enabled=not quiet) as progress:
        result = run_audit(paths, checklist, field_map=_pairs(field_map, "--map"),
                           speaker_map=_pairs(speakers, "--speaker"), encoding=encoding,
                           ids_per_file=ids_per_file, progress=progress,
                           exclude=exclude or (), **reading.options())
    if strict:
        check_strict(result.report)
    return result


def run_streamed_command(paths, checklist, field_map, speakers, encoding, strict, *,
                         export_dir, jobs, engine, scheduler, ids_per_file=False, quiet=False,
                         exclude=(), reading: Reading = Reading()):
    """The same audit, streamed in chunks to worker processes or a Dask cluster; the
    conversations go to the exports and only the summary comes back."""
    with ScoringProgress(stderr, enabled=not quiet) as progress:
        return stream_audit(paths, checklist, export_dir=export_dir, jobs=jobs, engine=engine,
                            scheduler=scheduler, field_map=_pairs(field_map, "--map"),
                            speaker_map=_pairs(speakers, "--speaker"), encoding=encoding,
                            ids_per_file=ids_per_file,
                            on_scanned=check_strict if strict else None, progress=progress,
                            exclude=exclude or (), **reading.options())


def check_strict(report) -> None:
    """--strict: any skipped row is an error (events and media of an export are not rows)."""
    skipped = [s for s in report.skipped if not s.event]
    if skipped:
        first = skipped[0]
        raise UserError(f"row skipped: {first.reason} (--strict; "
                        f"{len(skipped)} row(s) in all)",
                        file=first.source, line=first.line)
