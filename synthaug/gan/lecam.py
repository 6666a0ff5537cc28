"""LeCam regularisation of the discriminator, shared by tabular and image models."""

from __future__ import annotations

import torch


class LeCamAnchors:
    """LeCam regularisation (Tseng et al., 2021) for GANs on limited data.

    Keeps moving averages of the discriminator's mean logit on real and on fake inputs and
    penalises ``mean((real - fake_anchor)^2) + mean((fake - real_anchor)^2)``, which keeps the
    logits of the two sets from drifting apart (the discriminator overfitting a small real set).
    """

    def __init__(self, decay: float = 0.99) -> None:
        self.decay, self.real, self.fake = decay, 0.0, 0.0

    def penalty(self, real_logits: torch.Tensor, fake_logits: torch.Tensor) -> torch.Tensor:
        """The penalty for this step's logits (B,), then the anchors move towards their means."""
        value = (real_logits - self.fake).square().mean() + (fake_logits - self.real).square().mean()
        d = self.decay
        self.real = d * self.real + (1 - d) * float(real_logits.detach().mean())
        self.fake = d * self.fake + (1 - d) * float(fake_logits.detach().mean())
        return value
