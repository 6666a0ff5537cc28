"""Options that several commands take (columns, --quiet, --seed, --schema, --overwrite), spelt and
parsed once.

Kept apart from the command modules, which import :mod:`synthaug.cli` (and it them), so any
command module can import these first. A command module imports from here and from ``cli``, never
from another command module: that made ``import synthaug._cli_tabular`` fail on the cycle.
"""

from __future__ import annotations

import ast
import contextlib
import csv
import importlib.util
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from ._checks import is_whole_text
from ._errors import DataError, warn


def constructor_defaults(module: str, class_name: str) -> dict:
    """The literal defaults of ``class_name.__init__`` in ``synthaug.<module>`` (``{"epochs": 300, ...}``),
    read from its source without importing it: the models import torch (~5 s), which ``--help`` must not
    wait for, and the help must show the constructor's defaults, not a copy of them that can drift."""
    spec = importlib.util.find_spec(f"synthaug.{module}")
    tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
    cls = next(node for node in tree.body if isinstance(node, ast.ClassDef) and node.name == class_name)
    init = next(node for node in cls.body if isinstance(node, ast.FunctionDef) and node.name == "__init__")
    args = init.args.args[len(init.args.args) - len(init.args.defaults):] + init.args.kwonlyargs
    defaults = init.args.defaults + init.args.kw_defaults
    out = {}
    for arg, default in zip(args, defaults, strict=True):
        with contextlib.suppress(ValueError, TypeError):  # a default that is not a literal is left out
            out[arg.arg] = ast.literal_eval(default)
    return out


def column_names(texts: str | list[str] | None) -> list[str]:
    """An option's values (one text, or one per time it was given) as column names, split at commas
    as a CSV line is, so a name with a comma is quoted: ``['a, b,,c', '"x, y",d']`` ->
    ``["a", "b", "c", "x, y", "d"]``; None or empty -> ``[]``."""
    texts = [texts] if isinstance(texts, str) else texts or []
    rows = csv.reader(texts, skipinitialspace=True)
    return [part.strip() for row in rows for part in row if part.strip()]


def _columns(what: str) -> typer.models.OptionInfo:
    return typer.Option(help=f"{what}, comma-separated (quote a name with a comma: '\"a, b\",c'); may be repeated.")


# a list, so that a second --categorical adds columns (a plain text option kept only the last one given)
Categorical = Annotated[list[str] | None, _columns("Columns to treat as categorical")]
Continuous = Annotated[list[str] | None, _columns("Columns to treat as continuous")]
Drop = Annotated[list[str] | None, _columns("Columns to leave out")]
Keep = Annotated[list[str] | None, _columns("Identifier-like columns to model anyway")]
Sensitive = Annotated[list[str] | None, _columns("Columns the attribute-inference attack guesses (default: target)")]


def numbers(option: str, texts: list[str] | None) -> list[float]:
    """A number-list option's values (comma-separated, may be repeated) as floats: ``["0.5,1", "2"]`` ->
    ``[0.5, 1.0, 2.0]``; a DataError naming ``option`` for a value that is not a number."""
    out = []
    for part in column_names(texts):
        try:
            out.append(float(part))
        except ValueError:
            raise DataError(f"{option}: {part!r} is not a number") from None
    return out

Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="Hide progress bars and summaries.")]
SchemaFile = Annotated[Path | None, typer.Option(
    "--schema", help="Public-schema JSON (draft one with `synthaug schema`): kinds, categories, bounds and "
    "classes come from it, not from the data.")]


def whole_number(minimum: int | None = None, wanted: str | None = None) -> Callable[[str | int], int]:
    """The parser of a whole-number option: decimal digits only, at least ``minimum``; else a typer
    BadParameter, one line naming the option: ``Invalid value for '--epochs': must be a whole number >= 1,
    got '3.0'``. ``wanted`` replaces "a whole number >= minimum" in it. typer's int took ``3.0`` as 3 and
    ``3_0`` as 30 (a parser replaces typer's ``min=``, so it checks the minimum itself)."""
    wanted = wanted or "a whole number" + (f" >= {minimum}" if minimum is not None else "")

    def parse(value: str | int) -> int:
        if isinstance(value, int):  # the option's default
            return value
        text = value.strip()
        if not is_whole_text(text) or (minimum is not None and int(text) < minimum):
            raise typer.BadParameter(f"must be {wanted}, got {value!r}")
        return int(text)

    return parse


def whole_option(*names: str, minimum: int | None = None, **kwargs) -> typer.models.OptionInfo:
    """``typer.Option`` for a whole number (at least ``minimum``), parsed by :func:`whole_number`; ``min``
    is given too, for the help's ``[x>=1]``."""
    return typer.Option(*names, min=minimum, parser=whole_number(minimum), **kwargs)


SEED_RANGE = "a whole number from 0 to 2**64 - 1"  # the range itself is checked by the command (check_seed)


def seed_option(*names: str, help: str) -> typer.models.OptionInfo:
    """``typer.Option`` for a seed: decimal digits, as every whole number; the command checks the range,
    so that ``-1`` is told it."""
    return typer.Option(*names, parser=whole_number(wanted=SEED_RANGE), help=help)


def _seed(what: str) -> typer.models.OptionInfo:
    return seed_option(help=f"Random seed (0 or more); {what}")


# what the same seed reproduces, per command ("the same bytes" was said of all four: model.json differs in
# training.seconds, and a sample's DP caveat was a fit's)
FitSeed = Annotated[int, _seed(
    "the same seed, data and torch thread count give the same weights (model.json differs in training.seconds, "
    "in params.verbose with -q, and for images in params.grid_dir with another -o); not under differential "
    "privacy, whose noise is secret-seeded.")]
SampleSeed = Annotated[int, _seed("the same seed, --chunk-size and --train table give the same file.")]
ShareSeed = Annotated[int, _seed("seeds the holdout split, training, sampling and the measures; not the noise "
                                 "of --dp-epsilon, which is secret-seeded.")]
DemoSeed = Annotated[int, _seed("the same seed and torch thread count give the same splits, weights and "
                                "synthetic rows (model.json differs in training.seconds).")]
Overwrite = Annotated[bool, typer.Option(
    "--overwrite", help="Replace OUTPUT if it is an existing file (a file does not say who wrote it, so it is "
                        "refused without this); never the file or folder read as input.")]


def check_output_file(output: Path, overwrite: bool, inputs: dict[str, Path | None], what: str) -> None:
    """Before any work: a DataError if ``output`` is one of ``inputs`` (name -> path; refused even with
    ``--overwrite``), or an existing file and not ``overwrite``. Folders are left to the writer, which
    replaces only a folder it recognises as its own (:func:`synthaug.io.check_output_folder`)."""
    for name, path in inputs.items():
        if path is not None and output.exists() and path.exists() and os.path.samefile(output, path):
            raise DataError(f"--output {output} is the {name}; write {what} to another file")
    if output.exists() and not output.is_dir() and not overwrite:
        raise DataError(f"--output {output}: exists; choose another path, or pass --overwrite to replace it")


def warn_left_behind(output: Path) -> None:
    """Warn of hidden files or folders beside ``output`` that a write to it leaves only when it is killed
    outright (``kill -9``, the out-of-memory killer), which no clean-up survives: its temporary file or
    folder ``.NAME.XXXXXXXX.tmp`` (a 75 MB ``.k9.csv.*.tmp`` stayed unnoticed) and the earlier folder it
    was replacing, ``.NAME.XXXXXXXX.old`` (``.NAME.old-PID`` before synthaug 0.1.0's per-write names). They
    are named, never deleted: another synthaug may be writing the same output now, and a name does not say
    whether its writer is gone."""
    pattern = re.compile(rf"\.{re.escape(output.name)}\.(?:[a-z0-9_]{{8}}\.(?:tmp|old)|old-\d+)")
    try:
        found = sorted(path for path in output.parent.iterdir() if pattern.fullmatch(path.name))
    except OSError:  # a missing folder: nothing left there
        return
    if not found:
        return
    more = f" and {len(found) - 1} more" if len(found) > 1 else ""
    size = sum(_size(path) for path in found)
    warn(f"{found[0]}{more} ({size / 1e6:.1f} MB) beside {output}: left by a write to it that was killed (kill -9, "
         f"out of memory) before it finished; delete {'it' if len(found) == 1 else 'them'} unless a synthaug "
         f"writing {output} is running now")


def _size(path: Path) -> int:
    """Bytes in a file, or in the files of a folder (0 where they cannot be read)."""
    with contextlib.suppress(OSError):
        if not path.is_dir():
            return path.stat().st_size
        return sum(each.stat().st_size for each in path.rglob("*") if each.is_file())
    return 0
