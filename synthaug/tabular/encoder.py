"""A reversible table encoder: DataFrame <-> float32 matrix, column by column, vectorised."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._errors import ModelFileError
from .._text import one_line
from .categorical_codecs import CategoricalCodec, ConstantCodec
from .codec_state import check_state
from .columns import Span
from .numeric_codec import NumericCodec
from .schema import ColumnSpec

Codec = NumericCodec | CategoricalCodec | ConstantCodec


class TableEncoder:
    """Encode the modelled columns of a table for a GAN and decode generated rows back.

    Decoding restores dtypes, rounds integers, rounds continuous numbers to the decimals of their
    training values (``rounding``; see :func:`synthaug.tabular.columns.learn_decimals`), clips
    numbers to the training range (``clip``) and emits only categories seen in training.
    """

    def __init__(
        self,
        max_knots: int = 200,
        min_bin: int = 5,
        point_mass_share: float = 0.05,
        max_point_masses: int = 3,
        min_category_count: int = 2,
        clip: bool = True,
        rounding: bool = True,
    ) -> None:
        self.max_knots = max_knots
        self.min_bin = min_bin
        self.point_mass_share = point_mass_share
        self.max_point_masses = max_point_masses
        self.min_category_count = min_category_count
        self.clip = clip
        self.rounding = rounding

    def _make_codec(self, spec: ColumnSpec) -> Codec:
        if spec.kind in ("continuous", "integer", "datetime"):
            return NumericCodec(
                spec, self.max_knots, self.min_bin, self.point_mass_share, self.max_point_masses,
                self.min_category_count,
            )
        if spec.kind in ("categorical", "boolean"):
            return CategoricalCodec(spec, self.min_category_count)
        return ConstantCodec(spec, self.min_category_count)

    def fit(self, frame: pd.DataFrame, specs: list[ColumnSpec], rng: np.random.Generator) -> TableEncoder:
        self.specs_ = list(specs)
        self.codecs_ = [self._make_codec(s).fit(frame[s.name], rng) for s in self.specs_]
        self._build_spans()
        return self

    def fit_public(self, specs: list[ColumnSpec], states: list[tuple[dict, dict[str, np.ndarray]]]) -> TableEncoder:
        """Fitted state from a public schema, with no data: ``states`` are each codec's (scalars, arrays)."""
        self.specs_ = list(specs)
        self.codecs_ = [self._make_codec(s).load(*state) for s, state in zip(self.specs_, states, strict=True)]
        self._build_spans()
        return self

    def _build_spans(self) -> None:
        spans, start = [], 0
        for spec, codec in zip(self.specs_, self.codecs_, strict=True):
            for width, activation in codec.widths():
                spans.append(Span(start, width, activation, spec.name))
                start += width
        self.spans_, self.output_dim_ = spans, start

    def transform(self, frame: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
        """(n, output_dim_) float32; ``rng`` dequantises integers and fills in folded categories.

        Written column by column into one float32 matrix: a float64 one-hot block, then a float64
        concatenation cast afterwards, took 7x the matrix's size for a 5,000-level column."""
        out, start = np.zeros((len(frame), self.output_dim_), dtype=np.float32), 0
        for spec, codec in zip(self.specs_, self.codecs_, strict=True):
            width = sum(w for w, _ in codec.widths())
            if isinstance(codec, CategoricalCodec):  # ones into the zeros: no block of its own
                codec.write(frame[spec.name], rng, out[:, start : start + width])
            elif width:
                out[:, start : start + width] = codec.transform(frame[spec.name], rng)
            start += width
        return out

    def inverse_transform(self, matrix: np.ndarray) -> pd.DataFrame:
        """Decode an (n, output_dim_) matrix (softmax blocks may be scores) into a DataFrame."""
        start, columns = 0, {}
        for spec, codec in zip(self.specs_, self.codecs_, strict=True):
            width = sum(w for w, _ in codec.widths())
            columns[spec.name] = codec.inverse(matrix[:, start : start + width], self.clip, self.rounding)  # a view
            start += width
        return pd.DataFrame(columns)

    def discrete_spans(self) -> list[Span]:
        """The softmax spans (categories and numeric modes), for training-by-sampling."""
        return [s for s in self.spans_ if s.activation == "softmax"]

    def state(self) -> tuple[dict, dict[str, np.ndarray]]:
        """JSON-able scalars and named arrays; together they rebuild the fitted encoder."""
        columns, arrays = [], {}
        for i, (spec, codec) in enumerate(zip(self.specs_, self.codecs_, strict=True)):
            scalars, arrs = codec.state()
            columns.append({"spec": spec.to_dict(), "state": scalars})
            arrays.update({f"encoder.{i}.{k}": np.asarray(v, dtype=np.float64) for k, v in arrs.items()})
        return {"params": self.get_params(), "columns": columns}, arrays

    def get_params(self) -> dict:
        return {
            "max_knots": self.max_knots,
            "min_bin": self.min_bin,
            "point_mass_share": self.point_mass_share,
            "max_point_masses": self.max_point_masses,
            "min_category_count": self.min_category_count,
            "clip": self.clip,
            "rounding": self.rounding,
        }

    @classmethod
    def from_state(cls, scalars: dict, arrays: dict[str, np.ndarray]) -> TableEncoder:
        encoder = cls(**scalars["params"])
        encoder.specs_, encoder.codecs_ = [], []
        for i, column in enumerate(scalars["columns"]):
            spec = ColumnSpec.from_dict(column["spec"])
            prefix = f"encoder.{i}."
            arrs = {k[len(prefix):]: v for k, v in arrays.items() if k.startswith(prefix)}
            check_state(spec, column["state"], arrs)
            encoder.specs_.append(spec)
            encoder.codecs_.append(encoder._make_codec(spec).load(column["state"], arrs))
        encoder._build_spans()
        encoder._check_decodes()
        return encoder

    def _check_decodes(self) -> None:
        """Decode, column by column, one row for each category and mode: a stored spec and state that
        sampling could not decode (a hand-edited dtype or time zone) is a ModelFileError naming the column."""
        for spec, codec in zip(self.specs_, self.codecs_, strict=True):
            widths = codec.widths()
            k = max([1] + [w for w, _ in widths])
            try:
                for first in range(0, k, DECODE_CHECK_ROWS):  # chunks: k x width grew as categories squared
                    codec.inverse(_check_block(widths, np.arange(first, min(k, first + DECODE_CHECK_ROWS))),
                                  self.clip, self.rounding)
            except (TypeError, ValueError, KeyError, OverflowError) as exc:  # KeyError: an unknown time zone
                raise ModelFileError(f"column {spec.name!r}: its stored dtype {spec.dtype!r} and state cannot be "
                                     f"decoded ({one_line(exc)})") from None


DECODE_CHECK_ROWS = 256
"""Rows decoded at a time when a loaded column is checked."""


def _check_block(widths: list[tuple[int, str]], rows: np.ndarray) -> np.ndarray:
    """(len(rows), width): row ``r`` one-hot at code ``r % w`` of every softmax span of width ``w``."""
    block, start = np.zeros((len(rows), sum(w for w, _ in widths))), 0
    for w, activation in widths:
        if activation == "softmax" and w > 0:
            block[np.arange(len(rows)), start + rows % w] = 1.0
        start += w
    return block
