"""A conditional DCGAN generator (conditional batch norm) and a projection discriminator.

The generator upsamples a (C0, b, b) tensor with transposed convolutions to the image size;
the class enters every batch norm as a per-class gain and bias (de Vries et al., 2017). The
discriminator is a stack of spectrally normalised LeakyReLU convolutions whose pooled features
``phi`` give ``logit = w . phi + <embed(y), phi>`` (Miyato and Koyama, 2018).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from itertools import pairwise

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.parametrizations import spectral_norm


@dataclass(frozen=True)
class ImageNetConfig:
    """Everything needed to rebuild the networks from a model file."""

    image_size: int
    channels: int
    n_classes: int
    latent_dim: int
    width: int

    @property
    def n_up(self) -> int:
        """Doublings from the base size: halve while the result is even and at least 4."""
        size, n = self.image_size, 0
        while size % 2 == 0 and size // 2 >= 4:
            size, n = size // 2, n + 1
        return n

    @property
    def base(self) -> int:
        return self.image_size >> self.n_up

    def widths(self) -> list[int]:
        """Channels at each resolution, from the base up: width * 2^k, at most 8 * width."""
        return [self.width * min(2 ** (self.n_up - i), 8) for i in range(self.n_up + 1)]

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> ImageNetConfig:
        return cls(**{k: int(data[k]) for k in ("image_size", "channels", "n_classes", "latent_dim", "width")})


class ConditionalBatchNorm(nn.Module):
    """BatchNorm without its own affine; gain ``1 + gamma[y]`` and bias ``beta[y]`` per class."""

    def __init__(self, channels: int, n_classes: int) -> None:
        super().__init__()
        self.bn = nn.BatchNorm2d(channels, affine=False)
        self.gamma = nn.Embedding(n_classes, channels)
        self.beta = nn.Embedding(n_classes, channels)

    def forward(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        gain = 1.0 + self.gamma(y)[:, :, None, None]  # (B, C, 1, 1)
        return self.bn(x) * gain + self.beta(y)[:, :, None, None]


class Generator(nn.Module):
    """(z (B, L), y (B,)) -> images (B, channels, S, S) in [-1, 1]."""

    def __init__(self, cfg: ImageNetConfig) -> None:
        super().__init__()
        widths = cfg.widths()
        self.cfg = cfg
        self.fc = nn.Linear(cfg.latent_dim, widths[0] * cfg.base * cfg.base)
        self.norms = nn.ModuleList(ConditionalBatchNorm(w, cfg.n_classes) for w in widths)
        self.ups = nn.ModuleList(nn.ConvTranspose2d(a, b, 4, 2, 1) for a, b in pairwise(widths))
        self.refine = nn.Conv2d(widths[-1], widths[-1], 3, 1, 1)
        self.refine_norm = ConditionalBatchNorm(widths[-1], cfg.n_classes)
        self.to_image = nn.Conv2d(widths[-1], cfg.channels, 3, 1, 1)

    def forward(self, z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        cfg = self.cfg
        h = self.fc(z).view(len(z), -1, cfg.base, cfg.base)  # (B, C0, b, b)
        for norm, up in zip(self.norms[:-1], self.ups, strict=True):
            h = up(F.relu(norm(h, y)))  # (B, C_{i+1}, 2H, 2W)
        h = self.refine(F.relu(self.norms[-1](h, y)))  # (B, C_last, S, S)
        return torch.tanh(self.to_image(F.relu(self.refine_norm(h, y))))  # (B, channels, S, S)


class Discriminator(nn.Module):
    """Projection discriminator: (x (B, channels, S, S), y (B,)) -> (logits (B,), phi (B, C)).

    ``classifier=True`` adds an auxiliary class head on ``phi`` (:meth:`classify`, AC-GAN).

    ``spectral=False`` leaves out spectral normalisation, as Opacus (differential privacy) needs:
    it cannot compute per-sample gradients through parametrizations. There is no batch norm, so
    every image's logit depends on that image alone.
    """

    def __init__(self, cfg: ImageNetConfig, spectral: bool = True, classifier: bool = False) -> None:
        super().__init__()
        sn = spectral_norm if spectral else _identity
        widths = cfg.widths()[::-1]  # from the image size down to the base
        layers: list[nn.Module] = [sn(nn.Conv2d(cfg.channels, widths[0], 3, 1, 1)), nn.LeakyReLU(0.2)]
        for a, b in pairwise(widths):
            layers += [sn(nn.Conv2d(a, b, 4, 2, 1)), nn.LeakyReLU(0.2)]  # halves H and W
        layers += [sn(nn.Conv2d(widths[-1], widths[-1], 3, 1, 1)), nn.LeakyReLU(0.2)]
        self.features = nn.Sequential(*layers)
        self.out = sn(nn.Linear(widths[-1], 1))
        self.class_embedding = sn(nn.Embedding(cfg.n_classes, widths[-1]))
        # the auxiliary class head (AC-GAN) on the same features; absent unless asked for
        self.classifier = nn.Linear(widths[-1], cfg.n_classes) if classifier else None

    def forward(self, x: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        phi = self.features(x).sum(dim=(2, 3))  # (B, C)
        logits = self.out(phi).squeeze(1) + (self.class_embedding(y) * phi).sum(1)
        return logits, phi

    def class_logits(self, x: torch.Tensor) -> torch.Tensor:
        """Class logits (B, K) of images (B, channels, S, S) from the auxiliary head."""
        return self.classify(self.features(x).sum(dim=(2, 3)))

    def classify(self, phi: torch.Tensor) -> torch.Tensor:
        """Class logits (B, K) from the pooled features ``phi`` (B, C) of :meth:`forward`."""
        if self.classifier is None:
            raise RuntimeError("this discriminator was built without a class head (classifier=False)")
        return self.classifier(phi)


def _identity(module: nn.Module) -> nn.Module:
    return module
