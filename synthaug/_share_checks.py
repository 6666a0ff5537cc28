"""What a release refuses before training, or between its steps: options that would fail (or mean
nothing) only after training, a ``dp_delta`` too large to claim privacy with, a filter that left a
class without records. Each error names the option as the user spells it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import pandas as pd

from ._checks import is_finite, is_whole_number
from ._errors import DataError, warn
from ._gates import count_problem, limit_problem, switches_off
from ._text import closest_name, option_name, plain, quoted
from .privacy.leakage import TOLERANCES

if TYPE_CHECKING:
    from .share import Gates


def filter_option() -> str:
    """The close filter's option as the user spells it: ``filter_quantile``, ``--filter-close`` or
    ``share.filter_close``."""
    return option_name("filter_quantile", "--filter-close", "share.filter_close")


def gate_option(name: str) -> str:
    """A gate as the user spells it: ``gates.max_dcr_share``, ``--max-dcr-share`` or ``share.max_dcr_share``
    (``gates.extra``, ``--gate``, ``share.gates``)."""
    if name == "extra":
        return option_name("gates.extra", "--gate", "share.gates")
    return option_name(f"gates.{name}", f"--{name.replace('_', '-')}", f"share.{name}")


def check_options(target: str, n, gates: Gates, filter_quantile) -> None:
    """Refuse, before any training, what would fail (or mean nothing) only after it: a gate's limit
    outside its measure's range passes whatever the records are, or nothing does."""
    if n is not None and (not is_whole_number(n) or n < 1):  # as sample words it, and takes 5.0
        raise DataError(f"{option_name('n', recipe='share.n')} must be a whole number of rows >= 1, got {n!r}")
    if filter_quantile is not None and not (is_finite(filter_quantile) and 0 < filter_quantile < 1):
        raise DataError(f"{filter_option()} must be a quantile between 0 and 1 (e.g. 0.05), got {filter_quantile!r}")
    known = gate_measures(target)
    unknown = [name for name in gates.extra if name not in known]
    if unknown:
        raise DataError(f"{gate_option('extra')}: unknown measure {unknown[0]!r}{closest_name(unknown[0], known)}; "
                        f"measures are {', '.join(known)}")
    limits = [(gate_option("max_dcr_share"), limit_problem(gates.max_dcr_share, "dcr_share")),
              (gate_option("max_membership_auc"), limit_problem(gates.max_membership_auc, "membership_auc")),
              (gate_option("max_exact_copies"), count_problem(gates.max_exact_copies))]
    limits += [(option_name(f"gates.extra[{k!r}]", f"--gate {k}", f"share.gates[{k!r}]"), limit_problem(v, k))
               for k, v in gates.extra.items()]
    for name, problem in limits:
        if problem:
            raise DataError(f"{name}: {problem}")
    off = [(gate_option(name), getattr(gates, name)) for name in ("max_dcr_share", "max_membership_auc")
           if switches_off(getattr(gates, name), name.removeprefix("max_"))]
    off += [(option_name(f"gates.extra[{k!r}]", f"--gate {k}", f"share.gates[{k!r}]"), v)
            for k, v in gates.extra.items() if switches_off(v, k)]
    for name, limit in off:
        warn(f"{name} {limit}: the measure never exceeds {limit}, so this gate is off")


def gate_measures(target: str) -> list[str]:
    """The measures a gate of ``Gates.extra`` may name (attribute inference is of the target)."""
    return [*(m for m in TOLERANCES if m != "attribute_inference"), f"attribute_inference[{target}]"]


def check_filter_without_dp(params: dict, filter_quantile) -> None:
    """Refuse the close filter on a DP model: it drops records by their distance to training rows, so
    the released records would no longer be post-processing of the DP training."""
    if filter_quantile is not None and params.get("dp_epsilon") is not None:
        raise DataError(f"{filter_option()} {filter_quantile}: not with differential privacy (dp_epsilon="
                        f"{params['dp_epsilon']!r}): it drops records by their distance to training rows, "
                        "so the released records would no longer be post-processing of the DP training; drop one")


def is_dp(model) -> bool:
    """Whether ``model`` trains with differential privacy (its ``dp_epsilon`` is set)."""
    params = model.get_params() if hasattr(model, "get_params") else {}
    return params.get("dp_epsilon") is not None


def check_dp_delta(model, n_train: int) -> None:
    """Refuse a ``dp_delta`` at or above 1/n for a release: "publish one random training row" meets
    such a delta, so the card's DP claim would say nothing (fit only warns)."""
    delta = model.get_params().get("dp_delta") if hasattr(model, "get_params") else None
    if not is_dp(model) or not is_finite(delta) or delta < 1.0 / n_train:
        return  # no DP, or a delta the model's own checks refuse
    from .privacy.dp import default_delta

    raise DataError(f"{option_name('dp_delta', '--dp-delta', 'model.dp_delta')} {delta!r} is at least 1/n "
                    f"(1/{n_train} training rows): a mechanism that publishes a random row meets it, so a release "
                    f"cannot claim differential privacy with it; leave it unset (min(1e-5, 1/(10 n)) = "
                    f"{default_delta(n_train):.3g}) or set it below 1/{n_train}")


def check_every_class_left(sampled: pd.Series, kept: pd.Series, what: str, why: str,
                           trained: pd.Series | None = None) -> None:
    """Refuse a release that a filter left without a class's records (``sampled``: records per class
    before it; ``kept``: the labels after): a release silently lacking a class misleads whoever trains
    on it, as check_class_rows says, and it was released (exit 0) when other classes kept rows.
    ``trained`` (training rows per class) names the classes too small to synthesise without copying
    (:data:`~synthaug.tabular.rejection.TINY_CLASS`), whose advice comes first: training longer does not
    help them."""
    left = kept.value_counts(sort=False).reindex(sampled.index, fill_value=0)
    gone = left[(left == 0) & (sampled > 0)]
    if len(gone) == len(sampled):
        advice = _class_advice(gone.index, trained, "train longer, or give the classes more rows")
        raise DataError(f"{what}: every one of the {int(sampled.sum())} synthetic records was {why}; nothing to "
                        f"release{advice}")
    if len(gone):
        label = plain(gone.index[0])
        more = f" (and of {quoted(gone.index[1:])})" if len(gone) > 1 else ""
        advice = _class_advice(gone.index, trained, "train longer, give the class more rows, or drop it")
        raise DataError(f"{what}: every one of the {int(sampled[gone.index[0]])} records of class {label!r}{more} "
                        f"was {why}; a release without the class would mislead whoever trains on it{advice}")


def _class_advice(classes: pd.Index, trained: pd.Series | None, usual: str) -> str:
    """`` (usual)``, or for classes of fewer than TINY_CLASS training rows, what to do about their size
    first (`` (class 0 (4 training rows) has too few rows ...); for the others, usual``)."""
    from .tabular.rejection import TINY_CLASS, tiny_class_advice

    sizes = {plain(c): int(trained[c]) for c in classes if trained is not None and c in trained.index}
    tiny = {c: n for c, n in sizes.items() if n < TINY_CLASS}
    if not tiny:
        return f" ({usual})"
    return f": {tiny_class_advice(tiny)}" + (f"; for the others, {usual}" if len(tiny) < len(classes) else "")


BYTES_PER_CELL = 160
"""What one more cell of a release costs share in memory: it holds the records, the evaluation's
copies and their distance embeddings at once. Measured on a 10-column table (breast cancer's first 9
features and the target): ``/usr/bin/time -v synthaug share bc10.csv --target target -o outN --n N
--max-dcr-share 1 --max-membership-auc 1 --max-exact-copies 100000000 --set epochs=1 --set min_steps=50
-q`` peaked at 569 MB for N = 20,000 and 829 MB for N = 200,000: 144 bytes per added cell (2026-12-07,
with a margin here). An 8-byte estimate let a trial's 10^8 records through, to the kernel's OOM kill."""


def available_memory() -> int | None:
    """Bytes of memory available to a new allocation (Linux's MemAvailable, else the free physical
    pages), or None where neither can be read."""
    try:
        with open("/proc/meminfo", encoding="ascii") as info:
            for line in info:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):
        return None


def check_release_size(total: int, n_columns: int, asked: str | None) -> None:
    """Refuse, before training, ``total`` records whose table alone (``n_columns`` cells of 8 bytes each)
    is larger than the memory available: share would train, then fail when it sampled them. ``asked``: the
    request as the user spelt it (``--n 1000``, ``--per-class``); None, the default (a table's own size), is
    not checked."""
    available = available_memory()
    if asked is None or available is None or total * n_columns * BYTES_PER_CELL <= available:
        return
    need = total * n_columns * BYTES_PER_CELL
    raise DataError(f"{asked}: {total:,} records of {n_columns} columns take about "
                    f"{need / 1e9:,.1f} GB (about {BYTES_PER_CELL} bytes a cell, measured), more than the "
                    f"{available / 1e9:,.1f} GB of memory available, and share holds the whole release in memory to "
                    f"measure it; ask for at most {max(1, available // (n_columns * BYTES_PER_CELL)):,}")


@contextmanager
def release_in_memory(asked: str | None, step: str) -> Iterator[None]:
    """Turn running out of memory while ``step`` (sampling, measuring) holds the release into one line
    naming the request (``asked``: ``--n 1000``, or None for the default); nothing is written, as the
    release is written only after every gate passes."""
    try:
        yield
    except MemoryError:
        raise DataError(_out_of_memory(asked, step)) from None
    except RuntimeError as error:  # torch's allocator: "DefaultCPUAllocator: can't allocate memory"
        if "can't allocate memory" not in str(error) and "out of memory" not in str(error):
            raise
        raise DataError(_out_of_memory(asked, step)) from None


def _out_of_memory(asked: str | None, step: str) -> str:
    size = "the default number of records" if asked is None else asked
    return (f"out of memory while {step} the release ({size}); nothing was written: ask for fewer records, or "
            "free memory")
