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


EmaTensors = tuple[list[torch.Tensor], list[torch.Tensor], list[torch.Tensor], list[torch.Tensor]]


def ema_tensors(shadow: nn.Module, module: nn.Module) -> EmaTensors:
    """(averaged params, current params, shadow buffers, current buffers), checked to pair up."""
    averaged, current = list(shadow.parameters()), list(module.parameters())
    if len(averaged) != len(current):
        raise ValueError(f"EMA copy has {len(averaged)} parameters, the module {len(current)}")
    return averaged, current, list(shadow.buffers()), list(module.buffers())


@torch.no_grad()
def ema_update(shadow: nn.Module, module: nn.Module, decay: float, step: int,
               tensors: EmaTensors | None = None) -> None:
    """``shadow = d * shadow + (1 - d) * module`` with a warm-up ``d = min(decay, (1+t)/(10+t))``.

    Buffers (batch-norm statistics) are copied as they are. Same arithmetic as ``lerp_`` per
    parameter, in one foreach call. ``tensors`` from :func:`ema_tensors`, given, saves listing
    the modules' tensors on every step (half the update's time for a small generator).
    """
    d = min(decay, (1.0 + step) / (10.0 + step))
    averaged, current, buffers, sources = tensors if tensors is not None else ema_tensors(shadow, module)
    torch._foreach_lerp_(averaged, current, 1.0 - d)  # one call for all tensors
    if buffers:
        torch._foreach_copy_(buffers, sources)
