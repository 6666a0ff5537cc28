"""Freezing a discriminator for the generator's update, with or without Opacus."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import torch


@contextlib.contextmanager
def frozen(D: torch.nn.Module) -> Iterator[torch.nn.Module]:
    """No gradients for D's weights (and no per-sample gradient hooks when Opacus wraps D)."""
    D.requires_grad_(False)
    if hasattr(D, "disable_hooks"):
        D.disable_hooks()
    try:
        yield D
    finally:
        D.requires_grad_(True)
        if hasattr(D, "enable_hooks"):
            D.enable_hooks()
