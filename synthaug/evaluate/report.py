"""``report.json`` for machines and a self-contained ``report.html`` for people.

The HTML has no external resources: styles are inline and figures are base64 PNG. It shows
aggregates only (scores, rates, shares per bin), never a record. It is written for readers who are
not statisticians: a "How to read this report" section defines the terms every run shows (and
epsilon and delta when a note states a differential-privacy budget), every figure has a caption,
and measure details carry readable labels defined under the privacy table (``report.json`` keeps
the raw keys).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from html import escape
from pathlib import Path

from .._errors import DataError
from ..io import atomic_path
from . import plots
from .results import EvaluationResult, LeakageResult

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2em auto;
max-width:1200px;color:#222;padding:0 1em}
h1{font-size:1.6em}h2{border-bottom:2px solid #ddd;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;margin:1em 0;font-size:.9em}
th,td{border:1px solid #ddd;padding:.3em .6em;text-align:right}
th{background:#f4f4f4}td.l,th.l{text-align:left}
.v{font-weight:600;padding:.1em .5em;border-radius:.3em;color:#fff;white-space:nowrap}
.helps,.ok{background:#2e7d32}.hurts,.leaks{background:#c62828}
.none,.inconclusive{background:#757575}
img{max-width:100%}.note{color:#555;font-size:.9em}
figure{margin:1em 0}figcaption{color:#555;font-size:.9em;max-width:60em}
dl.guide dt{font-weight:600;margin-top:.6em}dl.guide dd{margin:.1em 0 0 1.5em;max-width:60em}
"""
_VERDICT_CLASS = {
    "helps": "helps",
    "hurts": "hurts",
    "no measurable effect": "none",
    "leaks": "leaks",
    "no measurable leak": "ok",
    "inconclusive": "inconclusive",
}


REPORT_FILES = ("report.json", "report.html")


def check_report_dir(out_dir: str | Path) -> Path:
    """``out_dir`` if the reports can be written into it, else a DataError (the CLI calls it
    before evaluating, so a bad ``-o`` fails at once rather than after the whole evaluation)."""
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise DataError(f"{out_dir}: is a file; give a folder for the reports")
    blocker = next((p for p in out_dir.parents if p.exists()), None)
    if blocker is not None and not blocker.is_dir():
        raise DataError(f"{out_dir}: cannot create this folder: {blocker} is a file")
    for name in REPORT_FILES:
        if (out_dir / name).is_dir():
            raise DataError(f"{out_dir / name}: is a folder; give the path of a file to write")
    return out_dir


def write_report(result: EvaluationResult, out_dir: str | Path) -> tuple[Path, Path]:
    """Write ``report.json`` and ``report.html`` into ``out_dir`` (each atomically).

    Both texts are made before either file is written, so a failure leaves no new
    ``report.json`` beside an old (or missing) ``report.html``.
    """
    out_dir = check_report_dir(out_dir)
    texts = (result.to_json(), render_html(result))
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataError(f"{out_dir}: cannot create this folder ({exc.strerror})") from None
    paths = tuple(out_dir / name for name in REPORT_FILES)
    for path, text in zip(paths, texts, strict=True):
        with atomic_path(path) as tmp:
            tmp.write_text(text, encoding="utf-8")
    return paths


def render_html(result: EvaluationResult) -> str:
    """The whole report as one HTML string."""
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        "<title>synthaug evaluation</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>Synthetic data evaluation</h1>",
        _intro(result),
        _guide(result),
        _summary(result),
        _utility(result),
        _privacy(result),
        _fidelity(result),
        _notes(result),
        "</body></html>",
    ]
    return "\n".join(parts)


def _verdict(text: str) -> str:
    return f"<span class='v {_VERDICT_CLASS.get(text, 'none')}'>{escape(text)}</span>"


def _num(x: float | None, digits: int = 3) -> str:
    if x is None or x != x:
        return "n/a"
    return f"{x:,.0f}" if float(x).is_integer() and abs(x) >= 2 else f"{x:.{digits}f}"


def _interval(value: float, low: float, high: float, signed: bool = False) -> str:
    fmt = "+.3f" if signed else ".3f"
    if value != value:
        return "n/a"
    if low != low or high != high:
        return f"{value:{fmt}}"
    return f"{value:{fmt}} [{low:{fmt}}, {high:{fmt}}]"


def _table(header: list[str], rows: list[list[str]], left: int = 1) -> str:
    th = "".join(f"<th class='{'l' if i < left else ''}'>{h}</th>" for i, h in enumerate(header))
    body = "".join(
        "<tr>" + "".join(f"<td class='{'l' if i < left else ''}'>{c}</td>" for i, c in enumerate(row)) + "</tr>"
        for row in rows
    )
    return f"<table><tr>{th}</tr>{body}</table>"


def _figure(b64: str, alt: str, caption: str) -> str:
    """A plot with a caption saying what is drawn and how to read it (``caption`` is HTML)."""
    return (f"<figure><img alt='{escape(alt)}' src='data:image/png;base64,{b64}'>"
            f"<figcaption>{caption}</figcaption></figure>")


def _intro(result: EvaluationResult) -> str:
    sizes = ", ".join(f"{escape(k)} {v:,}" for k, v in result.sizes.items())
    return (f"<p>Target <b>{escape(result.target)}</b>; rows: {sizes}. Privacy reference: "
            f"<b>{escape(result.reference)}</b> rows. Seed {result.seed}.</p>")


_GUIDE = {
    "intervals": (
        "Numbers in brackets, verdicts",
        "<i>0.39 [0.28, 0.51]</i> is a figure with its 95% interval: the range the true value plausibly "
        "lies in, given how many rows were measured. A verdict (helps / hurts, leaks / no measurable leak) "
        "is given only when the whole interval clears the threshold; &ldquo;no measurable effect&rdquo; and "
        "&ldquo;inconclusive&rdquo; mean the data cannot tell, often because the tables are small."),
    "distance": (
        "Distance between two rows",
        "No unit: each numeric column's difference is divided by that column's range in the real rows "
        "(largest minus smallest value), each categorical column counts 0 if equal and 1 if different, and "
        "the distance is the square root of the mean of these squared differences over the columns. 0 means "
        "identical rows, about 1 rows that differ as much as they can in every column; one differing "
        "category alone gives the square root of 1/(number of columns){example}. Judge a distance against "
        "the reference rows' distances in the same report."),
    "dcr_share": (
        "DCR share",
        "For each record: is its closest real row a training row or a reference row? The share answering "
        "&ldquo;training row&rdquo;, balanced for the two sets' sizes, is 0.5 when the records are no closer "
        "to the training rows than to fresh real rows (the ideal) and 1.0 when they copy training rows; only "
        "a share above 0.5 plus its tolerance counts as a leak. A share below 0.5 is not a problem: the "
        "records are then, if anything, nearer fresh real rows. It happens by chance (more so with a small "
        "reference set) or when the generator smooths the data."),
    "auc": (
        "AUC (membership attack, detection)",
        "How well a classifier tells two groups apart: 0.5 is guessing, 1.0 always right. A membership "
        "attack tries to tell training rows from reference rows using the records (above 0.5: the records "
        "give members away); detection tries to tell real from synthetic rows (near 0.5: they look real)."),
    "dp": (
        "Differential privacy: epsilon and delta",
        "A guarantee of how the model was trained, proven rather than measured: adding or removing any one "
        "person's row changes the probability of any trained model, and so of any records drawn from it, by "
        "at most a factor of e<sup>epsilon</sup> (about 2.7 at epsilon 1), except with a probability of at "
        "most delta. Smaller epsilon is stronger protection (1 or below is usually called strong, 10 weak); "
        "delta should be far below one over the number of training rows. <a href='#notes'>Notes</a> say "
        "what it covers."),
}
"""Terms of "How to read this report"; ``dp`` only when a note states an epsilon."""

_DP_NOTE = re.compile(r"\bepsilon\b")  # share's release note: "differential privacy at epsilon 0.993, delta 1e-05"


def _guide(result: EvaluationResult) -> str:
    """'How to read this report': the terms every section relies on, in plain words."""
    baselines = [p.source for p in result.privacy if p.source != "synthetic"]
    rows = (
        "Training rows are the real rows the generator learned from. Reference rows (the "
        f"{escape(result.reference)} set) are real rows of the same population that it never saw: they show "
        "what &ldquo;no leak&rdquo; looks like. Records are the released rows judged here: the synthetic ones"
        + (f", and for comparison rows made by {escape(' and '.join(baselines))} from the training rows."
           if baselines else ".")
    )
    p = len(result.fidelity.columns)
    title, text = _GUIDE["distance"]
    distance = (title, text.format(example=f" (here {p} columns: {math.sqrt(1 / p):.2f})" if p else ""))
    terms = [("Training rows, reference rows, records", rows), _GUIDE["intervals"], distance, _GUIDE["dcr_share"],
             _GUIDE["auc"]]
    if any(_DP_NOTE.search(n) for n in result.notes):
        terms.append(_GUIDE["dp"])
    items = "".join(f"<dt>{t}</dt><dd>{d}</dd>" for t, d in terms)
    return f"<h2 id='guide'>How to read this report</h2><dl class='guide'>{items}</dl>"


def _summary(result: EvaluationResult) -> str:
    u = result.utility
    pooled = {x.setting: x for x in u.uplifts if x.classifier == "all" and x.metric == u.primary_metric}
    rows = [
        [f"training on {escape(s)}", f"{escape(u.primary_metric)} change {_estimate(pooled[s].estimate)}", _verdict(v)]
        for s, v in u.verdicts.items()
    ]
    for p in result.privacy:
        share = next(m for m in p.measures if m.name == "dcr_share")
        figure = f"DCR share {_interval(share.value, share.low, share.high)}: {escape(share.verdict)}"
        overall = f"{_verdict(p.verdict)} <span class='note'>overall, from {escape(verdict_drivers(p))}</span>"
        rows.append([f"privacy of {escape(p.source)} records", figure, overall])
    return (
        f"<h2>Summary</h2>{_table(['question', 'figure (95% interval)', 'verdict'], rows)}"
        f"<p class='note'>Utility: paired difference against training on real rows only, pooled over "
        f"classifiers and seeds. Privacy: the DCR share with its own verdict, and the overall verdict "
        f'with the measures that set it: "leaks" if any measure below leaks, "no measurable leak" if '
        f'every one is clear, else "inconclusive"; the DCR share is 0.5 '
        f"for records no closer to the training rows than fresh real rows, 1.0 for copies.</p>"
        + _low_dcr_share(result)
    )


def _low_dcr_share(result: EvaluationResult) -> str:
    """Why a DCR share well below 0.5 (below 0.5 minus its tolerance) is no cause for concern."""
    low = [(p.source, m) for p in result.privacy for m in p.measures
           if m.name == "dcr_share" and m.value < m.null - m.tolerance]
    if not low:
        return ""
    said = ", ".join(f"{escape(source)} {_num(m.value)}" for source, m in low)
    return (f"<p class='note'>A DCR share below 0.5 ({said}) is not a leak: see <i>DCR share</i> in "
            "<a href='#guide'>How to read this report</a>.</p>")


_SHORT_NAMES = {
    "dcr_share": "DCR share",
    "exact_copies": "exact copies",
    "near_copies": "near copies",
    "low_nndr": "low NNDR",
    "mia_distance": "membership attack (distance)",
    "mia_density": "membership attack (density ratio)",
}


def measure_name(name: str) -> str:
    """A privacy measure's short name: ``attribute_inference[label]`` -> ``attribute inference on label``."""
    if name.startswith("attribute_inference[") and name.endswith("]"):
        return f"attribute inference on {name[len('attribute_inference['):-1]}"
    return _SHORT_NAMES.get(name, name)


def verdict_drivers(result: LeakageResult, limit: int = 3) -> str:
    """The measures that set ``result.verdict`` (those that leak, or those inconclusive), or "every measure"."""
    return drivers_of(result.verdict, [(m.name, m.verdict) for m in result.measures], limit)


def drivers_of(verdict: str, measures: Iterable[tuple[str, str]], limit: int = 3) -> str:
    """:func:`verdict_drivers` from the overall ``verdict`` and ``(name, verdict)`` of each measure,
    as report.json holds them."""
    if verdict == "no measurable leak":
        return "every measure"
    drivers = [measure_name(name) for name, v in measures if v == verdict]
    more = f" and {len(drivers) - limit} more" if len(drivers) > limit else ""
    return ", ".join(drivers[:limit]) + more


def _estimate(e) -> str:
    return _interval(e.value, e.low, e.high, signed=True)


def _utility(result: EvaluationResult) -> str:
    u = result.utility
    header = ["setting", "added rows"] + [f"{escape(m)} (mean)" for m in u.metrics]
    rows = []
    for setting in u.settings:
        means = [
            sum(sum(v) / len(v) for v in (u.scores[setting][c][m] for c in u.classifiers)) / len(u.classifiers)
            for m in u.metrics
        ]
        rows.append([escape(setting), f"{u.added_rows[setting]:,.0f}"] + [_num(x) for x in means])
    uplift_rows = {
        pooled: [
            [
                escape(x.setting),
                escape(x.metric),
                escape(x.classifier),
                _interval(x.estimate.value, x.estimate.low, x.estimate.high, signed=True),
                _verdict(x.verdict),
            ]
            for x in u.uplifts
            if (x.classifier == "all") == pooled
        ]
        for pooled in (True, False)
    }
    method = escape(u.uplifts[0].estimate.method) if u.uplifts else ""
    figure = _figure(plots.utility_figure(u), "uplift bars", plots.UTILITY_CAPTION) if u.uplifts else ""
    return (
        "<h2>Utility: does training with the records help?</h2>"
        f"<p>Classifiers: {escape(', '.join(u.classifiers))}; {len(u.seeds)} seed(s). "
        "Scores on the real test set, averaged over classifiers and seeds.</p>"
        + _settings_note(u.settings)
        + _table(header, rows)
        + figure
        + "<h3>Paired differences against real only (95% intervals)</h3>"
        + f"<p class='note'>Interval: {method}.</p>"
        + _table(["setting", "metric", "classifier", "difference", "verdict"], uplift_rows[True], left=3)
        + "<details><summary>per classifier</summary>"
        + _table(["setting", "metric", "classifier", "difference", "verdict"], uplift_rows[False], left=3)
        + "</details>"
    )


_SETTINGS = {
    "real": "trains on the training rows alone",
    "real+synthetic@r": "adds r times as many synthetic records as there are training rows",
    "real+smote@r": "adds as many rows made by SMOTE (interpolated between real rows of a class), a baseline to beat",
    "real+ros@r": "adds as many copies of real rows (random oversampling), a baseline to beat",
    "synthetic": "trains on the synthetic records alone",
}


def _settings_note(settings: Iterable[str]) -> str:
    """What each setting of the utility tables trains on (``real+synthetic@2`` -> ``real+synthetic@r``)."""
    shown = {re.sub(r"@[^@]*$", "@r", s) for s in settings}
    said = "; ".join(f"<i>{k}</i> {v}" for k, v in _SETTINGS.items() if k in shown)
    return f"<p class='note'>{said}. Scores run from 0 to 1, higher is better.</p>"


def _privacy(result: EvaluationResult) -> str:
    sources = result.privacy
    names = [m.name for m in sources[0].measures]
    header = ["measure", "null (+ tolerance)"] + [escape(p.source) for p in sources]
    rows = []
    for i, name in enumerate(names):
        first = sources[0].measures[i]
        cells = [_risk_cell(p, i) for p in sources]
        null = f"{_num(first.null, 2)} (+{_num(first.tolerance, 2)})"
        rows.append([f"{escape(first.label)}<br><span class='note'>{escape(name)}</span>", null] + cells)
    rows.append(["overall", ""] + [_verdict(p.verdict) for p in sources])
    pct_rows = [
        [
            escape(p.source),
            *(_num(p.dcr_percentiles["records"][q]) for q in ("p1", "p5", "p50")),
            *(_num(p.dcr_percentiles["reference"][q]) for q in ("p1", "p5", "p50")),
        ]
        for p in sources
    ]
    return (
        "<h2>Privacy: what do the records reveal about the training rows?</h2>"
        f"<p>Training rows are compared with {escape(result.reference)} rows the generator "
        "never saw. A measure <i>leaks</i> when its whole 95% interval lies more than a "
        "tolerance above its null value: the value expected when the records reveal nothing "
        "about the training rows.</p>"
        + _table(header, rows)
        + _detail_notes(sources)
        + "<h3>Distance to the closest training row</h3>"
        + _table(["records", "p1", "p5", "p50", "reference p1", "reference p5", "reference p50"], pct_rows)
        + "<p class='note'>Distances as defined in <a href='#guide'>How to read this report</a> (0 = "
        "identical). p1, p5 and p50 are the distances below which 1%, 5% and half of the rows lie. The "
        "reference columns are the same for the reference rows, real people the generator never saw: "
        "the distance an unrelated person has to the training rows. Records' p1 and p5 far below the "
        "reference's point to copies or near copies; similar or larger values are what you want.</p>"
        + _figure(plots.dcr_figure(sources), "DCR histograms", plots.DCR_CAPTION)
    )


_DETAIL_LABELS = {
    "raw_share": "unbalanced share",
    "raw_null": "its no-leak value",
    "records_rate": "share among records",
    "reference_rate": "share among reference rows",
    "members": "training rows scored",
    "non_members": "reference rows scored",
    "train_success": "right on training rows",
    "reference_success": "right on reference rows",
}
"""A measure's ``details`` key (as in report.json) -> its label in the HTML."""

_DETAIL_MEANINGS = (
    (("raw_share", "raw_null"), "the DCR share before balancing for the two sets' sizes, and what it would "
     "be if nothing leaked (training rows over all real rows)"),
    (("records_rate", "reference_rate"), "the share of records, and of reference rows, that are exact copies, "
     "closer than 95% of reference rows, or have a low distance ratio; the second is what chance gives, "
     "and the excess share is the first minus the second"),
    (("members", "non_members"), "how many training rows and reference rows the attack scored"),
    (("train_success", "reference_success"), "how often the attacker guesses the column right for training "
     "rows, and for reference rows (what the records teach about anyone, not about the training rows)"),
)
"""Pairs of ``details`` keys and what they mean, said under the privacy table."""


def _detail_notes(sources: list[LeakageResult]) -> str:
    """What the small figures under each verdict are, for the details the table shows."""
    shown = {k for p in sources for m in p.measures for k in m.details}
    said = "; ".join(
        " / ".join(f"<i>{_DETAIL_LABELS[k]}</i>" for k in keys) + f": {meaning}"
        for keys, meaning in _DETAIL_MEANINGS if shown & set(keys)
    )
    return (
        f"<p class='note'>Under each verdict: {said}. The <i>distance ratio</i> is a record's distance to "
        "its closest training row over that to the second closest: near 0, the record sits on one particular "
        "training row. Attribute inference: an attacker who knows all of a person's other columns takes the "
        "missing one from the closest record.</p>"
    )


def _risk_cell(result: LeakageResult, i: int) -> str:
    m = result.measures[i]
    details = ", ".join(f"{escape(_DETAIL_LABELS.get(k, k))} {_num(v)}" for k, v in m.details.items())
    return f"{_interval(m.value, m.low, m.high)}<br>{_verdict(m.verdict)}<br><span class='note'>{details}</span>"


def _fidelity(result: EvaluationResult) -> str:
    f = result.fidelity
    weighted = f.weighting != "none"
    rows = [
        [escape(m.column), m.kind, m.statistic + (" (class mix, unweighted)" if weighted and not m.weighted else ""),
         _num(m.value)]
        for m in f.marginals
    ]
    d = f.detection_auc
    return (
        "<h2>Fidelity: how real do the records look?</h2>"
        + (_class_mix(result) if weighted else "")
        + f"<p>Detection AUC (real vs synthetic classifier; 0.5 = indistinguishable): "
        f"<b>{_interval(d.value, d.low, d.high)}</b> <span class='note'>{escape(d.method)}"
        f"</span>. Mean absolute association difference: <b>{_num(f.association_difference)}"
        "</b>.</p>"
        + _table(["column", "kind", "statistic", "value"], rows)
        + "<p class='note'>How far each column's distribution (its marginal) in the records is from the "
        "training rows': <i>ks</i> is the Kolmogorov-Smirnov statistic (numeric and date columns), the "
        "largest gap between the shares of real and synthetic values below any threshold; <i>tv</i> is the "
        "total variation distance (categorical columns), the share of rows that would have to change "
        "category to match. Both run from 0 (identical marginals) to 1 (no overlap).</p>"
        + "<h3>Marginal distributions</h3>"
        + _figure(plots.marginal_figure(f), "marginal distributions", plots.marginal_caption(f))
        + "<h3>Associations</h3>"
        + _figure(plots.association_figure(f), "association heatmaps", plots.ASSOCIATION_CAPTION)
    )


def _class_mix(result: EvaluationResult) -> str:
    """Why and how the real rows were weighted, and the class mixes as they are."""
    mix = result.fidelity.class_mix
    rows = [[escape(c), _num(mix["real"][c]), _num(mix["synthetic"][c])] for c in mix["real"]]
    return (
        "<p><b>Measured at the synthetic class mix.</b> The synthetic table's class shares differ from the "
        "training table's (e.g. <code>sample --balance</code>), so each real row is weighted by its class's "
        "synthetic share over its real share: the feature marginals (and the real shares drawn for them), "
        "the real associations and the detection AUC below compare the generator within classes. The "
        "target's marginal compares the class mixes unweighted:</p>"
        + _table(["class", "real share", "synthetic share"], rows)
    )


def _notes(result: EvaluationResult) -> str:
    notes = result.notes + result.fidelity.notes
    if not notes:
        return ""
    items = "".join(f"<li>{escape(n)}</li>" for n in notes)
    return f"<h2 id='notes'>Notes</h2><ul>{items}</ul>"
