"""Differentiable augmentation (Zhao et al., 2020) for training GANs on few images.

Every operation maps a batch (B, C, H, W) in [-1, 1] to an augmented batch of the same shape,
differentiably in the pixels, drawing its randomness from a passed ``torch.Generator``. The
discriminator sees real and fake batches through the same random family, so the generator is
not pushed to reproduce the augmentations. Each operation is applied to a random share ``p``
of the batch (a per-image mask), as in StyleGAN2-ADA.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F

from .._errors import DataError

Augmentation = Callable[[torch.Tensor, torch.Generator], torch.Tensor]


def _uniform(x: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    return torch.rand(x.shape[0], 1, 1, 1, generator=gen, device=x.device, dtype=x.dtype)  # (B, 1, 1, 1)


def brightness(x: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """Add one offset in [-0.5, 0.5) per image."""
    return x + (_uniform(x, gen) - 0.5)


def saturation(x: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """Scale the distance from the per-pixel channel mean by [0, 2) (no-op on gray images)."""
    mean = x.mean(dim=1, keepdim=True)
    return (x - mean) * (_uniform(x, gen) * 2.0) + mean


def contrast(x: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """Scale the distance from the image mean by [0.5, 1.5)."""
    mean = x.mean(dim=(1, 2, 3), keepdim=True)
    return (x - mean) * (_uniform(x, gen) + 0.5) + mean


def translation(x: torch.Tensor, gen: torch.Generator, ratio: float = 0.125) -> torch.Tensor:
    """Shift each image by up to ``ratio`` of its size in x and y, filling with zeros."""
    B, _, H, W = x.shape
    sh, sw = int(H * ratio + 0.5), int(W * ratio + 0.5)
    dy = torch.randint(-sh, sh + 1, (B, 1, 1), generator=gen, device=x.device)
    dx = torch.randint(-sw, sw + 1, (B, 1, 1), generator=gen, device=x.device)
    rows = (torch.arange(H, device=x.device).view(1, H, 1) + dy + 1).clamp(0, H + 1)  # (B, H, 1)
    cols = (torch.arange(W, device=x.device).view(1, 1, W) + dx + 1).clamp(0, W + 1)  # (B, 1, W)
    padded = F.pad(x, [1, 1, 1, 1])  # (B, C, H+2, W+2); the border is the zero fill
    batch = torch.arange(B, device=x.device).view(B, 1, 1)
    return padded.permute(0, 2, 3, 1)[batch, rows, cols].permute(0, 3, 1, 2)  # (B, C, H, W)


def cutout(x: torch.Tensor, gen: torch.Generator, ratio: float = 0.5) -> torch.Tensor:
    """Zero one square of ``ratio`` times the image size at a random place in each image."""
    B, _, H, W = x.shape
    ch, cw = int(H * ratio + 0.5), int(W * ratio + 0.5)
    top = torch.randint(0, H + (1 - ch % 2), (B, 1, 1), generator=gen, device=x.device) - ch // 2
    left = torch.randint(0, W + (1 - cw % 2), (B, 1, 1), generator=gen, device=x.device) - cw // 2
    rows = torch.arange(H, device=x.device).view(1, H, 1)
    cols = torch.arange(W, device=x.device).view(1, 1, W)
    inside = (rows >= top) & (rows < top + ch) & (cols >= left) & (cols < left + cw)  # (B, H, W)
    return x * (~inside).unsqueeze(1).to(x.dtype)


def affine(x: torch.Tensor, gen: torch.Generator, degrees: float = 15.0, scale: float = 0.1) -> torch.Tensor:
    """Rotate each image by up to ``degrees`` and scale it by 1 +- ``scale`` about its centre
    (bilinear, filling with -1, the black of images in [-1, 1]); ADA's geometric family."""
    B = x.shape[0]
    angle = (torch.rand(B, generator=gen, device=x.device, dtype=x.dtype) * 2 - 1) * (degrees * torch.pi / 180)
    zoom = 1.0 + (torch.rand(B, generator=gen, device=x.device, dtype=x.dtype) * 2 - 1) * scale
    cos, sin = torch.cos(angle) / zoom, torch.sin(angle) / zoom  # output -> input coordinates
    zero = torch.zeros_like(cos)
    theta = torch.stack([torch.stack([cos, -sin, zero], 1), torch.stack([sin, cos, zero], 1)], 1)  # (B, 2, 3)
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    return F.grid_sample(x + 1.0, grid, mode="bilinear", padding_mode="zeros", align_corners=False) - 1.0


POLICIES: dict[str, tuple[Augmentation, ...]] = {
    "color": (brightness, saturation, contrast),
    "translation": (translation,),
    "cutout": (cutout,),
    "affine": (affine,),
}


def parse_policy(policy: str) -> tuple[str, ...]:
    """``"color,translation"`` -> ``("color", "translation")``; empty text means no augmentation."""
    names = tuple(part.strip() for part in str(policy).split(",") if part.strip())
    unknown = [n for n in names if n not in POLICIES]
    if unknown:
        raise DataError(f"augment: unknown operation {unknown[0]!r}; choose from {', '.join(POLICIES)}")
    return names


def diff_augment(x: torch.Tensor, policy: tuple[str, ...], gen: torch.Generator, p: float = 1.0) -> torch.Tensor:
    """Apply the operations of ``policy`` in order, each to a random share ``p`` of the batch."""
    for name in policy:
        for op in POLICIES[name]:
            if p >= 1.0:
                x = op(x, gen)
            elif p > 0.0:
                keep = torch.rand(x.shape[0], 1, 1, 1, generator=gen, device=x.device) >= p
                x = torch.where(keep, x, op(x, gen))
    return x
