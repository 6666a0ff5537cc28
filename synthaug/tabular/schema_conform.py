"""The private data against a public schema: columns declared and present, values checked
against their declared kinds, clipped to the public bounds, undeclared categories replaced, and
labels coded by the schema's classes. Warnings and errors give column names and counts only, never
values; under DP (``coarse``) the counts' order of magnitude only."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .._errors import DataError, warn
from .._text import closest_name, columns_option, dp_count_note, quoted, rough_count
from .columns import to_float
from .public_columns import NUMERIC, PublicColumn
from .schema_provenance import public_class_counts

if TYPE_CHECKING:
    from .public_schema import PublicSchema


def check_columns(features: pd.DataFrame, schema: PublicSchema) -> None:
    """Every data column declared (or omitted) and every declared column present, else one DataError
    naming all the columns at fault, undeclared and absent alike (a trial met them one run at a time).
    A name is suggested only among the other side's unmatched columns: 'capital-gain', declared and
    present, was offered for an absent 'capital-loss'."""
    data, declared = [str(c) for c in features.columns], schema.names
    undeclared = [n for n in data if n not in declared and n not in schema.omitted]
    absent = [n for n in declared if n not in data]
    faults = []
    if undeclared:
        hint = closest_name(undeclared[0], absent) if len(undeclared) == 1 else ""
        them = "it" if len(undeclared) == 1 else "them"
        faults.append(f"data {_names(undeclared)} not declared{hint}; add {them} to the schema, list {them} under "
                      f"\"omitted\", or leave {them} out: {columns_option('drop', undeclared)}")
    if absent:
        hint = closest_name(absent[0], undeclared) if len(absent) == 1 else ""
        faults.append(f"{_names(absent)} not in the data{hint}")
    if faults:
        raise DataError("public schema: " + "; and ".join(faults))


def omitted_present(features: pd.DataFrame, schema: PublicSchema) -> list[str]:
    """The data's columns that the schema lists as ``omitted``, in data order."""
    return [str(c) for c in features.columns if str(c) in schema.omitted]


def _names(names: list[str]) -> str:
    """``column 'a' is`` or ``columns 'a', 'b' are``."""
    listed = ", ".join(map(repr, names))
    return f"column {listed} is" if len(names) == 1 else f"columns {listed} are"


def conform(features: pd.DataFrame, schema: PublicSchema, coarse: bool = False) -> pd.DataFrame:
    """The features in schema order, checked against their declared kinds, clipped to the public
    bounds and with undeclared categories replaced; warnings give column names and counts only,
    and with ``coarse`` (under DP) the counts' order of magnitude only (:func:`_values`)."""
    check_columns(features, schema)
    out = {}
    for column in schema.columns:
        col = features[column.name]
        if column.kind in NUMERIC:
            out[column.name] = _conform_numeric(col, column, coarse)
        elif column.kind in ("categorical", "boolean"):
            out[column.name] = _conform_categories(col, column, coarse)
        else:
            if column.kind == "constant":
                _check_constant(col, column, coarse)
            out[column.name] = col
    return pd.DataFrame(out, index=features.index)


def _conform_numeric(col: pd.Series, column: PublicColumn, coarse: bool = False) -> pd.Series:
    x = to_float(col, column.spec())
    n_bad = int((np.isnan(x) & col.notna().to_numpy()).sum())
    if n_bad:
        noun = "dates" if column.kind == "datetime" else "numbers"
        raise DataError(f"column {column.name!r} is declared {column.kind} in the public schema but "
                        f"{rough_count(n_bad, coarse)} are not {noun}; fix the data or declare it categorical"
                        f"{dp_count_note(coarse, 'error')}")
    if column.kind == "integer" and (np.mod(x[~np.isnan(x)], 1.0) != 0).any():
        raise DataError(f"column {column.name!r} is declared integer in the public schema but has fractional "
                        "values; declare it continuous")
    if not column.missing and np.isnan(x).any():
        missing = rough_count(int(np.isnan(x).sum()), coarse, "missing value(s)")
        raise DataError(f"column {column.name!r} has {missing} but the public schema does not allow them; set "
                        f'"missing": true{dp_count_note(coarse, "error")}')
    low, high = column.bounds
    outside = int(((x < low) | (x > high)).sum())
    if outside:
        _warn(f"column {column.name!r}: {rough_count(outside, coarse)} outside the public bounds were clipped to "
              f"them{dp_count_note(coarse)}")
    x = np.clip(x, low, high)
    if column.kind != "datetime":
        return pd.Series(x, index=col.index)
    nanos = np.round(np.nan_to_num(x) * 1e9).astype("int64")
    return pd.Series(pd.to_datetime(nanos, unit="ns"), index=col.index).where(~np.isnan(x))


def _check_constant(col: pd.Series, column: PublicColumn, coarse: bool = False) -> None:
    """Warn with a count when the data holds other values than a constant column's public value: the
    model generates the constant whatever the data held (a trial's 232 rows of other races vanished
    without a word)."""
    other = (pd.Index([column.value], dtype=object).get_indexer(col.astype(object)) < 0) & col.notna().to_numpy()
    if other.any():
        _warn(f"column {column.name!r}: {rough_count(int(other.sum()), coarse)} differ from the public schema's "
              f"constant {column.value!r}; the synthetic records all hold {column.value!r}{dp_count_note(coarse)}")


def _conform_categories(col: pd.Series, column: PublicColumn, coarse: bool = False) -> pd.Series:
    values = col.astype(object)
    known = pd.Index(list(column.categories), dtype=object).get_indexer(values) >= 0
    present = col.notna().to_numpy()
    if present.any() and not known[present].any():  # nothing matches: a kind or type mismatch, not rare values
        if column.kind == "boolean":
            raise DataError(f"column {column.name!r} is declared boolean in the public schema but holds other "
                            "values; declare it categorical with its categories")
        raise DataError(f"column {column.name!r}: none of its values are among the public schema's categories; "
                        "check their spelling and type (the text '1' is not the number 1)")
    unknown = ~known & col.notna().to_numpy()
    dropped_missing = col.isna().to_numpy() & (not column.missing)
    replacement = np.nan if column.missing else column.categories[0]
    target = "missing" if column.missing else f"the first category {column.categories[0]!r}"
    if unknown.any():
        _warn(f"column {column.name!r}: {rough_count(int(unknown.sum()), coarse)} not among the public schema's "
              f"categories were set to {target}{dp_count_note(coarse)}")
    if dropped_missing.any():
        _warn(f"column {column.name!r}: {rough_count(int(dropped_missing.sum()), coarse, 'missing value(s)')}, which "
              f"the public schema does not allow, were set to {target}{dp_count_note(coarse)}")
    return values.where(~(unknown | dropped_missing), replacement)


def _warn(message: str) -> None:
    warn(message)


def _unlisted_class_advice(unlisted: pd.Series, schema: PublicSchema) -> str:
    """What to do about labels the schema does not list. When every one of them is a listed class with
    spaces around it (adult's ' <=50K' beside a schema's '<=50K'), say so, without the labels (they are
    the data's)."""
    text = unlisted.astype(str)
    listed = {str(c).strip() for c in schema.classes}
    if text.ne(text.str.strip()).all() and text.str.strip().isin(listed).all():
        return ("the data's labels differ from the schema's by leading or trailing spaces: strip them from the "
                "column (pandas: frame[col] = frame[col].str.strip()) or write the classes with the spaces")
    if any(str(c) != str(c).strip() for c in schema.classes) and text.isin(listed).all():
        return ("the schema's classes differ from the data's labels by leading or trailing spaces: remove the "
                "spaces from target.classes")
    return "add the class to target.classes or drop those rows"


def public_labels(labels: pd.Series, schema: PublicSchema, coarse: bool = False) -> tuple[list, np.ndarray, np.ndarray]:
    """(classes in schema order, class code per row, class counts: public if given, else the data's);
    ``coarse`` (under DP) gives the errors' counts of private rows to their order of magnitude, and
    takes a draft's counts as not public (:func:`.schema_provenance.public_class_counts`)."""
    name = str(labels.name)
    if name != schema.target:
        raise DataError(f"target column {name!r} is not the public schema's target {schema.target!r}")
    n_missing = int(labels.isna().sum())
    if n_missing:
        raise DataError(f"target column {name!r} has {rough_count(n_missing, coarse, 'missing value(s)')}; drop "
                        f"or fill them{dp_count_note(coarse, 'error')}")
    codes = pd.Index(list(schema.classes), dtype=object).get_indexer(labels.astype(object))
    n_bad = int((codes < 0).sum())
    if n_bad:
        raise DataError(f"target column {name!r}: {rough_count(n_bad, coarse, 'row(s)')} have a class the public "
                        f"schema does not list (it lists {quoted(schema.classes, 10)}); "
                        f"{_unlisted_class_advice(labels[codes < 0], schema)}{dp_count_note(coarse, 'error')}")
    counts = np.bincount(codes, minlength=len(schema.classes))
    empty = [c for c, k in zip(schema.classes, counts, strict=True) if k == 0]
    if empty:
        raise DataError(f"target column {name!r}: class(es) {', '.join(map(repr, empty))} of the public schema "
                        "have no training rows, and a model cannot generate a class it never saw; remove them "
                        "from target.classes for this fit (the class list then depends on this table: a released "
                        "model shows which listed classes it lacked)")
    given = public_class_counts(schema, dp=coarse)
    if given is not None:
        counts = np.asarray(given)
    return list(schema.classes), codes.astype(np.int64), counts.astype(np.int64)
