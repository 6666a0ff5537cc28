"""``evaluate``: utility, fidelity and privacy of one synthetic table in one call."""

from __future__ import annotations

import contextlib
import math
import numbers
from collections.abc import Callable, Iterator, Mapping, Sequence

import pandas as pd
import torch
from sklearn.base import BaseEstimator
from threadpoolctl import threadpool_limits

from .._checks import is_whole
from .._errors import DataError, warn
from .._random import RandomState, child_seed, draw_seed, numpy_generator
from .._text import closest_name, columns_option, option_name, quoted
from ..privacy import leakage as _leakage
from ..tabular.schema import CONVERT, FORMATTED, check_option_conflicts
from .baselines import BASELINES, LABELS, smote_problem
from .caveats import (
    copies_notes,
    far_below_notes,
    not_measurable,
    overlap_notes,
    small_release_notes,
    synthetic_overlap_notes,
)
from .defaults import MAX_SYNTHETIC, N_JOBS, N_SEEDS, RATIOS
from .fidelity import fidelity_caveats, run_fidelity
from .metrics import METRICS
from .results import EvaluationResult
from .subsample import check_max_synthetic, subsample_note, subsample_rows
from .tables import (
    TableSchema,
    as_names,
    canonical,
    check_tables,
    empty_columns,
    encode_labels,
    identifier_columns,
    target_notes,
    without_columns,
)
from .utility import SEED_FREE, additions_for, cached_baseline, resolve_classifiers, run_utility


def one_seed_note() -> str:
    """The note on a one-seed evaluation, naming the seeds option as the user spells it."""
    seeds = option_name("n_seeds=1", "--seeds 1", "evaluate.seeds = 1, or share.seeds in a [share] run")
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
    ratios, n_seeds, n_boot, n_jobs = _as_ratios(ratios), *(_as_int(v) for v in (n_seeds, n_boot, n_jobs))
    baselines, detection_rows = as_names(baselines) or (), _as_int(detection_rows)
    _check_options(ratios, baselines, n_seeds, primary_metric, n_boot, n_jobs)
    _check_detection_rows(detection_rows)
    check_max_synthetic(max_synthetic)
    seed = draw_seed(random_state)  # a seed out of 0..2**64 - 1 is refused here, as everywhere (check_seed)
    sensitive = as_names(sensitive)
    drop = as_names(drop)
    categorical, continuous = as_names(categorical) or (), as_names(continuous) or ()
    check_option_conflicts(categorical=categorical, continuous=continuous, drop=drop or ())
    train, test, synthetic, holdout = _drop_columns(drop, target, train, test, synthetic, holdout)
    tables = {"test": test, "synthetic": synthetic, "holdout": holdout}
    schema = check_tables(train, target, tables, categorical=categorical, continuous=continuous)
    _check_ratios_add_records(ratios, len(train))
    notes = target_notes(train, target) + _test_notes(test, target, schema.classes)
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
    features, column_notes = _features(train, schema)
    column_notes += _identifier_notes(train, schema)
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


def _features(train: pd.DataFrame, schema: TableSchema) -> tuple[TableSchema, list[str]]:
    """The schema of the classifiers' features: without the columns that have no value in train
    (nothing to learn; gradient boosting fails on them), and a note naming those."""
    empty = empty_columns(train, schema)
    if not empty:
        return schema, []
    if len(empty) == len(schema.features):
        raise DataError(f"train: every feature column is empty (no values in {quoted(empty)}); nothing to classify "
                        "from")
    return without_columns(schema, empty), [
        f"column(s) {quoted(empty)} have no value in train: left out of the classifiers' features (fidelity "
        f"still compares their missing share); leave them out of every table with {columns_option('drop', empty)}"]


def _identifier_notes(train: pd.DataFrame, schema: TableSchema) -> list[str]:
    """A note on identifier-like columns (:func:`~.tables.identifier_columns`), which distances and
    classifiers would match records by."""
    ids, notes = identifier_columns(train, schema), [_formatted_note(schema.formatted)] if schema.formatted else []
    if not ids:
        return notes
    return notes + [
        f"column(s) {quoted(ids)} have a different value in nearly every training row, like identifiers: the privacy "
        "measures and classifiers then match records by them (synthetic ids that reuse training ids read as leaks); if "
        f"they are identifiers, leave them out of every table with {columns_option('drop', ids)} (fit leaves out "
        "identifier-like columns)"]


def _formatted_note(columns: Sequence[str]) -> str:
    return (f"column(s) {quoted(columns)} look like {FORMATTED}, so they are compared as categories (a "
            f"different amount is a different category); {CONVERT}, in every table")


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


def _test_notes(test: pd.DataFrame, target: str, classes: tuple) -> list[str]:
    present = set(pd.unique(test[target]))
    if len(present) < 2:
        raise DataError(f"test: target column {target!r} has a single class; scores need two")
    absent = [c for c in classes if c not in present]
    if absent:
        shown = quoted(absent)
        return [f"class(es) {shown} have no test rows and are left out of the macro averages"]
    return []


def _drop_columns(drop, target, *frames):
    """``frames`` without the ``drop`` columns (where they have them); None and non-frames as given."""
    if not drop:
        return frames
    tables = [f for f in frames if isinstance(f, pd.DataFrame)]
    columns = {str(c) for f in tables for c in f.columns}
    for name in drop:
        if name == target:
            raise DataError(f"{option_name('drop')}: {name!r} is the target column")
        if name not in columns:
            raise DataError(f"{option_name('drop')}: no column {name!r} in any table{closest_name(str(name), columns)}")
    return tuple(
        f.drop(columns=[c for c in f.columns if c in set(drop)]) if isinstance(f, pd.DataFrame) else f for f in frames
    )


def _ratios_option() -> str:
    """``ratios`` as the user spells it: ``--ratio`` (given once per ratio), ``evaluate.ratios`` in a recipe."""
    return option_name("ratios", "--ratio", "evaluate.ratios")


def _check_ratios_add_records(ratios: Sequence[float], n_train: int) -> None:
    for ratio in ratios:
        if round(ratio * n_train) < 1:
            raise DataError(
                f"{_ratios_option()}: {ratio:g} of {n_train} training rows adds no synthetic record; "
                f"use a ratio above {0.5 / n_train:.3g}"
            )


def _as_ratios(ratios) -> tuple:
    """Any sequence or array of real numbers as a tuple of floats; other values as given, for the check."""
    if isinstance(ratios, (str, bytes)) or not hasattr(ratios, "__iter__"):
        return (ratios,) if ratios is not None else ()
    return tuple(float(r) if isinstance(r, numbers.Real) and not isinstance(r, bool) else r for r in ratios)


def _as_int(value):
    """A numpy integer as an int; other values as given, for the check."""
    return int(value) if is_whole(value) else value


MIN_DETECTION_ROWS = 50
"""The least ``detection_rows``: fewer real and synthetic rows give the detector's folds next to nothing."""


def _check_detection_rows(detection_rows) -> None:
    if not isinstance(detection_rows, int) or isinstance(detection_rows, bool) or detection_rows < MIN_DETECTION_ROWS:
        raise DataError(f"detection_rows must be an integer of at least {MIN_DETECTION_ROWS}, got {detection_rows!r}")


def _check_options(ratios, baselines, n_seeds, primary_metric, n_boot, n_jobs) -> None:
    if not ratios or any(not (isinstance(r, (int, float)) and 0 < r < math.inf) for r in ratios):
        raise DataError(f"{_ratios_option()} must be positive finite numbers, got {list(ratios)!r}")
    names = [f"{r:g}" for r in ratios]  # the settings are named after them
    repeated = next((r for r, name in zip(ratios, names, strict=True) if names.count(name) > 1), None)
    if repeated is not None:
        raise DataError(f"{_ratios_option()}: {repeated:g} is given more than once, got {list(ratios)!r}")
    unknown = [b for b in baselines if b not in BASELINES]
    if unknown:
        name = option_name("baselines", recipe="evaluate.baselines")
        raise DataError(f"{name}: unknown baseline {unknown[0]!r}; use any of {list(BASELINES)}")
    if not isinstance(n_seeds, int) or isinstance(n_seeds, bool) or n_seeds < 1:
        raise DataError(f"{option_name('n_seeds', '--seeds', 'evaluate.seeds')} must be a positive integer, "
                        f"got {n_seeds!r}")
    if primary_metric not in METRICS:
        raise DataError(f"primary_metric must be one of {list(METRICS)}, got {primary_metric!r}")
    if not isinstance(n_boot, int) or isinstance(n_boot, bool) or n_boot < 100:
        raise DataError(f"n_boot must be an integer of at least 100, got {n_boot!r}")
    if not isinstance(n_jobs, int) or isinstance(n_jobs, bool) or n_jobs < 1:
        raise DataError(f"n_jobs must be a positive integer, got {n_jobs!r}")
