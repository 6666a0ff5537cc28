"""TabularCGAN's sampling methods: a request (``n``, ``per_class``, ``balance`` or ``ratio``) as
``(X, y)``, one table, shuffled chunks, or a file written chunk by chunk."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

import pandas as pd
from sklearn.utils.validation import check_is_fitted

from .._progress import progress_bar
from .._random import RandomState
from ..io import TableWriter
from ..persist import user_path
from ..sampling import check_chunk_size, resolve_class_counts
from .generation import DEFAULT_CHUNK, chunk_rows, generated_chunks, template_rows, time_resolutions


class SampleMethods:
    """Mixin for TabularCGAN: every way to ask a fitted model for rows. Each names its own keywords,
    so an unknown one is a TypeError naming the method called."""

    def sample(self, n: int | None = None, *, per_class: Mapping | None = None, balance: bool = False,
               ratio: float | None = None, random_state: RandomState = None,
               chunk_size: int = DEFAULT_CHUNK) -> tuple[pd.DataFrame, pd.Series]:
        """Labeled synthetic rows as ``(X, y)``; ask for exactly one of n, per_class, balance, ratio.

        ``n`` and ``ratio`` (of the training size) follow the training class prior; ``per_class``
        gives exact counts per label; ``balance`` tops every class up to the largest. Counts are whole
        numbers (``5`` or ``5.0``, not ``5.5``). Rows are drawn ``chunk_size`` at a time, as in
        :meth:`iter_sample` and ``synthaug sample --chunk-size``: another chunk size draws other rows
        for the same seed.

        Columns come back in their training dtypes, except that a float column of whole numbers with
        missing values comes back as pandas' nullable ``Int64`` (``25`` and ``<NA>``, not ``25.0`` and
        ``NaN``); SynthOverSampler casts its rows back to X's dtypes, so there it stays float64.
        """
        frame = self.sample_frame(n, per_class=per_class, balance=balance, ratio=ratio, random_state=random_state,
                                  chunk_size=chunk_size)
        target = self.column_labels_.get(self.target_name_, self.target_name_)
        return frame.drop(columns=[target]), frame[target]

    def sample_frame(self, n: int | None = None, *, per_class: Mapping | None = None, balance: bool = False,
                     ratio: float | None = None, random_state: RandomState = None,
                     chunk_size: int = DEFAULT_CHUNK) -> pd.DataFrame:
        """Like :meth:`sample` (a float column of whole numbers with missing values as ``Int64``), as one
        table with the target column at its original place."""
        chunks = self.iter_sample(n, per_class=per_class, balance=balance, ratio=ratio, random_state=random_state,
                                  chunk_size=chunk_size)
        return pd.concat(list(chunks), ignore_index=True)  # never empty: 0 rows is refused

    def iter_sample(self, n: int | None = None, *, per_class: Mapping | None = None, balance: bool = False,
                    ratio: float | None = None, random_state: RandomState = None,
                    chunk_size: int = DEFAULT_CHUNK) -> Iterator[pd.DataFrame]:
        """Shuffled chunks of whole synthetic rows; memory does not grow with the total.

        Columns carry the labels they had in ``fit``: numbers and booleans as such (columns 0, 1 of
        ``pd.DataFrame(array)``), other labels as text (a NumPy table's x0, x1...). An unfitted model
        or a bad request raises here, not at the first chunk."""
        chunks = self._text_chunks(n, per_class=per_class, balance=balance, ratio=ratio,
                                   random_state=random_state, chunk_size=chunk_size)
        if not self.column_labels_:
            return chunks
        return (chunk.rename(columns=self.column_labels_) for chunk in chunks)

    def _text_chunks(self, n: int | None = None, *, per_class: Mapping | None = None, balance: bool = False,
                     ratio: float | None = None, random_state: RandomState = None,
                     chunk_size: int = DEFAULT_CHUNK) -> Iterator[pd.DataFrame]:
        """:meth:`iter_sample` with every column named as text (as files name them)."""
        check_is_fitted(self, "generators_")
        counts = resolve_class_counts(self.classes_, self.class_counts_, n, per_class, balance, ratio, warn_empty=True)
        chunk_size = check_chunk_size(chunk_rows(chunk_size, self.encoder_.output_dim_))  # default: by width
        seed = self._sample_seed(random_state)
        self._check_filters()
        return generated_chunks(self, counts, chunk_size, seed)


    def write_sample(self, path: str | Path, n: int | None = None, *, per_class: Mapping | None = None,
                     balance: bool = False, ratio: float | None = None, chunk_size: int = DEFAULT_CHUNK,
                     verbose: bool | None = None, random_state: RandomState = None) -> int:
        """Stream synthetic rows to CSV, gzip-compressed CSV (``.csv.gz``) or Parquet (by extension;
        ``~`` in ``path`` is the home folder); returns the row count."""
        check_is_fitted(self, "generators_")
        request = {"per_class": per_class, "balance": balance, "ratio": ratio}
        total = int(resolve_class_counts(self.classes_, self.class_counts_, n, **request).sum())
        show = self.verbose if verbose is None else verbose
        with TableWriter(user_path(path), template_rows(self), time_resolutions(self)) as writer, \
                progress_bar(total, "sampling", show) as bar:
            chunks = self._text_chunks(n, chunk_size=chunk_size, random_state=random_state, **request)
            bar.show()  # the request is checked: the clock runs while the first chunk is made
            for chunk in chunks:
                writer.write(chunk)
                bar.advance(len(chunk))
        return writer.rows_written
