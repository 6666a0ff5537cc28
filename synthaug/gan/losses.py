"""Adversarial losses and the gradient penalties, shared by tabular and image models."""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F

from .._errors import DataError
from .._text import param_name

LOSSES = ("non-saturating", "wgan-gp", "hinge")


def check_loss(name: str) -> str:
    if name not in LOSSES:
        raise DataError(f"{param_name('loss')} must be one of {', '.join(LOSSES)}; got {name!r}")
    return name


def discriminator_loss(
    loss: str, real_logits: torch.Tensor, fake_logits: torch.Tensor, real_label: float = 0.9
) -> torch.Tensor:
    """The discriminator's loss; ``real_label`` < 1 is one-sided label smoothing (non-saturating)."""
    if loss == "non-saturating":
        target = torch.full_like(real_logits, real_label)
        real = F.binary_cross_entropy_with_logits(real_logits, target, reduction="none")
        fake = F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits), reduction="none")
        return _mean(real) + _mean(fake)
    if loss == "hinge":
        return _mean(F.relu(1.0 - real_logits)) + _mean(F.relu(1.0 + fake_logits))
    if loss == "wgan-gp":
        return _mean(fake_logits) - _mean(real_logits)
    raise ValueError(f"unknown loss {loss!r}")


def _mean(values: torch.Tensor) -> torch.Tensor:
    """Mean that is 0 (and keeps the graph) for an empty batch, as Poisson sampling can give."""
    return values.mean() if values.numel() else values.sum()


def generator_loss(loss: str, fake_logits: torch.Tensor) -> torch.Tensor:
    """The generator's loss on the discriminator's logits for fake samples."""
    if loss == "non-saturating":
        return F.softplus(-fake_logits).mean()
    if loss in ("hinge", "wgan-gp"):
        return -fake_logits.mean()
    raise ValueError(f"unknown loss {loss!r}")


def gradient_penalty(
    critic: Callable[[torch.Tensor], torch.Tensor],
    real: torch.Tensor,
    fake: torch.Tensor,
    generator: torch.Generator | None = None,
) -> torch.Tensor:
    """WGAN-GP penalty ``E[(||grad critic(x_hat)|| - 1)^2]`` on real/fake interpolates.

    ``real`` and ``fake`` have the same shape (B, ...); one mixing weight per row.
    """
    shape = (real.shape[0],) + (1,) * (real.dim() - 1)
    alpha = torch.rand(shape, generator=generator, device=real.device, dtype=real.dtype)
    mixed = (alpha * real + (1 - alpha) * fake).requires_grad_(True)
    out = critic(mixed)
    (grad,) = torch.autograd.grad(out.sum(), mixed, create_graph=True)
    return ((grad.flatten(1).norm(2, dim=1) - 1.0) ** 2).mean()


def r1_penalty(real_logits: torch.Tensor, inputs: torch.Tensor) -> torch.Tensor:
    """R1 penalty ``mean ||grad_x D(x_real)||^2`` (Mescheder et al., 2018), to be weighted by ``gamma / 2``.

    ``real_logits`` (B,) were computed from ``inputs`` (N, ...), which requires grad; the squared
    gradient is summed over all of ``inputs`` and divided by B, so each logit's input (an image,
    or a pack of rows) counts once and rows that no real logit sees (fakes in the same forward
    pass) add zero. The result keeps its graph, so the discriminator learns from it.
    """
    if not real_logits.numel():
        return real_logits.sum()
    (grad,) = torch.autograd.grad(real_logits.sum(), inputs, create_graph=True)
    return grad.square().sum() / real_logits.numel()


def feature_matching_loss(real_features: torch.Tensor, fake_features: torch.Tensor) -> torch.Tensor:
    """Squared distance between batch means of the discriminator's features (Salimans et al.)."""
    return (real_features.detach().mean(0) - fake_features.mean(0)).pow(2).sum()
