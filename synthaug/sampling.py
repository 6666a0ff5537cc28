"""How many rows of each class to generate, and in what chunks, for any sample size."""

from __future__ import annotations

import math
import shlex
from collections.abc import Iterator, Mapping, Sequence
from functools import partial

import numpy as np

from ._checks import is_whole_number, is_whole_text
from ._errors import DataError, warn
from ._random import child_seed, draw_seed
from ._text import CLI, closest_choice, closest_name, counted, in_python, option_name, plain, quoted, surface

ROW_CHUNK = 50_000
"""Rows a table model generates (and a writer writes) at a time by default."""
IMAGE_CHUNK = 1024
"""Images an image model generates at a time by default."""
MAX_SAMPLE_ROWS = 2**53  # more rows than any run generates; beyond it counts overflow int64 and lose float precision


def _key_name(key: str, table: str = "sample") -> str:
    """A request argument as the user spells it: ``per_class``, ``--per-class`` or ``sample.per_class``
    (``share.per_class`` for ``table="share"``)."""
    return option_name(key, recipe=f"{table}.{key}")


def resolve_class_counts(
    classes: Sequence,
    class_counts: Sequence[int],
    n: int | None = None,
    per_class: Mapping | int | None = None,
    balance: bool = False,
    ratio: float | None = None,
    *,
    unit: str = "rows",
    table: str = "sample",
    warn_empty: bool = False,
) -> np.ndarray:
    """Rows to generate per class (aligned with ``classes``) from exactly one request.

    ``n`` and ``ratio`` (of the training size) follow the training class prior, allocated by
    largest remainder so the total is exact; ``balance`` tops every class up to the largest;
    ``per_class`` maps class labels (or their string forms) to counts, or is one count for every class.
    A request for 0 rows in all is refused (a 0 for some classes beside positive counts is fine).
    Errors name the arguments as the user spells them (:func:`synthaug._text.options_named_for`; in a
    recipe, keys of ``table``: ``share.n`` for a release) and count in ``unit`` ("images" for an image model).
    ``warn_empty``: warn when ``n`` or ``ratio`` gives a class none (:func:`warn_empty_classes`), as the
    models' sampling does (once: their checks before it do not).
    """
    _name = partial(_key_name, table=table)
    given = [_name(key) for key, value in (("n", n), ("per_class", per_class), ("ratio", ratio)) if value is not None]
    given += [_name("balance")] if balance else []
    if len(given) != 1:
        raise DataError(f"ask for exactly one of {_name('n')}, {_name('per_class')}, {_name('balance')} or "
                        f"{_name('ratio')}" + (f"; got {', '.join(given)}" if given else ""))
    counts = np.asarray(class_counts, dtype=np.int64)
    if per_class is not None:
        wanted = per_class_counts(classes, per_class, unit=unit, table=table)
        if wanted.sum() == 0:  # wrote a header-only file, where n=0 is refused
            raise DataError(f"{_name('per_class')} must ask for at least 1 {unit[:-1]} in all, got "
                            f"{_as_given(per_class)}")
        return wanted
    if balance:
        if counts.min() == counts.max():
            raise DataError(f"{_name('balance')} must generate at least 1 {unit[:-1]}; every class already has "
                            f"{int(counts[0])} training {unit}, so ask for {_name('n')}, {_name('per_class')} or "
                            f"{_name('ratio')}")
        return counts.max() - counts
    if ratio is not None:
        total = int(counts.sum())
        if not 0 < ratio < np.inf:  # also NaN, which int() cannot take
            raise DataError(f"{_name('ratio')} must be a positive number, got {ratio}")
        if ratio * total > MAX_SAMPLE_ROWS:
            raise DataError(f"{_name('ratio')} {ratio} of {total} training {unit} is more than "
                            f"{MAX_SAMPLE_ROWS} {unit}; at most {MAX_SAMPLE_ROWS // total}")
        n = int(round(ratio * total))
        if n < 1:
            raise DataError(f"{_name('ratio')} {ratio} of {total} training {unit} is 0 {unit}; ask for more")
    if not is_whole_number(n) or n < 1:  # 10.5 gave 10; 10.0 is 10, as in a sampling_strategy dict
        raise DataError(f"{_name('n')} must be a whole number of {unit} >= 1, got {n!r}")
    if n > MAX_SAMPLE_ROWS:
        raise DataError(f"{_name('n')}: at most {MAX_SAMPLE_ROWS} {unit} can be generated, got {n!r}")
    allocated = allocate(int(n), counts / counts.sum())
    if warn_empty:
        warn_empty_classes(classes, counts, allocated, None if ratio is not None else n, ratio, unit=unit, table=table)
    return allocated


def _as_given(per_class) -> str:
    """A per_class request as the user wrote it: a dict in Python, ``yes=0,no=0`` on the command line."""
    if in_python() or not isinstance(per_class, Mapping):
        return repr(per_class)
    return ",".join(f"{label}={count}" for label, count in per_class.items())


def allocate(total: int, weights: np.ndarray) -> np.ndarray:
    """Split ``total`` into integers proportional to ``weights`` (largest remainder)."""
    raw = total * np.asarray(weights, dtype=float)
    out = np.floor(raw).astype(np.int64)
    short = total - int(out.sum())
    out[np.argsort(-(raw - out), kind="stable")[:short]] += 1
    return out


def per_class_counts(classes: Sequence, per_class: Mapping | int, *, unit: str = "rows",
                     table: str = "sample") -> np.ndarray:
    """Rows per class (aligned with ``classes``) from ``per_class``: a count for every class, or labels
    (or their string forms) to whole counts >= 0; unknown or repeated classes are refused."""
    name = _key_name("per_class", table)
    if not isinstance(per_class, Mapping):  # one count for every class
        if not is_whole_number(per_class):
            raise DataError(f"{name}: a count for every class must be a whole number, got {per_class!r}")
        per_class = dict.fromkeys(map(plain, classes), per_class)  # messages say 0, not np.int64(0)
    lookup = {str(c).strip(): i for i, c in enumerate(classes)}  # " >50K" is typed as ">50K"
    lookup.update({str(c): i for i, c in enumerate(classes)})
    lookup.update({c: i for i, c in enumerate(classes)})
    counts, seen = np.zeros(len(classes), dtype=np.int64), {}
    for label, count in per_class.items():
        key = next((k for k in (label, str(label), str(label).strip()) if k in lookup), None)
        if key is None:
            known = quoted(classes, len(classes))  # 'a', 7: not np.str_('a') for an image model's classes
            raise DataError(f"{name}: unknown class {label!r}{_class_hint(label, per_class, classes, name)}; "
                            f"classes are {known}")
        if not is_whole_number(count) or count < 0:  # 2.5 was cut to 2; 2.0 is 2
            raise DataError(f"{name}: count for class {label!r} must be a whole number >= 0, got {count!r}")
        if count > MAX_SAMPLE_ROWS:  # int64 would overflow further on
            raise DataError(f"{name}: count for class {label!r}: at most {MAX_SAMPLE_ROWS} {unit} can be generated, "
                            f"got {count!r}")
        if lookup[key] in seen:
            raise DataError(f"{name}: class {plain(classes[lookup[key]])!r} is given twice (as {seen[lookup[key]]!r} "
                            f"and {label!r})")
        seen[lookup[key]] = label
        counts[lookup[key]] = int(count)
    if counts.sum() > MAX_SAMPLE_ROWS:
        raise DataError(f"{name}: {int(counts.sum())} {unit} in all; at most {MAX_SAMPLE_ROWS} can be generated")
    return counts


def _class_hint(label, per_class: Mapping, classes: Sequence, option: str) -> str:
    """`` (did you mean ' >50K'?)`` after an unknown class (one that differs only in case first); on the
    command line the whole --per-class value to type, the class corrected, quoted for a shell: ``(did you
    mean --per-class ' 中 等=4,b=2'?)``, not the label's Python quotes, which a trial pasted back inside the
    value (``--per-class "' 中 等'=4"``), unknown again, nor the corrected entry alone, which dropped the others."""
    folded = str(label).strip().casefold()
    match = next((c for c in classes if str(c).strip().casefold() == folded), None)
    if surface() != CLI:
        return f" (did you mean {plain(match)!r}?)" if match is not None else closest_name(str(label), classes)
    match = match if match is not None else closest_choice(str(label), classes)
    if match is None:
        return ""
    value = ",".join(f"{plain(match) if key == label else key}={count}" for key, count in per_class.items())
    return f" (did you mean {option} {shlex.quote(value)}?)"


def warn_empty_classes(classes: Sequence, class_counts: Sequence[int], counts: np.ndarray, n: int | None,
                       ratio: float | None, *, unit: str = "rows", table: str = "sample") -> None:
    """Warn when ``n`` or ``ratio`` (one of them given, at the training class prior) gives a class with training
    rows none (``counts``: what :func:`resolve_class_counts` made of the request; never for ``per_class``, the
    user's choice, nor ``balance``, which tops the others up), naming the classes and the
    smallest request of the same kind that gives every such class at least one: ``ceil(total / fewest)``
    rows in all does (largest remainder gives each class at least the floor of its share). A 6-class table
    gave ``{0: 1}`` for ratio 0.01 and nothing for classes 3 and 4 at n 7, without a word."""
    trained = np.asarray(class_counts, dtype=np.int64)
    empty = (counts == 0) & (trained > 0)
    if not empty.any():
        return
    total = int(trained.sum())
    enough = math.ceil(total / int(trained[trained > 0].min()))
    if ratio is not None:
        asked, better = _request("ratio", ratio, table), _request("ratio", _ceil_2(enough / total), table)
    else:
        asked, better = _request("n", n, table), _request("n", enough, table)
    names = [plain(c) for c in np.asarray(classes, dtype=object)[empty]]
    warn(f"{asked} gives {'class' if len(names) == 1 else 'classes'} {quoted(names, 10)} no {unit} ("
         f"{counted(int(counts.sum()), unit[:-1])} in all, at the training class prior); {better} or more gives "
         f"every class at least one, or ask for each class's count with {_key_name('per_class', table)}")


def _request(key: str, value, table: str) -> str:
    """A request as the user writes it: ``n=60``, ``--n 60``, ``sample.n = 60``."""
    return option_name(f"{key}={value:g}", f"--{key} {value:g}", f"{table}.{key} = {value:g}")


def _ceil_2(x: float) -> float:
    """``x`` rounded up to two significant digits (0.333 -> 0.34), so a ratio suggested is enough."""
    digits = 1 - math.floor(math.log10(x))
    return math.ceil(x * 10**digits - 1e-9) / 10**digits


def parse_per_class(text: str) -> dict[str, int] | int:
    """``"A=100,B=50"`` -> ``{"A": 100, "B": 50}`` (labels stay strings; matched later);
    ``"100"`` -> ``100``, that many of every class."""
    if text.strip().isdecimal() and text.strip().isascii():
        return int(text)
    out: dict[str, int] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        label, sep, count = item.rpartition("=")
        if not sep or not label:
            raise DataError(f"--per-class: expected LABEL=COUNT (or one COUNT for every class), got {item!r}")
        if label in out:
            raise DataError(f"--per-class: class {label!r} is given twice")
        if not is_whole_text(count):
            raise DataError(f"--per-class: count for {label!r} is not a whole number: {count!r}")
        out[label] = int(count)
    if not out:
        raise DataError("--per-class: no LABEL=COUNT pairs given")
    return out


def chunk_labels(counts: np.ndarray, chunk_size: int, rng: np.random.Generator) -> Iterator[np.ndarray]:
    """Shuffled class codes in chunks; exact totals, memory bounded by ``chunk_size``. A bad
    ``chunk_size`` raises here, not at the first chunk (``iter_sample`` checks at the call)."""
    return _label_chunks(counts, check_chunk_size(chunk_size), rng)


def check_chunk_size(chunk_size: int, unit: str = "rows") -> int:
    """``chunk_size`` as an int, or a DataError (0 looped forever); models check it before drawing
    their sampling seed, so a refused call does not use one up."""
    if not is_whole_number(chunk_size) or chunk_size < 1:
        raise DataError(f"chunk_size must be a whole number of {unit} >= 1, got {chunk_size!r}")
    return int(chunk_size)


def _label_chunks(counts: np.ndarray, chunk_size: int, rng: np.random.Generator) -> Iterator[np.ndarray]:
    remaining = np.asarray(counts, dtype=np.int64).copy()
    while remaining.sum() > 0:
        size = int(min(chunk_size, remaining.sum()))
        take = _draw_chunk(remaining, size, rng) if len(remaining) > 1 else remaining[:1].clip(max=size)
        remaining -= take
        yield rng.permutation(np.repeat(np.arange(len(counts)), take))


HYPERGEOMETRIC_LIMIT = 10**9
"""numpy draws a multivariate hypergeometric only for fewer rows than this in all."""


def _draw_chunk(remaining: np.ndarray, size: int, rng: np.random.Generator) -> np.ndarray:
    """How many of each class one chunk of ``size`` takes from ``remaining``: a multivariate
    hypergeometric draw; from a billion rows on (numpy's limit; 10**9 rows raised a traceback), a
    multinomial draw, which at chunks this small against the total differs from it by far less than
    the sampling noise, cut to what each class has left and topped up from the classes with rows left."""
    if remaining.sum() < HYPERGEOMETRIC_LIMIT:
        return rng.multivariate_hypergeometric(remaining, size)
    take = np.minimum(rng.multinomial(size, remaining / remaining.sum()), remaining)
    while (short := size - int(take.sum())) > 0:
        spare = remaining - take
        take += np.minimum(rng.multinomial(short, spare / spare.sum()), spare)
    return take


class SampleSeeds:
    """Mixin for fitted synthesizers: ``sample`` without a ``random_state`` takes the next seed
    of a stream derived from the fit's ``seed_``, so successive calls differ and replay after load."""

    def _sample_seed(self, random_state) -> int:
        if random_state is not None:
            return draw_seed(random_state)
        self._n_sample_calls = getattr(self, "_n_sample_calls", 0) + 1
        return child_seed(self.seed_, 2, self._n_sample_calls)
