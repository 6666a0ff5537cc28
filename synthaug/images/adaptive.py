"""Limited-data regularisers of the image GAN's discriminator, all off by default.

- :class:`AdaptiveProbability`: the overfitting heuristic of StyleGAN2-ADA (Karras et al., 2020),
  ``r_t = E[sign(D(real))]`` over the last few steps, steering a probability ``p``: up by one
  step when ``r_t`` is above its target, down otherwise, clamped to [0, 1]. It drives adaptive
  pseudo augmentation (``apa_target``) or the DiffAugment probability (``ada_target``).
- :func:`pseudo_augment`: APA (Jiang et al., NeurIPS 2021, "Deceive D"): each real image of the
  discriminator step is replaced, with probability ``p``, by a fake of the same class that the
  discriminator is told is real.
- :func:`consistency_penalty`: balanced consistency regularisation (bCR; Zhao et al., 2021):
  ``mean((D(x) - D(T(x)))^2)`` with T the DiffAugment policy, for real and for fake images.
"""

from __future__ import annotations

import torch


class AdaptiveProbability:
    """ADA's controller: every ``interval`` observed batches, ``p += sign(r_t - target) * step``.

    ``step = interval * batch_size / speed_images``, so ``p`` can go from 0 to 1 in
    ``speed_images`` real images (ADA's ``ada_kimg``). ``r_t`` is the mean sign of the real
    logits seen since the last adjustment; ``last_r`` keeps the latest value for the history.
    """

    def __init__(self, target: float, p: float, batch_size: int, speed_images: int, interval: int = 4) -> None:
        self.target, self.p, self.interval = float(target), float(p), int(interval)
        self.step = self.interval * int(batch_size) / int(speed_images)
        self.signs, self.count, self.batches, self.last_r = 0.0, 0, 0, float("nan")

    def observe(self, real_logits: torch.Tensor) -> None:
        """Add one batch of real logits (B,); adjust ``p`` every ``interval`` batches."""
        self.signs += float(real_logits.detach().sign().sum())
        self.count += len(real_logits)
        self.batches += 1
        if self.batches == self.interval:
            if self.count:
                self.last_r = self.signs / self.count
                direction = 1.0 if self.last_r > self.target else -1.0
                self.p = min(1.0, max(0.0, self.p + direction * self.step))
            self.signs, self.count, self.batches = 0.0, 0, 0


def pseudo_augment(real: torch.Tensor, fake: torch.Tensor, p: float,
                   gen: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """APA: each row of ``real`` (B, C, S, S) replaced by the same row of ``fake`` with probability
    ``p``; returns the mixed batch and the replaced rows' mask (B,). Draws nothing when ``p`` is 0."""
    if p <= 0.0:
        return real, torch.zeros(len(real), dtype=torch.bool, device=real.device)
    swap = torch.rand(len(real), generator=gen).to(real.device) < p  # (B,)
    return torch.where(swap.view(-1, 1, 1, 1), fake, real), swap


def consistency_penalty(plain_logits: torch.Tensor, augmented_logits: torch.Tensor) -> torch.Tensor:
    """bCR's term for one set: ``mean((D(x) - D(T(x)))^2)`` over logits (B,)."""
    return (plain_logits - augmented_logits).square().mean()
