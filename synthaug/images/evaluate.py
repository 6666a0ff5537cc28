"""Image evaluation: does adding synthetic images help a classifier, are they good, are they copies?

``evaluate_images(train, test, synthetic)`` trains a small CNN with the same step budget on
five training sets (real only; real + albumentations; real + synthetic; real + synthetic +
albumentations; synthetic only) over several seeds and reports test accuracy with 95%
intervals from a paired bootstrap over test images and seeds (:mod:`synthaug.images.intervals`),
and the uplift of synthetic images with a helps / hurts / no measurable effect verdict. A judge
CNN trained on real images scores the synthetic images' intended labels (Classification Accuracy
Score, per class); its features give a Fréchet distance and within-class (feature) diversity;
its own accuracy is measured on real test images it did not train on (by cross-validation over
the test images when it trains on them). Pixel distances to the nearest training image show
copying. This module reads images and never imports the GAN training code.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import NamedTuple

import numpy as np

from .._checks import is_real, is_whole
from .._errors import DataError, warned
from .._paths import atomic_path, check_not_a_link, report_folder
from .._progress import progress_bar
from .._provenance import images_digest, library_versions
from .._random import RandomState, child_seed, draw_seed
from .._text import option_name, quoted
from ..persist import json_seed
from .arrays import check_labels, convert_channels, prepare_images, resize_batch, size_set_elsewhere
from .bit_scale import one_bit_depth
from .classifier import Source, albumentations_augmenter, albumentations_settings, predict, train_classifier
from .collapse import diversity_notes
from .folder import read_images
from .grid import image_grid
from .intervals import N_BOOT, arm_summary, resampling, seeds_note, uplift
from .judge import judge_accuracy, judge_folds, weak_judge_note
from .metrics import class_diversity, count_shared, duplicated_share, frechet_distance, nearest_distances
from .notes import (
    CLOSE_CHANCE,
    absent_test_class_notes,
    closer_beyond_chance,
    copied_test_note,
    copies_beyond_chance,
    count_test_copies,
    overlap_note,
    synthetic_notes,
    training_copies_note,
    untrained_note,
)
from .report import render_html

PIXEL_DISTANCE = "L2 (Euclidean) over all pixels and channels, values scaled to 0..1"
"""The unit of the privacy section's pixel distances, as report.json states it."""
CONDITIONS = ("real", "real+albumentations", "real+synthetic", "real+synthetic+albumentations", "synthetic")
JUDGES = ("train", "train+test")
JUDGE_FOLDS = 3  # judge="train+test": its accuracy is cross-validated over the test images in this many folds
REPORT_VERSION = 4  # 4: synthaug_version, versions, data_sha256, settings.random_state as text above 2**53 - 1;
#                     3: accuracy and uplift intervals are a bootstrap over test images and seeds (2: over seeds
#                     only); 2: quality.judge.accuracy is on test images the judge did not train on (1, unversioned:
#                     test_accuracy, on test images the default judge had trained on)


def evaluate_images(train, test, synthetic, *, seeds: int = 3, steps: int = 500, batch_size: int = 64,
                    real_share: float = 0.5, judge: str = "train+test", n_pairs: int = 10,
                    grid_columns: int = 10, random_state: RandomState = 0, out_dir: str | Path | None = None,
                    verbose: bool = False, augmentation=None) -> dict:
    """Evaluate ``synthetic`` images against real ``train`` and ``test`` images.

    Each of ``train``, ``test``, ``synthetic`` is a folder of class subfolders, an ``.npz`` with
    ``x`` and ``y``, or an ``(x, y)`` pair; all are brought to the training images' size and
    channels. Mixed conditions give real images ``real_share`` of every batch. ``judge`` says
    which real images train the CAS judge: ``"train+test"`` (more images, a better judge) or
    ``"train"``. ``n_pairs`` synthetic images nearest to a training image are shown above those
    training images in the report (0: no training image is shown). ``augmentation``, an albumentations
    transform on uint8 (S, S, C) images keeping their shape, replaces the default classical augmentation
    (:func:`.classifier.albumentations_settings`) of the +albumentations rows. With ``out_dir``, writes
    ``report.json`` and a self-contained ``report.html``. Returns the report as a dict.

    The judge's own accuracy on real test images it did not train on is reported next to CAS.
    With ``"train"`` that is the judge's test accuracy; with ``"train+test"`` it is
    cross-validated: the test images are split into ``JUDGE_FOLDS`` stratified folds and each
    fold is scored by a judge trained for ``steps`` on the training images and the other folds
    (``JUDGE_FOLDS`` more trainings; slightly pessimistic, as those judges see fewer images than
    the one behind CAS, Fréchet distance and diversity, which trains on all of them). Caveats (a test
    or synthetic set lacking classes, test images that are training images, synthetic images that copy
    test or training images, a weak judge; see :mod:`synthaug.images.notes`) are in its ``notes`` and are
    also issued as :class:`~synthaug.SynthaugWarning`. A single-class test set, and settings that cannot
    be used (``seeds=0``), are a :class:`~synthaug.DataError` naming them.
    """
    check_settings(seeds=seeds, steps=steps, batch_size=batch_size, real_share=real_share, judge=judge,
                   n_pairs=n_pairs, grid_columns=grid_columns)
    if augmentation is not None and not callable(augmentation):
        raise DataError(f"augmentation: expected an albumentations transform, called as transform(image=...); got "
                        f"{type(augmentation).__name__}")
    if out_dir is not None:  # before the evaluation, as the table report's folder is checked
        check_not_a_link(Path(out_dir))
    random_state = draw_seed(random_state)  # -1 reached numpy; 1.5 was taken as 1 (check_seed refuses both)
    (x_tr, y_tr), (x_te, y_te), (x_sy, y_sy), classes = load_sets(train, test, synthetic)
    sets = _Sets(x_tr, y_tr, x_te, y_te, x_sy, y_sy, classes)
    n_shared, n_test_copies = count_shared(x_te, x_tr), count_test_copies(x_sy, x_tr, x_te)
    notes = warned(_input_notes(sets, int(seeds), n_shared, n_test_copies, judge))
    training = _Training(steps, batch_size, real_share, [child_seed(random_state, s) for s in range(int(seeds))],
                         augmentation)
    folds = judge_folds(y_te, JUDGE_FOLDS, child_seed(random_state, 997)) if judge == "train+test" else None
    with progress_bar(_n_trainings(sets, training, folds), "evaluating", verbose) as bar:
        correct = {condition: _condition_correct(condition, sets, training, bar) for condition in _conditions(sets)}
        judged = _train_judge(sets, training, folds, random_state, bar)
    draws = resampling(len(y_te), int(seeds), child_seed(random_state, 996))
    leak = privacy(x_sy, x_tr, x_te, n_pairs)
    scores = quality(judged.model, x_sy, y_sy, judged.x, judged.y, x_tr, x_te, classes)
    accuracy = {condition: arm_summary(c, draws) for condition, c in correct.items()}
    gain = uplift(correct, draws)
    notes += warned([untrained_note(accuracy[gain["baseline"]], gain["baseline"], y_te),
                     training_copies_note(leak, len(x_sy), x_sy.shape[1]),
                     *([weak_judge_note(judged.score)] if judged.score["weak"] else  # its features mean little
                       diversity_notes(scores["diversity_ratio"], scores["diversity_ratio_min"], scores["cas"]))])
    versions = library_versions()
    report = {
        "version": REPORT_VERSION,
        "synthaug_version": versions["synthaug"],
        "versions": versions,
        "data_sha256": {"train": images_digest(x_tr, classes[y_tr]), "test": images_digest(x_te, classes[y_te]),
                        "synthetic": images_digest(x_sy, classes[y_sy])},
        "classes": [str(c) for c in classes],
        "sizes": {"train": len(x_tr), "test": len(x_te), "synthetic": len(x_sy), "image_size": int(x_tr.shape[1]),
                  "channels": int(x_tr.shape[-1])},
        "settings": {"seeds": int(seeds), "steps": int(steps), "batch_size": int(batch_size),
                     "real_share": float(real_share), "judge": judge, "random_state": json_seed(random_state),
                     "n_boot": N_BOOT, "albumentations": albumentations_settings(int(x_tr.shape[1])) if
                     augmentation is None else repr(augmentation)},
        "accuracy": accuracy,
        "uplift": gain,
        "quality": {**scores, "judge": judged.score},
        "privacy": {**leak, "test_in_train": n_shared, "synthetic_copies_of_test": n_test_copies,
                    "distance": PIXEL_DISTANCE},
        "notes": notes,
    }
    pictures = _report_pictures(report, sets, grid_columns, n_pairs)
    if out_dir is not None:
        write_report(report, pictures, Path(out_dir))
    return report


class _Sets(NamedTuple):
    """The three image sets from :func:`load_sets`: images (N, H, W, C) and class codes (N,), and the classes."""

    x_tr: np.ndarray
    y_tr: np.ndarray
    x_te: np.ndarray
    y_te: np.ndarray
    x_sy: np.ndarray
    y_sy: np.ndarray
    classes: np.ndarray


class _Training(NamedTuple):
    """How every classifier trains: ``steps`` batches of ``batch_size``, once per seed of ``seeds``."""

    steps: int
    batch_size: int
    real_share: float
    seeds: list[int]
    augmentation: object = None  # a user's albumentations transform; None: the default


class _Judge(NamedTuple):
    """The CAS judge, the real images it trained on, and its accuracy (:func:`judge_accuracy`)."""

    model: object
    x: np.ndarray
    y: np.ndarray
    score: dict


def _input_notes(sets: _Sets, seeds: int, n_shared: int, n_test_copies: int, judge: str) -> list[str]:
    """Caveats on the inputs: classes a set lacks, few seeds, test images in train, synthetic copies of them."""
    return absent_test_class_notes(sets.y_te, sets.classes) + synthetic_notes(sets.y_sy, sets.classes) + [
        n for n in (seeds_note(seeds), overlap_note(n_shared, sets.x_te),
                    copied_test_note(n_test_copies, sets.x_sy, sets.x_te, judge)) if n]


def _conditions(sets: _Sets) -> tuple[str, ...]:
    return CONDITIONS if len(np.unique(sets.y_sy)) >= 2 else CONDITIONS[:-1]  # one class: no synthetic-only


def _n_trainings(sets: _Sets, training: _Training, folds: np.ndarray | None) -> int:
    """Classifiers to train: one per condition and seed, the judge, and one per judge fold."""
    return len(_conditions(sets)) * len(training.seeds) + 1 + (0 if folds is None else int(folds.max()) + 1)


def _condition_correct(condition: str, sets: _Sets, training: _Training, bar) -> np.ndarray:
    """(S, N) whether the classifier trained under ``condition`` with each seed labels each test image right."""
    x_tr, y_tr, x_sy, y_sy = sets.x_tr, sets.y_tr, sets.x_sy, sets.y_sy
    sources = condition_sources(condition, x_tr, y_tr, x_sy, y_sy, training.real_share, x_tr.shape[1],
                                training.augmentation)
    correct = np.empty((len(training.seeds), len(sets.y_te)), dtype=bool)
    for s, seed in enumerate(training.seeds):
        model = train_classifier(sources, len(sets.classes), training.steps, training.batch_size, seed)
        correct[s] = predict(model, sets.x_te)[1] == sets.y_te
        bar.advance(1, status=condition)
    return correct


def _train_judge(sets: _Sets, training: _Training, folds: np.ndarray | None, random_state: int, bar) -> _Judge:
    """The CAS judge, trained on the training images (``folds`` None: ``judge="train"``) or on the training
    and test images (``folds`` of the test images), and its accuracy on test images it did not train on."""
    x_tr, y_tr, x_te, y_te, n_classes = sets.x_tr, sets.y_tr, sets.x_te, sets.y_te, len(sets.classes)
    judge_x = x_tr if folds is None else np.concatenate([x_tr, x_te])
    judge_y = y_tr if folds is None else np.concatenate([y_tr, y_te])
    model = train_classifier([Source(judge_x, judge_y, 1.0)], n_classes, training.steps, training.batch_size,
                             child_seed(random_state, 999))
    bar.advance(1, status="judge")
    if folds is None:  # the judge never saw the test images
        held_out = predict(model, x_te)[1]
    else:
        held_out = cross_validated_predictions(x_tr, y_tr, x_te, y_te, folds, n_classes, training.steps,
                                               training.batch_size, child_seed(random_state, 998), bar)
    return _Judge(model, judge_x, judge_y, judge_accuracy(held_out, y_te, folds))


def _report_pictures(report: dict, sets: _Sets, grid_columns: int, n_pairs: int) -> dict:
    """The report's images: a grid of synthetic samples per class and, with ``n_pairs``, the synthetic
    images nearest to a training image above those images (their distances go into ``report``)."""
    x_sy, y_sy, x_tr = sets.x_sy, sets.y_sy, sets.x_tr
    pictures = {"samples": sample_grid(x_sy, y_sy, sets.classes, grid_columns)}
    report["privacy"]["closest_pair_distances"] = []  # every key always present: none when the strip is off
    if n_pairs > 0:  # the only real training images the report shows
        pictures["closest_pairs"], distances = closest_pairs(x_sy, x_tr, n_pairs)
        report["privacy"]["closest_pair_distances"] = distances.tolist()
    return pictures


def check_settings(*, seeds, steps, batch_size, real_share, judge, n_pairs, grid_columns) -> None:
    """A DataError naming the first setting of :func:`evaluate_images` that cannot be used (``seeds=0``
    gave NaN accuracies; ``steps=0`` a division by zero deep in torch's learning-rate schedule)."""
    counts = {option_name("seeds", "--seeds", "evaluate.seeds"): (seeds, 1),
              option_name("steps", "--classifier-steps", "evaluate.steps"): (steps, 1),
              "batch_size": (batch_size, 2),  # a mixed batch takes an image from each source
              "n_pairs": (n_pairs, 0), "grid_columns": (grid_columns, 1)}
    for name, (value, least) in counts.items():
        if not is_whole(value) or value < least:
            raise DataError(f"{name} must be a whole number >= {least}; got {value!r}")
    if judge not in JUDGES:
        raise DataError(f"{option_name('judge')} must be one of {', '.join(map(repr, JUDGES))}; got {judge!r}")
    if not is_real(real_share) or not 0.0 < real_share < 1.0:
        raise DataError(f"real_share must be a number between 0 and 1 (exclusive); got {real_share!r}")


def load_sets(train, test, synthetic):
    """Read the three sets, bring them to the training images' size and channels, and code labels."""
    with one_bit_depth():  # deep images: the training folder's bit depth scales every set alike
        with size_set_elsewhere():  # the training images' size decides; evaluate has no option for it
            x_tr, l_tr = _read(train, "train", None, "auto")
        size, n_channels = x_tr.shape[1], x_tr.shape[-1]
        channels = "gray" if n_channels == 1 else "rgb"
        x_te, l_te = _read(test, "test", size, channels)
        x_sy, l_sy = _read(synthetic, "synthetic", size, channels)
    classes = np.unique(l_tr.astype(str))
    if len(classes) < 2:
        raise DataError(f"train: needs at least 2 classes; got {len(classes)}")
    coded = [(x, _codes(labels, classes, name)) for x, labels, name in
             ((x_tr, l_tr, "train"), (x_te, l_te, "test"), (x_sy, l_sy, "synthetic"))]
    return coded[0], coded[1], coded[2], classes


def _read(data, name: str, size: int | None, channels: str) -> tuple[np.ndarray, np.ndarray]:
    if isinstance(data, (str, Path)):
        x, labels = read_images(data, size, channels)
    elif isinstance(data, (tuple, list)) and len(data) == 2:
        x, labels = prepare_images(data[0], size, channels, source=name), check_labels(data[1], f"{name} labels")
    else:
        raise DataError(f"{name}: expected a folder, an .npz path or an (x, y) pair; got {type(data).__name__}")
    if len(labels) != len(x):
        raise DataError(f"{name}: {len(x)} images but {len(labels)} labels")
    if size is not None and x.shape[1] != size:
        x = resize_batch(x, size)
    if channels != "auto":
        x = convert_channels(x, 1 if channels == "gray" else 3)
    return x, labels


def _codes(labels: np.ndarray, classes: np.ndarray, name: str) -> np.ndarray:
    text = labels.astype(str)
    unknown = np.setdiff1d(text, classes)
    if len(unknown):
        raise DataError(f"{name}: labels not among the training classes: {quoted(unknown)} (the training "
                        f"classes: {quoted(classes)})")
    return np.searchsorted(classes, text)


def condition_sources(condition: str, x_tr, y_tr, x_sy, y_sy, real_share: float, size: int,
                      transform=None) -> list[Source]:
    """The batch sources of one training condition (``transform``: :func:`.classifier.albumentations_augmenter`'s)."""
    augment = albumentations_augmenter(size, transform) if "albumentations" in condition else None
    real = Source(x_tr, y_tr, real_share, augment)
    fake = Source(x_sy, y_sy, 1.0 - real_share, augment)
    return {"real": [real], "real+albumentations": [real], "synthetic": [fake]}.get(condition, [real, fake])


def quality(judge, x_sy, y_sy, judge_x, judge_y, x_tr, x_te, classes) -> dict:
    """CAS per class, Fréchet distance and within-class diversity in the judge's features."""
    f_sy, pred = predict(judge, x_sy)
    f_real, _ = predict(judge, judge_x)
    f_tr, _ = predict(judge, x_tr)
    f_te, _ = predict(judge, x_te)
    n = len(classes)
    per_class = [float(np.mean(pred[y_sy == k] == k)) if np.any(y_sy == k) else None for k in range(n)]
    real_div, fake_div = class_diversity(f_real, judge_y, n), class_diversity(f_sy, y_sy, n)
    ratio = fake_div / real_div
    measured = np.isfinite(ratio).any()  # not when every class has fewer than 2 images
    return {
        "cas": float(np.mean(pred == y_sy)),
        "cas_per_class": dict(zip(map(str, classes), per_class, strict=True)),
        "cas_min": float(np.nanmin([p for p in per_class if p is not None])),
        "frechet_synthetic_test": _nan_none([frechet_distance(f_sy, f_te)])[0],
        "frechet_train_test": _nan_none([frechet_distance(f_tr, f_te)])[0],
        "diversity_ratio": float(np.nanmean(ratio)) if measured else None,
        "diversity_ratio_min": float(np.nanmin(ratio)) if measured else None,
        "diversity_per_class": dict(zip(map(str, classes), _nan_none(ratio), strict=True)),
    }


def cross_validated_predictions(x_tr, y_tr, x_te, y_te, folds: np.ndarray, n_classes: int, steps: int,
                                batch_size: int, seed: int, bar) -> np.ndarray:
    """Predicted codes (N_te,) for the test images, each fold by a judge trained on the training
    images and the other folds of the test images (``steps`` steps each, seeded per fold)."""
    predicted = np.empty(len(y_te), dtype=np.int64)
    for k in range(int(folds.max()) + 1):
        out = folds == k
        source = Source(np.concatenate([x_tr, x_te[~out]]), np.concatenate([y_tr, y_te[~out]]), 1.0)
        model = train_classifier([source], n_classes, steps, batch_size, child_seed(seed, k))
        predicted[out] = predict(model, x_te[out])[1]
        bar.advance(1, status=f"judge fold {k + 1}")
    return predicted


def privacy(x_sy, x_tr, x_te, n_pairs: int) -> dict:
    """Pixel distances (0..1 scale) from synthetic and from test images to the nearest training image."""
    d_sy, _ = nearest_distances(x_sy, x_tr, scale=255.0)
    d_te, _ = nearest_distances(x_te, x_tr, scale=255.0)
    floor = float(np.quantile(d_te, CLOSE_CHANCE))
    closer, copies, natural = float(np.mean(d_sy < floor)), int(np.sum(d_sy < 1e-6)), duplicated_share(x_tr)
    return {
        "synthetic_nearest_train": _quantiles(d_sy),
        "test_nearest_train": _quantiles(d_te),
        "share_closer_than_test_p05": closer,
        "closer_beyond_chance": closer_beyond_chance(closer, len(x_sy), len(x_te)),
        "exact_copies": copies,
        "train_duplicated_share": natural,
        "copies_beyond_chance": copies_beyond_chance(copies, len(x_sy), natural),
    }


def _quantiles(d: np.ndarray) -> dict:
    q = np.quantile(d, [0.0, 0.05, 0.5])
    return {"min": float(q[0]), "p05": float(q[1]), "median": float(q[2]), "mean": float(d.mean())}


def _nan_none(values: np.ndarray) -> list:
    return [float(v) if np.isfinite(v) else None for v in values]


def sample_grid(x: np.ndarray, codes: np.ndarray, classes, columns: int) -> np.ndarray:
    """One row per class of the first ``columns`` images of that class (blank cells if fewer), each row
    labelled with its class."""
    n_classes = len(classes)
    order = np.argsort(codes, kind="stable")
    starts = np.searchsorted(codes[order], np.arange(n_classes))
    counts = np.bincount(codes, minlength=n_classes)
    cols = np.arange(columns)
    take = order[np.minimum(starts[:, None] + cols, len(order) - 1)]  # (K, columns)
    rows = x[take].copy()
    rows[cols[None, :] >= counts[:, None]] = 0
    return image_grid(rows, classes)


def closest_pairs(x_sy: np.ndarray, x_tr: np.ndarray, n_pairs: int) -> tuple[np.ndarray, np.ndarray]:
    """Two rows: the ``n_pairs`` synthetic images nearest to a training image, and those images; and the
    pairs' pixel distances (0..1 scale), closest first."""
    d, index = nearest_distances(x_sy, x_tr, scale=255.0)
    best = np.argsort(d, kind="stable")[:n_pairs]
    return image_grid(np.stack([x_sy[best], x_tr[index[best]]])), d[best]


def write_report(report: dict, pictures: dict[str, np.ndarray], out_dir: Path) -> None:
    """``report.json`` and a self-contained ``report.html`` in ``out_dir`` (each written atomically)."""
    with report_folder(out_dir):
        with atomic_path(out_dir / "report.json") as tmp:
            tmp.write_text(json.dumps(report, indent=1, allow_nan=True))
        with atomic_path(out_dir / "report.html") as tmp:
            tmp.write_text(render_html(report, pictures), encoding="utf-8")
