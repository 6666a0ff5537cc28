"""The lines ``synthaug share`` and a recipe's ``[share]`` print about a release: its per-class
counts, what was filtered, and why a refused one was refused."""

from __future__ import annotations

from ._text import option_name


def released_counts(card: dict) -> str:
    """``600 records (class 0: 100, 1: 500; as --per-class asked)``: the records released, per class (the
    first 5; not a class none were asked of, as --balance asks none of the largest: "class 0: 0"), and how
    their counts were chosen (card.json's ``data.class_request`` says it in full)."""
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


def summary_lines(outcome, filter_close: float | None) -> list[str]:
    """What ``share`` and ``run`` print after the gates: what was filtered, the DP guarantee (if any)
    and where the schema and class counts came from."""
    from ._release_card import dp_headline  # imports pandas: not at the CLI's import

    lines = []
    if outcome.n_filtered:
        lines.append(f"filtered {outcome.n_filtered} records closer to a training row than the "
                     f"{filter_close:.0%} quantile of {outcome.card['data']['filter_threshold_rows']} holdout rows "
                     "(the gates use the other holdout rows)")
    screen = outcome.privacy_filter
    if screen.get("dropped_rows"):
        lines.append(f"privacy filter: dropped {screen['dropped_rows']} record(s) still inside a training row's "
                     "radius (or pinned to it) after its tries (per class in card.json)")
    elif screen and not screen["applied"]:
        lines.append(f"no privacy filter ({screen['reason']}): the records were not screened against training rows")
    headline = dp_headline(outcome.card)
    if headline:
        lines.append(headline)
    lines.append(f"schema: {outcome.card['schema']['schema']}; class counts: {outcome.card['schema']['class_counts']}")
    return lines


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
