"""Small helpers for user-facing messages."""

from __future__ import annotations

import difflib
import json
import shlex
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import numpy as np

PYTHON, CLI, RECIPE = "python", "cli", "recipe"
"""Where the user set the options a message names: Python arguments, command-line options, recipe keys."""
_SURFACE: ContextVar[str] = ContextVar("surface", default=PYTHON)
_COMMAND_OPTIONS: ContextVar[frozenset[str]] = ContextVar("command_options", default=frozenset())


def closest_name(name: str, choices: Iterable) -> str:
    """`` (did you mean 'x'?)`` for the closest of ``choices`` by their text, or an empty string; a
    choice that is not text is shown as itself (``did you mean 1?`` for the integer class 1)."""
    match = closest_choice(name, choices)
    return f" (did you mean {plain(match)!r}?)" if match is not None else ""


def closest_choice(name: str, choices: Iterable):
    """The closest of ``choices`` to ``name`` by their text, or None (:func:`closest_name`)."""
    by_text: dict[str, object] = {}
    for choice in choices:
        by_text.setdefault(str(choice), choice)
    match = difflib.get_close_matches(str(name), list(by_text), n=1, cutoff=0.6)  # 0.5 offered "yes" for "maybe"
    return by_text[match[0]] if match else None


def listed_column_hint(name: str, columns: Iterable) -> str:
    """What follows ``--drop: no column 'x'``: on the command line, where a column list is split at
    commas, how to quote the column whose name holds a comma and ``name`` as one part of it; else
    :func:`closest_name`."""
    columns = [str(c) for c in columns]
    if _SURFACE.get() == CLI:
        for column in columns:
            if "," in column and str(name) in (part.strip() for part in column.split(",")):
                return f" (a name with a comma is quoted: '\"{column}\"')"
    return closest_name(name, columns)


def column_hint(name: str, columns: Iterable, limit: int = 10) -> str:
    """What follows ``column 'x' not found``: the closest of ``columns`` (:func:`closest_name`), else the
    first ``limit`` of them, each cut to 30 characters: ``; the columns are 'age', 'income', … and 12 more``
    (column names are the table's header, not its records)."""
    columns = [str(c) for c in columns]
    close = closest_name(name, columns)
    if close or not columns:
        return close
    names = [shown(c, 30) for c in columns[:limit]]
    more = f", … and {len(columns) - limit} more" if len(columns) > limit else ""
    return f"; the columns are {', '.join(names)}{more}"


def shown(value, width: int = 80) -> str:
    """``repr(value)`` cut to ``width`` characters, for one-line messages."""
    return one_line(repr(value), width)


def one_line(text, width: int = 120) -> str:
    """``text`` (an exception's, say) on one line, cut to ``width`` characters."""
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 3] + "..."


def plain(value):
    """``value`` as a Python scalar when it is a numpy one (so messages print 7, not np.int64(7))."""
    return value.item() if isinstance(value, np.generic) else value


def counted(n: int, noun: str) -> str:
    """``n`` and ``noun``, plural unless ``n`` is 1: ``1 seed``, ``3 seeds``."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def coarse_count(n: int) -> str:
    """A positive count to its order of magnitude: ``fewer than 10`` (1 to 9), ``10 to 99``,
    ``1,000 to 9,999``; for messages that must not give a private count exactly."""
    if n < 1:
        raise ValueError(f"coarse_count takes a positive count, got {n!r}")
    low = 10 ** (len(str(int(n))) - 1)
    return "fewer than 10" if low == 1 else f"{low:,} to {10 * low - 1:,}"


def rough_count(n: int, coarse: bool, noun: str = "value(s)") -> str:
    """``3 value(s)``; with ``coarse`` (under DP) ``fewer than 10 values``, ``100 to 999 values``.

    A message is printed outside the DP mechanism, so an exact count of private rows in it would
    escape epsilon (an outlier's row adds one); an order of magnitude still says whether a few
    records or a share of them are meant. That the message appears at all is not covered either,
    and :func:`dp_count_note` says so."""
    return f"{coarse_count(n)} {noun.replace('(s)', 's')}" if coarse else f"{n} {noun}"


def dp_count_note(coarse: bool, line: str = "warning") -> str:
    """The tail of a message whose counts :func:`rough_count` made coarse (nothing without DP)."""
    return (f" (under DP the count is rounded to its order of magnitude; the {line} itself is not covered by "
            "epsilon)") if coarse else ""


def quoted(values: Iterable, limit: int = 5) -> str:
    """The first ``limit`` values as a comma-separated list of Python reprs: ``'a', 7``; with more
    values than that, how many more: ``'a', 7, … and 12 more``."""
    values = list(values)
    shown = ", ".join(repr(plain(v)) for v in values[:limit])
    return shown if len(values) <= limit else f"{shown}, … and {len(values) - limit} more"


def cli_list(names: Iterable) -> str:
    """``names`` as one comma-separated command-line value, quoted for a shell if it needs it."""
    return shlex.quote(",".join(map(str, names)))


def columns_option(option: str, names: Iterable) -> str:
    """A column-list option as the user spells it (see :func:`options_named_for`): ``drop=['a b']``
    in Python, ``--drop 'a b'`` on the command line, ``model.drop = ["a b"] in the recipe (...)``."""
    names = [plain(n) for n in names]
    surface = _SURFACE.get()
    if surface == RECIPE:  # `synthaug run` has no --drop or --keep
        value = json.dumps([str(n) for n in names])
        return f"model.{option} = {value} in the recipe (or --set {shlex.quote(f'model.{option}={value}')})"
    return f"--{option} {cli_list(names)}" if surface == CLI else f"{option}={names!r}"


def option_name(python: str, cli: str | None = None, recipe: str | None = None) -> str:
    """How a message names an option, as the user spells it (see :func:`options_named_for`): the
    Python argument (``filter_quantile``), the command-line option (``cli``; by default ``python``
    with dashes: ``--per-class``) or the recipe key (``recipe``; by default ``model.<python>``)."""
    surface = _SURFACE.get()
    if surface == CLI:
        return cli or f"--{python.replace('_', '-')}"
    return (recipe or f"model.{python}") if surface == RECIPE else python


def param_name(python: str) -> str:
    """A model's constructor parameter as the user spells it: ``--epochs`` on the command line when
    the running command has that option and ``--set`` did not give the value (``synthaug fit`` has it,
    ``share`` has not), else ``--set epochs`` when the command takes ``--set`` (its options hold ``set_``),
    else ``epochs``; ``model.epochs`` in a recipe; ``epochs`` in Python. The CLI passes its options less
    the keys ``--set`` gave (see :func:`options_named_for`)."""
    options = _COMMAND_OPTIONS.get()
    return option_name(python, cli=None if python in options else f"--set {python}" if "set_" in options else python)


def none_name() -> str:
    """Python's None as the user writes it (see :func:`options_named_for`): ``None`` in Python, ``null``
    on the command line (``--set privacy_filter=null``) and in a recipe (where "None" is text)."""
    return "None" if _SURFACE.get() == PYTHON else "null"


@contextmanager
def options_named_for(surface: str, command_options: Iterable[str] = ()) -> Iterator[None]:
    """Within it, messages name options as ``surface`` spells them: :data:`PYTHON` (outside any,
    for the Python API), :data:`CLI` (each command, with ``command_options``: the Python names of
    its own options, ``set_`` among them when it takes ``--set``, less the keys ``--set`` gave, for
    :func:`param_name`) or :data:`RECIPE` (``synthaug run``)."""
    if surface not in (PYTHON, CLI, RECIPE):
        raise ValueError(f"surface must be {PYTHON!r}, {CLI!r} or {RECIPE!r}; got {surface!r}")
    tokens = _SURFACE.set(surface), _COMMAND_OPTIONS.set(frozenset(command_options))
    try:
        yield
    finally:
        _SURFACE.reset(tokens[0])
        _COMMAND_OPTIONS.reset(tokens[1])


MIN_SHOWN_ROWS = 5
"""A value is quoted in a message only when at least this many rows hold it (never one record's)."""


def surface() -> str:
    """Where the user set the options messages name now: :data:`PYTHON`, :data:`CLI` or :data:`RECIPE`."""
    return _SURFACE.get()


def in_python() -> bool:
    """Whether messages are for Python callers (not the command line or a recipe)."""
    return _SURFACE.get() == PYTHON


def data_row(position: int) -> str:
    """Where a row is, as the user finds it: ``data row 11`` of a file (counted from 1 after the header)
    on the command line and in recipes; ``.iloc[10]`` of the table passed in Python."""
    return f".iloc[{position}]" if in_python() else f"data row {position + 1}"


def stray_example(values, stray: np.ndarray) -> str:
    """Where the ``stray`` values of the Series ``values`` are: ``e.g. 'TBD' in 5 rows`` when the
    commonest is held by :data:`MIN_SHOWN_ROWS` rows or more (a placeholder, not one record's
    text), else ``first at data row 43`` (:func:`data_row` of its position in ``values``)."""
    counts = values[stray].value_counts()
    if len(counts) and counts.iloc[0] >= MIN_SHOWN_ROWS:
        example = str(counts.index[0])
        return f"e.g. {example if len(example) <= 30 else example[:27] + '...'!r} in {int(counts.iloc[0])} rows"
    return f"first at {data_row(int(np.flatnonzero(stray)[0]))}"


def epsilon_text(value: float) -> str:
    """A spent epsilon to 3 decimals, rounded down: 0.99974 is 0.999, never the 1.000 that reads as the
    whole budget (fit, share and inspect each rounded it their own way)."""
    return f"{np.floor(value * 1000 + 1e-6) / 1000:.3f}"  # + 1e-6: 4.35 * 1000 is 4349.999...


def fit_setup(meta: dict) -> str:
    """How a saved model was fitted, for ``synthaug inspect``: its seed (what it seeds under DP, whose
    noise was secret), processes and torch threads (the weights depend on both)."""
    training = meta["training"]
    seed = f"seed {meta['seed']}" + (" (sampling only: the DP fit's noise was secret-seeded)"
                                     if meta.get("privacy") else "")
    processes = training.get("processes", 1)
    setup = [seed, f"{processes} process{'' if processes == 1 else 'es'}"]
    if "threads" in training:  # older files did not record them
        setup.append(counted(training["threads"], "torch thread"))
    return ", ".join(setup)


def fit_record_lines(record: tuple[str | None, dict[str, str] | None]) -> list[str]:
    """``synthaug inspect``'s lines for model.json's ``(training.data_sha256, training.versions)``
    (:func:`synthaug.persist.read_fit_record`); none for what an older file did not record."""
    digest, versions = record
    lines = [] if digest is None else [f"training data SHA-256: {digest}"]
    if versions:
        lines.append("fitted with " + ", ".join(f"{name} {version}" for name, version in versions.items()))
    return lines
