"""A Rich progress bar on stderr for long audits: files, conversations, rate, time left.

It appears only once a run has lasted DELAY seconds, so short runs print nothing, and never
when stderr is not a terminal (pipes, CI logs) or with --quiet. It is transient: the bar
is erased when scoring ends, so it never mixes with the tables on stdout.
"""
from __future__ import annotations

import time

from typing import TYPE_CHECKING

from rich.console import Console

if TYPE_CHECKING:   # the bar's module is imported when a bar is shown, not at start-up
    from rich.progress import Progress, TaskID

DELAY = 2.0


class ScoringProgress:
    def __init__(self, console: Console, *, enabled: bool = True, delay: float = DELAY):
        self.console = console
        self.enabled = enabled and console.is_terminal
        self.delay = delay
        self.started = time.monotonic()
        self.bar: Progress | None = None
        self.task: TaskID | None = None

    def __enter__(self) -> ScoringProgress:
        self.started = time.monotonic()
        return self

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.stop()

    def __call__(self, scored: int, total: int, files: int) -> None:
        if not self.enabled:
            return
        if self.bar is None:
            if time.monotonic() - self.started < self.delay or scored >= total:
                return
            self._start(total, files)
        rate = scored / max(time.monotonic() - self.started, 1e-6)
        self.bar.update(self.task, completed=scored, rate=f"{rate:,.0f}/s")

    def _start(self, total: int, files: int) -> None:
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn,
                                   TimeRemainingColumn)

        self.bar = Progress(
            TextColumn("Scoring {task.fields[files]} file(s)"), BarColumn(),
            MofNCompleteColumn(), TextColumn("conversations"),
            TextColumn("{task.fields[rate]}"), TimeRemainingColumn(),
            console=self.console, transient=True)
        self.task = self.bar.add_task("scoring", total=total, files=files, rate="")
        self.bar.start()

    @property
    def shown(self) -> bool:
        return self.bar is not None
