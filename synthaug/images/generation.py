"""Running a fitted image generator: class codes in, uint8 images out, in batches."""

from __future__ import annotations

import numpy as np
import torch

from .networks import Generator
from .training import latent


@torch.no_grad()
def generate_images(G: Generator, codes: np.ndarray, gen: torch.Generator, batch: int = 1024,
                    truncation: float | None = None) -> np.ndarray:
    """Run ``G`` (in eval mode) on class codes in batches; uint8 (N, S, S, C)."""
    device = next(G.parameters()).device
    out = []
    for start in range(0, len(codes), batch):
        y = torch.from_numpy(codes[start : start + batch]).to(device)
        x = G(latent(len(y), G.cfg.latent_dim, gen, device, truncation), y)  # (B, C, S, S) in [-1, 1]
        out.append(((x + 1.0) * 127.5).round().clamp(0, 255).to(torch.uint8).permute(0, 2, 3, 1).cpu())
    if not out:
        return np.zeros((0, G.cfg.image_size, G.cfg.image_size, G.cfg.channels), np.uint8)
    return torch.cat(out).numpy()
