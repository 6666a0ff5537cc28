"""Augmentations of the discriminator's inputs, applied alike to real and fake rows (opt-in).

The DiffAugment principle (Zhao et al. 2020): the discriminator only ever sees transformed rows,
real and generated through the same random transformation, so it has more to learn from than
the few dozen rows of a scarce class and the generator is still pulled towards the real rows.
Rows arrive in training layout (the softmax columns first, ``n_softmax`` of them, then the
linear ones) and pack-major: ``pac`` consecutive rows form one pack, and a pack's rows share
their class (and category condition), for real and fake rows alike.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch


def annealed(std: float, step: int, n_steps: int) -> float:
    """``std`` falling linearly to 0 over training: ``std * (1 - step / n_steps)``."""
    return float(std) * (1.0 - step / max(n_steps, 1))


def instance_noise(x: torch.Tensor, std: float, rng: np.random.Generator) -> torch.Tensor:
    """``x`` (B, d) plus Gaussian noise of standard deviation ``std`` on every column."""
    noise = torch.from_numpy(rng.standard_normal(x.shape, dtype=np.float32)).to(x.device)
    return x + std * noise


def pack_mixup(x: torch.Tensor, pac: int, n_softmax: int, probability: float, alpha: float,
               rng: np.random.Generator) -> torch.Tensor:
    """Within-class mixup of the linear columns: each row, with ``probability``, moves towards a
    random other row of its pack (same class), SMOTE-style.

    A chosen row becomes ``lam * x + (1 - lam) * partner`` on the linear columns, with ``lam``
    from Beta(alpha, alpha) folded onto [0.5, 1] so the row stays the nearer end. Its softmax
    columns (categories, and the mode of a numeric column) stay the row's own: a convex
    combination of two one-hots is no category at all, and the row it is nearer to carries the
    discrete values, as SMOTE-NC takes them from the anchor. Rows out of the augmentation
    (and every row when ``pac`` is 1) come back unchanged. ``x``: (P * pac, d).
    """
    n = x.shape[0]
    if pac < 2 or probability <= 0 or n == 0:
        return x
    shift = rng.integers(1, pac, size=n)  # a partner other than the row itself, in the same pack
    within = np.arange(n) % pac
    partner = np.arange(n) - within + (within + shift) % pac  # (n,)
    lam = rng.beta(alpha, alpha, size=n)
    lam = np.maximum(lam, 1.0 - lam)
    lam = np.where(rng.random(n) < probability, lam, 1.0).astype(np.float32)
    lam_t = torch.from_numpy(lam).to(x.device).unsqueeze(1)  # (n, 1)
    linear = x[:, n_softmax:]
    mixed = lam_t * linear + (1.0 - lam_t) * linear[torch.from_numpy(partner).to(x.device)]
    return torch.cat([x[:, :n_softmax], mixed], dim=1)


def make_augment(noise_std: float, mixup: float, mixup_alpha: float, pac: int, n_softmax: int,
                 rng: np.random.Generator) -> Callable[[torch.Tensor], torch.Tensor] | None:
    """One step's augmentation ``x -> x'`` (mixup, then noise), or None when both are off."""
    if noise_std <= 0 and mixup <= 0:
        return None

    def augment(x: torch.Tensor) -> torch.Tensor:
        if mixup > 0:
            x = pack_mixup(x, pac, n_softmax, mixup, mixup_alpha, rng)
        if noise_std > 0:
            x = instance_noise(x, noise_std, rng)
        return x

    return augment
