"""Privacy-gated release: split off a holdout, fit, sample, measure, and release only if every
leakage gate passes. A refused release writes no synthetic data."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.model_selection import train_test_split

from ._checks import is_finite, is_whole
from ._errors import DataError, warn
from ._gates import count_problem, flipped_auc, limit_problem, switches_off
from ._random import check_seed
from ._release_card import (
    flipped_note,
    gates_note,
    guarantee_note,
    holdout_note,
    privacy_filter_note,
    release_card,
    screen_privacy_filter,
    shortfall_warning,
)
from ._text import closest_name, column_hint, counted, option_name, plain, quoted
from .distributed import launched_by_torchrun
from .evaluate.defaults import REPORT_FILES
from .io import TableWriter, atomic_directory, check_output_folder
from .privacy.leakage import TOLERANCES

MEMBERSHIP_MEASURES = ("mia_distance", "mia_density")
CARD_FILE = "card.json"
RELEASE_FILES = frozenset({"synthetic.csv", CARD_FILE, *REPORT_FILES})  # all a release holds


@dataclass(frozen=True)
class Gates:
    """Limits a release must stay under. ``extra`` maps any evaluator measure name
    (``near_copies``, ``low_nndr``, ``attribute_inference``...) to its maximum value.

    A measure passes when the upper end of its 95% interval is at or below the limit (the
    risk is shown to be under it, not just estimated under it); ``max_exact_copies`` is a count
    of released rows identical to a training row, which is observed, not estimated.
    """

    max_dcr_share: float = 0.55
    max_membership_auc: float = 0.6
    max_exact_copies: int = 0
    extra: Mapping[str, float] = field(default_factory=dict)


@dataclass
class GateResult:
    """One gate: the measure's estimate, the upper end of its 95% interval (what is compared
    with the limit), the limit, and whether the release may pass it."""

    name: str
    value: float
    upper: float
    threshold: float
    passed: bool

    def describe(self) -> str:
        word = "passes" if self.passed else "FAILS"
        margin = self.threshold - self.upper
        bound = "" if self.upper == self.value else f", 95% upper bound {self.upper:.4g}"
        return f"{self.name} = {self.value:.4g}{bound} {word} (limit {self.threshold:.4g}, margin {margin:+.4g})"

    @property
    def unproven(self) -> bool:
        """Failed only by its interval: the estimate is under the limit, the upper bound is not."""
        return not self.passed and self.value <= self.threshold


@dataclass
class ShareOutcome:
    released: bool
    gates: list[GateResult]
    card: dict
    n_filtered: int
    left_out: list = field(default_factory=list)  # columns the model left out, and so did the measures
    privacy_filter: dict = field(default_factory=dict)  # the card's entry: rows dropped per class, or why none ran



def _filter() -> str:
    return option_name("filter_quantile", "--filter-close", "share.filter_close")


def _gate(name: str) -> str:
    """A gate as the user spells it: ``gates.max_dcr_share``, ``--max-dcr-share`` or ``share.max_dcr_share``
    (``gates.extra``, ``--gate``, ``share.gates``)."""
    if name == "extra":
        return option_name("gates.extra", "--gate", "share.gates")
    return option_name(f"gates.{name}", f"--{name.replace('_', '-')}", f"share.{name}")


def check_gates(leakage, gates: Gates) -> list[GateResult]:
    """Compare the synthetic records' leakage measures with the gates."""
    measures = {m.name: m for m in leakage.measures}
    unknown = [name for name in gates.extra if name not in measures]
    if unknown:
        raise DataError(f"{_gate('extra')}: unknown measure {unknown[0]!r}{closest_name(unknown[0], measures)}; "
                        f"measures are {', '.join(measures)}")
    copies = float(round(measures["exact_copies"].details["records_rate"] * leakage.n_records))
    auc = max(measures[name].value for name in MEMBERSHIP_MEASURES)
    auc_upper = max(measures[name].high for name in MEMBERSHIP_MEASURES)
    dcr = measures["dcr_share"]
    checks = [("dcr_share", dcr.value, dcr.high, gates.max_dcr_share),
              ("membership_auc", auc, auc_upper, gates.max_membership_auc),
              ("exact_copies", copies, copies, float(gates.max_exact_copies))]  # a count, observed
    checks += [(name, measures[name].value, measures[name].high, float(limit)) for name, limit in gates.extra.items()]
    # a NaN bound fails: the risk is not shown to be under the limit
    return [GateResult(name, float(value), float(upper), float(limit), bool(upper <= limit))
            for name, value, upper, limit in checks]


def flipped_membership(leakage, gates: Gates) -> dict[str, dict]:
    """Membership measures whose AUC, read the other way round, has an upper bound above the limit
    (:func:`._gates.flipped_auc`): the gates pass on the AUC as measured; a warning and notes say this."""
    measures = {m.name: m for m in leakage.measures}
    flips = {name: flipped_auc(measures[name].value, measures[name].low, measures[name].high,
                               gates.max_membership_auc) for name in MEMBERSHIP_MEASURES}
    return {name: flip for name, flip in flips.items() if flip is not None}


def check_options(target: str, n, gates: Gates, filter_quantile) -> None:
    """Refuse, before any training, what would fail (or mean nothing) only after it: a gate's limit
    outside its measure's range passes whatever the records are, or nothing does."""
    if n is not None and (not is_whole(n) or n < 1):
        raise DataError(f"{option_name('n', recipe='share.n')} must be a positive number of rows, got {n!r}")
    if filter_quantile is not None and not (is_finite(filter_quantile) and 0 < filter_quantile < 1):
        raise DataError(f"{_filter()} must be a quantile between 0 and 1 (e.g. 0.05), got {filter_quantile!r}")
    known = gate_measures(target)
    unknown = [name for name in gates.extra if name not in known]
    if unknown:
        raise DataError(f"{_gate('extra')}: unknown measure {unknown[0]!r}{closest_name(unknown[0], known)}; "
                        f"measures are {', '.join(known)}")
    limits = [(_gate("max_dcr_share"), limit_problem(gates.max_dcr_share, "dcr_share")),
              (_gate("max_membership_auc"), limit_problem(gates.max_membership_auc, "membership_auc")),
              (_gate("max_exact_copies"), count_problem(gates.max_exact_copies))]
    limits += [(option_name(f"gates.extra[{k!r}]", f"--gate {k}", f"share.gates[{k!r}]"), limit_problem(v, k))
               for k, v in gates.extra.items()]
    for name, problem in limits:
        if problem:
            raise DataError(f"{name}: {problem}")
    off = [(_gate(name), getattr(gates, name)) for name in ("max_dcr_share", "max_membership_auc")
           if switches_off(getattr(gates, name), name.removeprefix("max_"))]
    off += [(option_name(f"gates.extra[{k!r}]", f"--gate {k}", f"share.gates[{k!r}]"), v)
            for k, v in gates.extra.items() if switches_off(v, k)]
    for name, limit in off:
        warn(f"{name} {limit}: the measure never exceeds {limit}, so this gate is off")


def gate_measures(target: str) -> list[str]:
    """The measures a gate of ``Gates.extra`` may name (attribute inference is of the target)."""
    return [*(m for m in TOLERANCES if m != "attribute_inference"), f"attribute_inference[{target}]"]


def check_release_path(path: str | Path) -> Path:
    """``path`` if a release may be written there (new, empty, or an earlier release), else a
    DataError: a release replaces the whole folder, so a folder of other files (the data!) is refused."""
    return check_output_folder(path, lambda p: (p / CARD_FILE).exists(),
                               f"exists and is not a release folder (no {CARD_FILE}); a release replaces the whole "
                               "folder, so choose another path", own_files=lambda _: RELEASE_FILES)


def split_holdout(data: pd.DataFrame, target: str, fraction: float, seed: int,
                  halving: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Stratified (train, holdout); the holdout scores utility and is the privacy reference.
    ``halving`` names the option that splits the holdout itself in two (``fraction`` 0.5)."""
    option = halving or option_name("holdout", recipe="share.holdout")
    if not (is_finite(fraction) and 0 < fraction < 1):
        raise DataError(f"{option} must be a fraction between 0 and 1, got {fraction}")
    if target not in data.columns:
        raise DataError(f"target column {target!r} not found{column_hint(target, data.columns)}")
    labels, groups = data[target], strata(data[target])
    k = pd.Series(groups).nunique(dropna=False)
    pooled = labels.nunique(dropna=False) > k
    what = f"{k} class{'' if k == 1 else 'es'}" + (" (classes of one row count as one)" if pooled else "")
    check_split_sizes(len(data), k, fraction, what, halving)
    train, holdout = train_test_split(data, test_size=fraction, stratify=groups,
                                      random_state=seed % 2**32)  # sklearn takes 32 bits, seeds have 64
    return train.reset_index(drop=True), holdout.reset_index(drop=True)


def check_split_sizes(n: int, k: int, fraction: float, what: str, halving: str | None = None) -> None:
    """Refuse a stratified split of ``n`` rows of ``k`` strata (``what``: "2 classes") by ``fraction``
    that leaves either part fewer than ``k`` rows: scikit-learn's rule, with its arithmetic (ceil(fraction
    * n) rows held out), but naming the holdout option and the fractions that work, where its own words
    ("The test_size = 1 should be greater or equal to the number of classes = 2") named neither."""
    def valid(f: float) -> bool:
        return k <= math.ceil(f * n) <= n - k

    if valid(fraction):
        return
    holdout = option_name("holdout", recipe="share.holdout")
    if halving:  # the 0.5 is not the user's: the holdout is too small
        raise DataError(f"{halving}: {counted(n, 'holdout row')} cannot be halved with a row of each of {what} in "
                        f"each half; give a larger {holdout}")
    if n < 2 * k:
        raise DataError(f"{holdout}: {counted(n, 'row')} cannot be split so that the holdout and the training rows "
                        f"each hold a row of each of {what}; that takes at least {2 * k} rows")
    n_out = math.ceil(fraction * n)
    part = f"holds out {n_out} of {n} rows" if n_out < k else f"leaves {n - n_out} of {n} rows to train on"
    raise DataError(f"{holdout} {fraction} {part}; the holdout and the training rows each need a row of each of the "
                    f"{what}: for {n} rows, use a fraction from {_bound(k / n, True, valid)} to "
                    f"{_bound((n - k) / n, False, valid)}")


def _bound(x: float, up: bool, valid: Callable[[float], bool]) -> str:
    """``x`` rounded up (or down) to the fewest significant digits, from 3, that ``valid`` accepts."""
    for digits in range(3, 17):
        scale = 10.0 ** (digits - 1 - math.floor(math.log10(x)))
        rounded = (math.ceil if up else math.floor)(round(x * scale, 9)) / scale  # 0.02 * 1e4: 200.00000000000003
        if valid(rounded):
            return f"{rounded:.{digits}g}"
    return repr(x)


def strata(labels: pd.Series):
    """What :func:`split_holdout` stratifies on: the labels, with the classes of a single row pooled
    into one stratum (joining the largest class when the pool is a single row too). scikit-learn
    refuses a stratum of one, and splitting unstratified instead, as it did, left every class to
    chance once one class had a single row."""
    codes, _ = pd.factorize(labels, use_na_sentinel=False)
    counts = np.bincount(codes)
    single = counts[codes] < 2
    if not single.any():
        return labels  # as always: the same split as before for tables without such classes
    pool = int(np.argmax(counts)) if single.sum() == 1 else len(counts)
    return np.where(single, pool, codes)


MIN_CLASS_ROWS = 2
"""Fewest training rows of a class a release synthesises. A class of one row has no class-mate to
set its privacy-filter radius and a conditional model of one row copies it: a user trial's single
'rare_syndrome' row was released with two digits changed, every gate passing on the pooled
measures."""


def check_class_rows(labels: pd.Series, train_labels: pd.Series, fraction: float) -> None:
    """Refuse, before training, a class with fewer than :data:`MIN_CLASS_ROWS` training rows after
    the holdout split (``labels``: every row's, ``train_labels``: the training rows')."""
    counts = labels.value_counts(sort=False)
    trained = train_labels.value_counts(sort=False).reindex(counts.index, fill_value=0)
    few = trained[trained < MIN_CLASS_ROWS].sort_values(kind="stable")
    if len(few):
        label, left = plain(few.index[0]), int(few.iloc[0])
        more = f" (too few as well: {quoted(few.index[1:])})" if len(few) > 1 else ""
        holdout = option_name("holdout", recipe="share.holdout")
        raise DataError(f"class {label!r} of {labels.name!r} has {counted(int(counts[few.index[0]]), 'row')}, {left} "
                        f"left to train on after {holdout} {fraction}{more}: a release needs at least "
                        f"{MIN_CLASS_ROWS} training rows of every class (one is copied, not synthesised); drop the "
                        "class's rows, merge it into another class, or give it more rows")


def check_dp_delta(model, n_train: int) -> None:
    """Refuse a ``dp_delta`` at or above 1/n for a release: "publish one random training row" meets
    such a delta, so the card's DP claim would say nothing (fit only warns)."""
    params = model.get_params() if hasattr(model, "get_params") else {}
    delta = params.get("dp_delta")
    if params.get("dp_epsilon") is None or not is_finite(delta) or delta < 1.0 / n_train:
        return  # no DP, or a delta the model's own checks refuse
    from .privacy.dp import default_delta

    raise DataError(f"{option_name('dp_delta', '--dp-delta', 'model.dp_delta')} {delta!r} is at least 1/n "
                    f"(1/{n_train} training rows): a mechanism that publishes a random row meets it, so a release "
                    f"cannot claim differential privacy with it; leave it unset (min(1e-5, 1/(10 n)) = "
                    f"{default_delta(n_train):.3g}) or set it below 1/{n_train}")


def check_every_class_left(sampled: pd.Series, kept: pd.Series, what: str, why: str) -> None:
    """Refuse a release that a filter left without a class's records (``sampled``: records per class
    before it; ``kept``: the labels after): a release silently lacking a class misleads whoever trains
    on it, as check_class_rows says, and it was released (exit 0) when other classes kept rows."""
    left = kept.value_counts(sort=False).reindex(sampled.index, fill_value=0)
    gone = left[(left == 0) & (sampled > 0)]
    if len(gone) == len(sampled):
        raise DataError(f"{what}: every one of the {int(sampled.sum())} synthetic records was {why}; nothing to "
                        "release (train longer, or give the classes more rows)")
    if len(gone):
        label = plain(gone.index[0])
        more = f" (and of {quoted(gone.index[1:])})" if len(gone) > 1 else ""
        raise DataError(f"{what}: every one of the {int(sampled[gone.index[0]])} records of class {label!r}{more} "
                        f"was {why}; a release without the class would mislead whoever trains on it (train longer, "
                        "give the class more rows, or drop it)")


def filter_close_records(train, reference, synthetic, target: str, quantile: float,
                         kinds: Mapping[str, Sequence[str]] | None = None) -> pd.DataFrame:
    """Drop synthetic rows closer to a training row than ``quantile`` of holdout rows are.

    ``kinds``: ``categorical`` / ``continuous`` column lists for the distances (:func:`model_kinds`).
    """
    from .evaluate import distances
    from .evaluate.canonical import canonical
    from .evaluate.tables import infer_schema

    schema = infer_schema(train, target, **(kinds or {}))
    frames = [canonical(f, schema) for f in (train, reference, synthetic)]
    space = distances.fit_space(frames[:2], schema.numeric, [*schema.categorical, schema.target], extra=[frames[2]])
    train_index = distances.ReferenceIndex(distances.embed(frames[0], space))  # prepared once, searched twice
    ref_dcr = distances.nearest(distances.embed(frames[1], space), train_index, k=1).dist[:, 0]
    syn_dcr = distances.nearest(distances.embed(frames[2], space), train_index, k=1).dist[:, 0]
    keep = syn_dcr > np.quantile(ref_dcr, quantile)
    return synthetic.loc[keep].reset_index(drop=True)


def share(
    data: pd.DataFrame,
    target: str,
    output: str | Path,
    *,
    synthesizer=None,
    holdout: float = 0.2,
    n: int | None = None,
    gates: Gates = Gates(),
    filter_quantile: float | None = None,
    n_seeds: int = 1,
    random_state: int = 0,
    verbose: bool = False,
) -> ShareOutcome:
    """Fit on a split of ``data``, sample, evaluate, and write a release only if gates pass.

    With ``filter_quantile``, the holdout is split in two halves: one sets the filter's
    threshold, the other is the evaluation's reference, so the gates measure the filtered
    records against real rows the filter never saw (a reference that also set the threshold
    would make the near-copy gate pass by construction).
    """
    from .evaluate import evaluate, write_report
    from .evaluate.core import seeds_key
    from .evaluate.tables import infer_schema
    from .tabular.synthesizer import TabularCGAN

    if launched_by_torchrun():  # every process ran the whole release alone, each writing the same folder
        raise DataError("torchrun: share runs in one process (fit, sample, measure, gate); run it without torchrun")
    check_options(target, n, gates, filter_quantile)
    random_state = check_seed(random_state, option_name("random_state", "--seed", "data.seed"))
    output = check_release_path(output)
    model = clone(synthesizer) if synthesizer is not None else TabularCGAN()
    if filter_quantile is not None and model.get_params().get("dp_epsilon") is not None:
        raise DataError(f"{_filter()} {filter_quantile}: not with differential privacy (dp_epsilon="
                        f"{model.get_params()['dp_epsilon']!r}): it drops records by their distance to training rows, "
                        "so the released records would no longer be post-processing of the DP training; drop one")
    train, reference = split_holdout(data, target, holdout, random_state)
    check_class_rows(data[target], train[target], holdout)
    check_dp_delta(model, len(train))
    threshold_rows = None
    if filter_quantile is not None:  # before training: a holdout too small to halve failed after it
        reference, threshold_rows = split_holdout(reference, target, 0.5, random_state,
                                                  halving=f"{_filter()}, halving the holdout")
    dropped = set(map(str, model.get_params().get("drop") or ()))
    infer_schema(train[[c for c in train.columns if str(c) not in dropped]], target)  # what evaluate refuses, now
    if "random_state" in model.get_params():
        model.set_params(random_state=random_state)
    if "verbose" in model.get_params():
        model.set_params(verbose=verbose)
    model.fit(train, y=target)
    synthetic = model.sample_frame(n=len(train) if n is None else n, random_state=random_state)
    requested = synthetic[target]
    sampled = requested.value_counts(sort=False)
    synthetic, screen = screen_privacy_filter(model, synthetic, target)  # what sampling kept after its tries
    check_every_class_left(sampled, synthetic[target], "privacy filter", "still inside a training row's radius "
                           "after the filter's tries")
    left_out = left_out_columns(model, train, synthetic)  # measure the columns released, not those
    kinds = model_kinds(model)  # and as the kinds the model was given
    train, reference = train.drop(columns=left_out), reference.drop(columns=left_out)
    n_before, n_threshold = len(synthetic), 0
    if threshold_rows is not None:
        threshold_rows = threshold_rows.drop(columns=left_out)
        n_threshold = len(threshold_rows)
        synthetic = filter_close_records(train, threshold_rows, synthetic, target, filter_quantile, kinds)
        check_every_class_left(sampled, synthetic[target], f"{_filter()} {filter_quantile}",
                               "closer to a training row than the holdout's quantile")
    # the holdout is the test set and the privacy reference: given as both, the report says so; the gates
    # measure every released record (evaluate's max_synthetic would count exact copies in a sample only)
    with seeds_key("share.seeds"):  # a [share] run's one-seed note names its own key, not evaluate.seeds
        result = evaluate(train, reference, synthetic, target, reference, baselines=(), n_seeds=n_seeds,
                          random_state=random_state, max_synthetic=None, **kinds)
    result.notes.append(holdout_note(len(reference), n_threshold))
    if left_out:
        result.notes.append(left_out_note(left_out))
    result.notes.append(privacy_filter_note(screen))
    synthetic_leakage = next(p for p in result.privacy if p.source == "synthetic")
    checks = check_gates(synthetic_leakage, gates)
    flipped = flipped_membership(synthetic_leakage, gates)
    card = release_card(model, result, checks, gates, len(train), len(reference), n_before - len(synthetic),
                        random_state, n_threshold, screen, synthetic[target], flipped, requested)
    released = all(g.passed for g in checks)
    result.notes += [guarantee_note(card), gates_note(checks)]
    for name, flip in flipped.items():
        warn(flipped_note(name, flip))
        result.notes.append(flipped_note(name, flip))
    shortfall = shortfall_warning(card) if released else None
    if shortfall:  # the filters' drops skew the class balance: say which classes lost how many
        warn(shortfall)
        result.notes.append(shortfall)
    if released:
        with atomic_directory(output, recheck=check_release_path) as tmp:
            with TableWriter(tmp / "synthetic.csv") as writer:
                writer.write(synthetic)
            write_report(result, tmp)
            (tmp / CARD_FILE).write_text(json.dumps(card, indent=2, allow_nan=False))
    return ShareOutcome(released, checks, card, n_before - len(synthetic), left_out, screen)


def left_out_columns(model, train: pd.DataFrame, synthetic: pd.DataFrame) -> list:
    """Columns of ``train`` the fitted ``model`` does not generate: the identifier-like ones it left
    out and its ``drop``. From the model's ``columns_`` where it has them, else from ``synthetic``."""
    modelled = getattr(model, "columns_", None)
    modelled = set(synthetic.columns if modelled is None else modelled)
    return [c for c in train.columns if c not in modelled]


EVALUATED_AS = {"categorical": "categorical", "boolean": "categorical", "continuous": "continuous",
                "integer": "continuous"}
"""A model's column kind -> the evaluator's option that makes it compare the column so (datetime
and constant columns are left to the evaluator, which reads dates as dates)."""


def model_kinds(model) -> dict[str, list[str]]:
    """``categorical=`` / ``continuous=`` for evaluating ``model``'s records as it was fitted: the
    columns whose kind it was given (its ``categorical`` and ``continuous``, or every column of its
    public schema), under the kind it modelled. Kinds it inferred are left to the evaluator, so a
    fit without either evaluates as it did; a model without column specs gives empty lists."""
    params = model.get_params() if hasattr(model, "get_params") else {}
    specs = getattr(getattr(model, "encoder_", None), "specs_", None) or []
    given = {str(c) for key in ("categorical", "continuous") for c in params.get(key) or ()}
    if params.get("public_schema") is not None:
        given |= {spec.name for spec in specs}
    kinds = {"categorical": [], "continuous": []}
    for spec in specs:
        if spec.name in given and spec.kind in EVALUATED_AS:
            kinds[EVALUATED_AS[spec.kind]].append(spec.name)
    return kinds


def left_out_note(names) -> str:
    """The report's (and console's) note on columns the evaluation left out as the model did."""
    return (f"evaluated without column(s) {', '.join(repr(str(n)) for n in names)}, which the model left out "
            "(identifier-like, or its drop)")
