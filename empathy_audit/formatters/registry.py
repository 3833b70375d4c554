"""Every output format, as a str-Enum mapped to a pure function of the result (pip-audit's
shape): ``render(result, context) -> str``. A test loops over every member, so a format cannot
be added without a renderer."""
from __future__ import annotations

import io
from collections.abc import Callable
from enum import Enum

from ..model import AuditResult
from .findings import RenderContext
from .github import render_github
from .json_format import render_json
from .junit import render_junit
from .markdown import render_markdown
from .sarif import render_sarif


class OutputFormat(str, Enum):
    table = "table"
    json = "json"
    junit = "junit"
    github = "github"
    markdown = "markdown"
    sarif = "sarif"


def render_table(result: AuditResult, context: RenderContext = RenderContext()) -> str:
    """The terminal tables as plain text (for ``--output``): no colours, fixed width."""
    from rich.console import Console   # terminal code stays out of the core's import path

    from .terminal import print_audit
    buffer = io.StringIO()
    print_audit(result, Console(file=buffer, width=120, color_system=None, highlight=False))
    for failure in context.gate_failures:
        buffer.write(f"gate failed: {failure.gate}: {failure.message}\n")
    return buffer.getvalue()


def _json(result: AuditResult, context: RenderContext = RenderContext()) -> str:
    return render_json(result)


RENDERERS: dict[OutputFormat, Callable[[AuditResult, RenderContext], str]] = {
    OutputFormat.table: render_table,
    OutputFormat.json: _json,
    OutputFormat.junit: render_junit,
    OutputFormat.github: render_github,
    OutputFormat.markdown: render_markdown,
    OutputFormat.sarif: render_sarif,
}


def render(fmt: OutputFormat, result: AuditResult, context: RenderContext = RenderContext()) -> str:
    return RENDERERS[fmt](result, context)
