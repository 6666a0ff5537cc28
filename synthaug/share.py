"""Privacy-gated release: split off a holdout, fit, sample, measure, and release only if every
leakage gate passes. A refused release writes no synthetic data."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.base import clone

from ._card_sources import input_entries, table_digest
from ._errors import DataError, warn
from ._gates import flipped_auc
from ._holdout import (
    check_class_rows,
    split_holdout,
)
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
    verdict_mismatch_warning,
)
from ._share_checks import (
    check_dp_delta,
    check_every_class_left,
    check_filter_without_dp,
    check_options,
    check_release_size,
    filter_option,
    gate_option,
    is_dp,
    release_in_memory,
)
from ._share_columns import left_out_columns, left_out_note, model_kinds
from ._share_request import ClassRequest
from ._share_table import check_whole_table
from ._text import closest_name, option_name
from .distributed import launched_by_torchrun
from .evaluate.defaults import REPORT_FILES
from .io import TableWriter, atomic_directory, check_output_folder

MEMBERSHIP_MEASURES = ("mia_distance", "mia_density")
CARD_FILE = "card.json"
RELEASE_FILES = frozenset({"synthetic.csv", CARD_FILE, *REPORT_FILES})  # all a release holds


@dataclass(frozen=True)
class Gates:
    """Limits a release must stay under. ``extra`` maps any evaluator measure name
    (``near_copies``, ``low_nndr``, ``attribute_inference``...) to its maximum value.

    A measure passes when the upper end of its 95% interval is at or below the limit (the
    risk is shown to be under it, not just estimated under it); ``max_exact_copies`` is a count
    of released rows identical to a training row, which is observed, not estimated; a row identical to
    a combination of values (label included) that 5 or more training rows share and a holdout row shows
    too is not counted, as the sampling privacy filter lets it through: copying it singles none of them
    out (k-anonymity's k, ``evaluate.leakage_measures.COMMON_K``; the holdout row tells it from one
    record given five times).
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


def check_gates(leakage, gates: Gates) -> list[GateResult]:
    """Compare the synthetic records' leakage measures with the gates."""
    measures = {m.name: m for m in leakage.measures}
    unknown = [name for name in gates.extra if name not in measures]
    if unknown:
        raise DataError(f"{gate_option('extra')}: unknown measure {unknown[0]!r}{closest_name(unknown[0], measures)}; "
                        f"measures are {', '.join(measures)}")
    exact = measures["exact_copies"].details  # copies of a combination COMMON_K training rows share single none out
    copies = float(round((exact["records_rate"] - exact.get("shared_rate", 0.0)) * leakage.n_records))
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


def check_release_path(path: str | Path) -> Path:
    """``path`` if a release may be written there (new, empty, or an earlier release), else a
    DataError: a release replaces the whole folder, so a folder of other files (the data!) is refused."""
    return check_output_folder(path, lambda p: (p / CARD_FILE).exists(),
                               f"exists and is not a release folder (no {CARD_FILE}); a release replaces the whole "
                               "folder, so choose another path", own_files=lambda _: RELEASE_FILES)


def filter_close_records(train, reference, synthetic, target: str, quantile: float,
                         kinds: Mapping[str, Sequence[str]] | None = None) -> pd.DataFrame:
    """Drop synthetic rows closer to a training row than ``quantile`` of holdout rows are.

    ``kinds``: ``categorical`` / ``continuous`` column lists for the distances (:func:`model_kinds`).
    """
    from .evaluate import distances
    from .evaluate.canonical import canonical
    from .evaluate.fit_reads import as_fit_reads
    from .evaluate.tables import infer_schema

    frames = [as_fit_reads(f, name, str(target)) for name, f in
              (("train", train), ("holdout", reference), ("synthetic", synthetic))]
    schema = infer_schema(frames[0], str(target), **(kinds or {}))
    frames = [canonical(f, schema) for f in frames]
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
    per_class: Mapping | int | None = None,
    balance: bool = False,
    ratio: float | None = None,
    gates: Gates = Gates(),
    filter_quantile: float | None = None,
    n_seeds: int = 1,
    random_state: int = 0,
    verbose: bool = False,
    inputs: dict | None = None,
) -> ShareOutcome:
    """Fit on a split of ``data``, sample, evaluate, and write a release only if gates pass.

    With ``filter_quantile``, the holdout is split in two halves: one sets the filter's
    threshold, the other is the evaluation's reference, so the gates measure the filtered
    records against real rows the filter never saw (a reference that also set the threshold
    would make the near-copy gate pass by construction).

    How many records: at most one of ``n`` (in all, by the training class prior), ``per_class`` (label ->
    count, or one count for every class), ``balance`` (the records that top every class up to the largest)
    or ``ratio`` (of the training rows), as :meth:`TabularCGAN.sample` takes them; by default as many as
    training rows. The gates measure the records released, whatever their class mix; the card records the
    request (``data.class_request``) and the counts sampled and released per class.

    ``inputs``: the files ``data`` and the schema were read from, for the card (``{"data": {"path":
    ..., "sha256": ...}}``, as :func:`._card_sources.file_inputs` makes them); the card records a
    digest of ``data``'s contents (``inputs.table``) either way.
    """
    random_state, output = _check_request(target, n, gates, filter_quantile, random_state, output)
    model = _new_model(synthesizer, filter_quantile)
    check_whole_table(data, target, model)  # rows numbered as in the user's file; the schema's checks first
    request = ClassRequest(n, per_class, balance, ratio)
    rows = _split_rows(data, target, holdout, filter_quantile, model, random_state)
    total = int(request.resolve(rows.train[target]).sum())  # the request's own errors first
    request.check_sampler(model)
    check_release_size(total, data.shape[1], request.name())
    sample = _fit_and_sample(model, rows.train, target, request, random_state, verbose)
    left_out = left_out_columns(model, rows.train, sample.records)  # measure the columns released, not those
    rows, kinds = rows.without(left_out), model_kinds(model)  # and as the kinds the model was given
    with release_in_memory(request.name(), "measuring"):
        records = _filter_close(rows, sample, target, filter_quantile, kinds)
        result = _evaluate(rows, records, target, kinds, n_seeds, random_state, left_out, sample.screen)
    inputs = {**input_entries(inputs), "table": {"content_sha256": table_digest(data)}}
    if getattr(model, "privacy_", None):  # a digest of the real rows in a DP release: see private_digests
        inputs, result.data_sha256 = private_digests(inputs, result.data_sha256)
    card_request = request.card_entry(len(rows.train))
    checks, card = _judge(model, result, gates, rows, sample, records, target, random_state, inputs, card_request)
    released = all(g.passed for g in checks)
    if released:
        _write_release(output, records, result, card)
    return ShareOutcome(released, checks, card, len(sample.records) - len(records), left_out, sample.screen)


def private_digests(inputs: dict, report: dict) -> tuple[dict, dict]:
    """The card's ``inputs`` and the report's ``data_sha256`` of a DP release, each digest of real rows
    (the data file's, the table's, the training/test/holdout tables') replaced by
    :data:`synthaug.persist.DP_DIGEST`: to someone who knows every row but one, a digest tells which
    candidate the last row is, which the release's epsilon says it cannot. The schema's and the
    synthetic records' digests stay."""
    from .persist import DP_DIGEST

    inputs = {**inputs, "table": {"content_sha256": DP_DIGEST}}
    if "data" in inputs:
        inputs["data"] = {**inputs["data"], "sha256": DP_DIGEST}
    return inputs, {k: v if k == "synthetic" or v is None else DP_DIGEST for k, v in report.items()}


@dataclass
class _Rows:
    """The real rows of a release: those it trains on, the evaluation's reference (the holdout, or
    half of it), and the holdout's other half that sets the close filter's threshold (or None)."""

    train: pd.DataFrame
    reference: pd.DataFrame
    threshold: pd.DataFrame | None = None

    def without(self, columns: list) -> _Rows:
        threshold = None if self.threshold is None else self.threshold.drop(columns=columns)
        return _Rows(self.train.drop(columns=columns), self.reference.drop(columns=columns), threshold)

    @property
    def n_threshold(self) -> int:
        return 0 if self.threshold is None else len(self.threshold)


@dataclass
class _Sample:
    """What the model sampled: the records its privacy filter let through, the labels it sampled
    (before any filter dropped records) and the card's entry on that filter."""

    records: pd.DataFrame
    requested: pd.Series
    screen: dict


def _check_request(target: str, n, gates: Gates, filter_quantile, random_state, output) -> tuple[int, Path]:
    """Refuse, before any work, what the options would fail on later; the seed and release folder, checked."""
    if launched_by_torchrun():  # every process ran the whole release alone, each writing the same folder
        raise DataError("torchrun: share runs in one process (fit, sample, measure, gate); run it without torchrun")
    check_options(target, n, gates, filter_quantile)
    random_state = check_seed(random_state, option_name("random_state", "--seed", "data.seed"))
    return random_state, check_release_path(output)


def _new_model(synthesizer, filter_quantile):
    """An unfitted copy of ``synthesizer`` (by default a TabularCGAN), refused with the close filter under DP."""
    from .tabular.synthesizer import TabularCGAN

    model = clone(synthesizer) if synthesizer is not None else TabularCGAN()
    check_filter_without_dp(model.get_params(), filter_quantile)
    return model


def _split_rows(data: pd.DataFrame, target: str, holdout: float, filter_quantile, model, seed: int) -> _Rows:
    """The training rows and the holdout (halved for the close filter), refused before training if a class
    has too few training rows or ``dp_delta`` is too large for them."""
    train, reference = split_holdout(data, target, holdout, seed)
    check_class_rows(data[target], train[target], holdout, coarse=is_dp(model))
    check_dp_delta(model, len(train))
    threshold = None
    if filter_quantile is not None:  # before training: a holdout too small to halve failed after it
        reference, threshold = split_holdout(reference, target, 0.5, seed,
                                             halving=f"{filter_option()}, halving the holdout")
    return _Rows(train, reference, threshold)


def _fit_and_sample(model, train: pd.DataFrame, target: str, request: ClassRequest, seed: int,
                    verbose: bool) -> _Sample:
    """Fit ``model`` on ``train``, sample the records ``request`` asks for (as many as ``train`` has by
    default), and drop those its privacy filter still rejects; refused if that leaves a class without records."""
    if "random_state" in model.get_params():
        model.set_params(random_state=seed)
    if "verbose" in model.get_params():
        model.set_params(verbose=verbose)
    model.fit(train, y=target)
    with release_in_memory(request.name(), "sampling"):
        synthetic = model.sample_frame(**request.sampling(len(train)), random_state=seed)
        requested = synthetic[target]
        synthetic, screen = screen_privacy_filter(model, synthetic, target)  # what sampling kept after its tries
    check_every_class_left(requested.value_counts(sort=False), synthetic[target], "privacy filter",
                           "still inside a training row's radius after the filter's tries",
                           train[target].value_counts())
    return _Sample(synthetic, requested, screen)


def _filter_close(rows: _Rows, sample: _Sample, target: str, quantile: float | None, kinds: dict) -> pd.DataFrame:
    """The sampled records without those the close filter drops (all of them without the filter)."""
    if rows.threshold is None:
        return sample.records
    kept = filter_close_records(rows.train, rows.threshold, sample.records, target, quantile, kinds)
    check_every_class_left(sample.requested.value_counts(sort=False), kept[target], f"{filter_option()} {quantile}",
                           "closer to a training row than the holdout's quantile", rows.train[target].value_counts())
    return kept


def _evaluate(rows: _Rows, records: pd.DataFrame, target: str, kinds: dict, n_seeds: int, seed: int,
              left_out: list, screen: dict):
    """The evaluation of the records to release, with the release's notes. The holdout is the test set
    and the privacy reference: given as both, the report says so; the gates measure every released
    record (evaluate's max_synthetic would count exact copies in a sample only)."""
    from .evaluate import evaluate
    from .evaluate.run_options import seeds_key

    # a [share] run's one-seed note names its own key, not evaluate.seeds; it is in the release's report, not
    # warned: one seed is share's default (its gates are privacy measures, whose intervals the note is not about)
    with seeds_key("share.seeds", warn=False):
        result = evaluate(rows.train, rows.reference, records, target, rows.reference, baselines=(),
                          n_seeds=n_seeds, random_state=seed, max_synthetic=None, **kinds)
    result.notes.append(holdout_note(len(rows.reference), rows.n_threshold))
    if left_out:
        result.notes.append(left_out_note(left_out))
    result.notes.append(privacy_filter_note(screen))
    return result


def _judge(model, result, gates: Gates, rows: _Rows, sample: _Sample, records: pd.DataFrame, target: str,
           seed: int, inputs: dict, request: dict) -> tuple[list[GateResult], dict]:
    """The gates' verdicts and the release card; the report's notes and the warnings on both."""
    leakage = next(p for p in result.privacy if p.source == "synthetic")
    checks = check_gates(leakage, gates)
    flipped = flipped_membership(leakage, gates)
    card = release_card(model, result, checks, gates, len(rows.train), len(rows.reference),
                        len(sample.records) - len(records), seed, rows.n_threshold, sample.screen,
                        records[target], flipped, sample.requested, inputs, request)
    result.notes += [guarantee_note(card), gates_note(checks)]
    for name, flip in flipped.items():
        warn(flipped_note(name, flip))
        result.notes.append(flipped_note(name, flip))
    mismatch = verdict_mismatch_warning(card)  # None unless every gate passed: "released" beside "leaks"
    if mismatch:
        warn(mismatch)
    shortfall = shortfall_warning(card) if all(g.passed for g in checks) else None
    if shortfall:  # the filters' drops skew the class balance: say which classes lost how many
        warn(shortfall)
        result.notes.append(shortfall)
    return checks, card


def _write_release(output: Path, records: pd.DataFrame, result, card: dict) -> None:
    """The release folder: the records, the evaluation's report and the card, written at once."""
    from .evaluate import write_report

    with atomic_directory(output, recheck=check_release_path) as tmp:
        with TableWriter(tmp / "synthetic.csv") as writer:
            writer.write(records)
        write_report(result, tmp)
        (tmp / CARD_FILE).write_text(json.dumps(card, indent=2, allow_nan=False))
