"""CLI command ``share``: a privacy-gated release of synthetic data (exit 3 when refused)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ._cli_options import (
    Categorical,
    Continuous,
    Drop,
    Keep,
    Quiet,
    SchemaFile,
    ShareSeed,
    column_names,
    warn_left_behind,
    whole_option,
)
from ._errors import DataError
from ._gates import GATE_NAMES
from ._outputs import note_written
from ._overrides import add_flag_values, parse_overrides, parse_value
from ._share_lines import refusal_lines, released_counts, summary_lines
from .cli import command, console, err_console

REFUSED = 3


def _parse_gates(items: list[str]) -> dict[str, float]:
    gates = {}
    for item in items:
        name, sep, value = item.partition("=")
        parsed = parse_value(value)
        if not sep or not name or isinstance(parsed, bool) or not isinstance(parsed, (int, float)):
            raise DataError(f"--gate: expected MEASURE=MAX (e.g. near_copies=0.02), got {item!r}")
        gates[name.strip()] = float(parsed)
    return gates


def _tables_only(data: Path) -> Path:
    """DATA checked before the other options (a missing --target was the error an image folder got): an image
    folder or .npz is one line on what share is for and how to release synthetic images instead."""
    from ._paths import is_image_input

    if is_image_input(data):
        what = "a folder" if data.is_dir() else f"an {data.suffix.lower()} of images"
        raise typer.BadParameter(f"{data} is {what}: share releases synthetic tables (.csv, .parquet); for images, "
                                 "train with privacy (synthaug fit DATA -o MODEL --dp-epsilon EPS), then run "
                                 "synthaug sample and synthaug evaluate")
    return data


@command("share")
def share_command(
    data: Annotated[Path, typer.Argument(metavar="DATA", callback=_tables_only,
                                         help="Sensitive table (.csv, .csv.gz, .parquet or .pq).")],
    target: Annotated[str, typer.Option("--target", "-t", help="Class label column.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Release folder, written only if gates pass.")],
    dp_epsilon: Annotated[float | None, typer.Option(help="Train with differential privacy at this epsilon.")] = None,
    dp_delta: Annotated[float | None, typer.Option(help="DP delta (default min(1e-5, 1/(10 n))).")] = None,
    max_dcr_share: Annotated[float, typer.Option(
        help="Gate: share of records closer to train than holdout (95% upper bound).")] = 0.55,
    max_membership_auc: Annotated[float, typer.Option(help="Gate: best membership-attack AUC (upper bound).")] = 0.6,
    max_exact_copies: Annotated[int, whole_option(help="Gate: synthetic rows identical to a training row"
                                                   " (not to one 5+ training rows and a holdout row share).")] = 0,
    gate: Annotated[list[str] | None, typer.Option(
        help=f"Any evaluator measure: MEASURE=MAX (upper bound); measures: {GATE_NAMES}.")] = None,
    filter_close: Annotated[float | None, typer.Option(
        help="Drop records closer to a training row than this quantile of half the holdout rows (e.g. 0.05); "
             "the other half is the gates' reference. Not with --dp-epsilon.")] = None,
    n: Annotated[int | None, whole_option(
        "--n", help="Synthetic rows in all, at the training class prior (default: the training size).")] = None,
    per_class: Annotated[str | None, typer.Option(
        help="Exact counts, e.g. '0=500,1=2000', or one count for every class, e.g. 1000.")] = None,
    balance: Annotated[bool, typer.Option(
        help="The records that top every class up to the largest (the largest class gets none).")] = False,
    ratio: Annotated[float | None, typer.Option(help="Rows as a multiple of the training size.")] = None,
    holdout: Annotated[float, typer.Option(help="Fraction held out as utility test and privacy reference.")] = 0.2,
    seeds: Annotated[int, whole_option(minimum=1, help="Repetitions of the utility measurement.")] = 1,
    set_: Annotated[list[str] | None, typer.Option("--set", help="Any TabularCGAN parameter: KEY=VALUE.")] = None,
    categorical: Categorical = None,
    continuous: Continuous = None,
    drop: Drop = None,
    keep: Keep = None,
    schema: SchemaFile = None,
    seed: ShareSeed = 0,
    quiet: Quiet = False,
) -> None:
    """Fit, sample, measure leakage, and release synthetic data only if every gate passes."""
    from ._card_sources import file_inputs
    from ._cli_schema import read_schema_option
    from .io import read_table
    from .sampling import parse_per_class
    from .share import Gates, left_out_note, share
    from .tabular.synthesizer import TabularCGAN

    params = parse_overrides(set_ or [], TabularCGAN)
    add_flag_values(params, {"dp_epsilon": dp_epsilon, "dp_delta": dp_delta})
    columns = {"categorical": categorical, "continuous": continuous, "drop": drop, "keep": keep}
    add_flag_values(params, {key: column_names(texts) for key, texts in columns.items() if column_names(texts)})
    if schema is not None:
        params["public_schema"] = read_schema_option(schema, dp=params.get("dp_epsilon") is not None)
    gates = Gates(max_dcr_share, max_membership_auc, max_exact_copies, _parse_gates(gate or []))
    request = {"n": n, "per_class": parse_per_class(per_class) if per_class is not None else None,
               "balance": balance, "ratio": ratio}
    warn_left_behind(output)  # after the options' checks, as sample, fit and run warn
    frame = read_table(data)
    files = {"data": data, **({"schema": schema} if schema is not None else {})}
    outcome = share(frame, target, output, synthesizer=TabularCGAN(**params), holdout=holdout, **request, gates=gates,
                    filter_quantile=filter_close, n_seeds=seeds, random_state=seed, verbose=not quiet,
                    inputs=file_inputs(files))
    if outcome.released:  # a signal before the exit says the release is complete
        note_written(output)
    if not quiet and outcome.left_out:  # as `synthaug run` prints it; report.json has it too
        console.print(f"note: {left_out_note(outcome.left_out)}", soft_wrap=True)
    for result in outcome.gates:  # under --quiet only the failed ones, on stderr
        if not (quiet and result.passed):
            (console if result.passed else err_console).print(f"gate {result.describe()}")
    if not quiet:
        for line in summary_lines(outcome, filter_close):
            console.print(line, soft_wrap=True)
    if not outcome.released:
        lines = refusal_lines(outcome)
        err_console.print(lines[0])
        if (output / "card.json").is_file():  # the refusal leaves it alone; it is not this run's release
            err_console.print(f"note: {output} holds an earlier release, left as it was; this run did not pass it")
        for line in lines[1:]:
            err_console.print(line)
        raise typer.Exit(code=REFUSED)
    if not quiet:
        console.print(f"released {released_counts(outcome.card)} to {output}/ "
                      "(synthetic.csv, report.html, report.json, card.json)")
