"""The CAS judge's own accuracy: on real test images it did not train on (cross-validation folds of
them when it trains on them too), against chance, and the note when it is too weak to trust its CAS."""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from .._text import option_name

JUDGE_SKILL = 0.5  # a judge is weak below halfway from chance to 100% on real test images it did not train on


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
    """The caveat on a weak judge (``score`` from :func:`judge_accuracy`), naming the option that helps."""
    return (f"the CAS judge is weak: {100 * score['accuracy']:.1f}% accuracy on {judge_accuracy_text(score)} "
            f"(chance {100 * score['chance']:.1f}%, the most common class's share; wanted "
            f"{100 * score['weak_below']:.1f}%, halfway from chance to 100%), so a low CAS may be the judge's "
            "failure rather than the synthetic images'; train the classifiers longer "
            f"({option_name('steps', '--classifier-steps', 'evaluate.steps')})")
