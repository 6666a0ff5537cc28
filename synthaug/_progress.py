"""A rich progress bar on stderr that can be switched off (``--quiet`` / ``verbose=False``)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn


class ProgressBar:
    """``advance(n, status=...)`` moves the bar; a disabled bar does nothing. The bar is drawn from its
    first advance, so a check that fails before any work (a DP budget no noise can reach) prints its
    error without an empty ``training 0/200`` line above it."""

    def __init__(self, progress: Progress | None, task: int | None) -> None:
        self._progress, self._task, self._shown = progress, task, False

    def advance(self, n: int = 1, status: str | None = None) -> None:
        if self._progress is not None:
            if not self._shown:
                self._progress.start()
                self._shown = True
            fields = {"status": status} if status is not None else {}
            self._progress.update(self._task, advance=n, **fields)

    def close(self) -> None:
        """Stop drawing (the last state stays on screen, as rich leaves a finished bar)."""
        if self._shown:
            self._progress.stop()


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
    bar = ProgressBar(progress, progress.add_task(description, total=total, status=""))
    try:
        yield bar
    finally:
        bar.close()
