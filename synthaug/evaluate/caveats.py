"""Caveats on the tables handed to :func:`~synthaug.evaluate.evaluate`: rows one table shares with another.

The evaluator assumes four disjoint sets of rows: the training rows the generator learned from, the
test rows that score the classifiers, the holdout rows (the privacy reference, non-members), and the
synthetic records made from the training rows alone. Rows that turn up in two of them beyond what
chance explains bias a measure, so each overlap gets a note (and a warning), and the verdicts it
makes unfair are marked "inconclusive" where the evaluator can say so.

Rows are compared by a 64-bit hash of all their values, on tables in canonical form
(:func:`~.canonical.canonical`); "chance" is the share of a table's rows equal to another of its rows
(different people can share every value), with three standard errors of that share as slack.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from .._text import option_name
from .canonical import MISSING
from .results import LeakageResult

SHARED_TOLERANCE = 0.01
"""A table whose share of training rows exceeds what duplicates explain by more than this (plus three
standard errors of that share) gets a warning."""

NOT_MEASURABLE = 0.5
"""From this excess share of training rows in the privacy reference on, privacy verdicts are inconclusive."""

COPIED_SHARE = 0.5
"""A synthetic table with more than this share of exact copies of training rows gets a note: a generator
that copies its training rows, or the resampled table (real + synthetic) passed, not the synthetic
records alone."""

MISSING_GAP = 0.03
"""A column whose missing share among the privacy reference's rows differs from the training rows' by
more than this (plus three standard errors of the difference) makes every privacy verdict inconclusive
(on adult, 5% more missing values in one of 14 columns of the reference raised both membership AUCs by
0.024, half their tolerance; 10% made them inconclusive; 30% read as a leak)."""

MIN_REFERENCE_ROWS = 20
"""Distinct privacy-reference rows below which the 5th percentile that near_copies and low_nndr compare
with rests on fewer than one row (it is then an interpolation between the smallest two), so a note says so."""

FAR_BELOW = 0.3
"""A DCR share or membership AUC of the synthetic records whose whole 95% interval lies below this
gets a note: the records sit much closer to the reference rows than to the training rows."""


def beyond_chance(n_shared: int, n_rows: int, natural: float, tolerance: float = SHARED_TOLERANCE) -> float | None:
    """The share of ``n_rows`` that ``n_shared`` exceeds ``natural`` by, when that is more than
    ``tolerance`` plus three standard errors of a chance share; else None. (Images pass no tolerance:
    different rows often share every value, different images do not.)"""
    excess = n_shared / n_rows - natural
    noise = 3 * math.sqrt(natural * (1 - natural) / n_rows)  # chance variation of a disjoint sample's share
    return excess if n_shared and excess > tolerance + noise else None


def shared_rows(train: pd.DataFrame, other: pd.DataFrame) -> tuple[int, float]:
    """Rows of ``other`` identical to a training row, and the share that duplicates alone explain.

    Both tables in canonical form (:func:`~.canonical.canonical`); rows are compared by a 64-bit hash of
    all their values (vectorised). The second number is the share of training rows identical to
    another training row: about the share of a disjoint sample of the same population that
    matches a training row, where different people can share every value (adult has such rows).
    """
    train_hash = pd.util.hash_pandas_object(train, index=False).to_numpy()
    other_hash = pd.util.hash_pandas_object(other, index=False).to_numpy()
    n_shared = int(np.isin(other_hash, train_hash).sum())
    return n_shared, float(pd.Series(train_hash).duplicated(keep=False).mean())


def overlap_notes(train_c, test_c, holdout_c) -> tuple[list[str], bool]:
    """Notes on test (and holdout) rows that are training rows; False when privacy is not measurable.

    Rows count as shared beyond what the training table's own duplicates explain (see
    :func:`shared_rows`), so natural duplicates raise nothing.
    """
    notes, measurable = [], True
    tables = {"test": test_c} if holdout_c is None else {"holdout": holdout_c, "test": test_c}
    for name, frame in tables.items():
        n_shared, natural = shared_rows(train_c, frame)
        excess = beyond_chance(n_shared, len(frame), natural)
        if excess is None:
            continue
        effects = ["utility is scored partly on rows the classifiers trained on"] if name == "test" else []
        if name == "holdout" or holdout_c is None:
            effects.append(
                f"the privacy measures compare the records with training rows ({name} rows are the privacy "
                "reference) and understate leakage"
            )
            if excess >= NOT_MEASURABLE:
                measurable = False
                effects.append("with this many, leakage is not measurable and every privacy verdict is 'inconclusive'")
        fix = {
            "holdout": f"give a {option_name('holdout', recipe='data.holdout')} disjoint from train",
            "test": "give a test set disjoint from train"
            + (f" (or a disjoint {option_name('holdout', recipe='data.holdout')} as the privacy reference)"
               if holdout_c is None else ""),
        }[name]
        notes.append(f"{n_shared} of {len(frame)} {name} rows are also training rows: {'; '.join(effects)}; {fix}")
    return notes, measurable


def missing_shares(frame_c: pd.DataFrame, columns: Sequence[str]) -> np.ndarray:
    """The share of missing values of each of ``columns`` of a canonical table (NaN, or the category
    :data:`~.canonical.MISSING`)."""
    values = frame_c[list(columns)]
    return (values.isna() | (values == MISSING)).to_numpy().mean(axis=0)


def missing_gap_notes(train_c: pd.DataFrame, reference_c: pd.DataFrame, columns: Sequence[str],
                      reference: str) -> tuple[list[str], bool]:
    """A note on the ``columns`` whose missing share among the reference rows differs from the training
    rows' beyond chance (by more than :data:`MISSING_GAP` plus three standard errors); False then: the
    distances would measure the missing values (a missing value is far from every present one), not
    leakage, reading as a leak or hiding one."""
    if not len(columns):
        return [], True
    n_t, n_r = len(train_c), len(reference_c)
    p_t, p_r = missing_shares(train_c, columns), missing_shares(reference_c, columns)
    pooled = (p_t * n_t + p_r * n_r) / (n_t + n_r)
    noise = 3 * np.sqrt(pooled * (1 - pooled) * (1 / n_t + 1 / n_r))
    unlike = np.flatnonzero(np.abs(p_t - p_r) > MISSING_GAP + noise)
    if not len(unlike):
        return [], True
    shares = [f"{columns[j]!r} ({p_t[j]:.1%} of training rows, {p_r[j]:.1%} of {reference} rows)" for j in unlike[:3]]
    more = f", … and {len(unlike) - 3} more" if len(unlike) > 3 else ""
    return [f"missing values differ between the training rows and the privacy reference ({reference} rows) in "
            f"column(s) {', '.join(shares)}{more}: the privacy measures compare unlike rows (a missing "
            "value is far from every present one), which reads as a leak or hides one, so every privacy verdict is "
            f"'inconclusive'; give {reference} rows from the same source as the training rows (split at "
            "random; where synthaug split them, as share and run do, the gap is chance: another seed or a larger "
            "holdout)"], False


def copies_notes(train_c: pd.DataFrame, synth_c: pd.DataFrame) -> list[str]:
    """A note when more than :data:`COPIED_SHARE` of the synthetic records are exact copies of
    training rows, beyond what the training table's own duplicates explain."""
    n_copies, natural = shared_rows(train_c, synth_c)
    if n_copies / len(synth_c) <= COPIED_SHARE or beyond_chance(n_copies, len(synth_c), natural) is None:
        return []
    return [f"{n_copies} of {len(synth_c)} synthetic records are exact copies of training rows: either the "
            "generator memorised its training rows and copies them (the records then leak those rows: see the "
            "privacy measures), or the resampled table (real + synthetic, e.g. all of fit_resample's output) was "
            "passed instead of the synthetic records only (then pass only the generated rows, those after the "
            "training rows in fit_resample's output)"]


def copied_rows(source: pd.DataFrame, records: pd.DataFrame, train: pd.DataFrame) -> tuple[int, float]:
    """Records identical to a row of ``source`` and to no training row, and the share of ``source``'s
    rows equal to another of its rows (what chance explains). A copy of a row that is in both tables
    is left to :func:`copies_notes` and :func:`overlap_notes`."""
    hashes = [pd.util.hash_pandas_object(f, index=False).to_numpy() for f in (source, records, train)]
    copied = np.isin(hashes[1], hashes[0]) & ~np.isin(hashes[1], hashes[2])
    return int(copied.sum()), float(pd.Series(hashes[0]).duplicated(keep=False).mean())


def synthetic_overlap_notes(train_c, test_c, holdout_c, synth_c) -> tuple[list[str], bool]:
    """Notes on synthetic records that copy test or holdout rows (beyond chance); False when they copy
    the privacy reference (the holdout, or the test set without one), whose verdicts are then unfair."""
    notes, fair = [], True
    tables = {"test": test_c} if holdout_c is None else {"test": test_c, "holdout": holdout_c}
    for name, frame in tables.items():
        n_copied, natural = copied_rows(frame, synth_c, train_c)
        if beyond_chance(n_copied, len(synth_c), natural) is None:
            continue
        effects = []
        if name == "test":
            effects.append("classifiers trained with them have seen test rows, so the scores of every setting "
                           "with synthetic records are inflated and utility is not measured fairly")
        if name == "holdout" or holdout_c is None:
            fair = False
            effects.append(f"they sit on the privacy reference ({name} rows), so the training rows look no closer "
                           "to the records than fresh rows do: privacy is not measured fairly and every privacy "
                           "verdict of the synthetic records is 'inconclusive'")
        notes.append(f"{n_copied} of {len(synth_c)} synthetic records are exact copies of {name} rows (and of no "
                     f"training row): {'; '.join(effects)}; was the synthetic table made from the {name} rows? "
                     "make it from the training rows only")
    return notes, fair


def real_rows_notes(n_train_rows: int, n_train: int, n_ref_rows: int, n_ref: int,
                    reference: str | None = None) -> list[str]:
    """:func:`repeated_rows_notes`, then :func:`small_reference_notes`."""
    return repeated_rows_notes(n_train_rows, n_train, n_ref_rows, n_ref, reference) + small_reference_notes(
        n_ref, reference)


def repeated_rows_notes(n_train_rows: int, n_train: int, n_ref_rows: int, n_ref: int,
                        reference: str | None = None) -> list[str]:
    """Notes (facts, not warnings: a table of a few categories repeats rows naturally) on repeated rows in
    the training rows or the privacy reference (``*_rows`` as given, the others distinct; ``reference``:
    its table's name), which the privacy measures count once."""
    notes = []
    ref_name = f"{reference} (privacy reference)" if reference else "privacy reference"
    for name, given, distinct in (("training", n_train_rows, n_train), (ref_name, n_ref_rows, n_ref)):
        if given > distinct:
            notes.append(f"{given - distinct} of {given} {name} rows repeat another of them ({distinct} distinct "
                         "rows): the privacy measures count each distinct row once, so repeats neither hide a leak "
                         "nor fake one")
    return notes


def small_reference_notes(n_ref: int, reference: str | None = None) -> list[str]:
    """A caveat when the privacy reference has fewer than :data:`MIN_REFERENCE_ROWS` distinct rows."""
    if n_ref >= MIN_REFERENCE_ROWS:
        return []
    where = f" ({reference} rows)" if reference else ""
    return [f"the privacy reference{where} has only {n_ref} distinct rows: near_copies and low_nndr compare "
            f"the records with its 5th percentile, which takes {MIN_REFERENCE_ROWS} rows or more to mean "
            "anything, so read them as rough; give a larger holdout"]


def far_below_notes(leakage: LeakageResult, reference: str) -> list[str]:
    """A note when the DCR share or a membership AUC of ``leakage`` lies wholly below :data:`FAR_BELOW`."""
    names = {"dcr_share": "DCR share", "mia_distance": "membership AUC (distance)",
             "mia_density": "membership AUC (density ratio)"}
    low = [f"{names[m.name]} {m.value:.3f} [{m.low:.3f}, {m.high:.3f}]" for m in leakage.measures
           if m.name in names and m.high < FAR_BELOW]
    if not low:
        return []
    return [f"the {leakage.source} records' {', '.join(low)} lie far below 0.5: the records sit much closer to "
            f"the {reference} rows than to the training rows. A sampling filter that keeps records away from the "
            "training rows (synthaug's privacy filter, sample --train) can do this, and that is no leak; otherwise "
            f"check that the synthetic table was not made from the {reference} rows (or from rows that include them)"]


def not_measurable(leakage: LeakageResult) -> None:
    """Mark every verdict of ``leakage`` inconclusive; the measured values stay for the record."""
    leakage.verdict = "inconclusive"
    for measure in leakage.measures:
        measure.verdict = "inconclusive"


def small_release_notes(leakage: LeakageResult) -> list[str]:
    """A note when ``leakage``'s records hold no exact copy, yet the exact-copies interval is wider than its
    tolerance: with fewer than about 400 records the overall verdict cannot be "no measurable leak"."""
    copies = next((m for m in leakage.measures if m.name == "exact_copies"), None)
    if copies is None or copies.verdict != "inconclusive" or copies.details.get("records_rate", 1.0) > 0:
        return []
    return [f"with {leakage.n_records} {leakage.source} records and no exact copy among them, the exact-copies "
            f"interval ({copies.low:.3f} to {copies.high:.3f}) is still wider than its tolerance "
            f"({copies.tolerance:g}): a release of fewer than about 400 records cannot get 'no measurable leak', "
            "at best 'inconclusive'"]
