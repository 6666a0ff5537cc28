"""Tiny seeded image fixtures: 8x8 images, 3 classes."""

from __future__ import annotations

import numpy as np
import pytest


def make_images(n_per_class: int = 6, n_classes: int = 3, size: int = 8, seed: int = 0):
    """uint8 (N, size, size, 1) images whose class shows as a bright row band, and labels."""
    rng = np.random.default_rng(seed)
    codes = np.repeat(np.arange(n_classes), n_per_class)
    x = rng.integers(0, 60, (len(codes), size, size, 1)).astype(np.uint8)
    band = (np.arange(size)[None, :] * n_classes // size) == codes[:, None]  # (N, size)
    x[band[:, :, None, None].repeat(size, 2)] = 230
    return x, codes


@pytest.fixture
def images():
    return make_images()


@pytest.fixture
def image_folder(tmp_path, images):
    """A class-subfolder tree of PNGs written with Pillow."""
    from PIL import Image

    x, codes = images
    root = tmp_path / "data"
    for i, (img, code) in enumerate(zip(x, codes, strict=True)):
        folder = root / f"class_{code}"
        folder.mkdir(parents=True, exist_ok=True)
        Image.fromarray(img[..., 0]).save(folder / f"{i}.png")
    return root


TINY = dict(steps=4, batch_size=8, width=4, latent_dim=8, grid_every=2, grid_columns=3)
