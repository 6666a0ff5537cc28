"""Image evaluation: does adding synthetic images help a classifier, are they good, are they copies?

``evaluate_images(train, test, synthetic)`` trains a small CNN with the same step budget on
five training sets (real only; real + albumentations; real + synthetic; real + synthetic +
albumentations; synthetic only) over several seeds and reports test accuracy with 95%
intervals. A judge CNN trained on real images scores the synthetic images' intended labels
(Classification Accuracy Score, per class); its features give a Fréchet distance and
within-class diversity; its own accuracy is measured on real test images it did not train on
(by cross-validation over the test images when it trains on them). Pixel distances to the
nearest training image show copying. This module reads images and never imports the GAN
training code.
"""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import numpy as np
from scipy import stats

from .._checks import is_real, is_whole
from .._errors import DataError, warn
from .._paths import atomic_path, report_folder
from .._progress import progress_bar
from .._random import RandomState, child_seed, draw_seed
from .._text import option_name, quoted
from .arrays import check_labels, convert_channels, prepare_images, resize_batch
from .classifier import Source, albumentations_augmenter, predict, train_classifier
from .folder import read_images
from .grid import image_grid
from .metrics import class_diversity, count_shared, duplicated_share, frechet_distance, nearest_distances
from .notes import (
    CLOSE_CHANCE,
    absent_test_class_notes,
    closer_beyond_chance,
    copied_test_note,
    copies_beyond_chance,
    count_test_copies,
    overlap_note,
    seeds_note,
    synthetic_notes,
    training_copies_note,
)
from .report import render_html

CONDITIONS = ("real", "real+albumentations", "real+synthetic", "real+synthetic+albumentations", "synthetic")
JUDGES = ("train", "train+test")
JUDGE_SKILL = 0.5  # a judge is weak below halfway from chance to 100% on real test images it did not train on
JUDGE_FOLDS = 3  # judge="train+test": its accuracy is cross-validated over the test images in this many folds
REPORT_VERSION = 2  # 2: quality.judge.accuracy is on test images the judge did not train on (1, unversioned:
#                     test_accuracy, on test images the default judge had trained on)


def evaluate_images(train, test, synthetic, *, seeds: int = 3, steps: int = 500, batch_size: int = 64,
                    real_share: float = 0.5, judge: str = "train+test", n_pairs: int = 10,
                    grid_columns: int = 10, random_state: RandomState = 0, out_dir: str | Path | None = None,
                    verbose: bool = False) -> dict:
    """Evaluate ``synthetic`` images against real ``train`` and ``test`` images.

    Each of ``train``, ``test``, ``synthetic`` is a folder of class subfolders, an ``.npz`` with
    ``x`` and ``y``, or an ``(x, y)`` pair; all are brought to the training images' size and
    channels. Mixed conditions give real images ``real_share`` of every batch. ``judge`` says
    which real images train the CAS judge: ``"train+test"`` (more images, a better judge) or
    ``"train"``. ``n_pairs`` synthetic images nearest to a training image are shown above those
    training images in the report (0: no training image is shown). With ``out_dir``, writes
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
    random_state = draw_seed(random_state)  # -1 reached numpy; 1.5 was taken as 1 (check_seed refuses both)
    (x_tr, y_tr), (x_te, y_te), (x_sy, y_sy), classes = load_sets(train, test, synthetic)
    n_classes, size = len(classes), x_tr.shape[1]
    n_shared = count_shared(x_te, x_tr)
    n_test_copies = count_test_copies(x_sy, x_tr, x_te)
    notes = absent_test_class_notes(y_te, classes) + synthetic_notes(y_sy, classes) + [
        n for n in (seeds_note(int(seeds)), overlap_note(n_shared, x_te),
                    copied_test_note(n_test_copies, x_sy, x_te, judge)) if n]
    for note in notes:
        warn(note)
    conditions = CONDITIONS if len(np.unique(y_sy)) >= 2 else CONDITIONS[:-1]  # one class: no synthetic-only
    seed_list = [child_seed(random_state, s) for s in range(int(seeds))]
    folds = judge_folds(y_te, JUDGE_FOLDS, child_seed(random_state, 997)) if judge == "train+test" else None
    n_judges = 1 + (0 if folds is None else int(folds.max()) + 1)
    with progress_bar(len(conditions) * len(seed_list) + n_judges, "evaluating", verbose) as bar:
        accuracy = {}
        for condition in conditions:
            sources = condition_sources(condition, x_tr, y_tr, x_sy, y_sy, real_share, size)
            scores = []
            for seed in seed_list:
                model = train_classifier(sources, n_classes, steps, batch_size, seed)
                scores.append(float(np.mean(predict(model, x_te)[1] == y_te)))
                bar.advance(1, status=condition)
            accuracy[condition] = summarise(scores)
        judge_x = x_tr if judge == "train" else np.concatenate([x_tr, x_te])
        judge_y = y_tr if judge == "train" else np.concatenate([y_tr, y_te])
        judge_model = train_classifier([Source(judge_x, judge_y, 1.0)], n_classes, steps, batch_size,
                                       child_seed(random_state, 999))
        bar.advance(1, status="judge")
        if folds is None:  # the judge never saw the test images
            held_out = predict(judge_model, x_te)[1]
        else:
            held_out = cross_validated_predictions(x_tr, y_tr, x_te, y_te, folds, n_classes, steps, batch_size,
                                                   child_seed(random_state, 998), bar)
    judge_score = judge_accuracy(held_out, y_te, folds)
    leak = privacy(x_sy, x_tr, x_te, n_pairs)
    if note := training_copies_note(leak, len(x_sy), x_sy.shape[1]):
        notes.append(note)
        warn(note)
    if judge_score["weak"]:
        notes.append(weak_judge_note(judge_score))
        warn(notes[-1])
    report = {
        "version": REPORT_VERSION,
        "classes": [str(c) for c in classes],
        "sizes": {"train": len(x_tr), "test": len(x_te), "synthetic": len(x_sy), "image_size": int(size),
                  "channels": int(x_tr.shape[-1])},
        "settings": {"seeds": int(seeds), "steps": int(steps), "batch_size": int(batch_size),
                     "real_share": float(real_share), "judge": judge, "random_state": random_state},
        "accuracy": accuracy,
        "uplift": uplift(accuracy),
        "quality": {**quality(judge_model, x_sy, y_sy, judge_x, judge_y, x_tr, x_te, classes), "judge": judge_score},
        "privacy": {**leak, "test_in_train": n_shared,
                    "synthetic_copies_of_test": n_test_copies},
        "notes": notes,
    }
    pictures = {"samples": sample_grid(x_sy, y_sy, n_classes, grid_columns)}
    report["privacy"]["closest_pair_distances"] = []  # every key always present: none when the strip is off
    if n_pairs > 0:  # the only real training images the report shows
        pictures["closest_pairs"], distances = closest_pairs(x_sy, x_tr, n_pairs)
        report["privacy"]["closest_pair_distances"] = distances.tolist()
    if out_dir is not None:
        write_report(report, pictures, Path(out_dir))
    return report


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


def condition_sources(condition: str, x_tr, y_tr, x_sy, y_sy, real_share: float, size: int) -> list[Source]:
    """The batch sources of one training condition."""
    augment = albumentations_augmenter(size) if "albumentations" in condition else None
    real = Source(x_tr, y_tr, real_share, augment)
    fake = Source(x_sy, y_sy, 1.0 - real_share, augment)
    return {"real": [real], "real+albumentations": [real], "synthetic": [fake]}.get(condition, [real, fake])


def summarise(values: list[float], confidence: float = 0.95, bounds: tuple[float, float] = (0.0, 1.0)) -> dict:
    """Mean with a Student-t interval over seeds, clipped to ``bounds`` (accuracies lie in 0..1; with
    2 seeds the interval is +-12.7 standard errors and went past 100%); None bounds for a single seed."""
    v = np.asarray(values, dtype=float)
    mean = float(v.mean())
    if len(v) < 2:
        return {"mean": mean, "low": None, "high": None, "values": v.tolist()}
    half = float(stats.t.ppf(0.5 + confidence / 2, len(v) - 1) * v.std(ddof=1) / np.sqrt(len(v)))
    low, high = np.clip([mean - half, mean + half], *bounds)
    return {"mean": mean, "low": float(low), "high": float(high), "values": v.tolist()}


def uplift(accuracy: dict) -> dict:
    """Synthetic conditions against the better classical baseline, in accuracy points, with a 95% paired
    t-interval over seeds (every condition trains with the same seeds; None bounds for one seed), as the
    table evaluation's paired differences (synthetic only against real only: None when synthetic-only
    training was skipped)."""
    best_name = max(("real", "real+albumentations"), key=lambda k: accuracy[k]["mean"])
    best = accuracy[best_name]["mean"]
    with_synthetic = max(("real+synthetic", "real+synthetic+albumentations"), key=lambda k: accuracy[k]["mean"])
    only = accuracy.get("synthetic")
    paired = summarise(100.0 * (np.asarray(accuracy[with_synthetic]["values"]) - accuracy[best_name]["values"]),
                       bounds=(-100.0, 100.0))
    return {"baseline": best_name, "best_with_synthetic": with_synthetic,
            "points": 100.0 * (accuracy[with_synthetic]["mean"] - best), "low": paired["low"], "high": paired["high"],
            "synthetic_only_minus_real_points": None if only is None else
            100.0 * (only["mean"] - accuracy["real"]["mean"])}


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


def judge_folds(y: np.ndarray, n_folds: int, seed: int) -> np.ndarray:
    """A fold number (0 .. ``n_folds`` - 1, fewer for fewer images) for each image, stratified by class.

    The images, sorted by class and shuffled within it, are dealt to the folds in turn: each
    class is spread over the folds as evenly as it can be, and fold sizes differ by at most one.
    """
    order = np.random.default_rng(seed).permutation(len(y))
    order = order[np.argsort(y[order], kind="stable")]  # by class, in random order within each class
    folds = np.empty(len(y), dtype=np.int64)
    folds[order] = np.arange(len(y)) % min(n_folds, len(y))
    return folds


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


def judge_accuracy(predicted: np.ndarray, y_te: np.ndarray, folds: np.ndarray | None) -> dict:
    """The CAS judge's accuracy on real test images it did not train on, against chance (the most
    common class's share).

    ``predicted`` are the codes predicted for ``y_te``'s images by judges that did not train on
    them: the CAS judge itself (``folds`` None) or, by cross-validation, one judge per fold
    (``folds``, one fold number per image; ``fold_accuracy`` lists each fold's score). ``weak``
    when it gets less than ``JUDGE_SKILL`` of the way from chance to 100%: it then misses on real
    images more than half of what a constant guess misses, and a low CAS cannot be told from a
    judge that has not learned the classes.
    """
    right = predicted == y_te
    accuracy = float(np.mean(right))
    top, n = int(np.bincount(y_te).max()), len(y_te)
    chance = top / n
    needed = chance + JUDGE_SKILL * (1.0 - chance)
    # exact: in floats 20 of 30 (0.6666...6) fell below the bar 2/3 (0.6666...7) and was called weak
    weak = Fraction(int(right.sum()), n) < Fraction(top, n) + Fraction(JUDGE_SKILL) * (1 - Fraction(top, n))
    n_folds = 0 if folds is None else int(folds.max()) + 1
    per_fold = None if folds is None else [float(np.mean(right[folds == k])) for k in range(n_folds)]
    return {"accuracy": accuracy, "measured_on": "cross-validation" if n_folds else "test",
            "folds": n_folds or None,
            "fold_accuracy": per_fold, "chance": chance, "weak_below": needed, "weak": bool(weak)}


def judge_accuracy_text(score: dict) -> str:
    """Where the judge's accuracy was measured, as the report and CLI say it."""
    if score["measured_on"] == "test":
        return "the real test images"
    return f"real test images it did not train on ({score['folds']}-fold cross-validation)"


def weak_judge_note(score: dict) -> str:
    return (f"the CAS judge is weak: {100 * score['accuracy']:.1f}% accuracy on {judge_accuracy_text(score)} "
            f"(chance {100 * score['chance']:.1f}%, the most common class's share; wanted "
            f"{100 * score['weak_below']:.1f}%, halfway from chance to 100%), so a low CAS may be the judge's "
            "failure rather than the synthetic images'; train the classifiers longer "
            f"({option_name('steps', '--classifier-steps', 'evaluate.steps')})")


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


def sample_grid(x: np.ndarray, codes: np.ndarray, n_classes: int, columns: int) -> np.ndarray:
    """One row per class of the first ``columns`` images of that class (blank cells if fewer)."""
    order = np.argsort(codes, kind="stable")
    starts = np.searchsorted(codes[order], np.arange(n_classes))
    counts = np.bincount(codes, minlength=n_classes)
    cols = np.arange(columns)
    take = order[np.minimum(starts[:, None] + cols, len(order) - 1)]  # (K, columns)
    rows = x[take].copy()
    rows[cols[None, :] >= counts[:, None]] = 0
    return image_grid(rows)


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
