"""The mode-collapse warning after an image fit, with advice the model's settings do not already follow."""

from __future__ import annotations

import numpy as np

from .._errors import warn

COLLAPSE_RATIO = 0.5  # warn when synthetic within-class diversity falls below this share of real


def warn_if_collapsed(history: list[dict], steps: int, augment_p: float, loss: str) -> None:
    """Warn when the last diversity ratio in ``history`` is under :data:`COLLAPSE_RATIO`."""
    ratio = history[-1].get("diversity") if history else None
    if ratio is not None and np.isfinite(ratio) and ratio < COLLAPSE_RATIO:
        warn(f"samples are much less varied than the training images (diversity ratio "
             f"{ratio:.2f} < {COLLAPSE_RATIO}): possible mode collapse; try {collapse_advice(steps, augment_p, loss)}")


def collapse_advice(steps: int, augment_p: float, loss: str) -> str:
    """What to try against mode collapse: more steps, and augment_p=1 / loss='hinge' unless already set."""
    tips = [f"more steps (steps={steps} now)"]
    if augment_p != 1:
        tips.append("augment_p=1")
    if loss != "hinge":
        tips.append("loss='hinge'")
    return tips[0] if len(tips) == 1 else ", ".join(tips[:-1]) + " or " + tips[-1]
