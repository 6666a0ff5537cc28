"""Training-by-sampling: which class, which rows, and which category condition each pack gets.

Classes are drawn balanced (or at their prior); with probability ``condition_probability`` a
pack is also conditioned on one category of one discrete span, drawn at log-frequency within
the class, so rare categories are seen often. Everything is vectorised over packs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._errors import DataError
from .columns import Span

CLASS_SAMPLING = ("balanced", "log", "prior")


@dataclass
class PackBatch:
    """Row indices (P*pac,), class per pack (P,), and the condition one-hot per pack (P, C)."""

    rows: np.ndarray
    classes: np.ndarray
    condition: np.ndarray


class ConditionalSampler:
    def __init__(
        self,
        matrix: np.ndarray,
        labels: np.ndarray,
        n_classes: int,
        spans: list[Span],
        class_sampling: str = "balanced",
        condition_probability: float = 0.5,
    ) -> None:
        self.n_classes, self.spans = n_classes, spans
        self.condition_probability = condition_probability if spans else 0.0
        counts = np.bincount(labels, minlength=n_classes).astype(float)
        self.class_p = _class_probabilities(counts, class_sampling)
        self.class_order = np.argsort(labels, kind="stable")
        self.class_start = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
        self.class_count = counts.astype(np.int64)
        self.condition_dim = int(sum(s.width for s in spans))
        self._build_category_groups(matrix, labels)

    def _build_category_groups(self, matrix: np.ndarray, labels: np.ndarray) -> None:
        """Group rows by (span, class, category) with one argsort per span."""
        n = len(labels)
        orders, counts, starts, span_offsets = [], [], [], []
        max_width = max((s.width for s in self.spans), default=1)
        self.logfreq_cdf = np.ones((len(self.spans), self.n_classes, max_width))
        for j, span in enumerate(self.spans):  # one whole-column operation per span
            codes = matrix[:, span.start : span.stop].argmax(1)
            key = labels.astype(np.int64) * span.width + codes
            group_counts = np.bincount(key, minlength=self.n_classes * span.width)
            orders.append(np.argsort(key, kind="stable"))
            span_offsets.append(sum(len(c) for c in counts))
            counts.append(group_counts)
            starts.append(j * n + np.concatenate([[0], np.cumsum(group_counts)[:-1]]))
            per_class = group_counts.reshape(self.n_classes, span.width).astype(float)
            weight = np.where(per_class > 0, np.log1p(per_class), 0.0)
            weight /= np.maximum(weight.sum(1, keepdims=True), 1e-12)
            self.logfreq_cdf[j, :, : span.width] = np.cumsum(weight, axis=1)
        empty = np.zeros(0, np.int64)
        self.group_rows = np.concatenate(orders) if orders else empty
        self.group_count = np.concatenate(counts).astype(np.int64) if counts else empty
        self.group_start = np.concatenate(starts).astype(np.int64) if starts else empty
        self.span_group_offset = np.array(span_offsets, dtype=np.int64)
        self.span_width = np.array([s.width for s in self.spans], dtype=np.int64)
        self.span_cond_offset = np.concatenate([[0], np.cumsum(self.span_width)[:-1]]).astype(np.int64)

    def sample(self, n_packs: int, pac: int, rng: np.random.Generator) -> PackBatch:
        classes = rng.choice(self.n_classes, size=n_packs, p=self.class_p)
        condition = np.zeros((n_packs, self.condition_dim), dtype=np.float32)
        start = self.class_start[classes]
        count = self.class_count[classes]
        conditioned = rng.random(n_packs) < self.condition_probability
        if conditioned.any():
            packs = np.flatnonzero(conditioned)
            span = rng.integers(len(self.spans), size=len(packs))
            cdf = self.logfreq_cdf[span, classes[packs]]
            category = (cdf < rng.random(len(packs))[:, None]).sum(1)
            category = np.minimum(category, self.span_width[span] - 1)
            group = self.span_group_offset[span] + classes[packs] * self.span_width[span] + category
            ok = self.group_count[group] > 0
            packs, span, category, group = packs[ok], span[ok], category[ok], group[ok]
            condition[packs, self.span_cond_offset[span] + category] = 1.0
            start = start.copy()
            count = count.copy()
            start[packs] = -1 - group  # marks packs that draw from a category group
        rows = self._draw_rows(start, count, pac, rng)
        return PackBatch(rows, classes, condition)

    def _draw_rows(
        self, start: np.ndarray, count: np.ndarray, pac: int, rng: np.random.Generator
    ) -> np.ndarray:
        """``pac`` rows per pack, uniformly from its class (start >= 0) or category group."""
        in_group = start < 0
        rows = np.empty((len(start), pac), dtype=np.int64)
        offset = rng.random((len(start), pac))
        cls = ~in_group
        pos = start[cls, None] + (offset[cls] * count[cls, None]).astype(np.int64)
        rows[cls] = self.class_order[pos]
        if in_group.any():
            group = -1 - start[in_group]
            pos = self.group_start[group, None] + (
                offset[in_group] * self.group_count[group, None]
            ).astype(np.int64)
            rows[in_group] = self.group_rows[pos]
        return rows.reshape(-1)


def _class_probabilities(counts: np.ndarray, mode: str) -> np.ndarray:
    if mode not in CLASS_SAMPLING:
        raise DataError(f"class_sampling must be one of {', '.join(CLASS_SAMPLING)}; got {mode!r}")
    present = counts > 0
    weight = {"balanced": present.astype(float), "log": np.log1p(counts), "prior": counts}[mode]
    return weight / weight.sum()
