"""Diversity ratios read aloud: the mode-collapse warning after an image fit (the *pixel* diversity ratio,
with advice the model's settings do not already follow), and the image evaluation's notes on the *feature*
diversity ratio (in the judge's features), far below or far above 1.

Both ratios are synthetic within-class diversity over real (mean pairwise distance within each class,
averaged over classes), but in different spaces, so the same model gives different numbers: pixels
(``synthaug fit``) count every changed pixel, noise included; the judge's features (``synthaug
evaluate``) count what changes a class's look. Below :data:`COLLAPSE_RATIO` is mode collapse for both;
above :data:`SPREAD_RATIO` gets a note in the evaluation only (in pixels, noise and sharp edges raise the
ratio without meaning much).
"""

from __future__ import annotations

import numpy as np

from .._errors import warn

COLLAPSE_RATIO = 0.5  # below: synthetic within-class diversity under half the real images' (mode collapse)
SPREAD_RATIO = 1.5  # above: synthetic images far more spread out than real ones (noise, artefacts, off-class images)


def warn_if_collapsed(history: list[dict], steps: int, augment_p: float, loss: str) -> None:
    """Warn when the last pixel diversity ratio in ``history`` is under :data:`COLLAPSE_RATIO`."""
    ratio = history[-1].get("diversity") if history else None
    if ratio is not None and np.isfinite(ratio) and ratio < COLLAPSE_RATIO:
        warn(f"samples are much less varied than the training images (pixel diversity ratio "
             f"{ratio:.2f} < {COLLAPSE_RATIO}): possible mode collapse; try {collapse_advice(steps, augment_p, loss)}")


def collapse_advice(steps: int, augment_p: float, loss: str) -> str:
    """What to try against mode collapse: more steps, and augment_p=1 / loss='hinge' unless already set."""
    tips = [f"more steps (steps={steps} now)"]
    if augment_p != 1:
        tips.append("augment_p=1")
    if loss != "hinge":
        tips.append("loss='hinge'")
    return tips[0] if len(tips) == 1 else ", ".join(tips[:-1]) + " or " + tips[-1]


def diversity_notes(ratio: float | None, lowest: float | None, cas: float) -> list[str]:
    """Notes on the evaluation's feature diversity ratio: its mean over classes (``ratio``) above
    :data:`SPREAD_RATIO`, or its lowest class (``lowest``) below :data:`COLLAPSE_RATIO`; ``cas`` says
    whether the judge recognises the images. None measured: no note."""
    notes = []
    if ratio is not None and ratio > SPREAD_RATIO:
        seen = (f"CAS {100 * cas:.1f}% says the judge does not recognise many of them as their class" if cas < 0.5
                else "check the sample grid for noise or artefacts")
        notes.append(f"synthetic images vary far more than real ones in the judge's features (feature diversity "
                     f"ratio {ratio:.2f} > {SPREAD_RATIO}): more often noise, artefacts or images unlike their class "
                     f"than useful variety; {seen}")
    if lowest is not None and lowest < COLLAPSE_RATIO:
        notes.append(f"a class's synthetic images vary much less than its real ones in the judge's features (lowest "
                     f"class feature diversity ratio {lowest:.2f} < {COLLAPSE_RATIO}): possible mode collapse; see "
                     "that class's row of samples")
    return notes
