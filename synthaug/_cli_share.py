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


@command("share")
def share_command(
    data: Annotated[Path, typer.Argument(metavar="DATA", help="Sensitive table (.csv, .csv.gz, .parquet or .pq).")],
    target: Annotated[str, typer.Option("--target", "-t", help="Class label column.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Release folder, written only if gates pass.")],
    dp_epsilon: Annotated[float | None, typer.Option(help="Train with differential privacy at this epsilon.")] = None,
    dp_delta: Annotated[float | None, typer.Option(help="DP delta (default min(1e-5, 1/(10 n))).")] = None,
    max_dcr_share: Annotated[float, typer.Option(
        help="Gate: share of records closer to train than holdout (95% upper bound).")] = 0.55,
    max_membership_auc: Annotated[float, typer.Option(help="Gate: best membership-attack AUC (upper bound).")] = 0.6,
    max_exact_copies: Annotated[int, whole_option(help="Gate: synthetic rows identical to a training row.")] = 0,
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
        _summary(outcome, filter_close)
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


def released_counts(card: dict) -> str:
    """``600 records (class 0: 100, 1: 500; as --per-class asked)``: the records released, per class (the
    first 5; not a class none were asked of, as --balance asks none of the largest: "class 0: 0"), and how
    their counts were chosen (card.json's ``data.class_request`` says it in full)."""
    from ._text import option_name

    data = card["data"]
    asked_of = data.get("requested_per_class", {})
    counts = [(label, k) for label, k in data["released_per_class"].items() if k or asked_of.get(label, 1)]
    shown = ", ".join(f"{label}: {k}" for label, k in counts[:5]) + (f", … ({len(counts) - 5} more)"
                                                                       if len(counts) > 5 else "")
    asked = data.get("class_request") or {"option": "n", "default": True}
    name = option_name(asked["option"], recipe=f"share.{asked['option']}")
    how = {"per_class": f"as {name} asked", "balance": f"{name}: every class topped up to the largest"}.get(
        asked["option"], "the training size at its class prior" if asked["default"] else f"{name} at the "
        "training class prior")
    return f"{data['released_rows']} records (class {shown}; {how})"


def _summary(outcome, filter_close: float | None) -> None:
    """What was filtered, the DP guarantee (if any) and where the schema and class counts came from."""
    from ._release_card import dp_headline

    if outcome.n_filtered:
        console.print(f"filtered {outcome.n_filtered} records closer to a training row than the "
                      f"{filter_close:.0%} quantile of {outcome.card['data']['filter_threshold_rows']} holdout rows "
                      "(the gates use the other holdout rows)")
    screen = outcome.privacy_filter
    if screen.get("dropped_rows"):
        console.print(f"privacy filter: dropped {screen['dropped_rows']} record(s) still inside a training row's "
                      "radius (or pinned to it) after its tries (per class in card.json)")
    elif screen and not screen["applied"]:
        console.print(f"no privacy filter ({screen['reason']}): the records were not screened against training rows")
    headline = dp_headline(outcome.card)
    if headline:
        console.print(headline, soft_wrap=True)
    console.print(f"schema: {outcome.card['schema']['schema']}; class counts: {outcome.card['schema']['class_counts']}")


def refusal_lines(outcome, written: str = "") -> list[str]:
    """What ``share`` and ``run`` print (on stderr) for a refused release: the failed gates and what was
    written (``written``: "; gates.json ... in out/"), then, for gates failed by their interval alone, what
    could narrow it. Option names as the running command spells them."""
    failed = ", ".join(g.name for g in outcome.gates if not g.passed)
    lines = [f"[bold red]refused:[/] gate(s) {failed} failed; no synthetic data written{written}"]
    unproven = [g.name for g in outcome.gates if g.unproven]
    if unproven:
        lines.append(unproven_hint(unproven, outcome.card))
    return lines


def unproven_hint(names: list[str], card: dict) -> str:
    """Why the 95% upper bound of gates ``names`` is over their limit while the estimates are under it.
    The DCR interval resamples each real row with the records nearest it: under DP, records piled up near
    few real rows widen it whatever the holdout's size (a trial's 600 holdout rows gave 0.10 wide without
    DP, 0.4 with it), so "a larger --holdout" alone would mislead there."""
    from ._text import option_name

    head = f"{', '.join(names)}: the estimate is under the limit but its 95% upper bound is not"
    holdout = option_name("holdout", recipe="share.holdout")
    rows = card["data"]["holdout_rows"]
    if "dcr_share" in names and isinstance(card["guarantee"], dict):
        epsilon = option_name("dp_epsilon", "--dp-epsilon", "model.dp_epsilon")
        return (f"{head}; under DP, records piled up near few real rows widen the DCR interval (it resamples "
                f"each real row with the records nearest it) whatever the holdout's size ({rows} rows): a larger "
                f"{epsilon} or more training rows can spread them, and a larger {holdout} narrows the interval "
                "only when they are spread")
    return f"{head}; {rows} holdout rows cannot show it (a larger {holdout} narrows the interval)"
