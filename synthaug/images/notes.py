"""Caveats of an image evaluation, as notes (and warnings) worded as the table evaluation's: classes the
test or synthetic set lacks, test images that are training images, synthetic images that copy test or
training images (beyond what chance explains), two seeds; and the terminal's one line on copying."""

from __future__ import annotations

import numpy as np

from .._errors import DataError
from .._text import option_name, quoted
from ..evaluate.caveats import beyond_chance
from .metrics import duplicated_share, shared_mask

CLOSE_CHANCE = 0.05  # the share of fresh images closer to a training image than the test images' 5th percentile
CLOSE_TOLERANCE = 0.05  # closer shares beyond CLOSE_CHANCE by more than this (plus 3 standard errors) get a note


def absent_test_class_notes(y_te: np.ndarray, classes: np.ndarray) -> list[str]:
    """A note on training classes the test set lacks (as the table evaluation notes classes with no
    test rows); a DataError for a single-class test set, on which every classifier can score 100%
    by always answering that class."""
    present = np.unique(y_te)
    if len(present) < 2:
        raise DataError(f"test: labels have a single class ({quoted(classes[present])}); scores need two")
    absent = np.setdiff1d(np.arange(len(classes)), present)
    if not len(absent):
        return []
    return [f"class(es) {quoted(classes[absent])} have no test images: every accuracy (and the judge's) is "
            f"measured on {len(present)} of {len(classes)} classes, and the Fréchet distance to the test images "
            "leaves those classes out of the real side; give a test set with images of every class"]


def synthetic_notes(y_sy: np.ndarray, classes: np.ndarray) -> list[str]:
    """Notes on training classes the synthetic set lacks (worded as the table evaluation's)."""
    made = np.unique(y_sy)
    if len(made) < 2:
        return ["synthetic-only training skipped: the synthetic set has a single class"]
    absent = np.setdiff1d(np.arange(len(classes)), made)
    if not len(absent):
        return []
    return [f"the synthetic set has no images of class(es) {quoted(classes[absent])}: synthetic-only "
            f"classifiers never predict them, so the synthetic-only accuracy covers {len(made)} of "
            f"{len(classes)} classes; CAS is not measured for them"]


def untrained_note(baseline: dict, name: str, y_te: np.ndarray) -> str | None:
    """A note when the uplift's baseline ``name``, the better of the sets without synthetic images (``baseline``:
    its :func:`.intervals.arm_summary`), is not clearly above chance (the most common test class's share):
    its 95% interval reaches down to chance. The uplift then compares classifiers that have barely learned
    (20 steps gave 20% for 5 classes, and "helps"), or None. Real only near chance beside a real+albumentations
    well above it is no such case."""
    chance = np.bincount(y_te).max() / len(y_te)
    if baseline["low"] > chance:
        return None
    return (f"the {'real-only' if name == 'real' else name} classifier is not clearly above chance: "
            f"{100 * baseline['mean']:.1f}% accuracy (95% interval {100 * baseline['low']:.1f}-"
            f"{100 * baseline['high']:.1f}%; chance {100 * chance:.1f}%, the most common test class's share), so the "
            "uplift compares classifiers that have barely learned and its verdict says little; train the classifiers "
            f"longer ({option_name('steps', '--classifier-steps', 'evaluate.steps')})")


def overlap_note(n_shared: int, x_te: np.ndarray) -> str | None:
    """A note on test images that are training images (as the table evaluation notes shared rows), or None."""
    if not n_shared:
        return None
    size = f"{x_te.shape[1]}x{x_te.shape[2]}"
    return (f"{n_shared} of {len(x_te)} test images are also training images (pixel-equal at {size} after the "
            "same resizing and channel conversion): accuracy is scored partly on images the classifiers trained "
            "on, and the privacy reference (test images' distance to the nearest training image) understates "
            "leakage; give a test set disjoint from train")


def count_test_copies(x_sy: np.ndarray, x_tr: np.ndarray, x_te: np.ndarray) -> int:
    """Synthetic images pixel-equal to a test image and to no training image (a copy of an image in both
    is a training copy, counted in ``exact_copies``)."""
    return int(np.sum(shared_mask(x_sy, x_te) & ~shared_mask(x_sy, x_tr)))


def copied_test_note(n_copies: int, x_sy: np.ndarray, x_te: np.ndarray, judge: str) -> str | None:
    """A note on synthetic images that copy test images beyond what the test set's own duplicates
    explain (:func:`copies_beyond_chance`: any copy, when the test set has no duplicates), or None."""
    if not copies_beyond_chance(n_copies, len(x_sy), duplicated_share(x_te)):
        return None
    cas = ", and CAS is inflated (the judge trained on the test images)" if judge == "train+test" else ""
    return (f"{n_copies} of {len(x_sy)} synthetic images ({100 * n_copies / len(x_sy):.1f}%) are exact copies of "
            f"test images (pixel-equal at {x_sy.shape[1]}x{x_sy.shape[2]}, and to no training image): classifiers "
            "trained with them have seen test images, so the accuracy of every condition with synthetic images and "
            f"the uplift are inflated, the Fréchet distance to the test images is understated{cas}; was the "
            "synthetic set made from the test images? make it from the training images only")


def copies_beyond_chance(n_copies: int, n_synthetic: int, natural: float) -> bool:
    """Whether ``n_copies`` exact copies of training images among ``n_synthetic`` are more than the
    ``natural`` share of training images equal to another (different images that coincide, e.g. blank ones)
    explains, by three standard errors; with no duplicates in the training set, any copy is (the table
    caveats' rule without its 1% tolerance: different rows often share every value, different images do not)."""
    return beyond_chance(n_copies, n_synthetic, natural, tolerance=0.0) is not None


def closer_beyond_chance(share: float, n_synthetic: int, n_test: int) -> bool:
    """Whether ``share`` of ``n_synthetic`` images closer to a training image than the 5th percentile of
    ``n_test`` test images is clearly more than the :data:`CLOSE_CHANCE` that images the generator never saw
    give: by :data:`CLOSE_TOLERANCE` plus three standard errors (of both the share and the percentile, which
    is estimated from the test images)."""
    noise = 3 * np.sqrt(CLOSE_CHANCE * (1 - CLOSE_CHANCE) * (1 / n_synthetic + 1 / n_test))
    return bool(share - CLOSE_CHANCE > CLOSE_TOLERANCE + noise)


def training_copies_note(leak: dict, n: int, size: int) -> str | None:
    """A note when the synthetic images copy training images: exact copies beyond those the training set's
    own duplicates explain (any, when it has none), or a share closer than the test images' 5th percentile
    clearly beyond chance (:func:`closer_beyond_chance`); else None."""
    if not (leak["copies_beyond_chance"] or leak["closer_beyond_chance"]):
        return None
    copies, natural = leak["exact_copies"], leak["train_duplicated_share"]
    explained = f", beyond the {100 * natural:.1f}% of training images that equal another" if natural else ""
    found = [f"{copies} of {n} are exact copies (pixel-equal at {size}x{size}{explained})"] if copies else []
    if leak["closer_beyond_chance"]:  # not said otherwise: 0% when the test images are training images
        found.append(f"{100 * leak['share_closer_than_test_p05']:.1f}% are closer to a training image than 95% of "
                     f"the test images are (about {100 * CLOSE_CHANCE:.0f}% by chance)")
    passed = ("; was the training set (or real + synthetic images) passed as the synthetic set?"
              if copies > n / 2 else "")
    return (f"the synthetic images copy training images: {' and '.join(found)}: the generator has memorised "
            "training images, which sharing the synthetic set would disclose, and the accuracy and CAS of the "
            f"synthetic images partly measure real ones{passed}")


def privacy_text(leak: dict, n_synthetic: int) -> str:
    """One line for the terminal: exact copies of training images and the share closer than test p05."""
    flag = " (beyond chance: see the warning)" if leak["copies_beyond_chance"] or leak["closer_beyond_chance"] else ""
    return (f"privacy: {leak['exact_copies']} of {n_synthetic} synthetic images are exact copies of training "
            f"images; {100 * leak['share_closer_than_test_p05']:.1f}% are closer to a training image than 95% of "
            f"test images are (about {100 * CLOSE_CHANCE:.0f}% by chance){flag}")
