"""Public schemas: column kinds, category lists, bounds and class names given, not learned.

A public schema is a JSON file (``synthaug schema`` drafts one for review)::

    {"format": "synthaug-public-schema", "format_version": 3,
     "target": {"name": "income", "classes": ["<=50K", ">50K"], "counts": null},
     "columns": [
       {"name": "age", "kind": "integer", "bounds": [16, 100]},
       {"name": "capital-gain", "kind": "integer", "bounds": [0, 100000], "point_masses": [0]},
       {"name": "workclass", "kind": "categorical", "categories": ["Private", "State-gov"], "missing": true},
       {"name": "member", "kind": "boolean"},
       {"name": "joined", "kind": "datetime", "bounds": ["2020-01-01", "2024-01-01"]},
       {"name": "visit", "kind": "datetime", "bounds": ["2020-01-01", "2024-01-01"], "dtype": "str",
        "text_format": "%d-%b-%Y", "text_case": "upper"},
       {"name": "country", "kind": "constant", "value": "NO"}],
     "omitted": ["customer_id"]}

Optional: a top-level ``description`` (where the values come from) and ``omitted`` (data columns
the schema leaves out, such as identifiers: fit and share leave them out of the data without a
``drop``; version 2 added it); per column ``missing`` (default false), ``dtype`` (the pandas
dtype samples get; a default per kind), for a continuous column, ``decimals`` (sampled values are
rounded to them; without it they are not rounded, as the decimals fit learns from data would come
from the private rows) and, for a datetime column sampled as text, ``text_format`` (a strftime
format of directives and separators, ``%-d`` a day without its zero: ``03-MAR-2021`` is
``%d-%b-%Y``; without it dates are written as ISO text) and ``text_case`` (``upper``, ``lower``
or null: as the format writes; version 3 added both; every version before is read as well);
``target.counts`` (class -> count) makes the class prior public too. Without ``dtype``,
categories and classes that are all numbers (or all true/false) give a numeric (bool) dtype.

A top-level ``draft`` (a note, or true) marks a schema ``synthaug schema`` drafted from the data
that nobody has yet reviewed: fit and share warn, and the model, ``inspect`` and a release card
record it as :data:`DRAFT` rather than public, so a DP fit's epsilon is said to cover training
only, and spends epsilon on the class counts even when ``target.counts`` gives them. Deleting
the key (or setting it to false) is the reviewer's claim that the values are public. It is read
in every format version and does not raise the version: a reviewed schema has no new field, and a
synthaug from before the key refuses a marked draft (unknown key), the safe way.

With a public schema the encoder takes nothing from the data: kinds, categories, bounds, point
masses and missingness come from the file, and each number's normal-score transform is the
linear map of its public bounds onto [-3.72, 3.72] (two knots; see
:func:`~synthaug.tabular.public_codecs.numeric_state`).

This module reads and checks the file; :mod:`.public_columns` parses each column object,
:mod:`.schema_conform` checks the private data against the schema, :mod:`.public_codecs` builds
the encoder state and :mod:`.schema_provenance` says whether the schema is public or a draft.
Their names are importable from here too.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .._errors import DataError
from .._text import closest_name
from .public_codecs import codec_states
from .public_columns import (
    TEXT_KEYS,
    PublicColumn,
    check_labels,
    checked_dtype,
    label_dtype,
    parse_column,
)
from .schema_conform import conform, omitted_present, public_labels
from .schema_provenance import DRAFT, PUBLIC, DraftSchemaWarning, draft_message, warn_if_draft

__all__ = [  # the codec, data-check and provenance names are re-exported from their modules
    "DRAFT", "FORMAT", "FORMAT_VERSION", "PUBLIC", "READ_VERSIONS", "TARGET_KEYS", "TOP_KEYS", "DraftSchemaWarning",
    "PublicColumn", "PublicSchema", "codec_states", "conform", "draft_message", "omitted_present",
    "parse_public_schema", "public_labels", "read_public_schema", "resolve_public_schema", "schema_document",
    "warn_if_draft",
]

FORMAT = "synthaug-public-schema"
FORMAT_VERSION = 3
"""2 added the optional top-level ``omitted`` list, 3 a datetime column's ``text_format`` and
``text_case``; files of every earlier version are read as well."""
READ_VERSIONS = (1, 2, 3)
TOP_KEYS = {"format", "format_version", "description", "target", "columns", "omitted", "draft"}
TARGET_KEYS = {"name", "classes", "counts", "dtype"}


@dataclass(frozen=True)
class PublicSchema:
    """A parsed and checked public schema."""

    columns: tuple[PublicColumn, ...]
    target: str
    classes: tuple
    class_counts: tuple[int, ...] | None
    target_dtype: str
    omitted: tuple[str, ...] = ()
    draft: bool = False  # still marked as drafted from the data: not public

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]


# ---------------------------------------------------------------- reading and checking the file
def read_public_schema(path: str | Path) -> dict:
    """The JSON document at ``path`` (``~`` the home folder), checked by :func:`parse_public_schema`; DataError
    names the file."""
    path = Path(path).expanduser()
    if not path.is_file():
        raise DataError(f"{path}: schema file not found")
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        where = f"line {exc.lineno}: {exc.msg}" if isinstance(exc, json.JSONDecodeError) else "not UTF-8 text"
        raise DataError(f"{path}: schema is not valid JSON ({where})") from None
    parse_public_schema(document, str(path))
    return document


def schema_document(value: dict | str | Path | None):
    """The ``public_schema`` parameter's document: a path's file read (and checked) now, a dict as given,
    None as None. ``fit`` keeps it (``public_schema_``) and a saved model holds it, so a model file never
    names a file that loading would open (its path was resolved against whatever folder sampling ran in)."""
    return read_public_schema(value) if isinstance(value, (str, Path)) else value


def resolve_public_schema(value: dict | str | Path | None) -> PublicSchema | None:
    """The ``public_schema`` constructor parameter (a dict, a path, or None) parsed and checked."""
    if value is None:
        return None
    if isinstance(value, (str, Path)):
        return parse_public_schema(read_public_schema(value), str(value))
    if not isinstance(value, dict):
        raise DataError(f"public_schema must be a dict or a path to a JSON file, got {type(value).__name__}")
    return parse_public_schema(value)


def parse_public_schema(document, source: str = "public schema") -> PublicSchema:
    """Check the document's format version, target and columns; one-line DataError on the first problem."""
    if not isinstance(document, dict):
        raise DataError(f"{source}: expected a JSON object with format_version, target and columns")
    version = document.get("format_version")
    if version not in READ_VERSIONS or isinstance(version, bool) or document.get("format", FORMAT) != FORMAT:
        raise DataError(f"{source}: unknown schema format {document.get('format', FORMAT)!r} version {version!r} "
                        f"(this synthaug reads {FORMAT!r} versions {', '.join(map(str, READ_VERSIONS))})")
    if version < 2 and "omitted" in document:
        raise DataError(f"{source}: 'omitted' needs format_version 2 (the file says 1)")
    columns = document.get("columns")
    texts = [k for c in (columns if isinstance(columns, list) else []) if isinstance(c, dict)
             for k in TEXT_KEYS if k in c]
    if version < 3 and texts:
        raise DataError(f"{source}: {texts[0]!r} needs format_version 3 (the file says {version})")
    unknown = sorted(set(document) - TOP_KEYS)
    if unknown:
        raise DataError(f"{source}: unknown key {unknown[0]!r}{closest_name(unknown[0], TOP_KEYS)}")
    if not isinstance(columns, list) or not columns:
        raise DataError(f"{source}: 'columns' must be a non-empty list of column objects")
    parsed = tuple(parse_column(c, source) for c in columns)
    names = [c.name for c in parsed]
    if len(set(names)) != len(names):
        raise DataError(f"{source}: column {next(n for n in names if names.count(n) > 1)!r} is declared twice")
    target, classes, counts, dtype = _parse_target(document.get("target"), source)
    if target in names:
        raise DataError(f"{source}: target {target!r} is also declared as a column")
    omitted = _parse_omitted(document.get("omitted", []), source, names, target)
    return PublicSchema(parsed, target, classes, counts, dtype, omitted, _parse_draft(document, source))


def _parse_draft(document: dict, source: str) -> bool:
    """Whether the document is still a draft: a ``draft`` note (text) or true; false or no key: reviewed."""
    marker = document.get("draft", False)
    if not isinstance(marker, (str, bool)):
        raise DataError(f"{source}: 'draft' must be a note (text), true or false; got {marker!r} (delete the key "
                        "once the schema is reviewed)")
    return marker is not False


def _parse_omitted(omitted, source: str, names: list[str], target: str) -> tuple[str, ...]:
    """The ``omitted`` list: distinct column names, none declared, not the target."""
    if not isinstance(omitted, list) or not all(isinstance(n, str) for n in omitted):
        raise DataError(f"{source}: 'omitted' must be a list of column names, got {omitted!r}")
    if len(set(omitted)) != len(omitted):
        raise DataError(f"{source}: omitted: column {next(n for n in omitted if omitted.count(n) > 1)!r} is "
                        "listed twice")
    both = [n for n in omitted if n in names or n == target]
    if both:
        what = "the target" if both[0] == target else "declared as a column"
        raise DataError(f"{source}: omitted: column {both[0]!r} is {what}; a column is modelled or omitted")
    return tuple(omitted)


def _parse_target(target, source: str) -> tuple[str, tuple, tuple[int, ...] | None, str]:
    if not isinstance(target, dict) or not isinstance(target.get("name"), str):
        raise DataError(f"{source}: 'target' must be an object with a name and its classes")
    name, classes = target["name"], target.get("classes")
    unknown = sorted(set(target) - TARGET_KEYS)  # a misspelt "counts" would silently leave the prior private
    if unknown:
        raise DataError(f"{source}: target {name!r}: unknown key {unknown[0]!r}{closest_name(unknown[0], TARGET_KEYS)}")
    if not isinstance(classes, list) or len(classes) < 2:
        raise DataError(f"{source}: target {name!r}: 'classes' must list at least two distinct class names")
    check_labels(classes, f"{source}: target {name!r}", "classes")
    counts = target.get("counts")
    if counts is not None:
        if not isinstance(counts, dict) or set(counts) != {str(c) for c in classes}:
            raise DataError(f"{source}: target {name!r}: 'counts' must map every class (and only those) to a count")
        values = [counts[str(c)] for c in classes]
        if not all(isinstance(v, int) and not isinstance(v, bool) and v >= 1 for v in values):
            raise DataError(f"{source}: target {name!r}: every class count must be a whole number >= 1")
        counts = tuple(values)
    dtype = checked_dtype(f"{source}: target {name!r}", target.get("dtype") or label_dtype(classes), classes)
    return name, tuple(classes), counts, dtype
