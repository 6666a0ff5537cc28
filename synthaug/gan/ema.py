"""Exponential moving average of a generator's weights, for sampling."""

from __future__ import annotations

import copy

import torch
from torch import nn


def ema_copy(module: nn.Module) -> nn.Module:
    """A frozen copy of ``module`` to hold the averaged weights."""
    shadow = copy.deepcopy(module)
    for param in shadow.parameters():
        param.requires_grad_(False)
    return shadow


@torch.no_grad()
def ema_update(shadow: nn.Module, module: nn.Module, decay: float, step: int) -> None:
    """``shadow = d * shadow + (1 - d) * module`` with a warm-up ``d = min(decay, (1+t)/(10+t))``.

    Buffers (batch-norm statistics) are copied as they are. Same arithmetic as ``lerp_`` per
    parameter, in one foreach call.
    """
    d = min(decay, (1.0 + step) / (10.0 + step))
    averaged, current = list(shadow.parameters()), list(module.parameters())
    if len(averaged) != len(current):
        raise ValueError(f"EMA copy has {len(averaged)} parameters, the module {len(current)}")
    torch._foreach_lerp_(averaged, current, 1.0 - d)  # one call for all tensors
    buffers, sources = list(shadow.buffers()), list(module.buffers())
    if buffers:
        torch._foreach_copy_(buffers, sources)
