"""Batched rejection sampling: the sampling filters' loop, which candidate fills each row, and
how many candidates to draw next.

Rows still to fill get ``per[i]`` candidates each, laid out row after row. Taking each row's
first accepted candidate gives the same distribution as drawing one candidate at a time until
one is accepted, in a few rounds instead of one round per try.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .._errors import warn
from .._text import counted, param_name, plain
from .filter_skew import SKEWED, SkewTally


def fill_rows(codes: np.ndarray, generate: Callable[[np.ndarray], pd.DataFrame], private, labels,
              rounds: int, batch: int, notes: FilterNotes | None = None) -> tuple[pd.DataFrame, int, int]:
    """Rows of class ``codes`` (in that order) that the privacy filter ``private`` and the label
    filter ``labels`` (either may be None) accept, drawn from ``generate``; and how many candidates
    each filter rejected on the way.

    Each round, every row still to fill gets a batch of at most ``batch`` candidates of its class,
    sized by its class's acceptance rate so far, and takes the first one that both filters
    accept. A rejected candidate counts for the privacy filter when it rejected it, else for the
    label filter. After ``rounds`` tries a row keeps its best candidate (:class:`_Held`), with a
    warning; the warnings add up in ``notes`` when given (a sample's chunks warn once, at its end),
    else they are given here.
    """
    own_notes = notes is None
    notes = FilterNotes() if own_notes else notes
    notes.rounds = rounds
    if hasattr(private, "class_rows"):
        notes.class_rows = private.class_rows()
    frame = generate(codes)
    tally = SkewTally(getattr(private, "categories", None)) if hasattr(private, "fresh_acceptance") else None
    n_rejected = n_label_rejected = 0
    n_codes = int(codes.max()) + 1 if len(codes) else 0
    checked, accepted = np.zeros(n_codes), np.zeros(n_codes)  # per class, over all rounds
    parts, where, todo, held = [], [], np.arange(len(codes)), _Held()
    per, tried = np.ones(len(codes), dtype=np.int64), np.zeros(len(codes), dtype=np.int64)
    while True:
        slot = np.repeat(np.arange(len(todo)), per)  # (candidates,): the row each candidate may fill
        cand_codes = codes[todo][slot]
        close, near = _judge(private, frame, cand_codes)
        mislabeled = labels.rejects(frame, cand_codes) if labels is not None else np.zeros(len(slot), dtype=bool)
        bad = close | mislabeled
        if tally is not None:
            tally.add(frame, cand_codes)
        np.add.at(checked, cand_codes, 1)
        np.add.at(accepted, cand_codes[~bad], 1)
        first, found, starts = first_accepted(bad, per)
        counted = np.arange(len(bad)) < np.where(found, first, starts + per)[slot]  # rejected ones (see _Held)
        n_rejected += int((close & counted).sum())
        n_label_rejected += int((mislabeled & ~close & counted).sum())
        tried = tried + per
        last = tried >= rounds  # rows out of tries keep their best candidate
        if not found.all():
            if near is None:  # no distance: the later candidate is the better, so the last one is kept
                near, score = np.full(len(bad), np.nan), tried[slot] - per[slot] + np.arange(len(bad)) - starts[slot]
            else:  # one the privacy filter passed, else the farthest from the training rows
                score = np.where(close, near, np.inf)
            flags = {"close": close, "mislabeled": mislabeled & ~close, "near": near}
            out = held.offer(frame, np.flatnonzero(~found), score, slot, starts, flags, last)
            if out is not None:  # rows out of tries: their kept candidate was counted as rejected above
                n_rejected -= int(out[2]["close"].sum())
                n_label_rejected -= int(out[2]["mislabeled"].sum())
                notes.count_kept(codes[todo[out[1]]], **out[2])
                parts.append(out[0])
                where.append(todo[out[1]])
        parts.append(frame.iloc[first[found]])
        where.append(todo[found])
        todo, tried = todo[~(found | last)], tried[~(found | last)]
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

    rounds: int = 0  # tries a row had before it kept its best candidate
    rows: int = 0
    rejected: int = 0  # candidates the privacy filter had regenerated
    kept_close: int = 0  # rows kept after ``rounds`` tries that the privacy filter still rejected
    kept_mislabeled: int = 0  # ... that the label filter alone still rejected
    exact: int = 0  # ... of the kept_close, exact copies of a training row of their class (distance 0)
    close_classes: dict = field(default_factory=dict)  # class code -> kept_close rows of that class
    class_rows: np.ndarray | None = None  # training rows per class code (from the privacy filter)
    labels: Sequence | None = None  # class labels by code, for the warnings (None: the codes)
    fresh: float | None = None  # the share of fresh real rows the privacy filter passes (None: no such filter)
    skew: float = 0.0  # the largest categorical shift of a chunk that regenerated many, and its column
    column: str | None = None

    def add_skew(self, skew: float, column: str | None) -> None:
        if skew > self.skew:
            self.skew, self.column = skew, column

    def count_kept(self, codes: np.ndarray, close: np.ndarray, mislabeled: np.ndarray, near: np.ndarray) -> None:
        """Count rows of class ``codes`` kept after their last try: ``close`` (the privacy filter rejected
        them; ``near`` 0: exact copies), ``mislabeled`` (the label filter alone rejected them)."""
        self.kept_close += int(close.sum())
        self.kept_mislabeled += int(mislabeled.sum())
        self.exact += int((close & (near == 0)).sum())
        for code, count in zip(*np.unique(codes[close], return_counts=True), strict=True):  # classes, not rows
            self.close_classes[int(code)] = self.close_classes.get(int(code), 0) + int(count)

    def tiny_classes(self) -> dict:
        """{class code: training rows} of the classes with kept_close rows and fewer than
        :data:`TINY_CLASS` training rows."""
        if self.class_rows is None:
            return {}
        return {c: int(self.class_rows[c]) for c in sorted(self.close_classes)
                if c < len(self.class_rows) and self.class_rows[c] < TINY_CLASS}

    def warn(self) -> None:
        """The warnings of :func:`warn_distorting` and :func:`_warn_kept`, for every row so far."""
        if self.fresh is not None:
            warn_distorting(self.rejected, self.rows, self.fresh, self.skew, self.column)
        _warn_kept(self)


TINY_CLASS = 6
"""A class of fewer training rows than this (5 or fewer) cannot be synthesised without copying them: the
privacy filter keeps near-copies of its rows after every try, and training longer does not help. Breast
cancer with 56 rows of one class and m of the other (a default fit, 100 rows of the small class sampled,
2 seeds): still rejected after the tries, 100 of 100 for m = 1 to 4 at 3,000 steps and at 9,000; for m = 5,
85 and 85 at 3,000, 97 and 94 at 9,000; for m = 6, 12 and 19, then 9 and 16; none for m = 8 and 12. A trial's
m = 4 kept 47 of 52 at 3,000 steps and 48 at 9,000; iris with 1 row of class 2 gave 4 exact copies in 100."""


def _judge(private, frame: pd.DataFrame, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """(too_close, nearest): the privacy filter's verdict on each candidate and its distance to the nearest
    training row of its class, which the filter computes anyway (None from a filter that does not say)."""
    if private is None:
        return np.zeros(len(codes), dtype=bool), None
    if hasattr(private, "check"):
        return private.check(frame, codes)
    return private.too_close(frame, codes), None


class _Held:
    """Each row's best candidate so far among those the filters rejected, which it keeps if none is accepted in
    its ``rounds`` tries: one the privacy filter passed (only the label filter rejected it) if there is one,
    else the one farthest from the training rows of its class (the filter's distance to the nearest, which
    it computes anyway); the last one when the filter gives no distance (the label filter alone). The last
    one, kept before, was an exact copy of a class's only training row in 4 of 100 rows of an iris table
    with one row of class 2. Rows accepted within their tries, and every draw, are unchanged: the same seed
    gives the same rows but for those kept after their tries.

    Its frame and arrays are aligned with the rows that were still to fill after the last round."""

    def __init__(self) -> None:
        self.frame: pd.DataFrame | None = None  # None: nothing held yet
        self.values: dict[str, np.ndarray] = {}  # "score" and the flags of the candidates held

    def offer(self, frame: pd.DataFrame, miss: np.ndarray, score: np.ndarray, slot: np.ndarray, starts: np.ndarray,
              flags: dict, last: np.ndarray) -> tuple[pd.DataFrame, np.ndarray, dict] | None:
        """Take this round's candidates (``score``: higher is better; ``flags``: arrays to keep beside each)
        of the rows ``miss`` (positions among the rows to fill) that had none accepted; hold the best of each
        row for the next round, and return those of the rows out of tries (``last``): their frame, positions
        and flags; None when there are none."""
        best = np.maximum.reduceat(score, starts)  # (rows,): each row's best score this round
        pos = np.minimum.reduceat(np.where(score == best[slot], np.arange(len(score)), len(score)), starts)[miss]
        chosen, values = frame.iloc[pos], {"score": best[miss], **{k: v[pos] for k, v in flags.items()}}
        if self.frame is not None:  # the rows still to fill are those held: held[miss] are the same rows
            take = np.where(values["score"] > self.values["score"][miss], len(miss) + np.arange(len(miss)),
                            np.arange(len(miss)))
            chosen = pd.concat([self.frame.iloc[miss], chosen], ignore_index=True).iloc[take]
            values = {k: np.concatenate([self.values[k][miss], v])[take] for k, v in values.items()}
        out = last[miss]
        self.frame, self.values = chosen.iloc[np.flatnonzero(~out)], {k: v[~out] for k, v in values.items()}
        if not out.any():
            return None
        return chosen.iloc[np.flatnonzero(out)], miss[out], {k: values[k][out] for k in flags}


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


def _warn_kept(notes: FilterNotes) -> None:
    """Warn about rows kept after ``rounds`` tries although a filter still rejected them; the warning
    points at the code that asked the model for rows. It never advises loosening a filter: a row the
    privacy filter still rejects is close to a training row, and a looser filter would let the same row
    through without a word (a class of one row was released so); a row the label filter still rejects
    is one the model may not have learnt to make yet. Classes of fewer than :data:`TINY_CLASS` training
    rows are named: training longer does not help them."""
    close, rounds = notes.kept_close, notes.rounds
    if close:
        exact = f"{notes.exact} of them exact copies; " if notes.exact else ""
        tiny, advice = notes.tiny_classes(), "train longer, or give their class more rows"
        if tiny:
            rest = close - sum(notes.close_classes[c] for c in tiny)
            labels = notes.labels if notes.labels is not None else range(max(tiny) + 1)
            advice = tiny_class_advice({plain(labels[c]): n for c, n in tiny.items()}) + (
                f"; for the other {rest}, {advice}" if rest else "")
        warn(f"privacy filter: {close} row(s) still inside a training row's radius (or pinned to it) "
             f"after {rounds} tries were kept and may be near-copies of training rows ({exact}a share release "
             f"drops them); {advice}")
    if notes.kept_mislabeled:
        warn(f"label filter: {notes.kept_mislabeled} of {notes.rows} row(s) kept after {rounds} tries although the "
             "filter still judged them unlike their class; train longer (more epochs) first, as the model may not "
             f"have learnt those classes yet. {param_name('label_filter')} sets how strict the filter is")


def tiny_class_advice(tiny: dict) -> str:
    """What to do about classes of too few training rows ({label: rows}): ``class 2 (1 training row) has too
    few rows to be synthesised without copying them: give it more rows or drop the class (training longer
    does not help)``."""
    one = len(tiny) == 1
    named = " and ".join(f"{label!r} ({counted(n, 'training row')})" for label, n in tiny.items())
    return (f"{'class' if one else 'classes'} {named} {'has' if one else 'have'} too few rows to be synthesised "
            f"without copying them: give {'it' if one else 'them'} more rows or drop {'the class' if one else 'them'} "
            "(training longer does not help)")
