"""What released records reveal about the training rows, measured against real non-members.

Every risk compares the *training* rows (members) with *reference* rows: real records from
the same population that the generator never saw (the holdout). A risk is reported as a
statistic with a 95% interval, the value expected when nothing leaks (``null``), and a verdict:
"leaks" when the whole interval lies more than a tolerance above the null.

Both real sets are taken as sets of *distinct* rows (positions): a row given more than once (a
repeated patient row) counts once, as a member, a non-member, a cluster of the DCR share and a
neighbour. Counted by rows, repeats moved the DCR share's null (a fresh record's nearest real row is
a training row with a chance set by the count of distinct positions, not of rows: fresh records read
0.33 against training rows given twice, and 0.66 "leaks" against a holdout given twice) and made the
second-nearest training row of a copy the same row again (NNDR 1). Counting distinct rows changes
nothing on tables without repeats. :func:`~synthaug.evaluate.caveats.repeated_rows_notes` says how many rows repeat.

Measures (distances from :mod:`synthaug.evaluate.distances`, all rows, vectorised; each risk's
statistic, interval and verdict in :mod:`synthaug.evaluate.leakage_measures`):

* ``dcr_share``: share of records whose nearest real row is a training row rather than a
  reference row (ties count one half), size-balanced so that 0.5 is the null whatever the two
  set sizes: with raw share ``s`` over ``n_t`` training and ``n_r`` reference rows it reports
  ``(s / n_t) / (s / n_t + (1 - s) / n_r)``. A record drawn independently of the training rows
  is nearest to any of the ``n_t + n_r`` real rows with equal chance, so ``s`` is then
  ``n_t / (n_t + n_r)`` on average and the balanced share 0.5; copies of training rows give 1.
  Interval: cluster bootstrap over real rows (a cluster is a real row with the records it is
  nearest to), which also reflects the chance layout of the real rows, widened to include the
  Wilson interval of the raw share over the records (which rules for a handful of records).
* ``exact_copies`` / ``near_copies`` / ``low_nndr``: excess of the share of records that are
  exact copies of a training row / closer to it than 95% of reference rows are / have a
  nearest-to-second-nearest (distinct) training row distance ratio (0 on a training row) below the
  reference rows' 5th percentile, over the same share among reference rows (each held against the
  percentile of the other reference rows: see :func:`~synthaug.evaluate.leakage_measures.tail_hits`).
  Interval: Newcombe's hybrid score interval. Fewer than 20 distinct reference rows leave no 5th
  percentile worth the name: a note says so.
* ``mia_distance``: AUC of a membership attack scoring a real row by minus its distance to
  the nearest record. ``mia_density``: AUC of a density-ratio attack in the spirit of DOMIAS
  (van Breugel et al., 2023): log of the k-NN radius among reference rows minus log of the
  distance to the nearest record, i.e. a nearest-neighbour estimate of
  p_records(x) / p_population(x); reference radii are cross-fitted on two halves of the
  reference rows so no row is scored against itself. Interval: DeLong (spanning Wilson's
  too below 30 rows in a group, and Wilson's alone at a perfect separation).
* ``attribute_inference[col]``: an attacker who knows every other column takes ``col`` from
  the nearest record; excess of its success rate on training rows over reference rows
  (numeric success: within 5% of the column's range). Interval: Newcombe.

Tolerances (:data:`TOLERANCES`) are 0.05 on every scale except exact copies (0.01). The
overall verdict is "leaks" if any measure leaks and "no measurable leak" only if every one is
clear; with fewer than about 400 records the exact-copy interval alone stays wider than its
tolerance, so small releases are at best "inconclusive". Calibration (false alarms 0-2% on
fresh rows, copies always caught): ``benchmarks/privacy_calibration.py`` and RESULTS.md.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._errors import DataError, warned
from .._random import RandomState, child_seed, draw_seed, numpy_generator
from ..evaluate import distances as _dist
from ..evaluate.canonical import canonical
from ..evaluate.caveats import missing_gap_notes, not_measurable, repeated_rows_notes, small_reference_notes
from ..evaluate.fit_reads import as_fit_reads
from ..evaluate.leakage_measures import COMMON_K, attribute_inference, copy_measures, dcr_share, membership_measures
from ..evaluate.results import Histogram, LeakageResult
from ..evaluate.tables import TableSchema, as_names, check_tables

TOLERANCES: Mapping[str, float] = {
    "dcr_share": 0.05,
    "exact_copies": 0.01,
    "near_copies": 0.05,
    "low_nndr": 0.05,
    "mia_distance": 0.05,
    "mia_density": 0.05,
    "attribute_inference": 0.05,
}
DENSITY_K = 5


@dataclass
class RealReference:
    """Everything about the real rows that does not depend on the released records."""

    space: _dist.DistanceSpace
    train_emb: np.ndarray  # (n_train, d) distinct training rows (a repeated row once)
    train_shared: np.ndarray  # (n_train,) a combination COMMON_K training rows hold and a reference row shows too
    ref_emb: np.ndarray  # (n_ref, d) distinct reference rows
    ref_dcr: np.ndarray  # (n_ref,) distance of each reference row to the training rows
    ref_nndr: np.ndarray  # (n_ref,)
    member_radius: np.ndarray  # (n_train,) cross-fitted k-NN radius among reference rows
    nonmember_radius: np.ndarray  # (n_ref,)
    sensitive: tuple[str, ...]
    sensitive_masks: list[np.ndarray]  # embedding coordinates of each sensitive column
    train_values: dict[str, np.ndarray]  # sensitive column -> true values
    ref_values: dict[str, np.ndarray]
    seed: int
    n_train_rows: int = 0  # training / reference rows as given, repeats included
    n_ref_rows: int = 0
    notes: tuple[str, ...] = ()  # on repeated rows: facts, not warned
    caveats: tuple[str, ...] = ()  # a reference too small for its 5th percentile: warned


def prepare_reference(
    train: pd.DataFrame,
    reference: pd.DataFrame,
    schema: TableSchema,
    *,
    extra: Sequence[pd.DataFrame] = (),
    sensitive: Sequence[str] | None = None,
    random_state: RandomState = None,
    reference_name: str | None = None,
) -> RealReference:
    """Embed the canonical real tables and compute the reference-side statistics once.

    ``extra`` (canonical released tables) only contributes category vocabularies; ``reference_name``
    names the reference's table in notes ("holdout", "test"). A row repeated in
    ``train`` (or ``reference``) is one position, and counts once (see the module docstring); the
    result's ``notes`` say how many rows repeat, its ``caveats`` whether the reference is too small.
    """
    if len(reference) < 2:
        raise DataError("the privacy reference (holdout) needs at least 2 rows")
    seed = draw_seed(random_state)
    rng = numpy_generator(child_seed(seed, 0))
    columns = list(schema.categorical) + [schema.target]
    space = _dist.fit_space([train, reference], schema.numeric, columns, extra=extra)
    train_emb, ref_emb = _dist.embed(train, space), _dist.embed(reference, space)
    (keep_t, held), (keep_r, _) = _distinct(train_emb), _distinct(ref_emb)
    train_emb, ref_emb = train_emb[keep_t], ref_emb[keep_r]
    near = _dist.nearest(ref_emb, train_emb, k=2)
    ref_d = near.dist
    shown = np.zeros(len(train_emb), dtype=bool)  # a reference row equals it: not one record, repeated
    shown[near.idx[ref_d[:, 0] <= _dist.EXACT_TOLERANCE, 0]] = True
    member_radius, nonmember_radius = _reference_radii(train_emb, ref_emb, rng)
    sensitive = tuple(sensitive) if sensitive is not None else (schema.target,)
    for column in sensitive:
        if column not in schema.columns:
            raise DataError(f"sensitive column {column!r} is not a column of train")
    return RealReference(
        space=space,
        train_emb=train_emb,
        train_shared=(held >= COMMON_K) & shown,
        ref_emb=ref_emb,
        ref_dcr=ref_d[:, 0],
        ref_nndr=_nndr(ref_d),
        member_radius=member_radius,
        nonmember_radius=nonmember_radius,
        sensitive=sensitive,
        sensitive_masks=[_dist.column_mask(space, c) for c in sensitive],
        train_values={c: train[c].to_numpy()[keep_t] for c in sensitive},
        ref_values={c: reference[c].to_numpy()[keep_r] for c in sensitive},
        seed=seed,
        n_train_rows=len(train),
        n_ref_rows=len(reference),
        notes=tuple(repeated_rows_notes(len(train), len(keep_t), len(reference), len(keep_r), reference_name)),
        caveats=tuple(small_reference_notes(len(keep_r), reference_name)),
    )


def measure_leakage(
    real: RealReference,
    records: pd.DataFrame,
    source: str = "synthetic",
    *,
    n_boot: int = 1000,
    confidence: float = 0.95,
    tolerances: Mapping[str, float] | None = None,
) -> LeakageResult:
    """Every risk of the canonical ``records`` against ``real`` (see the module docstring)."""
    if len(records) == 0:
        raise DataError(f"{source}: no records to measure")
    tol = {**TOLERANCES, **(tolerances or {})}
    rng = numpy_generator(child_seed(real.seed, 1))
    emb = _dist.embed(records, real.space)
    # records -> training rows (and back: each member's nearest record), records -> reference
    to_train = _dist.nearest(emb, real.train_emb, 2, both_ways=True, back_views=real.sensitive_masks)
    to_ref = _dist.nearest(emb, real.ref_emb, 1, both_ways=True, back_views=real.sensitive_masks)
    d_train, i_train, d_ref, i_ref = to_train.dist, to_train.idx, to_ref.dist, to_ref.idx
    dcr, nndr = d_train[:, 0], _nndr(d_train)
    member_d, member_guess = to_train.back_dist, to_train.back_view_idx
    nonmember_d, nonmember_guess = to_ref.back_dist, to_ref.back_view_idx
    share = dcr_share((dcr, i_train[:, 0]), (d_ref[:, 0], i_ref[:, 0]), real, rng, n_boot, confidence, tol)
    shared = real.train_shared[i_train[:, 0]]  # nearest training row: a combination many people hold
    measures = [share, *copy_measures(dcr, nndr, real, confidence, tol, shared)]
    measures += membership_measures(member_d, nonmember_d, real, confidence, tol)
    for j, column in enumerate(real.sensitive):
        guesses = records[column].to_numpy()
        measures.append(
            attribute_inference(
                real,
                column,
                guesses[member_guess[j]],
                guesses[nonmember_guess[j]],
                confidence,
                tol["attribute_inference"],
            )
        )
    return LeakageResult(
        source=source,
        n_records=len(records),
        n_train=real.n_train_rows or len(real.train_emb),
        n_reference=real.n_ref_rows or len(real.ref_emb),
        measures=measures,
        dcr_percentiles={"records": _percentiles(dcr), "reference": _percentiles(real.ref_dcr)},
        nndr_percentiles={"records": _percentiles(nndr), "reference": _percentiles(real.ref_nndr)},
        dcr_histogram=_histogram(dcr, real.ref_dcr),
        verdict=overall_verdict([m.verdict for m in measures]),
    )


def assess_leakage(
    train: pd.DataFrame,
    holdout: pd.DataFrame,
    records: pd.DataFrame,
    target: str,
    *,
    source: str = "synthetic",
    sensitive: Sequence[str] | None = None,
    random_state: RandomState = None,
    n_boot: int = 1000,
    categorical: Sequence[str] = (),
    continuous: Sequence[str] = (),
) -> LeakageResult:
    """Validate raw tables (each with the ``target`` column) and measure ``records``' leakage.

    ``categorical`` / ``continuous``: columns compared as categories / numbers whatever their
    values look like, as in :func:`synthaug.evaluate.evaluate`. A column whose missing share in the
    holdout differs from train's beyond chance is warned of and every verdict made "inconclusive"
    (:func:`~synthaug.evaluate.caveats.missing_gap_notes`).
    """
    categorical, continuous = as_names(categorical) or (), as_names(continuous) or ()
    target = str(target)  # read as fit reads tables (column 7 is "7"; Decimals are numbers), as evaluate does
    train, holdout, records = (as_fit_reads(f, n, target) for f, n in ((train, "train"), (holdout, "holdout"),
                                                                        (records, source)))
    schema = check_tables(train, target, {"holdout": holdout, source: records}, categorical, continuous)
    train_c, holdout_c, records_c = (canonical(f, schema) for f in (train, holdout, records))
    unlike, comparable = missing_gap_notes(train_c, holdout_c, schema.features, "holdout")
    warned(unlike)
    real = prepare_reference(
        train_c,
        holdout_c,
        schema,
        extra=[records_c],
        sensitive=sensitive,
        random_state=random_state,
        reference_name="holdout",
    )
    warned([*real.notes, *real.caveats])  # a LeakageResult has no notes: warnings are the one place to say them
    result = measure_leakage(real, records_c, source, n_boot=n_boot)
    if not comparable:
        not_measurable(result)
    return result


def overall_verdict(verdicts: Sequence[str]) -> str:
    """ "leaks" if any measure leaks, "no measurable leak" if all are clear, else inconclusive."""
    if "leaks" in verdicts:
        return "leaks"
    if all(v == "no measurable leak" for v in verdicts):
        return "no measurable leak"
    return "inconclusive"


def _reference_radii(train_emb, ref_emb, rng) -> tuple[np.ndarray, np.ndarray]:
    """Cross-fitted k-NN radius among reference rows for members and non-members."""
    half = rng.permutation(len(ref_emb)) % 2 == 0  # (n_ref,) two halves
    member_half = rng.permutation(len(train_emb)) % 2 == 0
    k = min(DENSITY_K, int(half.sum()), int((~half).sum()))
    nonmember = np.empty(len(ref_emb))
    member = np.empty(len(train_emb))
    for side in (True, False):
        other = ref_emb[half != side]
        nonmember[half == side] = _dist.nearest(ref_emb[half == side], other, k).dist[:, -1]
        members = train_emb[member_half == side]
        member[member_half == side] = _dist.nearest(members, other, k).dist[:, -1]
    return member, nonmember


def _distinct(emb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions of the first occurrence of each distinct row of ``emb`` (n, d), in order, and how many
    rows hold each; rows are compared by a 64-bit hash of their coordinates, as
    :mod:`~synthaug.evaluate.caveats` compares rows (DataFrame.duplicated took 7 s at 200,000 x 120,
    the hash 0.5 s)."""
    hashed = pd.util.hash_pandas_object(pd.DataFrame(emb), index=False).to_numpy()
    _, first, held = np.unique(hashed, return_index=True, return_counts=True)
    order = np.argsort(first, kind="stable")
    return first[order], held[order]


def _nndr(d: np.ndarray) -> np.ndarray:
    """Nearest / second-nearest distance; 0 on a row (nearest distance 0), NaN with a single neighbour."""
    if d.shape[1] < 2:
        return np.full(len(d), np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(d[:, 0] > 0, d[:, 0] / d[:, 1], 0.0)


def _percentiles(values: np.ndarray) -> dict[str, float]:
    if np.all(np.isnan(values)):
        return {"p1": float("nan"), "p5": float("nan"), "p50": float("nan")}
    p1, p5, p50 = np.nanquantile(values, [0.01, 0.05, 0.5])
    return {"p1": float(p1), "p5": float(p5), "p50": float(p50)}


def _histogram(records: np.ndarray, reference: np.ndarray, bins: int = 30) -> Histogram:
    top = float(np.quantile(np.concatenate([records, reference]), 0.99)) or 1.0
    edges = np.linspace(0.0, top, bins + 1)
    share = lambda v: (np.histogram(np.minimum(v, top), edges)[0] / len(v)).tolist()  # noqa: E731
    return Histogram(edges=edges.tolist(), records=share(records), reference=share(reference))
