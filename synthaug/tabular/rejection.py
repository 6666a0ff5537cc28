"""Batched rejection sampling: the sampling filters' loop, which candidate fills each row, and
how many candidates to draw next.

Rows still to fill get ``per[i]`` candidates each, laid out row after row. Taking each row's
first accepted candidate gives the same distribution as drawing one candidate at a time until
one is accepted, in a few rounds instead of one round per try.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._errors import warn
from .._text import param_name
from .filter_skew import SKEWED, SkewTally


def fill_rows(codes: np.ndarray, generate: Callable[[np.ndarray], pd.DataFrame], private, labels,
              rounds: int, batch: int, notes: FilterNotes | None = None) -> tuple[pd.DataFrame, int, int]:
    """Rows of class ``codes`` (in that order) that the privacy filter ``private`` and the label
    filter ``labels`` (either may be None) accept, drawn from ``generate``; and how many candidates
    each filter rejected on the way.

    Each round, every row still to fill gets a batch of at most ``batch`` candidates of its class,
    sized by its class's acceptance rate so far, and takes the first one that both filters
    accept. A rejected candidate before that one counts for the privacy filter when it rejected
    it, else for the label filter; after ``rounds`` tries a row keeps its last candidate, with a
    warning; the warnings add up in ``notes`` when given (a sample's chunks warn once, at its end),
    else they are given here.
    """
    own_notes = notes is None
    notes = FilterNotes() if own_notes else notes
    notes.rounds = rounds
    frame = generate(codes)
    tally = SkewTally() if private is not None and hasattr(private, "fresh_acceptance") else None
    n_rejected = n_label_rejected = 0
    n_codes = int(codes.max()) + 1 if len(codes) else 0
    checked, accepted = np.zeros(n_codes), np.zeros(n_codes)  # per class, over all rounds
    parts, where, todo = [], [], np.arange(len(codes))
    per, tried = np.ones(len(codes), dtype=np.int64), np.zeros(len(codes), dtype=np.int64)
    while True:
        slot = np.repeat(np.arange(len(todo)), per)  # (candidates,): the row each candidate may fill
        cand_codes = codes[todo][slot]
        none = np.zeros(len(slot), dtype=bool)
        close = private.too_close(frame, cand_codes) if private is not None else none
        mislabeled = labels.rejects(frame, cand_codes) if labels is not None else none
        bad = close | mislabeled
        if tally is not None:
            tally.add(frame, cand_codes)
        np.add.at(checked, cand_codes, 1)
        np.add.at(accepted, cand_codes[~bad], 1)
        first, found, starts = first_accepted(bad, per)
        tried = tried + per
        last = tried >= rounds  # rows out of tries keep their last candidate
        pick = np.where(found, first, starts + per - 1)
        done = found | last
        counted = np.arange(len(bad)) < np.where(found, first, starts + per - last)[slot]  # regenerated ones
        n_rejected += int((close & counted).sum())
        n_label_rejected += int((mislabeled & ~close & counted).sum())
        kept_bad = (last & ~found)[slot] & (np.arange(len(bad)) == pick[slot])
        notes.kept_close += int((close & kept_bad).sum())
        notes.kept_mislabeled += int((mislabeled & ~close & kept_bad).sum())
        parts.append(frame.iloc[pick[done]])
        where.append(todo[done])
        todo, tried = todo[~done], tried[~done]
        if len(todo) == 0:
            break
        per = next_batch(checked, accepted, codes[todo], tried, len(codes), batch, rounds)
        frame = generate(np.repeat(codes[todo], per))
    order = np.argsort(np.concatenate(where), kind="stable")
    kept = pd.concat(parts, ignore_index=True).iloc[order].reset_index(drop=True)
    notes.rows, notes.rejected = notes.rows + len(codes), notes.rejected + n_rejected
    if tally is not None:
        notes.fresh = private.fresh_acceptance()
        if n_rejected / max(len(codes), 1) > DISTORTING / notes.fresh - 1:  # the tally costs a tenth of the time
            notes.add_skew(*tally.skew(kept, codes))
    if own_notes:
        notes.warn()
    return kept, n_rejected, n_label_rejected


@dataclass
class FilterNotes:
    """What the sampling filters did over a sample's chunks, for one warning each at the end (a
    2-million-row sample warned per 50,000-row chunk, 40 times)."""

    rounds: int = 0  # tries a row had before it kept its last candidate
    rows: int = 0
    rejected: int = 0  # candidates the privacy filter had regenerated
    kept_close: int = 0  # rows kept after ``rounds`` tries that the privacy filter still rejected
    kept_mislabeled: int = 0  # ... that the label filter alone still rejected
    fresh: float | None = None  # the share of fresh real rows the privacy filter passes (None: no such filter)
    skew: float = 0.0  # the largest categorical shift of a chunk that regenerated many, and its column
    column: str | None = None

    def add_skew(self, skew: float, column: str | None) -> None:
        if skew > self.skew:
            self.skew, self.column = skew, column

    def warn(self) -> None:
        """The warnings of :func:`warn_distorting` and :func:`_warn_kept`, for every row so far."""
        if self.fresh is not None:
            warn_distorting(self.rejected, self.rows, self.fresh, self.skew, self.column)
        _warn_kept(self.kept_close, self.kept_mislabeled, self.rounds, self.rows)


def first_accepted(rejected: np.ndarray, per: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(first, found, starts), each (rows,): the position of each row's first accepted candidate
    (``len(rejected)`` where none was), whether there was one, and where the row's candidates start."""
    starts = np.concatenate([[0], np.cumsum(per)[:-1]]).astype(np.int64)
    first = np.minimum.reduceat(np.where(rejected, len(rejected), np.arange(len(rejected))), starts)
    return first, first < len(rejected), starts


def next_batch(checked: np.ndarray, accepted: np.ndarray, codes: np.ndarray, tried: np.ndarray,
               chunk: int, most: int, tries: int) -> np.ndarray:
    """(rows,) candidates per row still to fill, of class ``codes``: the expected tries of its class
    (``checked / accepted`` so far, ``most`` if none was accepted), raised so a round holds at least
    ``max(256, chunk // 4)`` candidates (a round has a fixed cost), at most ``most`` each, at most
    ``4 * chunk`` in all, and never beyond ``tries`` per row."""
    want = np.where(accepted[codes] > 0, np.ceil(checked[codes] / np.maximum(accepted[codes], 1)), most)
    want = np.maximum(want, np.ceil(max(256, chunk // 4) / len(codes)))
    cap = max(1, (4 * chunk) // len(codes))
    return np.clip(want, 1, np.minimum(min(most, cap), tries - tried)).astype(np.int64)


DISTORTING = 1.5
"""The privacy filter may distort the sample when it passes a model's rows this many times less often
than fresh rows (``fresh_acceptance``): with the default pinning quantile 0.75, more than 5 regenerated
candidates per row. Models of continuous tables (breast cancer, wine, adult) needed 0.7 to 2.8 (the demo's,
at 25 rows a class, 6.5); the trial's categorical tables 6.8 and 11.9 (their marginals 0.17 in total
variation from the training rows' against 0.03 unfiltered) before rows equal to ``COMMON_K`` training rows
were let through. The warning needs a categorical column's shares moved too (:mod:`.filter_skew`)."""


def warn_distorting(n_rejected: int, n_rows: int, fresh: float, skew: float, column: str | None) -> None:
    """Warn when the privacy filter regenerated more than ``DISTORTING / fresh - 1`` candidates per row
    (``fresh``: the share of fresh rows the filter passes) and the rows it kept differ from the candidates
    in a categorical ``column`` by more than :data:`.filter_skew.SKEWED` (total variation ``skew``): the
    rows kept are then a skewed part of what the model generates, as the trial's categorical sample that
    lost the table's common values was. On a continuous table the rows kept are those farther from the
    training rows, which is the filter's job: no warning."""
    if not n_rows or n_rejected / n_rows <= DISTORTING / fresh - 1 or skew <= SKEWED:
        return
    warn(f"privacy filter: regenerated {n_rejected} candidates for {n_rows} row(s) ({n_rejected / n_rows:.1f} "
         f"per row; fresh real rows would need about {1 / fresh - 1:.0f}), and the rows kept are a skewed part of "
         f"what the model generates (column {column!r}: its shares moved by {skew:.2f} in total variation), so "
         "they may miss the table's common values; compare them with the data (synthaug evaluate) before use. "
         f"A lower {param_name('privacy_filter_pinning')} or {param_name('privacy_filter')} rejects fewer, "
         "at a privacy cost")


def _warn_kept(close: int, mislabeled: int, rounds: int, total: int) -> None:
    """Warn about rows (of ``total`` drawn) kept after ``rounds`` tries although a filter still rejected
    them; the warning points at the code that asked the model for rows. It never advises loosening a
    filter: a row the privacy filter still rejects is close to a training row, and a looser filter
    would let the same row through without a word (a class of one row was released so); a row the
    label filter still rejects is one the model may not have learnt to make yet."""
    if close:
        warn(f"privacy filter: {close} row(s) still inside a training row's radius (or pinned to it) "
             f"after {rounds} tries were kept and may be near-copies of training rows (a share release "
             "drops them); train longer, or give their class more rows")
    if mislabeled:
        warn(f"label filter: {mislabeled} of {total} row(s) kept after {rounds} tries although the filter "
             "still judged them unlike their class; train longer (more epochs) first, as the model may not "
             f"have learnt those classes yet. {param_name('label_filter')} sets how strict the filter is")
