"""Data-parallel training with torch.distributed, launched by torchrun.

Each process trains on its shard of the rows with 1/world of the global batch's packs (rounded down:
:func:`packs_per_process`); gradients are averaged by DistributedDataParallel, so one step equals a
single-process step on the union of the per-process batches. Batch-norm statistics stay per process
(SyncBatchNorm has no CPU kernel): with ``generator_norm="layer"`` a step is identical to the
single-process one.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import signal
import socket
import sys
import threading
import warnings
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import pandas as pd
import torch
import torch.distributed as dist
from torch import nn

from ._errors import DataError, SynthaugError, warn
from ._outputs import ENDING_SIGNALS
from ._text import one_line

TIMEOUT_ENV = "SYNTHAUG_DIST_TIMEOUT"
DEFAULT_TIMEOUT = 600.0  # seconds a process waits for the others in one collective operation


@dataclass(frozen=True)
class DistContext:
    """This process's rank among ``world_size`` (1 when not distributed)."""

    rank: int = 0
    world_size: int = 1

    @property
    def is_main(self) -> bool:
        return self.rank == 0

    @property
    def active(self) -> bool:
        return self.world_size > 1

    def shard(self, labels: np.ndarray) -> np.ndarray:
        """Row indices (ascending) this process trains on, given each row's class code.

        Each class's rows are dealt out in turn, so every process holds every class and a
        class's shards differ by at most one row: balanced class sampling then gives each class
        the same share of the global batch as in one process. A class with fewer rows than
        processes has its rows repeated, one per process (else a process would hold none of it,
        or, with ``strategy="per-class"``, no rows at all).
        """
        labels = np.asarray(labels)
        if not self.active:
            return np.arange(len(labels))
        order = np.argsort(labels, kind="stable")
        _, start, count = np.unique(labels[order], return_index=True, return_counts=True)
        position = np.arange(len(labels)) - np.repeat(start, count)  # (n,) rank of each row within its class
        mine = order[position % self.world_size == self.rank]
        small = count < self.world_size
        repeated = order[start[small] + self.rank % count[small]]  # process r: row r mod count of the class
        return np.union1d(mine, repeated)

    def wrap(self, module: nn.Module) -> nn.Module:
        """DistributedDataParallel around ``module`` when distributed, else the module itself."""
        if not self.active:
            return module
        from torch.nn.parallel import DistributedDataParallel

        device_ids = [module_device(module).index] if module_device(module).type == "cuda" else None
        return DistributedDataParallel(module, device_ids=device_ids)

    def barrier(self) -> None:
        if self.active:
            dist.barrier()


def packs_per_process(n_packs: int, pac: int, ctx: DistContext, n_rows: int | None = None) -> int:
    """This process's share of a step's ``n_packs`` packs of ``pac`` rows: ``n_packs // world``, at least 1.

    When the packs do not divide among the processes, the global batch is not the one asked for (500 rows,
    50 packs, over 3 processes trained 480; 30 rows over 4 trained 40): rank 0 warns, naming the batch
    trained and the batch sizes that divide evenly, at most the ``n_rows`` training rows (a batch is capped
    at them: batch_size 60 on 50 rows was told to try 60).
    """
    if not ctx.active:
        return n_packs
    mine = max(1, n_packs // ctx.world_size)
    if mine * ctx.world_size != n_packs and ctx.is_main:
        unit = pac * ctx.world_size
        below = n_packs * pac // unit * unit
        sizes = [size for size in (below, below + unit) if 0 < size <= (n_rows or size)]
        capped = f" (a batch is at most the {n_rows} training rows)" if n_rows and below + unit > n_rows else ""
        fix = f"e.g. {' or '.join(map(str, sizes))}{capped}" if sizes else \
            f"none fits in the {n_rows} training rows: train in fewer processes"
        warn(f"batch_size: a step's {n_packs} packs of {pac} rows do not divide among {ctx.world_size} processes; "
             f"each takes {mine}, so the global batch is {mine * ctx.world_size * pac} rows, not {n_packs * pac}; "
             f"a batch_size that divides evenly is a multiple of {unit} (pac {pac} x {ctx.world_size} processes), "
             f"{fix}")
    return mine


def module_device(module: nn.Module) -> torch.device:
    return next(module.parameters()).device


def current_context() -> DistContext:
    """The context of an initialised process group, or a single-process one."""
    if dist.is_available() and dist.is_initialized():
        return DistContext(dist.get_rank(), dist.get_world_size())
    return DistContext()


def agreed_seed(seed: int) -> int:
    """Rank 0's ``seed`` on every process of an initialised group, else ``seed``.

    ``random_state=None`` draws fresh entropy in each process: the processes would then encode
    the table (dequantisation noise), noise the DP class counts (one Laplace draw per process,
    each steering training: the budget spent several times) and draw their batches differently.
    """
    ctx = current_context()
    if not ctx.active:
        return seed
    shared = [seed]
    dist.broadcast_object_list(shared, src=0)
    return int(shared[0])


def launched_by_torchrun() -> bool:
    """Whether torchrun started this process (``WORLD_SIZE`` > 1); a ``WORLD_SIZE`` that is not a whole
    number is refused in one line (it ended in int()'s traceback)."""
    text = os.environ.get("WORLD_SIZE", "").strip() or "1"
    try:
        return int(text) > 1
    except ValueError:
        raise SynthaugError(f"WORLD_SIZE: expected a whole number of processes (torchrun sets it), got {text!r}") \
            from None


def warn_if_not_joined() -> None:
    """Warn when torchrun started this process (``WORLD_SIZE`` > 1) but no process group is initialised: a
    Python script's fit then trained a whole model in every process, silently, each saving it."""
    if launched_by_torchrun() and not (dist.is_available() and dist.is_initialized()):
        warn(f"torchrun started {os.environ['WORLD_SIZE'].strip()} processes, but no process group is "
             "initialised: each process trains its own whole model on all the rows; call "
             "torch.distributed.init_process_group() before fit to train one model across them (rank 0 saves "
             "it), or run `synthaug fit` under torchrun")


def warn_if_images_under_torchrun() -> None:
    """Warn when torchrun started this process: an image model trains in one process, so a Python script's
    ImageCGAN.fit under torchrun trained a whole model in every process, silently (``synthaug fit`` on
    images under torchrun is refused)."""
    if launched_by_torchrun():
        warn(f"torchrun started {os.environ['WORLD_SIZE'].strip()} processes, but image models train in one: "
             "each process trains its own whole model on all the images (in a process group, only rank 0 saves "
             "it); run the script without torchrun")


def collective_timeout() -> float:
    """Seconds a process waits for the others in one collective: ``SYNTHAUG_DIST_TIMEOUT`` or 600."""
    text = os.environ.get(TIMEOUT_ENV, "").strip()
    if not text:
        return DEFAULT_TIMEOUT
    try:
        seconds = float(text)
    except ValueError:
        seconds = float("nan")
    if not 0 < seconds < float("inf"):
        raise SynthaugError(f"{TIMEOUT_ENV}: expected a number of seconds > 0, got {text!r}")
    return seconds


def check_processes_agree(params: Mapping[str, object], features: pd.DataFrame, labels: pd.Series) -> None:
    """Every process of an initialised group was given the same settings and data, else a DataError on
    every process naming the first setting that differs and each process's value.

    Processes started with different settings (``--min-steps 100`` on one, 160 on another) trained
    different numbers of steps: the first to finish waited for the others forever and rank 0 wrote a
    model that looked normal. ``verbose`` is left out: only rank 0 shows progress. torch's thread count is
    compared too (``OMP_NUM_THREADS=2`` on one rank trained other weights than the model.json's ``threads``
    of rank 0 said).
    """
    ctx = current_context()
    if not ctx.active:
        return
    mine = {name: repr(value) for name, value in params.items() if name != "verbose"}
    mine["target"] = repr(str(labels.name))
    mine["data"] = table_fingerprint(features, labels)
    mine["threads"] = repr(torch.get_num_threads())  # sums split by threads: another count gave other weights
    everyone: list[dict[str, str] | None] = [None] * ctx.world_size
    dist.all_gather_object(everyone, mine)
    names = list(dict.fromkeys(name for settings in everyone for name in settings))
    for name in names:
        values = [settings.get(name, "(not given)") for settings in everyone]
        if len(set(values)) > 1:
            shown = "; ".join(f"rank {rank}: {one_line(value, 80)}" for rank, value in enumerate(values)
                              if rank == 0 or value != values[0])
            fix = ("set the same OMP_NUM_THREADS (or torch.set_num_threads) in every process" if name == "threads"
                   else "give every process the same options and the same table")
            raise DataError(f"torchrun: the processes were started with different settings: {name} differs "
                            f"({shown}); {fix}")


def table_fingerprint(features: pd.DataFrame, labels: pd.Series) -> str:
    """``"N rows x C columns, content <12 hex digits>"``: a digest of the column names and every cell,
    which says whether two processes read the same table without sending any of it."""
    digest = hashlib.blake2b(digest_size=6)
    digest.update(repr([str(c) for c in features.columns]).encode())
    digest.update(pd.util.hash_pandas_object(features, index=False).to_numpy().tobytes())
    digest.update(pd.util.hash_pandas_object(labels, index=False).to_numpy().tobytes())
    return f"{len(features)} rows x {features.shape[1] + 1} columns, content {digest.hexdigest()}"


def _collective_failure(exc: RuntimeError, timeout: float) -> SynthaugError | None:
    """The one-line error for a collective that failed because of another process, else None (a bug)."""
    text = str(exc)
    timed_out = any(word in text.lower() for word in ("timed out", "timeout"))  # DDP: "Application timeout
    # caused pair closure", from a buffer broadcast
    if not (isinstance(exc, getattr(dist, "DistError", ())) or "gloo" in text or timed_out):
        return None
    if timed_out:
        return SynthaugError(f"torchrun: waited {timeout:g} s for another process in a collective operation "
                             f"({TIMEOUT_ENV} sets the wait): a process stopped, hangs, or runs other settings")
    first = text.splitlines()[0] if text else type(exc).__name__
    reason = re.sub(r"^\[[^\]]*\]\s*", "", first).split(". This is typically")[0]  # no source path, no advice
    return SynthaugError(f"torchrun: lost another process ({one_line(reason, 100)}): it stopped or failed; "
                         "its own output says why")


@contextlib.contextmanager
def process_group(device: str | None) -> Iterator[DistContext]:
    """Join the torchrun process group (gloo on CPU, NCCL on GPUs) for the duration.

    Collectives wait at most :func:`collective_timeout` seconds for the other processes; a collective that
    times out or loses a process becomes a one-line :class:`SynthaugError`. SIGTERM and Ctrl-C reach a
    process blocked in a collective through :func:`_signal_watchdog`.
    """
    if not launched_by_torchrun() or (dist.is_available() and dist.is_initialized()):
        yield current_context()
        return
    if not dist.is_available():
        raise SynthaugError("torchrun launched synthaug, but this torch has no torch.distributed")
    timeout = collective_timeout()
    cuda = device in ("cuda", "auto") and torch.cuda.is_available()
    if cuda:
        torch.cuda.set_device(int(os.environ.get("LOCAL_RANK", "0")))
    with _signal_watchdog():
        with _failures_named(timeout):
            dist.init_process_group(backend="nccl" if cuda else "gloo", timeout=timedelta(seconds=timeout))
        try:
            ctx = current_context()
            with warnings.catch_warnings(), _failures_named(timeout):
                if not ctx.is_main:  # every process reads the same table: rank 0 says each warning once
                    warnings.simplefilter("ignore")
                yield ctx
        finally:
            dist.destroy_process_group()


@contextlib.contextmanager
def _failures_named(timeout: float) -> Iterator[None]:
    """A collective's RuntimeError (a timeout, a lost peer) as :func:`_collective_failure`'s one-line
    error; any other RuntimeError as it is."""
    try:
        yield
    except RuntimeError as exc:
        failure = _collective_failure(exc, timeout)
        if failure is None:
            raise
        raise failure from None


GRACE = 3.0  # seconds the main thread has to act on a signal itself before the watchdog ends the process


@contextlib.contextmanager
def _signal_watchdog(grace: float = GRACE, exit_with: Callable[[int], None] | None = None) -> Iterator[None]:
    """End this process on SIGTERM, SIGHUP or SIGINT even while its main thread is blocked in a collective.

    Python runs signal handlers in the main thread between bytecodes, so a handler is not reached while
    the main thread waits inside gloo's C++ for a process that is gone or diverged: SIGTERM did nothing
    until the collective ended. Python's C-level handler still writes the signal's number to the
    ``signal.set_wakeup_fd`` socket at once; this thread reads it and gives the main thread ``grace``
    seconds to act (it does when it is running Python: the usual ``error: terminated`` and clean-up);
    if the with-block has not ended by then, it prints that error line itself and ends the process
    with ``os._exit`` (nothing is being written while a collective blocks: rank 0 writes the model
    between two collectives). Outside the main thread, or with no Python handler for the signal, it
    does nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    reader, writer = socket.socketpair()
    writer.setblocking(False)
    try:
        previous = signal.set_wakeup_fd(writer.fileno(), warn_on_full_buffer=False)
    except ValueError:
        reader.close()
        writer.close()
        yield
        return
    done = threading.Event()

    def watch() -> None:
        while True:
            try:
                data = reader.recv(64)
            except OSError:
                return
            if not data:
                return
            stopping = [n for n in data if n in (*ENDING_SIGNALS, signal.SIGINT)]  # SIGTERM, SIGHUP, Ctrl-C
            if stopping and not done.wait(grace):
                (exit_with or _exit_on_signal)(stopping[0])

    thread = threading.Thread(target=watch, name="synthaug-signal-watchdog", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        signal.set_wakeup_fd(previous)
        writer.close()  # the reader sees end of file and the thread ends
        thread.join(timeout=1)
        reader.close()


def _exit_on_signal(signum: int) -> None:
    """The CLI's line for the signal (``error: terminated; no output was written``, or that the output was
    written and is complete when rank 0 had saved it, or on another rank that rank 0 says whether it was
    written: :func:`synthaug._outputs.stopped_text`), then exit 128 + signum."""
    from ._outputs import stopped_text

    message = stopped_text(signum)
    with contextlib.suppress(Exception):
        sys.stderr.write(f"error: {message} (while waiting for another process)\n")
        sys.stderr.flush()
    os._exit(128 + int(signum))
