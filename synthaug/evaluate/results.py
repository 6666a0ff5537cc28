"""Typed results of an evaluation; every one converts to plain JSON-ready dicts.

Results hold aggregates only (scores, rates, histograms, percentiles), never a record.
"""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .._provenance import library_versions
from ..persist import json_seed

if TYPE_CHECKING:
    import pandas as pd

REPORT_VERSION = 4  # report.json's format; from_json reads this version only


@dataclass
class Estimate:
    """A number with a confidence interval and how the interval was computed."""

    value: float
    low: float
    high: float
    method: str


@dataclass
class Uplift:
    """Paired difference of ``metric`` between ``setting`` and real-only training."""

    setting: str
    metric: str
    classifier: str  # a classifier name, or "all" for the pooled estimate
    estimate: Estimate
    verdict: str  # "helps", "no measurable effect" or "hurts"


@dataclass(repr=False)
class UtilityResult:
    """Downstream classifiers trained under each setting and scored on the real test set."""

    metrics: tuple[str, ...]
    primary_metric: str
    classifiers: tuple[str, ...]
    settings: tuple[str, ...]
    seeds: tuple[int, ...]
    scores: dict[str, dict[str, dict[str, list[float]]]]  # setting -> classifier -> metric -> seeds
    uplifts: list[Uplift]
    verdicts: dict[str, str]  # setting -> verdict on the pooled primary metric
    added_rows: dict[str, float]  # setting -> mean number of records added to the real rows
    notes: list[str] = field(default_factory=list)

    def __repr__(self) -> str:  # the dataclass's spelled out every score of every seed
        return (f"UtilityResult(primary_metric={self.primary_metric!r}, verdicts={self.verdicts!r}, "
                f"notes={len(self.notes)})")


@dataclass
class RiskMeasure:
    """One privacy risk: a statistic, its interval, the value expected without leakage."""

    name: str
    label: str
    value: float
    low: float
    high: float
    null: float  # the value expected when records reveal nothing about the training rows
    tolerance: float  # "leaks" when the whole interval lies above null + tolerance
    verdict: str  # "leaks", "no measurable leak" or "inconclusive"
    method: str
    details: dict[str, float] = field(default_factory=dict)


@dataclass
class Histogram:
    """Shares of two groups over common bins (for plots)."""

    edges: list[float]
    records: list[float]
    reference: list[float]


@dataclass(repr=False)
class LeakageResult:
    """Privacy measures of one set of released records against the training rows."""

    source: str
    n_records: int
    n_train: int
    n_reference: int
    measures: list[RiskMeasure]
    dcr_percentiles: dict[str, dict[str, float]]  # "records"/"reference" -> "p1"/"p5"/"p50"
    nndr_percentiles: dict[str, dict[str, float]]
    dcr_histogram: Histogram
    verdict: str

    def __repr__(self) -> str:
        share = next((f", dcr_share={m.value:.3f}" for m in self.measures if m.name == "dcr_share"), "")
        return f"LeakageResult(source={self.source!r}, verdict={self.verdict!r}{share}, n_records={self.n_records})"


@dataclass
class Marginal:
    """Distance between the real and synthetic distribution of one column, with plot data."""

    column: str
    kind: str  # "numeric", "date" or "categorical"
    statistic: str  # "ks" or "tv"
    value: float
    bins: list[str | float]  # bin edges (numeric; dates in seconds since 1970 UTC) or category labels
    real: list[float]  # shares per bin or category
    synthetic: list[float]
    weighted: bool = False  # value and real shares with real rows weighted to the synthetic class mix


@dataclass
class ColumnWithinClass:
    """One column's marginal distance within each class, beside its pooled distance."""

    column: str
    statistic: str  # "ks" or "tv", as the pooled marginal
    pooled: float  # Marginal.value: all classes together
    within_class: float  # per_class averaged with WithinClassFidelity.class_weights
    per_class: dict[str, float]  # compared class -> distance within it


@dataclass
class MissingShare:
    """The share of missing values of one column in each class, real and synthetic."""

    column: str
    real: dict[str, float]  # compared class -> missing share of its real rows
    synthetic: dict[str, float]
    difference: float  # |real - synthetic| averaged over classes with WithinClassFidelity.class_weights


@dataclass
class WithinClassFidelity:
    """Marginals, associations and missing shares compared class by class (see :mod:`.class_fidelity`).

    Every key is present; with no class compared the lists and dicts are empty and the means NaN.
    """

    class_weights: dict[str, float] = field(default_factory=dict)  # compared class -> its share of their real rows
    skipped: list[str] = field(default_factory=list)  # classes with too few real or synthetic rows
    columns: list[ColumnWithinClass] = field(default_factory=list)  # every feature
    marginal_mean: float = float("nan")  # mean over features of ColumnWithinClass.within_class
    association_columns: list[str] = field(default_factory=list)  # features, then "<column> (missing)" indicators
    association_difference: float = float("nan")  # association_per_class averaged with class_weights
    association_per_class: dict[str, float] = field(default_factory=dict)  # mean |difference| over column pairs
    missing: list[MissingShare] = field(default_factory=list)  # features with a missing value in either table


@dataclass(repr=False)
class FidelityResult:
    """How closely the synthetic table follows the training table, at the synthetic class mix.

    When the class mixes differ (``weighting`` is ``"synthetic class mix"``) the feature marginals,
    the real association matrix and the detection AUC weight each real row by its class's
    synthetic share over its real share; the target's marginal compares the mixes unweighted.
    """

    marginals: list[Marginal]
    columns: list[str]  # order of the association matrices
    association_real: list[list[float]]
    association_synthetic: list[list[float]]
    association_difference: float  # mean absolute difference over column pairs
    detection_auc: Estimate
    notes: list[str] = field(default_factory=list)
    weighting: str = "none"  # "none" (the class mixes match) or "synthetic class mix"
    class_mix: dict[str, dict[str, float]] = field(default_factory=dict)  # "real"/"synthetic" -> class -> share
    within_class: WithinClassFidelity = field(default_factory=WithinClassFidelity)  # class by class

    def __repr__(self) -> str:
        d = self.detection_auc
        return (f"FidelityResult(detection_auc={d.value:.3f} [{d.low:.3f}, {d.high:.3f}], "
                f"association_difference={self.association_difference:.3f}, notes={len(self.notes)})")


@dataclass(repr=False, eq=False)
class EvaluationResult:
    """Utility, fidelity and privacy of one synthetic table, side by side with baselines.

    ``utility_frame()``, ``privacy_frame()`` and ``fidelity_frame()`` give the figures as pandas tables;
    ``from_json(path)`` reads a saved report.json back. Two results are equal when their ``to_dict()``
    are (NaN equals NaN there, as null)."""

    target: str
    reference: str  # "holdout" or "test": the real records used as non-members
    sizes: dict[str, int]
    classes: list[str]
    seed: int
    options: dict[str, Any]
    utility: UtilityResult
    fidelity: FidelityResult
    privacy: list[LeakageResult]
    notes: list[str] = field(default_factory=list)
    # 2: fidelity at the synthetic class mix (weighting, class_mix, Marginal.weighted); 3: synthaug_version, and
    # sizes.synthetic_measured, options.max_synthetic (null: no cap), utility.scores["synthetic"] ({} when skipped)
    # always present; 4: versions, data_sha256, and seeds above 2**53 - 1 as text (seed, utility.seeds)
    version: int = REPORT_VERSION
    synthaug_version: str = field(default_factory=lambda: _package_version())
    versions: dict[str, str] = field(default_factory=lambda: library_versions())  # synthaug, Python, libraries
    # table -> synthaug._provenance.table_digest of it as given (before drop), as model.json's training.data_sha256;
    # "holdout": None without one
    data_sha256: dict[str, str | None] = field(default_factory=dict)

    def __repr__(self) -> str:
        """The headline figures: the default repr of a whole result ran to 84,000 characters (to_dict() has all)."""
        privacy = {p.source: p.verdict for p in self.privacy}
        return (f"EvaluationResult(target={self.target!r}, sizes={self.sizes!r}, utility={self.utility.verdicts!r}, "
                f"privacy={privacy!r}, detection_auc={self.fidelity.detection_auc.value:.3f}, "
                f"notes={len(self.notes)})")

    def to_dict(self) -> dict[str, Any]:
        """Plain dicts, lists, strings and numbers (NaN becomes None); seeds as model.json holds them
        (:func:`synthaug.persist.json_seed`: text above 2**53 - 1, which jq or JavaScript would round)."""
        report = _plain(dataclasses.asdict(self))
        report["seed"] = json_seed(self.seed)
        report["utility"]["seeds"] = [json_seed(s) for s in self.utility.seeds]
        return report

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, allow_nan=False)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, EvaluationResult) and self.to_dict() == other.to_dict()

    @classmethod
    def from_dict(cls, report: dict) -> EvaluationResult:
        """The result ``to_dict()`` gave ``report``; another report ``version`` is refused (DataError)."""
        from .result_read import from_plain

        return from_plain(cls, report, REPORT_VERSION, "report")

    @classmethod
    def from_json(cls, path: str | Path) -> EvaluationResult:
        """The result a saved ``report.json`` holds (``path``: the file, or the folder written by
        ``write_report`` or ``synthaug evaluate``), to compare runs; another version is refused in one
        line naming the file."""
        from .result_read import from_plain, read_report

        return from_plain(cls, read_report(path), REPORT_VERSION, str(path))

    def utility_frame(self) -> pd.DataFrame:
        """The paired differences from real-only training, one row each, with their 95% intervals
        (:func:`.result_frames.utility_frame`)."""
        from .result_frames import utility_frame

        return utility_frame(self)

    def privacy_frame(self) -> pd.DataFrame:
        """Every risk measure of every source, one row each, with interval, null and verdict
        (:func:`.result_frames.privacy_frame`)."""
        from .result_frames import privacy_frame

        return privacy_frame(self)

    def fidelity_frame(self) -> pd.DataFrame:
        """Per-column and whole-table fidelity figures, one row each (:func:`.result_frames.fidelity_frame`)."""
        from .result_frames import fidelity_frame

        return fidelity_frame(self)


def _package_version() -> str:
    from .. import __version__

    return __version__


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return _plain(value.tolist())
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if not math.isfinite(float(value)) else float(value)
    return value
