"""`coach`: the behaviours one agent misses most, with examples from their colleagues."""
from __future__ import annotations

from typing import Annotated

import typer

from .app import (ChecklistOpt, EncodingOpt, MapOpt, PathsArg, QuietOpt, SpeakerOpt, app,
                  run_audit_command, stdout, user_errors)


@app.command()
@user_errors
def coach(
    paths: PathsArg,
    agent: Annotated[str, typer.Option("--agent", "-a", help="The agent id to coach.")],
    behaviours: Annotated[int, typer.Option(
        min=1, help="How many of the most-missed behaviours to show.")] = 3,
    examples: Annotated[int, typer.Option(
        min=1, max=10, help="Missed turns shown per behaviour, each beside a colleague's.")] = 3,
    checklist: ChecklistOpt = None,
    field_map: MapOpt = None,
    speakers: SpeakerOpt = None,
    encoding: EncodingOpt = "utf-8-sig",
    quiet: QuietOpt = False,
):
    """For one agent: what they miss most, their own turns that missed it, and a colleague's
    turn that met it after a customer turn with the same cue."""
    from ..coaching import coach as build_plan
    from ..formatters.coaching_view import coaching_view

    result = run_audit_command(paths, checklist, field_map, speakers, encoding, quiet=quiet)
    plan = build_plan(result, agent, behaviours=behaviours, examples=examples)
    stdout.print(coaching_view(plan))
