"""Does training with the records help a downstream classifier on the real test set?

Settings (training sets), each scored on the same real test set:

* ``real``: the real training rows only;
* ``real+synthetic@r``: real rows plus ``r * n_train`` synthetic records, drawn without
  replacement per class in the synthetic table's proportions. A ratio asking for more records
  than the synthetic table holds is capped at all of them, and a note says so with the ratio
  actually added; of several ratios that reach the cap only the smallest is run (with its
  baselines): the others would repeat it record for record, so they are left out, with a note,
  rather than reported as results at ratios that were never measured (see :func:`capped_ratios`);
* ``synthetic``: synthetic records only (train on synthetic, test on real);
* ``real+smote@r`` / ``real+ros@r``: real rows plus as many SMOTE / random-oversampling
  records per class as the synthetic draw at ratio ``r`` added, so every augmentation gets the
  same budget. Baseline records are made once per ratio (like the synthetic table, they are a
  fixed set); each seed redraws the synthetic subset and reseeds the classifiers.

Classifiers (pluggable, :mod:`.classifiers`): a name -> scikit-learn estimator mapping. A ``Pipeline`` gets the raw
feature table; any other estimator is wrapped after the default preprocessing (median
imputation with a missing indicator, standard scaling, one-hot encoding), dense for an estimator
whose scikit-learn tags do not say it takes sparse input (GaussianNB, LDA, gradient boosting). Defaults: logistic
regression (scaled, one-hot), random forest and histogram gradient boosting (ordinal-coded).

Intervals: every fit predicts the test set once; metrics are recomputed under ``n_boot``
multinomial resamplings of the test rows (the same resamplings for every fit, so differences
are paired). Each replicate also resamples the seeds. The uplift of a setting is the mean over
classifiers and seeds of (setting - real) and its 95% interval is the percentile interval of the
replicates; it therefore covers test-set sampling and training randomness, not the luck of
which rows ended up in the training table.
"""

from __future__ import annotations

import contextlib
import hashlib
import warnings
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from sklearn.base import BaseEstimator
from threadpoolctl import threadpool_limits

from .._errors import DataError
from .._random import child_seed, numpy_generator
from .._text import counted, one_line, quoted
from . import stats as _stats
from .baselines import baseline_records, smote_problem
from .canonical import encode_labels
from .classifiers import fit_predict
from .metrics import METRICS, bootstrap_weights, weighted_scores
from .results import Estimate, Uplift, UtilityResult
from .subsample import cap_option
from .tables import TableSchema
from .utility_notes import disagreement_notes

Progress = Callable[[str], None]


@dataclass
class _Setting:
    key: str
    frame: pd.DataFrame
    added: int


def additions_for(synthetic: pd.DataFrame, schema: TableSchema, n_add: int) -> dict:
    """{label: count} summing to ``n_add`` in the synthetic table's class proportions."""
    counts = synthetic[schema.target].value_counts()
    exact = counts.to_numpy(np.float64) * n_add / counts.sum()
    out = np.floor(exact).astype(int)
    out[np.argsort(out - exact, kind="stable")[: n_add - out.sum()]] += 1  # largest remainders
    return {label: int(n) for label, n in zip(counts.index, out, strict=True) if n > 0}


def stratified_draw(
    frame: pd.DataFrame, schema: TableSchema, additions: Mapping, rng: np.random.Generator
) -> pd.DataFrame:
    """``additions[label]`` rows of each class drawn without replacement."""
    labels = frame[schema.target].to_numpy()
    picks = [rng.choice(np.flatnonzero(labels == label), size=n, replace=False) for label, n in additions.items()]
    return frame.iloc[np.sort(np.concatenate(picks))]


def training_sets(
    train: pd.DataFrame,
    synthetic: pd.DataFrame,
    schema: TableSchema,
    ratios: Sequence[float],
    baselines: Sequence[str],
    seed: int,
    baseline_seed: int,
    cache: dict | None = None,
    n_table: int | None = None,
) -> tuple[list[_Setting], list[str]]:
    """The training tables of every setting for one seed, and notes on skipped settings.

    The synthetic draw changes with ``seed``; baseline records depend only on the ratio and
    ``baseline_seed`` (like the synthetic table, they are one fixed set of records). ``n_table``:
    the size of the table ``synthetic`` was subsampled from, if it was (for the notes).
    """
    rng = numpy_generator(child_seed(seed, 0))
    ratios, notes = capped_ratios(ratios, len(train), len(synthetic), baselines, n_table)
    settings = [_Setting("real", train, 0)]
    for ratio in ratios:
        additions = additions_for(synthetic, schema, min(len(synthetic), round(ratio * len(train))))
        draw = stratified_draw(synthetic, schema, additions, rng)
        settings.append(_Setting(f"real+synthetic@{ratio:g}", _concat(train, draw), len(draw)))
        for method in baselines:
            problem = smote_problem(train, schema, additions) if method == "smote" else None
            if problem:
                notes.append(f"real+{method}@{ratio:g} skipped: {problem}")
                continue
            records = cached_baseline(method, train, schema, additions, baseline_seed, cache)
            settings.append(_Setting(f"real+{method}@{ratio:g}", _concat(train, records), len(records)))
    if synthetic[schema.target].nunique() >= 2:
        settings.append(_Setting("synthetic", synthetic, len(synthetic)))
        made = set(synthetic[schema.target])
        absent = [c for c in schema.classes if c not in made]
        if absent:
            notes.append(
                f"the synthetic table has no records of class(es) {quoted(absent)}: synthetic-only "
                "classifiers never predict them (F1 and recall 0 for those classes)"
            )
    else:
        notes.append("synthetic-only training skipped: the synthetic table has a single class")
    return settings, notes


def capped_ratios(
    ratios: Sequence[float], n_train: int, n_synthetic: int, baselines: Sequence[str] = (), n_table: int | None = None
) -> tuple[list[float], list[str]]:
    """The ratios to run, and a note when some ask for more records than the synthetic table holds.

    Every ratio reaching ``n_synthetic`` adds all the synthetic records (and as many baseline
    records), so only the smallest of them is kept; the note names the records and the ratio it
    really adds, and the ratios left out. E.g. 2000 training rows, 500 synthetic, ratios (1, 5):
    ``[1]`` and "... real+synthetic@1 adds all of them (ratio 0.25 of 2000 training rows, not 1) ...;
    ratio 5 left out: it would add the same 500 records as @1". With ``n_table`` (the records are
    a sample of a larger table, see :mod:`.subsample`) the note says "the 500 synthetic records
    measured (of n_table) ..." instead.
    """
    reaching = [r for r in ratios if round(r * n_train) >= n_synthetic]
    if not reaching:
        return list(ratios), []
    kept = min(reaching)
    left_out = [r for r in reaching if r != kept]
    parts = []
    if round(kept * n_train) > n_synthetic:
        same = " and ".join(f"real+{method}@{kept:g}" for method in baselines)
        parts.append(f"real+synthetic@{kept:g} adds all of them (ratio {n_synthetic / n_train:.3g} of "
                     f"{n_train} training rows, not {kept:g})" + (f", and {same} as many" if same else ""))
    if left_out:
        names = " and ".join(f"{r:g}" for r in left_out)
        parts.append(f"ratio{'s' if len(left_out) > 1 else ''} {names} left out: "
                     f"{'they' if len(left_out) > 1 else 'it'} would add the same {counted(n_synthetic, 'record')} as "
                     f"@{kept:g}")
    has = (f"the synthetic table has {counted(n_synthetic, 'record')}" if n_table is None else
           f"the {n_synthetic} synthetic records measured (of {n_table}; {cap_option()} sets how many)")
    notes = [f"{has}: " + "; ".join(parts)] if parts else []
    return [r for r in ratios if r not in left_out], notes


def cached_baseline(
    method: str,
    train: pd.DataFrame,
    schema: TableSchema,
    additions: Mapping,
    seed: int,
    cache: dict | None,
) -> pd.DataFrame:
    """Baseline records, reused from ``cache`` when the same request was made before."""
    key = (method, tuple(sorted(additions.items(), key=str)), seed)
    if cache is not None and key in cache:
        return cache[key]
    records = baseline_records(method, train, schema, additions, seed)
    if cache is not None:
        cache[key] = records
    return records


def run_utility(
    train: pd.DataFrame,
    test: pd.DataFrame,
    synthetic: pd.DataFrame,
    schema: TableSchema,
    *,
    classifiers: Mapping[str, BaseEstimator],
    features: TableSchema | None = None,
    ratios: Sequence[float],
    baselines: Sequence[str],
    seeds: Sequence[int],
    n_boot: int,
    primary_metric: str,
    seed: int,
    baseline_seed: int,
    n_jobs: int = 1,
    coded: bool = False,
    seed_free: Collection[str] = (),
    progress: Progress | None = None,
    cache: dict | None = None,
    n_table: int | None = None,
) -> UtilityResult:
    """Fit every classifier in every setting for every seed and summarise paired uplifts.

    With ``n_jobs`` > 1 the fits of one seed run in that many threads (scikit-learn and numpy
    release the GIL in their inner loops), each with single-threaded BLAS and OpenMP. With
    ``coded`` the classifiers see categories as integer codes (the default pipelines encode
    them the same way, several times faster than from text). Classifiers named in
    ``seed_free`` ignore their seed (logistic regression with lbfgs): each is fitted once per
    distinct training table and its scores reused for the other seeds. ``features``: the schema of
    the columns the classifiers see (default ``schema``; :func:`~.tables.without_columns` of it).
    ``n_table``: the size of the table ``synthetic`` was subsampled from, if it was (for the notes).
    """
    vocabulary = category_codes([train, test, synthetic], schema) if coded else None
    y_test = encode_labels(test[schema.target], schema)
    test = _recode(test, vocabulary)
    weights = np.vstack(
        [np.ones((1, len(test)), np.float32), bootstrap_weights(len(test), n_boot, numpy_generator(seed))]
    )
    fitter = _Fitter(classifiers, test, features or schema, y_test, weights, vocabulary, seed_free, n_jobs)
    boot: dict[str, dict[str, list[dict[str, np.ndarray]]]] = {}
    added: dict[str, list[int]] = {}
    notes: list[str] = []
    for s_index, s in enumerate(seeds):
        if progress:
            progress(f"utility: seed {s_index + 1} of {len(seeds)}")
        settings, seed_notes = training_sets(train, synthetic, schema, ratios, baselines, s, baseline_seed, cache,
                                             n_table)
        notes.extend(n for n in seed_notes if n not in notes)
        for key, name, scores in fitter.scores(settings, s):
            boot.setdefault(key, {}).setdefault(name, []).append(scores)
        for setting in settings:
            added.setdefault(setting.key, []).append(setting.added)
    return _summarise(boot, added, list(classifiers), seeds, primary_metric, seed, notes)


class _Fitter:
    """Fits every classifier on the training tables of one seed at a time and scores it on the test set.

    The fits of a seed run in ``n_jobs`` threads (each with single-threaded BLAS and OpenMP when
    there are several). A classifier named in ``seed_free`` is fitted once per distinct training
    table: its scores are reused for the same table under another seed or setting.
    """

    def __init__(self, classifiers: Mapping[str, BaseEstimator], test: pd.DataFrame, schema: TableSchema,
                 y_test: np.ndarray, weights: np.ndarray, vocabulary: dict[str, pd.Index] | None,
                 seed_free: Collection[str], n_jobs: int) -> None:
        self.classifiers, self.test, self.schema, self.y_test, self.weights = classifiers, test, schema, y_test, weights
        self.vocabulary, self.seed_free, self.n_jobs = vocabulary, seed_free, n_jobs
        self.parallel = Parallel(n_jobs=n_jobs, backend="threading")
        self.fitted: dict = {}  # (classifier, table hash) or (classifier, setting, seed) -> scores

    def scores(self, settings: Sequence[_Setting], seed: int) -> list[tuple[str, str, dict[str, np.ndarray]]]:
        """(setting, classifier, scores) for every setting and classifier, in that order."""
        frames = {setting.key: _recode(setting.frame, self.vocabulary) for setting in settings}
        jobs = [(setting.key, name, estimator) for setting in settings for name, estimator in self.classifiers.items()]
        keys = [(name, _table_hash(frames[key])) if name in self.seed_free else (name, key, seed)
                for key, name, _ in jobs]
        todo = [i for i, key in enumerate(keys) if key not in self.fitted]
        with threadpool_limits(limits=1) if self.n_jobs > 1 else contextlib.nullcontext(), warnings.catch_warnings():
            # the default forest's max_samples=0.5 on under 20 rows: scikit-learn's advice to pass a count,
            # shown to a user who passed nothing (the filter is set here, in the thread that joins the fits)
            warnings.filterwarnings("ignore", message="Using the fractional value max_samples", category=UserWarning)
            scores = self.parallel(
                delayed(_fit_score)(jobs[i][1], jobs[i][0], jobs[i][2], frames[jobs[i][0]], self.test, self.schema,
                                    seed, self.y_test, self.weights)
                for i in todo
            )
        self.fitted.update({keys[i]: score for i, score in zip(todo, scores, strict=True)})
        return [(key, name, self.fitted[fit]) for (key, name, _), fit in zip(jobs, keys, strict=True)]


def _table_hash(frame: pd.DataFrame) -> str:
    """Content hash of a table (row order included)."""
    return hashlib.sha256(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes()).hexdigest()


def category_codes(frames: Sequence[pd.DataFrame], schema: TableSchema) -> dict[str, pd.Index]:
    """Every category seen in ``frames``, per categorical column (for :func:`_recode`)."""
    return {
        c: pd.Index(np.unique(np.concatenate([f[c].to_numpy(dtype=object) for f in frames]).astype(str)))
        for c in schema.categorical
    }


def _recode(frame: pd.DataFrame, vocabulary: dict[str, pd.Index] | None) -> pd.DataFrame:
    """Categorical columns as integer codes of ``vocabulary`` (-1 if unknown); None: unchanged."""
    if vocabulary is None:
        return frame
    codes = {c: vocabulary[c].get_indexer(frame[c].astype(str)) for c in vocabulary}
    return frame.assign(**codes)


def _fit_score(name, setting, estimator, frame, test, schema, seed, y_test, weights) -> dict[str, np.ndarray]:
    """Scores of classifier ``name`` trained on ``setting``; its failure as one line naming both."""
    try:
        proba = fit_predict(estimator, frame, test, schema, seed)
    except Exception as exc:  # a user's estimator can raise anything; the original stays chained
        raise DataError(f"classifier {name!r} failed on {setting}: {type(exc).__name__}: {one_line(exc)}") from exc
    return weighted_scores(y_test, proba, weights)


def _summarise(boot, added, classifiers, seeds, primary_metric, seed, notes) -> UtilityResult:
    rng = numpy_generator(child_seed(seed, 2))
    n_rep = next(iter(boot["real"].values()))[0][METRICS[0]].shape[0] - 1
    seed_draws = rng.integers(0, len(seeds), size=(n_rep, len(seeds)))  # (B, S)
    scores = {
        key: {c: {m: [float(s[m][0]) for s in runs] for m in METRICS} for c, runs in per.items()}
        for key, per in boot.items()
    }
    scores.setdefault("synthetic", {})  # synthetic-only training skipped (one class): present, and empty
    uplifts, verdicts = [], {}
    for key in boot:
        if key == "real":
            continue
        for metric in METRICS:
            diff = np.stack(
                [
                    np.stack([b[metric] - r[metric] for b, r in zip(boot[key][c], boot["real"][c], strict=True)])
                    for c in classifiers
                ]
            )  # (C, S, 1 + B)
            for name, block in [("all", diff), *((c, diff[i : i + 1]) for i, c in enumerate(classifiers))]:
                with warnings.catch_warnings():  # a metric undefined on a draw (one class): NaN, ignored below
                    warnings.filterwarnings("ignore", "Mean of empty slice", RuntimeWarning)
                    point = float(np.nanmean(block[:, :, 0]))
                    reps = np.nanmean(block[:, seed_draws, np.arange(1, n_rep + 1)[:, None]], axis=(0, 2))
                low, high = _stats.percentile_interval(reps)
                method = f"test-set bootstrap ({n_rep}) x seeds, percentile"
                verdict = _stats.effect_verdict(low, high)
                uplifts.append(Uplift(key, metric, name, Estimate(point, low, high, method), verdict))
                if name == "all" and metric == primary_metric:
                    verdicts[key] = verdict
    return UtilityResult(
        metrics=METRICS,
        primary_metric=primary_metric,
        classifiers=tuple(classifiers),
        settings=tuple(boot),
        seeds=tuple(seeds),
        scores=scores,
        uplifts=uplifts,
        verdicts=verdicts,
        added_rows={k: float(np.mean(v)) for k, v in added.items()},
        notes=notes + disagreement_notes(uplifts),
    )


def _concat(real: pd.DataFrame, extra: pd.DataFrame) -> pd.DataFrame:
    return pd.concat([real, extra[list(real.columns)]], ignore_index=True)
