"""Rows from a fitted TabularCGAN: generator output decoded into a table, in chunks of class codes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import torch

from ..sampling import ROW_CHUNK, chunk_labels
from .networks import SoftmaxLayout
from .rejection import FilterNotes

if TYPE_CHECKING:
    from .synthesizer import TabularCGAN


class DefaultRows(int):
    """The default ``chunk_size`` (:data:`~synthaug.sampling.ROW_CHUNK` rows), told apart from the same
    number passed on purpose: only the default adapts to a wide encoding (:func:`chunk_rows`)."""


DEFAULT_CHUNK = DefaultRows(ROW_CHUNK)

WIDE_ENCODING = 2_048
"""Encoded columns up to which the default chunk is ROW_CHUNK rows. A chunk holds about 10 bytes per row
and encoded column (generator output, Gumbel noise, decoding): 50,000 rows x 5,066 columns (adult with a
5,000-level column) took 2.6 GB. Wider encodings get fewer rows, ROW_CHUNK x WIDE_ENCODING cells (about
1 GB); ordinary tables (adult 119 columns, 149 columns of numbers and categories 469) never reach it, so
their seeded samples are unchanged (another chunk size draws other rows)."""


def chunk_rows(chunk_size: int, width: int) -> int:
    """``chunk_size``, or for the default (:data:`DEFAULT_CHUNK`) and an encoding wider than
    :data:`WIDE_ENCODING` columns, as many rows as fit in ROW_CHUNK x WIDE_ENCODING cells."""
    if not isinstance(chunk_size, DefaultRows) or width <= WIDE_ENCODING:
        return chunk_size
    return max(1, ROW_CHUNK * WIDE_ENCODING // width)


def generated_chunks(model: TabularCGAN, counts: np.ndarray, chunk_size: int, seed: int) -> Iterator[pd.DataFrame]:
    """``counts`` rows per class in shuffled chunks of at most ``chunk_size``, each through the
    model's sampling filters (``_generate_filtered``), which warn once, after the last chunk; all draws
    come from ``seed``. A bad ``chunk_size`` raises here, not at the first chunk."""
    rng = np.random.default_rng(seed)
    gen = torch.Generator().manual_seed(seed)
    return _filtered(model, chunk_labels(counts, chunk_size, rng), gen)


def _filtered(model: TabularCGAN, chunks: Iterator[np.ndarray], gen: torch.Generator) -> Iterator[pd.DataFrame]:
    notes = FilterNotes(labels=model.classes_)
    for codes in chunks:
        yield model._generate_filtered(codes, gen, notes)
    notes.warn()


@torch.inference_mode()
def generate_rows(model: TabularCGAN, codes: np.ndarray, gen: torch.Generator) -> pd.DataFrame:
    """Decoded generated rows for the class codes given, in that order."""
    if model.strategy == "conditional":  # one generator writes every row
        G = model.generators_[0]
        raw = G(torch.randn(len(codes), G.latent_dim, generator=gen), torch.from_numpy(codes))
    else:
        raw = torch.empty(len(codes), model.encoder_.output_dim_)
        for k, G in enumerate(model.generators_):
            rows = np.flatnonzero(codes == k)
            if len(rows) == 0:
                continue
            z = torch.randn(len(rows), G.latent_dim, generator=gen)
            raw[torch.from_numpy(rows)] = G(z, torch.zeros(len(rows), dtype=torch.long))
    raw = SoftmaxLayout(model.encoder_.spans_).perturb(raw, gen)
    return decode_rows(model, raw.numpy(), codes)


def template_rows(model: TabularCGAN) -> pd.DataFrame:
    """Decoded rows that between them take every category and mode of every column (no
    randomness): a file writer learns each column's type from them, even one that a chunk
    leaves all missing."""
    encoder = model.encoder_
    k = max([1, len(model.classes_)] + [s.width for s in encoder.discrete_spans()])
    raw = np.zeros((k, encoder.output_dim_), dtype=np.float32)  # (k, output_dim)
    for span in encoder.discrete_spans():
        raw[np.arange(k), span.start + np.arange(k) % span.width] = 1.0
    return decode_rows(model, raw, np.arange(k) % len(model.classes_))


def decode_rows(model: TabularCGAN, raw: np.ndarray, codes: np.ndarray) -> pd.DataFrame:
    """Encoded rows ``raw`` (n, output_dim) and their class codes as a table in the training column order."""
    frame = model.encoder_.inverse_transform(raw)
    labels = pd.Series(np.asarray(model.classes_, dtype=object)[codes]).astype(target_dtype(model))
    frame[model.target_name_] = labels.to_numpy() if labels.dtype == object else labels
    return frame[model.columns_]


def target_dtype(model: TabularCGAN):
    """The label column's dtype: a pandas Categorical's categories and order, or its dtype name."""
    if model.target_categories_ is None:
        return model.target_dtype_
    return pd.CategoricalDtype(model.target_categories_, ordered=model.target_ordered_)


def time_resolutions(model: TabularCGAN) -> dict[str, int]:
    """Each datetime column's resolution in nanoseconds (the step its sampled values are on)."""
    return {c.spec.name: int(c.resolution_ns_) for c in model.encoder_.codecs_ if c.spec.kind == "datetime"}
