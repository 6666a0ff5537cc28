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

    Buffers (batch-norm statistics) are copied as they are.
    """
    d = min(decay, (1.0 + step) / (10.0 + step))
    for s, p in zip(shadow.parameters(), module.parameters(), strict=True):
        s.lerp_(p, 1.0 - d)
    for s, b in zip(shadow.buffers(), module.buffers(), strict=True):
        s.copy_(b)
