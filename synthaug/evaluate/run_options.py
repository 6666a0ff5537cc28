"""``evaluate``'s options checked and normalised once, and listed as the report shows them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sklearn.base import BaseEstimator

from .._random import RandomState, draw_seed
from ..tabular.schema import check_option_conflicts
from .options import as_int, as_ratios, check_detection_rows, check_options
from .subsample import check_max_synthetic
from .tables import as_names, column_names


@dataclass(frozen=True)
class RunOptions:
    """``evaluate``'s options, checked and normalised (names as tuples, counts as ints, the seed drawn)."""

    ratios: tuple[float, ...]
    baselines: tuple[str, ...]
    n_seeds: int
    primary_metric: str
    sensitive: tuple[str, ...] | None
    drop: tuple[str, ...] | None
    categorical: tuple[str, ...]
    continuous: tuple[str, ...]
    n_boot: int
    detection_rows: int
    max_synthetic: int | None
    n_jobs: int
    seed: int

    def as_report(self, *, sensitive: Sequence[str], classifiers: Mapping[str, BaseEstimator]) -> dict:
        """The options as the report lists them (``sensitive`` as resolved, the classifiers' names)."""
        return {
            "ratios": list(self.ratios),
            "baselines": list(self.baselines),
            "n_seeds": self.n_seeds,
            "primary_metric": self.primary_metric,
            "sensitive": list(sensitive),
            "drop": list(self.drop or ()),
            "categorical": list(self.categorical),
            "continuous": list(self.continuous),
            "n_boot": self.n_boot,
            "classifiers": list(classifiers),
            "max_synthetic": self.max_synthetic,
        }


def check_run_options(
    ratios: Sequence[float],
    baselines: Sequence[str] | str,
    n_seeds: int,
    primary_metric: str,
    sensitive: Sequence[str] | str | None,
    drop: Sequence[str] | str | None,
    categorical: Sequence[str] | str,
    continuous: Sequence[str] | str,
    n_boot: int,
    detection_rows: int,
    max_synthetic: int | None,
    n_jobs: int,
    random_state: RandomState,
) -> RunOptions:
    """``evaluate``'s options normalised, or a DataError naming the first that cannot be used (in the
    order ``evaluate`` has always checked them)."""
    ratios, n_seeds, n_boot, n_jobs = as_ratios(ratios), *(as_int(v) for v in (n_seeds, n_boot, n_jobs))
    baselines, detection_rows = as_names(baselines) or (), as_int(detection_rows)
    check_options(ratios, baselines, n_seeds, primary_metric, n_boot, n_jobs)
    check_detection_rows(detection_rows)
    check_max_synthetic(max_synthetic)
    seed = draw_seed(random_state)  # a seed out of 0..2**64 - 1 is refused here, as everywhere (check_seed)
    sensitive, drop = column_names(sensitive), column_names(drop)
    categorical, continuous = column_names(categorical) or (), column_names(continuous) or ()
    check_option_conflicts(categorical=categorical, continuous=continuous, drop=drop or ())
    return RunOptions(ratios, baselines, n_seeds, primary_metric, sensitive, drop, categorical, continuous, n_boot,
                      detection_rows, max_synthetic, n_jobs, seed)
