"""``evaluate``: utility, fidelity and privacy of one synthetic table in one call."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextvars import ContextVar

import pandas as pd
import torch
from sklearn.base import BaseEstimator
from threadpoolctl import threadpool_limits

from .._errors import warn
from .._random import RandomState, child_seed, draw_seed, numpy_generator
from .._text import option_name
from ..privacy import leakage as _leakage
from ..tabular.schema import check_option_conflicts
from .baselines import BASELINES, LABELS, smote_problem
from .canonical import canonical, encode_labels
from .caveats import (
    copies_notes,
    far_below_notes,
    not_measurable,
    overlap_notes,
    small_release_notes,
    synthetic_overlap_notes,
)
from .column_notes import absent_class_notes, classifier_features, matching_notes
from .defaults import MAX_SYNTHETIC, N_JOBS, N_SEEDS, RATIOS
from .fidelity import fidelity_caveats, run_fidelity
from .options import as_int, as_ratios, check_detection_rows, check_options, check_ratios_add_records, drop_columns
from .results import EvaluationResult
from .subsample import check_max_synthetic, subsample_note, subsample_rows
from .tables import as_names, check_tables, target_notes
from .utility import SEED_FREE, additions_for, cached_baseline, resolve_classifiers, run_utility

_SEEDS_KEY: ContextVar[str] = ContextVar("_SEEDS_KEY", default="evaluate.seeds")


@contextlib.contextmanager
def seeds_key(key: str) -> Iterator[None]:
    """Within it, the one-seed note names the recipe key ``key``: ``share.seeds`` for a release's evaluation."""
    token = _SEEDS_KEY.set(key)
    try:
        yield
    finally:
        _SEEDS_KEY.reset(token)


def one_seed_note() -> str:
    """The note on a one-seed evaluation, naming the seeds option as the user spells it."""
    seeds = option_name("n_seeds=1", "--seeds 1", f"{_SEEDS_KEY.get()} = 1")
    return (f"one seed ({seeds}): the utility intervals cover test-set sampling only, not the variation between "
            "refits (classifier seeds, synthetic draws), so the utility verdicts may be too firm; use 3 or more seeds")


NOT_MEASURABLE = 0.5
"""From this excess share of training rows in the privacy reference on, privacy verdicts are inconclusive."""

ProgressCallback = Callable[[str, int, int], None]
"""Called as ``progress(description, steps_done, steps_total)`` before each step."""


def evaluate(
    train: pd.DataFrame,
    test: pd.DataFrame,
    synthetic: pd.DataFrame,
    target: str,
    holdout: pd.DataFrame | None = None,
    *,
    classifiers: Mapping[str, BaseEstimator] | None = None,
    ratios: Sequence[float] = RATIOS,
    baselines: Sequence[str] | str = BASELINES,
    n_seeds: int = N_SEEDS,
    primary_metric: str = "macro_f1",
    sensitive: Sequence[str] | None = None,
    drop: Sequence[str] | None = None,
    categorical: Sequence[str] = (),
    continuous: Sequence[str] = (),
    n_boot: int = 500,
    detection_rows: int = 5000,
    max_synthetic: int | None = MAX_SYNTHETIC,
    n_jobs: int = N_JOBS,
    random_state: RandomState = None,
    progress: ProgressCallback | None = None,
) -> EvaluationResult:
    """Measure what ``synthetic`` records do to a classifier, how real they look, what they leak.

    Parameters
    ----------
    train, test, synthetic, holdout
        DataFrames with the same columns, each including ``target``. ``train`` is what the
        generator learned from; ``test`` scores the classifiers; ``holdout`` holds real rows
        the generator never saw and is the privacy reference. Without a holdout the test set
        is the reference (it must then be unseen by the generator too).
    classifiers
        Name -> scikit-learn classifier; None for logistic regression, random forest and
        histogram gradient boosting. See :mod:`synthaug.evaluate.utility`.
    ratios
        Synthetic (and baseline) records added per real training row, one setting each.
    baselines
        Among ``("smote", "ros")``: oversampling baselines run through the same measures; one name
        may be given as a string, ``()`` runs none.
    n_seeds
        Repetitions of every fit (classifier seeds, synthetic draws, baseline records).
    primary_metric
        The metric behind the utility verdicts: one of ``macro_f1``, ``balanced_accuracy``,
        ``roc_auc``.
    sensitive
        Columns for the attribute-inference attack (default: the target); one name may be
        given as a string.
    drop
        Columns to leave out of every table, e.g. those a model left out of the synthetic table
        (identifier-like columns); one name may be given as a string. A name in no table is an
        error.
    categorical, continuous
        Columns to compare as categories / as numbers whatever their values look like, as ``fit``
        takes them (e.g. a numeric zip code as categories): in every measure (classifier
        features, record distances, marginals, associations, plots). One name may be given as a
        string.
    n_boot
        Test-set bootstrap replicates for the utility intervals (privacy uses 1000).
    detection_rows
        At most this many real and synthetic rows train the real-vs-synthetic detector (at least 50).
    max_synthetic
        At most this many synthetic records are measured: a larger table is checked whole, then
        every measure (utility, fidelity, privacy) works on a seeded random sample of this many
        of its records, drawn per class in the table's class proportions, and a note says so
        (see :mod:`synthaug.evaluate.subsample`). Memory and time then stay bounded whatever the
        table's size. None measures every record. A table at or below the cap is used whole.
    n_jobs
        Threads: classifier fits run this many at a time, and the distance computations use
        this many torch threads (BLAS and OpenMP are limited to it as well).
    random_state
        Seed (int), numpy Generator or RandomState (a seed is drawn from it), or None for fresh
        entropy; the seed used is in the result.
    progress
        Optional callback, see :data:`ProgressCallback`.

    Missing values: a missing category is a category of its own everywhere; a missing number
    is imputed with the training median plus a missing indicator for the classifiers, counts in
    a column's marginal distance through the difference in missing share, and is a distance of
    at least one category mismatch from any present number in the privacy measures. A missing
    target is an error.

    Caveats (one seed, a class with no test rows, a class the synthetic table lacks, a skipped baseline,
    test or holdout rows identical to training rows, a synthetic table more than half of whose
    records are training rows: the resampled table passed instead of the synthetic records?, synthetic
    records that copy test or holdout rows, a DCR share or membership AUC far below 0.5) are in
    the result's ``notes`` and are also
    issued as :class:`~synthaug.SynthaugWarning`. When half or more of the privacy reference is
    training rows (beyond the training table's own duplicates), every privacy verdict is
    "inconclusive": the measures would compare the records with training rows. Likewise the synthetic
    records' privacy verdicts when they copy rows of the privacy reference (see :mod:`.caveats`). Two
    notes are not warned: that the test set is the privacy reference, and that a release of fewer than
    about 400 records cannot get "no measurable leak".
    """
    ratios, n_seeds, n_boot, n_jobs = as_ratios(ratios), *(as_int(v) for v in (n_seeds, n_boot, n_jobs))
    baselines, detection_rows = as_names(baselines) or (), as_int(detection_rows)
    check_options(ratios, baselines, n_seeds, primary_metric, n_boot, n_jobs)
    check_detection_rows(detection_rows)
    check_max_synthetic(max_synthetic)
    seed = draw_seed(random_state)  # a seed out of 0..2**64 - 1 is refused here, as everywhere (check_seed)
    sensitive = as_names(sensitive)
    drop = as_names(drop)
    categorical, continuous = as_names(categorical) or (), as_names(continuous) or ()
    check_option_conflicts(categorical=categorical, continuous=continuous, drop=drop or ())
    train, test, synthetic, holdout = drop_columns(drop, target, train, test, synthetic, holdout)
    tables = {"test": test, "synthetic": synthetic, "holdout": holdout}
    schema = check_tables(train, target, tables, categorical=categorical, continuous=continuous)
    check_ratios_add_records(ratios, len(train))
    notes = target_notes(train, target) + absent_class_notes(test, target, schema.classes)
    notes += [one_seed_note()] if n_seeds == 1 else []
    _warn(notes)
    if holdout is None:
        notes.append("no holdout given: the test set is the privacy reference (non-members)")
    steps = _Steps(progress, total=n_seeds + 3 + len(baselines))
    measured, cap_notes = _subsample(synthetic, schema, max_synthetic, seed, steps)
    _warn(cap_notes)
    notes += cap_notes
    train_c, test_c, synth_c = (canonical(f, schema) for f in (train, test, measured))
    reference_name = "holdout" if holdout is not None else "test"
    reference_c = canonical(holdout, schema) if holdout is not None else test_c
    holdout_c = reference_c if holdout is not None else None
    overlap, privacy_measurable = overlap_notes(train_c, test_c, holdout_c)
    copied, synthetic_fair = synthetic_overlap_notes(train_c, test_c, holdout_c, synth_c)
    overlap += copies_notes(train_c, synth_c) + copied
    _warn(overlap)
    notes += overlap
    features, column_notes = classifier_features(train, schema)
    column_notes += matching_notes(train, schema)
    _warn(column_notes)
    notes += column_notes
    models = resolve_classifiers(classifiers, features)
    seeds = tuple(child_seed(seed, 1, i) for i in range(n_seeds))
    cache: dict = {}
    with _threads(n_jobs):
        utility = run_utility(
            train_c,
            test_c,
            synth_c,
            schema,
            features=features,
            classifiers=models,
            ratios=ratios,
            baselines=baselines,
            seeds=seeds,
            n_boot=n_boot,
            primary_metric=primary_metric,
            seed=child_seed(seed, 2),
            baseline_seed=child_seed(seed, 5),
            n_jobs=n_jobs,
            coded=classifiers is None,
            seed_free=SEED_FREE if classifiers is None else (),
            progress=steps,
            cache=cache,
            n_table=len(synthetic) if cap_notes else None,
        )
        _warn(utility.notes)
        steps("fidelity")
        fidelity = run_fidelity(train_c, synth_c, schema, child_seed(seed, 3), detection_rows)
        fidelity_notes = fidelity_caveats(fidelity)
        _warn(fidelity_notes)
        steps("privacy: reference distances")
        real = _leakage.prepare_reference(
            train_c,
            reference_c,
            schema,
            extra=[synth_c],
            sensitive=sensitive,
            random_state=child_seed(seed, 4),
        )
        privacy, privacy_notes = _privacy(real, train_c, synth_c, schema, baselines, child_seed(seed, 5), cache, steps)
    fair = synthetic_fair and privacy_measurable
    privacy_notes += far_below_notes(privacy[0], reference_name) if fair else []
    _warn(privacy_notes)
    privacy_notes += small_release_notes(privacy[0]) if fair else []  # what the data can show: a note, no warning
    # a reference of training rows hides every source's leakage; synthetic copies of it, the synthetic records'
    for leakage in privacy if not privacy_measurable else [] if synthetic_fair else privacy[:1]:
        not_measurable(leakage)
    return EvaluationResult(
        target=target,
        reference=reference_name,
        sizes={"train": len(train), "test": len(test), "synthetic": len(synthetic), "reference": len(reference_c),
               "synthetic_measured": len(synth_c)},
        classes=[str(c) for c in schema.classes],
        seed=seed,
        options={
            "ratios": list(ratios),
            "baselines": list(baselines),
            "n_seeds": n_seeds,
            "primary_metric": primary_metric,
            "sensitive": list(real.sensitive),
            "drop": list(drop or ()),
            "categorical": list(categorical),
            "continuous": list(continuous),
            "n_boot": n_boot,
            "classifiers": list(models),
            "max_synthetic": max_synthetic,
        },
        utility=utility,
        fidelity=fidelity,
        privacy=privacy,
        notes=notes + utility.notes + fidelity_notes + privacy_notes,  # as they were warned
    )


def _subsample(synthetic, schema, max_synthetic, seed, steps) -> tuple[pd.DataFrame, list[str]]:
    """``synthetic`` cut down to ``max_synthetic`` records and a note saying so, or as given (no
    note) when it is at or below the cap."""
    if max_synthetic is None or len(synthetic) <= max_synthetic:
        return synthetic, []
    steps.total += 1
    steps(f"synthetic: drawing {max_synthetic:,} of {len(synthetic):,} records")
    codes = encode_labels(synthetic[schema.target], schema)
    rows = subsample_rows(codes, max_synthetic, numpy_generator(child_seed(seed, 6)))
    return synthetic.iloc[rows].reset_index(drop=True), [subsample_note(len(rows), len(synthetic))]


def _privacy(real, train_c, synth_c, schema, baselines, baseline_seed, cache, steps):
    """Leakage of the synthetic records, then of as many baseline records per class.

    When the utility settings already made baseline records with the same budget (a ratio
    that used every synthetic record) those very records are measured.
    """
    steps("privacy: synthetic records")
    results = [_leakage.measure_leakage(real, synth_c, "synthetic")]
    notes = []
    additions = additions_for(synth_c, schema, len(synth_c))
    for method in baselines:
        steps(f"privacy: {LABELS[method]} records")
        problem = smote_problem(train_c, schema, additions) if method == "smote" else None
        if problem:
            notes.append(f"{LABELS[method]} privacy skipped: {problem}")
            continue
        records = cached_baseline(method, train_c, schema, additions, baseline_seed, cache)
        results.append(_leakage.measure_leakage(real, records, LABELS[method]))
    return results, notes


def _warn(notes: Sequence[str]) -> None:
    """Each caveat of the result also as a SynthaugWarning (the CLI prints ``warning:`` lines)."""
    for note in notes:
        warn(note)


class _Steps:
    """Counts progress steps and forwards them to the user's callback."""

    def __init__(self, callback: ProgressCallback | None, total: int) -> None:
        self.callback, self.total, self.done = callback, total, 0

    def __call__(self, description: str) -> None:
        if self.callback is not None:
            self.callback(description, self.done, self.total)
        self.done += 1


@contextlib.contextmanager
def _threads(n_jobs: int) -> Iterator[None]:
    previous = torch.get_num_threads()
    torch.set_num_threads(n_jobs)
    try:
        with threadpool_limits(limits=n_jobs):
            yield
    finally:
        torch.set_num_threads(previous)


