"""Data-parallel training with torch.distributed, launched by torchrun.

Each process trains on its shard of the rows with 1/world of the global batch; gradients are
averaged by DistributedDataParallel, so one step equals a single-process step on the union of
the per-process batches. Batch-norm statistics stay per process (SyncBatchNorm has no CPU
kernel): with ``generator_norm="layer"`` a step is identical to the single-process one.
"""

from __future__ import annotations

import contextlib
import os
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

    def shard(self, n_rows: int) -> np.ndarray:
        """Row indices this process trains on: every ``world_size``-th row from ``rank``."""
        return np.arange(self.rank, n_rows, self.world_size)

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
        yield current_context()
    finally:
        dist.destroy_process_group()
