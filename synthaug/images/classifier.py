"""A small seeded CNN classifier for image evaluation, trained for a fixed step budget.

Each training condition draws its batches from a list of ``Source`` objects (real images,
synthetic images, optionally passed through albumentations) with fixed shares of the batch, so
every condition gets exactly the same number of steps and images seen.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from .._errors import DataError
from ..gan.init import SeededDropout, seeded_module, set_dropout_generator

Augmenter = Callable[[np.ndarray, np.random.Generator], np.ndarray]


@dataclass(frozen=True)
class Source:
    """Images (N, S, S, C) uint8 with class codes (N,), a share of each batch, an optional augmenter."""

    images: np.ndarray
    codes: np.ndarray
    share: float
    augment: Augmenter | None = None


class SmallCNN(nn.Module):
    """conv-conv-pool-conv-pool -> global average -> (features (B, 2w), logits (B, K))."""

    def __init__(self, channels: int, n_classes: int, width: int = 16, dropout: float = 0.3) -> None:
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(channels, width, 3, 1, 1), nn.BatchNorm2d(width), nn.ReLU(),
            nn.Conv2d(width, width, 3, 1, 1), nn.BatchNorm2d(width), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(width, 2 * width, 3, 1, 1), nn.BatchNorm2d(2 * width), nn.ReLU(),
            nn.Conv2d(2 * width, 2 * width, 3, 1, 1), nn.BatchNorm2d(2 * width), nn.ReLU(),
        )
        self.dropout = SeededDropout(dropout)
        self.head = nn.Linear(2 * width, n_classes)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        features = self.body(x).mean(dim=(2, 3))  # (B, 2w)
        return features, self.head(self.dropout(features))


def to_tensor(images: np.ndarray) -> torch.Tensor:
    """uint8 (N, S, S, C) -> float (N, C, S, S) in [0, 1]."""
    return torch.from_numpy(np.ascontiguousarray(images)).permute(0, 3, 1, 2).float().div(255.0)


def train_classifier(sources: list[Source], n_classes: int, steps: int, batch_size: int, seed: int,
                     lr: float = 2e-3, weight_decay: float = 5e-4, width: int = 16) -> SmallCNN:
    """Train a fresh SmallCNN for ``steps`` Adam steps on batches mixed from ``sources``."""
    rng = np.random.default_rng(seed)
    gen = torch.Generator().manual_seed(seed)
    channels = sources[0].images.shape[-1]
    model = seeded_module(lambda: SmallCNN(channels, n_classes, width=width), gen)
    set_dropout_generator(model, gen)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=weight_decay)
    schedule = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=steps)
    sizes = batch_sizes([s.share for s in sources], batch_size)
    model.train()
    for _ in range(steps):
        x, y = mixed_batch(sources, sizes, rng)
        loss = F.cross_entropy(model(x)[1], y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        schedule.step()
    return model.eval()


def batch_sizes(shares: list[float], batch_size: int) -> list[int]:
    """Images per source in each batch: proportional to ``shares``, at least one each, exact total."""
    raw = np.asarray(shares, dtype=float) / np.sum(shares) * batch_size
    sizes = np.maximum(np.floor(raw).astype(int), 1)
    sizes[int(np.argmax(raw - np.floor(raw)))] += batch_size - int(sizes.sum())
    return [int(s) for s in sizes]


def mixed_batch(sources: list[Source], sizes: list[int], rng: np.random.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """One batch: ``sizes[i]`` images drawn with replacement from ``sources[i]``, augmented if set."""
    xs, ys = [], []
    for source, size in zip(sources, sizes, strict=True):
        rows = rng.integers(0, len(source.images), size)
        images = source.images[rows]
        xs.append(source.augment(images, rng) if source.augment is not None else images)
        ys.append(source.codes[rows])
    return to_tensor(np.concatenate(xs)), torch.from_numpy(np.concatenate(ys).astype(np.int64))


@torch.no_grad()
def predict(model: SmallCNN, images: np.ndarray, batch: int = 2048) -> tuple[np.ndarray, np.ndarray]:
    """(features (N, 2w), predicted codes (N,)) for uint8 images (N, S, S, C)."""
    feats, preds = [], []
    for start in range(0, len(images), batch):
        f, logits = model(to_tensor(images[start : start + batch]))
        feats.append(f)
        preds.append(logits.argmax(1))
    return torch.cat(feats).numpy().astype(np.float64), torch.cat(preds).numpy()


def albumentations_settings(image_size: int) -> dict[str, dict]:
    """The classical baseline's albumentations transforms and their arguments, applied in this order (the
    report records them): small affine jitter (a shift of at least one pixel), then brightness/contrast; no
    flips: digits, letters and many scans are not mirror-symmetric."""
    shift = max(0.1, 1.0 / image_size)  # at least one pixel
    return {"Affine": {"translate_percent": [-shift, shift], "scale": [0.9, 1.1], "rotate": [-12, 12],
                       "shear": [-8, 8], "p": 0.9},
            "RandomBrightnessContrast": {"brightness_limit": 0.15, "contrast_limit": 0.15, "p": 0.3}}


def albumentations_augmenter(image_size: int, transform=None) -> Augmenter:
    """The classical baseline (:func:`albumentations_settings`), or ``transform``: an albumentations transform
    (``A.Compose([...])``) called as ``transform(image=img)["image"]``, reseeded per batch when it has
    ``set_random_seed``. Imported lazily."""
    os.environ.setdefault("NO_ALBUMENTATIONS_UPDATE", "1")
    if transform is None:
        import albumentations as A

        transform = A.Compose([getattr(A, name)(**{k: tuple(v) if isinstance(v, list) else v for k, v in args.items()})
                               for name, args in albumentations_settings(image_size).items()])

    def augment(images: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        if hasattr(transform, "set_random_seed"):
            transform.set_random_seed(int(rng.integers(0, 2**31 - 1)))
        # albumentations works one image at a time; batches here are small (<= batch_size)
        out = [np.asarray(transform(image=img)["image"]) for img in images]
        out = np.stack([o if o.ndim == 3 else o[..., None] for o in out])
        if out.shape != images.shape or out.dtype != np.uint8:
            raise DataError(f"augmentation: must keep images' shape {images.shape[1:]} and dtype uint8; got "
                            f"{out.shape[1:]} {out.dtype} (resize back; leave ToTensorV2 and Normalize out)")
        return out

    return augment
