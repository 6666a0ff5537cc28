"""Data-parallel training with torch.distributed, launched by torchrun.

Each process trains on its shard of the rows with 1/world of the global batch; gradients are
averaged by DistributedDataParallel, so one step equals a single-process step on the union of
the per-process batches. Batch-norm statistics stay per process (SyncBatchNorm has no CPU
kernel): with ``generator_norm="layer"`` a step is identical to the single-process one.
"""

from __future__ import annotations

import contextlib
import os
import warnings
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import torch
import torch.distributed as dist
from torch import nn

from ._errors import SynthaugError


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
    return int(os.environ.get("WORLD_SIZE", "1")) > 1


@contextlib.contextmanager
def process_group(device: str | None) -> Iterator[DistContext]:
    """Join the torchrun process group (gloo on CPU, NCCL on GPUs) for the duration."""
    if not launched_by_torchrun() or (dist.is_available() and dist.is_initialized()):
        yield current_context()
        return
    if not dist.is_available():
        raise SynthaugError("torchrun launched synthaug, but this torch has no torch.distributed")
    cuda = device in ("cuda", "auto") and torch.cuda.is_available()
    if cuda:
        torch.cuda.set_device(int(os.environ.get("LOCAL_RANK", "0")))
    dist.init_process_group(backend="nccl" if cuda else "gloo")
    try:
        ctx = current_context()
        with warnings.catch_warnings():
            if not ctx.is_main:  # every process reads the same table: rank 0 says each warning once
                warnings.simplefilter("ignore")
            yield ctx
    finally:
        dist.destroy_process_group()
