"""The image fit's training check: within-class pixel diversity of samples against the training
images' (``history_``'s ``diversity``, the pixel diversity ratio), and the progress grids."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import torch

from .._errors import warn
from .._random import child_seed
from ..persist import user_path
from .generation import generate_images
from .grid import image_grid, mark_grid_folder, remove_step_grids, save_png, step_grid_path
from .metrics import class_diversity, diversity_ratio, per_class_subsample
from .networks import Generator

if TYPE_CHECKING:
    from .synthesizer import ImageCGAN

REAL_PER_CLASS = 256
"""Training images per class the real diversity is measured on (a seeded draw when a class has more):
the mean over all pairs costs n^2 / 2 distances, 7.5 s per check at 2,000 64x64 RGB images, and the
samples it is compared with are 32 per class."""


class Monitor:
    """Called by the training loop every ``grid_every`` steps with the sampling generator: writes the
    progress grid and returns the pixel diversity ratio (nothing under DP, where ``images`` is None).

    The training images' diversity is measured once, on at most :data:`REAL_PER_CLASS` images of each
    class; a class whose images are all identical (diversity 0) is named in one warning and left out
    of the ratio."""

    def __init__(self, model: ImageCGAN, images: np.ndarray | None, codes: np.ndarray, per_class: int = 32) -> None:
        self.model, self.n_classes = model, len(model.classes_)
        self.codes = np.repeat(np.arange(self.n_classes), per_class)
        self.seed = child_seed(model.seed_, 3)
        self.real_diversity = None if images is None else self._real_diversity(images, codes)
        self.grid_dir = user_path(model.grid_dir) if model.grid_dir else None
        if self.grid_dir is not None:  # a refit into the same folder: its grids only, not the last fit's too
            remove_step_grids(self.grid_dir)  # only in a folder made for grids (fit checked grid_dir is one)

    def _real_diversity(self, images: np.ndarray, codes: np.ndarray) -> np.ndarray:
        """(n_classes,) mean pairwise pixel distance within each class of (a draw of) the training images."""
        keep = per_class_subsample(codes, REAL_PER_CLASS, np.random.default_rng(child_seed(self.seed, 1)))
        diversity = class_diversity(images[keep].astype(np.float32), codes[keep], self.n_classes)
        same = [str(label) for label, d in zip(self.model.classes_, diversity, strict=True) if d == 0]
        if same:
            listed = ", ".join(repr(label) for label in same[:5]) + (f" and {len(same) - 5} more" if len(same) > 5
                                                                     else "")
            warn(f"class(es) {listed}: the training images are all identical (pixel diversity 0), so the "
                 "pixel diversity ratio of training leaves them out")
        return diversity

    def __call__(self, step: int, G: Generator) -> dict:
        self._write_grid(step, G)
        if self.real_diversity is None:  # under DP: no statistics of the training images
            return {}
        fake = generate_images(G, self.codes, torch.Generator().manual_seed(self.seed)).astype(np.float32)
        ratio, _ = diversity_ratio(class_diversity(fake, self.codes, self.n_classes), self.real_diversity)
        return {"diversity": round(ratio, 4) if np.isfinite(ratio) else None}

    def _write_grid(self, step: int, G: Generator) -> None:
        if self.grid_dir is not None:
            k = int(self.model.grid_columns)
            rows = generate_images(G, np.repeat(np.arange(self.n_classes), k),
                                   torch.Generator().manual_seed(self.seed))
            grid = image_grid(rows.reshape(self.n_classes, k, *rows.shape[1:]), self.model.classes_)
            mark_grid_folder(self.grid_dir)  # made at the first grid: bad input refused before it leaves no folder
            save_png(step_grid_path(self.grid_dir, step), grid)
