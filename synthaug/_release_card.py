"""What a release says about itself: the card (``card.json``) and the notes share adds to the
report, and the screen that drops the records the privacy filter still rejects."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from ._card_gates import gate_entries, measure_entries, mismatch_text, verdict_mismatch
from ._card_sources import created_at, input_entries, public_schema_entry, schema_param
from ._provenance import library_versions
from ._text import epsilon_text, plain
from .persist import json_seed
from .tabular.public_schema import DRAFT, PUBLIC

if TYPE_CHECKING:
    from .share import GateResult, Gates

RELEASE_SCOPE = ("NOT covered: whether this release was written at all (the gates measure the synthetic records "
                 "against the training and holdout rows), the measures and row counts in card.json, and "
                 "report.json / report.html, which hold exact statistics of the training and holdout rows "
                 "(marginal histograms, correlations, classifier scores, distance percentiles); the holdout rows "
                 "never trained the model but are in no guarantee. Review the reports before passing them on")
ATTEMPTS_SCOPE = ("NOT covered: other attempts. Every DP fit is a fresh mechanism on the same rows and spends its "
                  "own epsilon, so N attempts compose to at most N x epsilon (basic composition); rerunning until "
                  "the gates pass is such a sequence (whether to rerun depends on the rows too). This card records "
                  "this attempt only and cannot see earlier ones: count every attempt on these rows")
NOT_RECORDED = "not recorded by this synthesizer"
CARD_VERSION = 9
"""9: ``model.training``: torch's thread count and the number of processes the model was trained with
(``threads``, ``processes``, as model.json's ``training`` holds them; null when the model does not record them):
a seeded release depends on them; and ``seed`` as text above 2**53 - 1 (as model.json and report.json write
it: jq and JavaScript read a larger integer as another seed); 8: ``privacy_filter`` records the candidates the
filter regenerated
(``regenerated``, ``regenerated_per_row``) and whether that rate means it distorted the sample (``distorting``:
above ``distorting_above_per_row``);
7: ``data.class_request``: how the records per class were asked for (``option``: n, per_class, balance or
ratio; its ``value``; ``default``: true when nothing was asked; ``chosen``: how the counts follow from it);
6: ``created_at`` (UTC, ISO 8601; ``SOURCE_DATE_EPOCH`` fixes it), ``inputs`` (the files the caller names,
each with its path and SHA-256; ``{}`` when none are given), ``data.holdout_fraction`` (the share of the data's
rows split off: holdout and filter-threshold rows) and ``public_schema`` (None without one; else its ``origin``,
``source``, ``canonical_sha256`` and, when public, the ``document``; ``model.params.public_schema``, dropped
before when a dict, is ``{"moved_to": "public_schema", "canonical_sha256": ...}``); each of ``gates`` says its
``unit`` (the gate ``exact_copies`` counts records, the measure ``exact_copies`` is an excess share), what ``upper`` is
(``upper_is``: the 95% upper bound and its interval method), whether its limit switches it off (``off``), and
for ``membership_auc`` the attack that gave its estimate (``value_from``) and its bound (``upper_from``); each of
``measures`` adds its ``null``, ``tolerance`` and interval ``method``; ``privacy_verdict`` (the evaluation's
overall verdict), ``guarantee.scope.attempts`` (every DP attempt on the same rows spends epsilon again) and
``verdict_mismatch``: null, or when every gate passed while that verdict is "inconclusive"
or "leaks", the measures behind it, each with its bound, the verdict's limit, its gate and ``why`` it passed;
5: ``data.requested_per_class``: the records sampled per class, before the filters dropped any (beside
``data.released_per_class``); 4: ``label_filter`` (applied or not, and why: it is off under DP whatever
``model.params`` says) and
``membership_flipped`` (membership attacks whose AUC lies far enough below 0.5 that, read the other way
round, its upper bound exceeds the limit); the guarantee records ``noise_seed`` (how DP noise was seeded);
3: ``privacy_filter`` (records the sampling filter still rejected, dropped, per class; or why no
filter ran), ``released``, ``data.released_per_class`` and no ``verbose`` among the params; 2: each gate records
the upper end of its measure's 95% interval (``upper``) and passes on it; 1 passed on the measured value."""


def screen_privacy_filter(model, synthetic: pd.DataFrame, target: str) -> tuple[pd.DataFrame, dict]:
    """``synthetic`` without the records the model's privacy filter still rejects, and the card's
    entry on it. Sampling keeps a row the filter rejected after its tries run out (with a warning),
    and such rows sat in releases: a near-copy of a class's single row passed every pooled gate. The
    entry counts the dropped records per class, or says why no filter ran."""
    rejects = getattr(model, "privacy_filter_rejects", None)
    close = rejects(synthetic) if callable(rejects) else None
    if close is None:
        return synthetic, {"applied": False, "reason": no_filter_reason(model)}
    labels = synthetic[target].to_numpy()
    per_class = {str(plain(c)): int((close & (labels == c)).sum()) for c in model.classes_}  # classes, not rows
    entry = {"applied": True, "dropped_rows": int(close.sum()),
             "dropped_per_class": {label: count for label, count in per_class.items() if count},
             **regeneration_entry(model, len(synthetic))}
    return synthetic.loc[~close].reset_index(drop=True), entry


def regeneration_entry(model, n_rows: int) -> dict:
    """How many candidates the privacy filter regenerated for the ``n_rows`` sampled records (the model's
    ``n_rejected_``), per record, and the rate beyond which it may distort the sample (the warning of
    :func:`synthaug.tabular.rejection.warn_distorting` also needs a categorical column moved); {} for a
    model that does not count them."""
    from .tabular.rejection import DISTORTING

    private = model._active_filters()[0] if hasattr(model, "_active_filters") else None
    if getattr(model, "n_rejected_", None) is None or not hasattr(private, "fresh_acceptance"):
        return {}
    per_row = model.n_rejected_ / max(n_rows, 1)
    limit = DISTORTING / private.fresh_acceptance() - 1
    return {"regenerated": int(model.n_rejected_), "regenerated_per_row": round(per_row, 3),
            "distorting": bool(per_row > limit), "distorting_above_per_row": round(limit, 3)}


def no_filter_reason(model) -> str:
    """Why ``model`` sampled without a privacy filter (for the card: its records were not screened)."""
    reason = getattr(model, "privacy_filter_off_reason", None)
    if not callable(reason):
        return f"{type(model).__name__} has no privacy filter"
    return reason() or "not applied"


def label_filter_entry(model) -> dict:
    """The card's ``label_filter`` entry: whether sampling dropped records unlike their class (as the
    model's discriminator judged them), or why not. ``model.params`` keeps ``label_filter`` as given
    ("auto"), which said nothing of a filter that DP turns off."""
    params = model.get_params() if hasattr(model, "get_params") else {}
    if "label_filter" not in params:
        return {"applied": False, "reason": f"{type(model).__name__} has no label filter"}
    if getattr(model, "_label_filter", None) is not None:
        return {"applied": True}
    if params.get("dp_epsilon") is not None:
        return {"applied": False, "reason": "off under differential privacy (training rows must not steer the "
                                            "released records)"}
    if params["label_filter"] is None:
        return {"applied": False, "reason": "label_filter is None (off)"}
    return {"applied": False, "reason": f"label_filter {params['label_filter']!r} is off for {_n_rows(model)}"}


def _n_rows(model) -> str:
    n = getattr(model, "n_rows_", None)
    return "this training table" if n is None else f"{n} training rows"


def flipped_note(name: str, flip: dict) -> str:
    """The warning and report note on a membership AUC far below 0.5 (``flip``: :func:`._gates.flipped_auc`)."""
    return (f"{name} AUC {flip['value']:.3f} [{flip['low']:.3f}, {flip['high']:.3f}] sits below 0.5: an attacker who "
            f"inverts the score (members farther from the records than non-members, as a sampling filter that keeps "
            f"records away from training rows makes them) reaches AUC {flip['flipped']:.3f} "
            f"[{flip['flipped_low']:.3f}, {flip['flipped_high']:.3f}], whose upper bound is above the membership limit "
            f"{flip['limit']:.3g}; the gate compares the AUC as measured, so review this before passing the release on")


def privacy_filter_note(entry: dict) -> str:
    """The report's note on the card's ``privacy_filter`` entry."""
    if not entry["applied"]:
        return (f"no privacy filter ({entry['reason']}): the released records were not screened for closeness to "
                "training rows; only the gates measured them")
    regenerated = ""
    if "regenerated" in entry:
        regenerated = (f"; it regenerated {entry['regenerated']} candidates ({entry['regenerated_per_row']:.1f} per "
                       "record" + (f", above {entry['distorting_above_per_row']:.0f}: the records may be a skewed part "
                                   "of what the model generates, compare their marginals with the data's)"
                                   if entry["distorting"] else ")"))
    if not entry["dropped_rows"]:
        return f"privacy filter: no released record is inside a training row's radius or pinned to it{regenerated}"
    classes = ", ".join(f"class {label!r}: {count}" for label, count in entry["dropped_per_class"].items())
    return (f"privacy filter: dropped {entry['dropped_rows']} record(s) still inside a training row's radius (or "
            f"pinned to it) after the filter's tries ({classes}); they are not released{regenerated}")


def holdout_note(n_reference: int, n_threshold: int) -> str:
    """The report's note on the holdout share split off (evaluate's own says only what it was given)."""
    threshold = f"; {n_threshold} more set the close-record filter's threshold" if n_threshold else ""
    return (f"holdout: share split off a stratified holdout the model never trained on; {n_reference} of its rows "
            f"are the utility test set and the privacy reference{threshold}")


def gates_note(checks: list[GateResult]) -> str:
    """The gates' outcome for the report (card.json has them too), each on its measure's 95% upper bound."""
    word = "all passed" if all(g.passed for g in checks) else "refused"
    return f"release gates ({word}): " + "; ".join(g.describe() for g in checks)


def class_counts(model, labels: pd.Series | None) -> dict[str, int]:
    """Records per class of ``labels``, over every class the model makes (0 for one without any)."""
    per_class = pd.Series(dtype=int) if labels is None else labels.value_counts(sort=False)
    if hasattr(model, "classes_"):
        per_class = per_class.reindex(model.classes_, fill_value=0)
    return {str(plain(c)): int(k) for c, k in dict(per_class).items()}


def shortfall_warning(card: dict) -> str | None:
    """One line naming the classes the release holds fewer records of than were sampled for them, and how
    many fewer (the privacy filter's and ``--filter-close``'s drops skew the class balance), else None."""
    requested, released = card["data"]["requested_per_class"], card["data"]["released_per_class"]
    short = {label: (released.get(label, 0), n) for label, n in requested.items() if released.get(label, 0) < n}
    if not short:
        return None
    shown = ", ".join(f"{label!r} {got} of {n} ({n - got} short)" for label, (got, n) in list(short.items())[:5])
    more = f" and {len(short) - 5} more class(es)" if len(short) > 5 else ""
    return (f"release: fewer records than requested for class {shown}{more}: the filters changed the class "
            "balance (card.json: data.requested_per_class, data.released_per_class)")


def release_card(model, result, checks: list[GateResult], gates: Gates, n_train: int, n_holdout: int,
                 n_filtered: int, seed: int, n_threshold: int = 0, screen: dict | None = None,
                 released: pd.Series | None = None, flipped: dict | None = None,
                 requested: pd.Series | None = None, inputs: dict | None = None,
                 class_request: dict | None = None) -> dict:
    """What was trained, with what guarantee, which measures and thresholds, versions, seed, when;
    ``inputs``: the files read, as ``{"data": {"path": ..., "sha256": ...}, "schema": {...}}`` (the card
    cannot digest the table itself: it gets no rows); ``released``: the released records' labels and
    ``requested``: the sampled records' labels, before any filter (their counts per class go on the
    card); ``flipped``: membership measure -> its flipped AUC (:func:`._gates.flipped_auc`) where that
    exceeds the limit; ``class_request``: how the records per class were asked for
    (:meth:`._share_request.ClassRequest.card_entry`), None if not recorded.

    ``seed`` split the holdout and seeded sampling and the measures; under DP it did not seed the
    noise (``guarantee.noise_seed``)."""
    leakage = next(p for p in result.privacy if p.source == "synthetic")
    privacy = getattr(model, "privacy_", None)
    if privacy:  # a copy: the model's own record stays as the accountant wrote it
        from .privacy.dp import release_scope

        privacy = {**privacy, "scope": {**release_scope(privacy.get("scope", {})), "release": RELEASE_SCOPE,
                                        "attempts": ATTEMPTS_SCOPE}}
    schema = public_schema_entry(model, (inputs or {}).get("schema", {}).get("path"))  # share --schema: a dict
    return {
        "card_version": CARD_VERSION,
        "created_at": created_at(),
        "released": all(g.passed for g in checks),  # a refused run's card (gates.json) counts the records it held back
        "privacy_verdict": leakage.verdict,
        "verdict_mismatch": verdict_mismatch(leakage, checks),
        "inputs": input_entries(inputs),
        "data": {"target": result.target, "classes": result.classes, "train_rows": n_train,
                 "holdout_rows": n_holdout, "released_rows": leakage.n_records, "filtered_rows": n_filtered,
                 "filter_threshold_rows": n_threshold,
                 "holdout_fraction": round((n_holdout + n_threshold) / (n_train + n_holdout + n_threshold), 6),
                 "class_request": class_request,
                 "requested_per_class": class_counts(model, released if requested is None else requested),
                 "released_per_class": class_counts(model, released)},
        "model": {"type": type(model).__name__, "params": _plain_params(model, schema), "training": _training(model)},
        "public_schema": schema,
        "privacy_filter": screen if screen is not None else {"applied": False, "reason": no_filter_reason(model)},
        "label_filter": label_filter_entry(model),
        "guarantee": privacy if privacy else "none: the model was trained without differential privacy",
        "schema": getattr(model, "provenance_", None) or dict.fromkeys(("schema", "class_counts"), NOT_RECORDED),
        "measures": measure_entries(leakage.measures),
        "gates": gate_entries(checks, leakage.measures),
        "membership_flipped": flipped or {},
        "thresholds": {"max_dcr_share": gates.max_dcr_share, "max_membership_auc": gates.max_membership_auc,
                       "max_exact_copies": gates.max_exact_copies, **dict(gates.extra)},
        "utility_verdicts": result.utility.verdicts,
        "seed": json_seed(seed),  # text above 2**53 - 1, which JSON readers that parse doubles round
        "versions": library_versions(),
    }


def verdict_mismatch_warning(card: dict) -> str | None:
    """The one line to warn with when every gate passed while the report's overall privacy verdict is
    "inconclusive" or "leaks" (card ``verdict_mismatch``), naming each such measure and why its gate
    (if any) let it pass; None otherwise. A trial printed "released" beside a report saying "leaks"."""
    mismatch = card.get("verdict_mismatch")
    return f"release: {mismatch_text(mismatch)}" if mismatch else None


def dp_headline(card: dict) -> str | None:
    """The console's and report's one line on the DP guarantee, or None without DP. Epsilon with 3
    decimals (a spent 0.9993 was shown as 1). Without a public schema it says the guarantee covers
    training only: the schema (categories, bounds, decimals, classes) came from the data."""
    guarantee = card["guarantee"]
    if not isinstance(guarantee, dict):
        return None
    budget = f"differential privacy: epsilon {epsilon_text(guarantee['epsilon'])}, delta {guarantee['delta']:.3g}"
    return f"{budget} {_covered(card['schema'].get('schema'))}; {ATTEMPTS_NOTE}"


ATTEMPTS_NOTE = "every attempt on these rows spends epsilon again (N attempts: up to N x epsilon)"


def _covered(schema: str | None) -> str:
    """What the DP budget covers and does not, by where the schema came from (``schema.schema``)."""
    rows = "the number of training rows (a release holds as many records unless n is given)"
    if schema == PUBLIC:
        return ("for the synthetic records (training, with a public schema); NOT covered: the gate decision, "
                f"report.json/report.html and {rows}")
    if schema == DRAFT:
        return ("for training only (DP-SGD and the class counts); NOT covered: the schema is an "
                "unreviewed draft (its category lists, bounds and decimals may be the private data's; review it and "
                f"delete its \"draft\" key), nor the gate decision, report.json/report.html and {rows}")
    return ("for training only (DP-SGD and the class counts); NOT covered: the schema came from the private data "
            "without noise: the trained model holds each numeric column's exact minimum and maximum (released values "
            "are clipped to them and can equal them), the category lists (a rare category can appear in the "
            "records), the decimals and the class list (pass a public schema), nor the gate decision, "
            f"report.json/report.html and {rows}")


def guarantee_note(card: dict) -> str:
    """One sentence for the report: the DP budget (if any) and where the schema and counts came from."""
    schema = card["schema"]
    dp = dp_headline(card) or "no differential privacy"
    return f"release: {dp}; schema: {schema['schema']}; class counts: {schema['class_counts']}"


def _training(model) -> dict:
    """What a seeded release depends on besides the parameters, data and seed, as model.json's ``training``
    holds it: torch's thread count in training (its floating-point sums are split by it, so the weights and
    the released records differ between OMP_NUM_THREADS=1 and 2) and the number of processes (torchrun's
    world size); null where the model does not record them."""
    found = {"threads": getattr(model, "n_threads_", None), "processes": getattr(model, "n_processes_", None)}
    return {key: None if value is None else int(value) for key, value in found.items()}


def _plain_params(model, schema: dict | None) -> dict:
    """The model's parameters as JSON takes them; not ``verbose``, so ``-q`` does not change the card. A
    dict ``public_schema`` points to the card's ``public_schema`` entry (``schema``), with its digest."""
    params = {k: (list(v) if isinstance(v, tuple) else v) for k, v in model.get_params().items()
              if isinstance(v, (int, float, str, bool, tuple, list, type(None))) and k != "verbose"}
    if "public_schema" in model.get_params():
        params["public_schema"] = schema_param(model.get_params()["public_schema"], schema)
    if isinstance(params.get("random_state"), int) and not isinstance(params["random_state"], bool):
        params["random_state"] = json_seed(params["random_state"]) if params["random_state"] > 0 \
            else params["random_state"]  # text above 2**53 - 1, as the card's seed
    return params

