"""`diff`: compare two export directories written by `audit --export-dir`."""
from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from ..formatters.diff_format import render_diff_json, render_diff_markdown
from ..gates import EXIT_GATE_FAILED, EXIT_OK
from .app import app, say, stderr, user_errors


class DiffFormat(str, Enum):
    markdown = "markdown"
    json = "json"


DIFF_RENDERERS = {DiffFormat.markdown: render_diff_markdown, DiffFormat.json: render_diff_json}


@app.command()
@user_errors
def diff(
    old_dir: Annotated[Path, typer.Argument(help="Export directory of the earlier run.")],
    new_dir: Annotated[Path, typer.Argument(help="Export directory of the later run.")],
    format: Annotated[DiffFormat, typer.Option("--format", "-f", help="Output format.")] = DiffFormat.markdown,
    fail_on_regression: Annotated[bool, typer.Option(
        "--fail-on-regression", help="Exit 1 when any conversation newly missed a behaviour.")] = False,
):
    """Per-agent and per-behaviour deltas, and the conversations newly missed or newly met."""
    from ..gates.diff import diff_exports, read_export

    result = diff_exports(read_export(old_dir), read_export(new_dir))
    sys.stdout.write(DIFF_RENDERERS[format](result, str(old_dir), str(new_dir)))
    if fail_on_regression and result.newly_missed:
        say(stderr, f"gate failed: regression: {len(result.newly_missed)} verdict(s) went from "
                    f"met to missed")
        raise typer.Exit(EXIT_GATE_FAILED)
    raise typer.Exit(EXIT_OK)
