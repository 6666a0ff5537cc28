"""What the running command has completely written, for the line a signal prints: "no output was
written", or that the output is complete (a leaf module: the CLI, the recipe runner and the
torchrun helpers record and read it without importing the CLI)."""

from __future__ import annotations

import os
import signal

_written: list[str] = []  # what the running command has completely written (see note_written)
_other_rank: dict[str, object] = {}  # under torchrun, when this process is not rank 0 (see note_other_rank)


def note_written(path: str | os.PathLike) -> None:
    """Record that the running command has completely written ``path``, so that a signal after it says so.
    Under torchrun rank 0 saves the model, then waits for the other processes: SIGTERM there said "no output
    was written" of a model that was complete."""
    _written.append(str(path))


def note_other_rank(rank: int, output: str | os.PathLike) -> None:
    """Record that this process is torchrun's rank ``rank`` (not 0) and that rank 0 writes ``output``: a
    signal then says that this process writes nothing and rank 0 reports the output. The other processes
    said "no output was written" while rank 0 said the model it had saved was complete."""
    _other_rank.update(rank=rank, output=str(output))


def forget_outputs() -> None:
    """A new command: nothing of it written yet, and no rank noted."""
    _written.clear()
    _other_rank.clear()


ENDING_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))
"""The signals the CLI ends on as on SIGTERM, with its line and 128 + the signal (Windows has no SIGHUP)."""


def stopped_text(signum: int) -> str:
    """The line for SIGINT (Ctrl-C: ``interrupted; ...``) or any other ``signum`` (SIGTERM, SIGHUP:
    ``terminated; no output was written``), or,
    once :func:`note_written` recorded the output, that it was written and is complete; on a torchrun process
    other than rank 0 (:func:`note_other_rank`), that rank 0 reports the output."""
    word = "interrupted" if signum == signal.SIGINT else "terminated"
    if len(_written) == 1:
        return f"{word}; the output {_written[0]} was written before the signal and is complete"
    if _written:
        return f"{word}; the outputs {', '.join(_written)} were written before the signal and are complete"
    if _other_rank:
        return (f"{word}; this process (rank {_other_rank['rank']}) writes no output: rank 0 writes "
                f"{_other_rank['output']} and says whether it was written")
    return f"{word}; no output was written"
