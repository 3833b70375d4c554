"""The CI side of `audit`: gates, expected verdicts, machine formats and `--output`.

Options are declared here so that `audit_cmd.py` only lists them; the work is done by the
core (gates, expectations) and the formatters; this module only routes text and picks the
exit code the core decided."""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..checklist import Checklist
from ..errors import UserError
from ..gates.snapshots import compare, describe_change, expected_csv, read_expected
from ..formatters import terminal
from ..formatters.csv_export import write_files_atomically
from ..formatters.findings import RenderContext
from ..formatters.registry import OutputFormat, render
from ..gates import GateFailure, check_gates, exit_code, parse_requirements
from ..model import AuditResult
from .app import say, stderr, stdout

FormatOpt = Annotated[OutputFormat, typer.Option(
    "--format", "-f", help="Output format: on stdout, or in the --output file.")]
OutputOpt = Annotated[Optional[Path], typer.Option(
    "--output", help="Write the --format output to this file; the table still prints.")]
FailUnderOpt = Annotated[Optional[float], typer.Option(
    help="Exit 1 when the overall score is below this (0-100).")]
RequireOpt = Annotated[Optional[list[str]], typer.Option(
    "--require", help="BEHAVIOUR=RATE: exit 1 when the behaviour's met rate, over the "
                      "conversations where it applied, is below RATE (0.8 or 80%). Repeatable.")]
FailOnCriticalOpt = Annotated[bool, typer.Option(
    "--fail-on-critical", help="Exit 1 when any critical behaviour was missed.")]
ExitZeroOpt = Annotated[bool, typer.Option(
    "--exit-zero", help="Report failed gates but exit 0 (errors still exit 2).")]
ExpectOpt = Annotated[Optional[Path], typer.Option(
    "--expect", help="Expected verdicts CSV: exit 1 listing every verdict that changed.")]
UpdateExpectedOpt = Annotated[bool, typer.Option(
    "--update-expected", help="Rewrite the --expect file with this run's verdicts.")]
MaxAnnotationsOpt = Annotated[int, typer.Option(
    "--max-annotations", min=1, help="--format github: annotate at most N missed behaviours, "
    "critical first, and count the rest in one notice (GitHub shows 10 per step).")]


@dataclass(frozen=True)
class CiOptions:
    fmt: OutputFormat = OutputFormat.table
    output: Path | None = None
    fail_under: float | None = None
    require: tuple[str, ...] = ()
    fail_on_critical: bool = False
    exit_zero: bool = False
    expect: Path | None = None
    update_expected: bool = False
    max_annotations: int = 10


def check_options(options: CiOptions, checklist: Checklist) -> dict[str, float]:
    """Usage errors before any transcript is read; returns the parsed --require rates."""
    if options.update_expected and options.expect is None:
        raise UserError("--update-expected needs --expect FILE", key="--update-expected")
    if options.output is not None and options.output.is_dir():
        raise UserError("--output names a directory; give a file name", file=str(options.output),
                        key="--output")
    if options.output is not None and not options.output.absolute().parent.is_dir():
        raise UserError(f"the directory {options.output.parent} does not exist",
                        file=str(options.output), key="--output")
    return parse_requirements(options.require, checklist.behaviour_ids)


def expected_before(options: CiOptions):
    """Read the expectation up front (a broken file fails before the audit runs)."""
    if options.expect is None or options.update_expected:
        return None
    return read_expected(options.expect)


def needs_conversations(options: CiOptions) -> bool:
    """True when an output or gate reads every conversation's verdicts, not just totals."""
    return (options.fmt is not OutputFormat.table or options.output is not None
            or options.expect is not None or options.fail_on_critical)


def repository_root() -> Path | None:
    """GitHub's checkout (GITHUB_WORKSPACE), else the nearest folder holding .git (None
    outside a repository): GitHub places annotations by paths relative to the repository."""
    if os.environ.get("GITHUB_WORKSPACE"):
        return Path(os.environ["GITHUB_WORKSPACE"]).resolve()
    here = Path.cwd().resolve()
    return next((folder for folder in (here, *here.parents) if (folder / ".git").exists()), None)


def gate_failures(result: AuditResult, checklist: Checklist, options: CiOptions,
                  required: dict[str, float], expected) -> list[GateFailure]:
    critical = [b for b, spec in checklist.behaviours.items() if spec.critical]
    failures = check_gates(result, fail_under=options.fail_under, require=required,
                           critical=critical if options.fail_on_critical else ())
    if expected is not None:
        behaviours, rows = expected
        changes = compare(result, behaviours, rows)
        for change in changes:
            say(stderr, f"changed: {describe_change(change, str(options.expect))}")
        if changes:
            failures.append(GateFailure("expect", f"{len(changes)} verdict(s) differ from "
                                                  f"{options.expect}"))
    return failures


def report(result: AuditResult, checklist: Checklist, options: CiOptions,
           required: dict[str, float], expected, table_view: dict | None = None) -> int:
    """Write every output, print the failed gates, and return the exit code."""
    failures = gate_failures(result, checklist, options, required, expected)
    context = RenderContext(tuple(failures), checklist, options.max_annotations,
                            repository_root())
    files: list[tuple[Path, str]] = []
    if options.update_expected:
        files.append((options.expect, expected_csv(result)))
    if options.output is not None:
        files.append((options.output, render(options.fmt, result, context)))
    for path, text in files:
        write_files_atomically(path.parent, {path.name: text})
    if options.output is not None:
        say(stderr, f"Wrote {options.output} ({options.fmt.value})")
    if options.update_expected:
        say(stderr, f"updated: {options.expect} ({len(result.conversations)} conversation(s))")
    if options.output is not None or options.fmt is OutputFormat.table:
        terminal.print_audit(result, stdout, **(table_view or {}))
    else:
        sys.stdout.write(render(options.fmt, result, context))
    for failure in failures:
        say(stderr, f"gate failed: {failure.gate}: {failure.message}")
    return exit_code(failures, exit_zero=options.exit_zero)
