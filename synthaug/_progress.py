"""A rich progress bar on stderr that can be switched off (``--quiet`` / ``verbose=False``)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, Task, TextColumn
from rich.text import Text


class ProgressBar:
    """``advance(n, status=...)`` moves the bar; a disabled bar does nothing. The bar is drawn from its
    first advance, so a check that fails before any work (a DP budget no noise can reach) prints its
    error without an empty ``training 0/200`` line above it."""

    def __init__(self, progress: Progress | None, task: int | None) -> None:
        self._progress, self._task, self._shown = progress, task, False

    def show(self) -> None:
        """Draw the bar now, at 0, once the checks have passed: its clock then runs while the first step
        works (a sample's first 50,000-row chunk through the filters took ~10 s with nothing on screen)."""
        if self._progress is not None and not self._shown:
            self._progress.start()
            self._shown = True

    def advance(self, n: int = 1, status: str | None = None) -> None:
        if self._progress is not None:
            self.show()
            fields = {"status": status} if status is not None else {}
            self._progress.update(self._task, advance=n, **fields)

    def close(self) -> None:
        """Stop drawing (the last state stays on screen, as rich leaves a finished bar)."""
        if self._shown:
            self._progress.stop()


def clock(seconds: float | None) -> str:
    """``0:07:09``; ``-:--:--`` when not known."""
    if seconds is None:
        return "-:--:--"
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}"


def time_left(task: Task) -> float | None:
    """Seconds ``task`` still needs: rich's estimate from its recent speed, else, when it has advanced
    once only (a sample advances per 50,000-row chunk), the average rate since it started; None before."""
    if task.finished:
        return 0.0
    if task.time_remaining is not None:
        return task.time_remaining
    elapsed = task.elapsed
    if not task.completed or not elapsed or task.total is None:
        return None
    return elapsed * (task.total - task.completed) / task.completed


class TimesColumn(ProgressColumn):
    """``0:01:02 (0:00:40 left)``, then ``took 0:07:09`` once done: a bar that showed the time left alone
    ended at 0:00:00, so a 7-minute sample never said how long it took. Short, so a training bar with its
    losses fits 80 columns (``0:01:02 elapsed, 0:00:40 left`` pushed the time left off it)."""

    def render(self, task: Task) -> Text:
        if task.finished:
            return Text(f"took {clock(task.finished_time)}", style="progress.elapsed")
        return Text(f"{clock(task.elapsed)} ({clock(time_left(task))} left)", style="progress.elapsed")


def new_progress(console: Console) -> Progress:
    """The bar's columns: what, a 20-character bar, done/total, the times, a status (a training's losses)."""
    return Progress(TextColumn("{task.description}"), BarColumn(bar_width=20), MofNCompleteColumn(), TimesColumn(),
                    TextColumn("{task.fields[status]}"), console=console, transient=False)


@contextlib.contextmanager
def progress_bar(total: int, description: str, enabled: bool) -> Iterator[ProgressBar]:
    if not enabled:
        yield ProgressBar(None, None)
        return
    progress = new_progress(Console(stderr=True))
    bar = ProgressBar(progress, progress.add_task(description, total=total, status=""))
    try:
        yield bar
    finally:
        bar.close()


@contextlib.contextmanager
def status(text: str, enabled: bool) -> Iterator[None]:
    """A spinner with ``text`` on a terminal's stderr while the block works (nothing elsewhere, and gone
    when it ends): a 300,000-row fit showed nothing for 24 s before its training bar."""
    if not enabled:
        yield
        return
    with Console(stderr=True).status(text):
        yield
