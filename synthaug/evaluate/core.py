"""``evaluate``: utility, fidelity and privacy of one synthetic table in one call."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd
import torch
from sklearn.base import BaseEstimator
from threadpoolctl import threadpool_limits

from .._errors import warned
from .._random import RandomState, child_seed, numpy_generator
from ..privacy import leakage as _leakage
from .baselines import BASELINES, LABELS, smote_problem
from .canonical import canonical, encode_labels
from .caveats import (
    copies_notes,
    far_below_notes,
    missing_gap_notes,
    not_measurable,
    overlap_notes,
    small_release_notes,
    synthetic_overlap_notes,
)
from .classifiers import SEED_FREE, resolve_classifiers
from .column_notes import (
    absent_class_notes,
    classifier_features,
    identifier_columns,
    matching_notes,
    unseen_value_notes,
)
from .cost_notes import warn_if_slow
from .defaults import MAX_SYNTHETIC, N_JOBS, N_SEEDS, RATIOS
from .fidelity import fidelity_caveats, run_fidelity
from .fit_reads import as_fit_reads, table_digests
from .options import check_ratios_add_records, drop_columns
from .results import EvaluationResult, FidelityResult, LeakageResult, UtilityResult
from .run_options import RunOptions, check_run_options, one_seed_note, one_seed_warned
from .subsample import subsample_note, subsample_rows
from .tables import TableSchema, check_tables, target_notes
from .utility import additions_for, cached_baseline, run_utility
from .utility_notes import few_test_rows_notes

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
        is the reference (it must then be unseen by the generator too). The tables are read as ``fit``
        reads one: columns are matched by their names as text (column 7 is "7" in every table and
        in the report; two names equal as text are refused), and Decimal columns are numbers.
    classifiers
        Name -> scikit-learn classifier; None for logistic regression, random forest and
        histogram gradient boosting. See :mod:`synthaug.evaluate.utility`. A ``Pipeline`` gets the
        feature columns in canonical form (:mod:`.canonical`), not as given: numeric columns first
        (integers too, as float64; dates as seconds), then categorical ones as text (missing:
        ``"<missing>"``), and the labels as codes 0..K-1 in sorted class order. Select columns by name
        (a ``ColumnTransformer`` given column names), never by position.
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
        Test-set bootstrap replicates for the utility intervals, at least 100 (privacy uses 1000).
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
    records are training rows: a generator that copies them, or the resampled table passed?, synthetic
    records that copy test or holdout rows, a DCR share or membership AUC far below 0.5) are in
    the result's ``notes`` and are also
    issued as :class:`~synthaug.SynthaugWarning`. When half or more of the privacy reference is
    training rows (beyond the training table's own duplicates), every privacy verdict is
    "inconclusive": the measures would compare the records with training rows; so is it when a column's
    missing share differs between the training rows and the reference beyond chance (by more than
    0.03): the distances would measure the missing values. Likewise the synthetic
    records' privacy verdicts when they copy rows of the privacy reference (see :mod:`.caveats`). Three
    notes are not warned: that the test set is the privacy reference, that a release of fewer than
    about 400 records cannot get "no measurable leak", and how many training or reference rows repeat
    (the privacy measures count each distinct row once).
    """
    opts = check_run_options(ratios, baselines, n_seeds, primary_metric, sensitive, drop, categorical, continuous,
                             n_boot, detection_rows, max_synthetic, n_jobs, random_state)
    target = str(target)  # every column is named by its text, as fit names them
    tables = {"train": train, "test": test, "synthetic": synthetic, "holdout": holdout}
    tables = {name: as_fit_reads(f, name, target) for name, f in tables.items()}  # digested as read: data_sha256
    train, test, synthetic, holdout = drop_columns(opts.drop, target, *tables.values())
    schema, notes = _checked_tables(train, test, synthetic, holdout, target, opts)
    warn_if_slow(len(train), opts.baselines)
    steps = _Steps(progress, total=opts.n_seeds + 3 + len(opts.baselines))
    measured, cap_notes = _subsample(synthetic, schema, opts.max_synthetic, opts.seed, steps)
    notes += warned(cap_notes)
    data = _canonical_tables(train, test, measured, holdout, schema)
    overlap, privacy_measurable, synthetic_fair = _overlap_caveats(data, schema)
    notes += warned(overlap)
    features, column_notes = classifier_features(train, schema)
    notes += warned(column_notes + matching_notes(train, schema) + _unseen_values(train, data, schema))
    models = resolve_classifiers(classifiers, features)
    cache: dict = {}  # baseline records, made once for utility and privacy
    with _threads(opts.n_jobs):
        n_table = len(synthetic) if cap_notes else None
        utility = _utility(data, schema, features, models, opts, classifiers is None, steps, cache, n_table)
        fidelity, fidelity_notes = _fidelity(data, schema, opts, steps)
        real, privacy, privacy_notes = _privacy(data, schema, opts, steps, cache)
    privacy_notes = _privacy_caveats(privacy, privacy_notes, data.reference_name, privacy_measurable, synthetic_fair)
    privacy_notes += real.notes  # repeated rows: a fact, not warned (natural in a table of few categories)
    sizes = {"train": len(train), "test": len(test), "synthetic": len(synthetic), "reference": len(data.reference),
             "synthetic_measured": len(data.synthetic)}
    return EvaluationResult(
        target=target,
        reference=data.reference_name,
        sizes=sizes,
        classes=[str(c) for c in schema.classes],
        seed=opts.seed,
        options=opts.as_report(sensitive=real.sensitive, classifiers=models),
        utility=utility,
        fidelity=fidelity,
        privacy=privacy,
        notes=notes + utility.notes + fidelity_notes + privacy_notes,  # as they were warned
        data_sha256=table_digests(tables),
    )


def _checked_tables(train, test, synthetic, holdout, target, opts: RunOptions) -> tuple[TableSchema, list[str]]:
    """The tables' common schema, and the first notes: on the target, absent test classes, one seed
    (warned), and that the test set is the privacy reference (not warned)."""
    tables = {"test": test, "synthetic": synthetic, "holdout": holdout}
    schema = check_tables(train, target, tables, categorical=opts.categorical, continuous=opts.continuous)
    check_ratios_add_records(opts.ratios, len(train))
    notes = target_notes(train, target) + absent_class_notes(test, target, schema.classes)
    notes += few_test_rows_notes(test, target, schema.classes)
    seed_note = [one_seed_note()] if opts.n_seeds == 1 else []
    warned(notes + (seed_note if one_seed_warned() else []))  # share keeps it in its report only
    notes += seed_note
    if holdout is None:
        notes.append("no holdout given: the test set is the privacy reference (non-members)")
    return schema, notes


@dataclass(frozen=True)
class _Canonical:
    """The tables in canonical form (:func:`.canonical.canonical`), as every measure takes them."""

    train: pd.DataFrame
    test: pd.DataFrame
    synthetic: pd.DataFrame  # the records measured: a sample of the table when it is over the cap
    holdout: pd.DataFrame | None
    reference: pd.DataFrame  # the privacy reference (non-members): the holdout, else the test set
    reference_name: str


def _canonical_tables(train, test, measured, holdout, schema: TableSchema) -> _Canonical:
    train_c, test_c, synth_c = (canonical(f, schema) for f in (train, test, measured))
    if holdout is None:
        return _Canonical(train_c, test_c, synth_c, None, test_c, "test")
    same = holdout is test or (holdout.shape == test.shape and holdout.equals(test))  # share: one table for both
    holdout_c = test_c if same else canonical(holdout, schema)
    return _Canonical(train_c, test_c, synth_c, holdout_c, holdout_c, "holdout")


def _overlap_caveats(data: _Canonical, schema: TableSchema) -> tuple[list[str], bool, bool]:
    """Notes on real tables sharing rows, on a reference missing values unlike the training rows, and on
    synthetic records copying real rows; whether privacy is measurable at all (the reference is not mostly
    training rows, and misses values as they do) and whether the synthetic records' privacy is (they do not
    copy the reference)."""
    overlap, privacy_measurable = overlap_notes(data.train, data.test, data.holdout)
    unlike, comparable = missing_gap_notes(data.train, data.reference, schema.features, data.reference_name)
    copied, synthetic_fair = synthetic_overlap_notes(data.train, data.test, data.holdout, data.synthetic)
    notes = overlap + unlike + copies_notes(data.train, data.synthetic) + copied
    return notes, privacy_measurable and comparable, synthetic_fair


def _unseen_values(train: pd.DataFrame, data: _Canonical, schema: TableSchema) -> list[str]:
    """Notes on category columns of the other tables spelled unlike train's (identifier-like and formatted-number
    columns left out: their values differ anyway, and have notes of their own)."""
    skip = identifier_columns(train, schema) + schema.formatted
    others = {"synthetic": data.synthetic, "test": data.test}
    if data.holdout is not data.test:  # share measures on one table as both: one note, not two
        others["holdout"] = data.holdout
    return unseen_value_notes(data.train, others, schema, skip)


def _utility(data: _Canonical, schema: TableSchema, features: TableSchema, models: Mapping[str, BaseEstimator],
             opts: RunOptions, coded: bool, steps: _Steps, cache: dict, n_table: int | None) -> UtilityResult:
    """The utility measures (its notes warned); ``coded``: the default classifiers, which take codes."""
    utility = run_utility(
        data.train,
        data.test,
        data.synthetic,
        schema,
        features=features,
        classifiers=models,
        ratios=opts.ratios,
        baselines=opts.baselines,
        seeds=tuple(child_seed(opts.seed, 1, i) for i in range(opts.n_seeds)),
        n_boot=opts.n_boot,
        primary_metric=opts.primary_metric,
        seed=child_seed(opts.seed, 2),
        baseline_seed=child_seed(opts.seed, 5),
        n_jobs=opts.n_jobs,
        coded=coded,
        seed_free=SEED_FREE if coded else (),
        progress=steps,
        cache=cache,
        n_table=n_table,
    )
    warned(utility.notes)
    return utility


def _fidelity(data: _Canonical, schema: TableSchema, opts: RunOptions, steps: _Steps
              ) -> tuple[FidelityResult, list[str]]:
    """The fidelity measures and their caveats (warned)."""
    steps("fidelity")
    fidelity = run_fidelity(data.train, data.synthetic, schema, child_seed(opts.seed, 3), opts.detection_rows)
    fidelity_notes = fidelity_caveats(fidelity)
    warned(fidelity_notes)
    return fidelity, fidelity_notes


def _privacy(data: _Canonical, schema: TableSchema, opts: RunOptions, steps: _Steps, cache: dict
             ) -> tuple[_leakage.RealReference, list[LeakageResult], list[str]]:
    """The real rows' reference statistics, the leakage of the synthetic and baseline records, and
    notes on skipped baselines (not yet warned: see :func:`_privacy_caveats`)."""
    steps("privacy: reference distances")
    real = _leakage.prepare_reference(
        data.train,
        data.reference,
        schema,
        extra=[data.synthetic],
        sensitive=opts.sensitive,
        random_state=child_seed(opts.seed, 4),
        reference_name=data.reference_name,
    )
    privacy, notes = _leakages(real, data.train, data.synthetic, schema, opts.baselines, child_seed(opts.seed, 5),
                               cache, steps)
    return real, privacy, [*real.caveats, *notes]


def _privacy_caveats(privacy: list[LeakageResult], notes: list[str], reference_name: str, privacy_measurable: bool,
                     synthetic_fair: bool) -> list[str]:
    """``notes`` and the privacy caveats (warned, but for the small-release note), the verdicts that
    cannot be measured made inconclusive."""
    fair = synthetic_fair and privacy_measurable
    notes = notes + (far_below_notes(privacy[0], reference_name) if fair else [])
    warned(notes)
    notes += small_release_notes(privacy[0]) if fair else []  # what the data can show: a note, no warning
    # a reference of training rows hides every source's leakage; synthetic copies of it, the synthetic records'
    for leakage in privacy if not privacy_measurable else [] if synthetic_fair else privacy[:1]:
        not_measurable(leakage)
    return notes


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


def _leakages(real, train_c, synth_c, schema, baselines, baseline_seed, cache, steps):
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


