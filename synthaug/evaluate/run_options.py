"""``evaluate``'s options checked and normalised once, and listed as the report shows them."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass

from sklearn.base import BaseEstimator

from .._random import RandomState, draw_seed
from .._text import option_name
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


_SEEDS_KEY: ContextVar[tuple[str, bool]] = ContextVar("_SEEDS_KEY", default=("evaluate.seeds", True))


@contextlib.contextmanager
def seeds_key(key: str, warn: bool = True) -> Iterator[None]:
    """Within it, the one-seed note names the recipe key ``key`` (``share.seeds`` for a release's
    evaluation); ``warn=False`` keeps the note in the result's notes (the report) without warning it."""
    token = _SEEDS_KEY.set((key, warn))
    try:
        yield
    finally:
        _SEEDS_KEY.reset(token)


def one_seed_note() -> str:
    """The note on a one-seed evaluation, naming the seeds option as the user spells it."""
    seeds = option_name("n_seeds=1", "--seeds 1", f"{_SEEDS_KEY.get()[0]} = 1")
    return (f"one seed ({seeds}): the utility intervals cover test-set sampling only, not the variation between "
            "refits (classifier seeds, synthetic draws), so the utility verdicts may be too firm; use 3 or more seeds")


def one_seed_warned() -> bool:
    """Whether the one-seed note is also a warning (not within ``seeds_key(..., warn=False)``)."""
    return _SEEDS_KEY.get()[1]
