"""A rich progress bar on stderr that can be switched off (``--quiet`` / ``verbose=False``)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn


class ProgressBar:
    """``advance(n, status=...)`` moves the bar; a disabled bar does nothing."""

    def __init__(self, progress: Progress | None, task: int | None) -> None:
        self._progress, self._task = progress, task

    def advance(self, n: int = 1, status: str | None = None) -> None:
        if self._progress is not None:
            fields = {"status": status} if status is not None else {}
            self._progress.update(self._task, advance=n, **fields)


@contextlib.contextmanager
def progress_bar(total: int, description: str, enabled: bool) -> Iterator[ProgressBar]:
    if not enabled:
        yield ProgressBar(None, None)
        return
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        TextColumn("{task.fields[status]}"),
        console=Console(stderr=True),
        transient=False,
    )
    with progress:
        task = progress.add_task(description, total=total, status="")
        yield ProgressBar(progress, task)
