"""Rich progress display for attack runs (on stderr, so stdout stays machine-readable)."""

from __future__ import annotations

from contextlib import contextmanager


class _Bar:
    def __init__(self, progress, task):
        self._progress, self._task = progress, task

    def advance(self, counts: dict) -> None:
        if self._progress is None:
            return
        self._progress.update(self._task, advance=1,
                              outcome=f"[green]{counts['succeeded']} broken[/] · {counts['failed']} held · "
                                      f"[dim]{counts['skipped']} skipped[/]")


@contextmanager
def attack_progress(label: str, total: int, completed: int = 0, enabled: bool = True):
    if not enabled:
        yield _Bar(None, None)
        return
    from rich.console import Console
    from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                               TimeRemainingColumn)

    progress = Progress(TextColumn("[bold]{task.description}"), BarColumn(bar_width=16), MofNCompleteColumn(),
                        TextColumn("{task.fields[outcome]}"), TimeElapsedColumn(), TextColumn("eta"),
                        TimeRemainingColumn(), console=Console(stderr=True))
    with progress:
        task = progress.add_task(label, total=total, completed=completed, outcome="")
        yield _Bar(progress, task)
