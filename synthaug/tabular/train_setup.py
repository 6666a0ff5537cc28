"""What TabularCGAN's parameters make of training: the device, the packing, the number of steps,
the network and training configurations, and the tables each generator trains on."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import torch

from .._errors import DataError
from .._text import option_name
from .networks import NetworkConfig
from .training import TrainConfig

if TYPE_CHECKING:
    from .synthesizer import TabularCGAN

DEFAULT_PAC = 10  # PacGAN: measured faster and no worse (benchmarks/)


def torch_device(device: str) -> torch.device:
    """``device`` as a torch device; "auto" is the GPU when there is one."""
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device == "cuda" and not torch.cuda.is_available():
        raise DataError(f"{option_name('device')}: 'cuda' requested but no GPU is available; use 'cpu' or 'auto'")
    return torch.device(device)


def pac_size(model: TabularCGAN) -> int:
    """Rows the discriminator judges together: 1 under DP (Poisson batches have random sizes)."""
    if model.dp_:
        return 1
    return int(model.pac) if model.pac else DEFAULT_PAC


def n_steps(model: TabularCGAN, n_rows: int) -> int:
    """Generator steps for a table of ``n_rows``: ``epochs`` passes, at least ``min_steps``."""
    return max(int(model.epochs) * math.ceil(n_rows / model.batch_size), int(model.min_steps))


def training_sets(matrix: np.ndarray, codes: np.ndarray, n_classes: int,
                  strategy: str) -> list[tuple[np.ndarray, np.ndarray, int]]:
    """(encoded rows, class codes, classes) per generator: one for all classes ("conditional"), or
    one unconditional set per class, each of its own rows ("per-class")."""
    if strategy == "conditional":
        return [(matrix, codes, n_classes)]
    return [(matrix[codes == k], np.zeros(int((codes == k).sum()), np.int64), 1) for k in range(n_classes)]


def network_config(model: TabularCGAN, n_classes: int) -> NetworkConfig:
    """The generator's and discriminator's shapes for a model with a fitted encoder."""
    discrete = [s for s in model.encoder_.spans_ if s.activation == "softmax"]
    return NetworkConfig(
        data_dim=model.encoder_.output_dim_, n_classes=n_classes,
        condition_dim=sum(s.width for s in discrete), latent_dim=int(model.latent_dim),
        generator_dims=tuple(int(d) for d in model.generator_dims),
        discriminator_dims=tuple(int(d) for d in model.discriminator_dims),
        pac=pac_size(model), spectral_norm=bool(model.spectral_norm) and not model.dp_, dropout=float(model.dropout),
        generator_norm=model.generator_norm,
    )


def train_config(model: TabularCGAN, steps: int, n_rows: int) -> TrainConfig:
    """The training loop's settings for ``steps`` generator steps on a table of ``n_rows``."""
    n_packs = max(1, min(int(model.batch_size), n_rows) // pac_size(model))
    return TrainConfig(
        loss=model.loss, real_label=float(model.real_label), gp_weight=float(model.gp_weight),
        lecam_weight=float(model.lecam_weight), r1_weight=float(model.r1_weight),
        generator_lr=float(model.generator_lr), discriminator_lr=float(model.discriminator_lr),
        betas=(float(model.betas[0]), float(model.betas[1])), weight_decay=float(model.weight_decay),
        discriminator_steps=int(model.discriminator_steps), feature_matching=float(model.feature_matching),
        condition_weight=1.0, ema_decay=model.ema_decay, gumbel_tau=float(model.gumbel_tau),
        n_steps=steps, n_packs=n_packs, class_sampling=model.class_sampling,
        condition_probability=float(model.condition_probability), log_every=max(1, steps // 100),
    )
