"""CLI command ``schema``: draft a public-schema JSON file from a table, for review; and the
``--schema FILE`` option of ``fit`` and ``share`` (:func:`read_schema_option`)."""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Annotated

import typer

from ._cli_options import (
    Categorical,
    Continuous,
    Drop,
    Keep,
    Overwrite,
    Quiet,
    check_output_file,
    column_names,
    whole_option,
)
from ._errors import SynthaugWarning, warn
from ._outputs import note_written
from .cli import command, console


def read_schema_option(path: Path, dp: bool) -> dict:
    """The ``--schema`` file's document, checked; a draft is warned about naming the file.

    The model would warn again when it fits, naming only ``--schema`` (it is handed the document,
    not the file), so that repeat is silenced for the rest of the command (whose warning filters
    :func:`synthaug.cli.command` restores)."""
    from .tabular.public_schema import DraftSchemaWarning, draft_message, parse_public_schema, read_public_schema

    document = read_public_schema(path)
    if parse_public_schema(document, str(path)).draft:
        warn(draft_message(str(path), dp), DraftSchemaWarning)
        warnings.filterwarnings("ignore", category=DraftSchemaWarning)
    return document


@command("schema")
def schema_command(
    data: Annotated[Path, typer.Argument(metavar="DATA",
                                         help="Table to draft the schema from (.csv, .csv.gz, .parquet or .pq).")],
    target: Annotated[str, typer.Option("--target", "-t", help="Class label column.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Public-schema JSON file to write ('-': standard "
                                         "output).")],
    categorical: Categorical = None,
    continuous: Continuous = None,
    drop: Drop = None,
    keep: Keep = None,
    round_bounds: Annotated[bool, typer.Option("--round/--exact", help="Put numeric bounds beyond the data's "
                                               "minimum and maximum, at the next round number (default: age "
                                               "17..90 becomes 10..100), or keep the exact minimum and "
                                               "maximum.")] = True,
    min_count: Annotated[int, whole_option(minimum=1, help="List only categories, point masses and constant "
                                 "values seen at least this often.")] = 2,
    overwrite: Overwrite = False,
    quiet: Quiet = False,
) -> None:
    """Draft a public schema (kinds, categories, bounds, decimals, classes) from DATA, to review and edit.

    The draft comes from the data, so it is not public until a human has replaced its
    data-derived values and deleted its "draft" key (until then fit and share call it an
    unreviewed draft); use it with `synthaug fit --schema` and `synthaug share --schema`.
    An existing OUTPUT (a reviewed schema, say) is replaced only with --overwrite, and never DATA.
    """
    from .io import atomic_path, read_table
    from .tabular.draft_schema import DRAFT_WARNING, draft_public_schema
    from .tabular.schema import check_columns_exist

    to_stdout = str(output) == "-"  # a pipeline's `synthaug schema ... -o - | jq` had written a file named '-'
    if not to_stdout:
        check_output_file(output, overwrite, {"DATA table": data}, "the schema")
    frame = read_table(data)
    check_columns_exist(frame, column_names(drop), "--drop")
    document = draft_public_schema(frame, target, categorical=column_names(categorical),
                                   continuous=column_names(continuous), keep=column_names(keep),
                                   drop=column_names(drop), round_bounds=round_bounds,
                                   min_count=min_count)
    rounded = " (rounded outward)" if round_bounds else " (the exact minimum and maximum)"
    warnings.warn(DRAFT_WARNING.format(rounded=rounded), SynthaugWarning, stacklevel=1)
    text = json.dumps(document, indent=2, allow_nan=False, ensure_ascii=False) + "\n"
    if to_stdout:
        typer.echo(text, nl=False)  # the JSON alone: the draft warning goes to standard error
        return
    with atomic_path(output) as tmp:
        tmp.write_text(text, encoding="utf-8")
    note_written(output)
    if not quiet:
        omitted = document["omitted"]
        left_out = f" (left out, listed as omitted: {', '.join(map(repr, omitted))})" if omitted else ""
        console.print(f"wrote a draft schema of {len(document['columns'])} columns{left_out} and "
                      f"{len(document['target']['classes'])} classes to {output}; review it, then delete its "
                      "\"draft\" key")
