"""``report.json`` for machines and a self-contained ``report.html`` for people.

The HTML has no external resources: styles are inline and figures are base64 PNG. It shows
aggregates only (scores, rates, shares per bin), never a record. It is written for readers who are
not statisticians: a "How to read this report" section defines the terms every run shows (and
epsilon and delta when a note states a differential-privacy budget), every figure has a caption,
and measure details carry readable labels defined under the privacy table (``report.json`` keeps
the raw keys). That explanatory text lives in :mod:`.report_guide`; this module assembles the page.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from .._errors import DataError
from .._paths import atomic_path, check_can_create, check_not_a_link, report_folder
from . import plots
from .class_fidelity import MIN_CLASS_ROWS
from .defaults import REPORT_FILES
from .report_guide import (
    CLASS_MIX_NOTE,
    DETAIL_LABELS,
    GATES_PASSED,
    GUIDE_CSS,
    MARGINAL_NOTE,
    PERCENTILE_NOTE,
    SUMMARY_NOTE,
    detail_notes,
    figure,
    guide,
    is_release_note,
    low_dcr_share_note,
    privacy_intro,
    release_section,
    settings_note,
    verdict_mismatch_note,
)
from .results import EvaluationResult, LeakageResult
from .verdict_words import signed as signed_text
from .verdict_words import verdict_drivers

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
""" + GUIDE_CSS
_VERDICT_CLASS = {
    "helps": "helps",
    "hurts": "hurts",
    "no measurable effect": "none",
    "leaks": "leaks",
    "no measurable leak": "ok",
    "inconclusive": "inconclusive",
}


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
    check_can_create(out_dir)  # an unwritable -o (/sys/out) failed only after the whole evaluation
    check_not_a_link(out_dir)  # as fit's -o: a link to a folder was written through (a dangling one is named above)
    return out_dir


def write_report(result: EvaluationResult, out_dir: str | Path) -> tuple[Path, Path]:
    """Write ``report.json`` and ``report.html`` into ``out_dir`` (each atomically).

    Both texts are made before either file is written, so a failure leaves no new
    ``report.json`` beside an old (or missing) ``report.html``.
    """
    out_dir = check_report_dir(out_dir)
    texts = (result.to_json(), render_html(result))
    paths = tuple(out_dir / name for name in REPORT_FILES)
    with report_folder(out_dir):
        for path, text in zip(paths, texts, strict=True):
            with atomic_path(path) as tmp:
                tmp.write_text(text, encoding="utf-8")
    return paths


def render_html(result: EvaluationResult) -> str:
    """The whole report as one HTML string (a release's: its notes and verdict first)."""
    release = _release(result)
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>synthaug {'release: ' if release else ''}evaluation</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>Synthetic data {'release: ' if release else ''}evaluation</h1>",
        release,
        _intro(result),
        guide(result),
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
    """``0.39 [0.28, 0.51]``; ``signed``: an effect's, bounds near 0 as :func:`.verdict_words.signed` shows them."""
    text = signed_text if signed else (lambda x: f"{x:.3f}")
    if value != value:
        return "n/a"
    if low != low or high != high:
        return text(value)
    return f"{text(value)} [{text(low)}, {text(high)}]"


def _table(header: list[str], rows: list[list[str]], left: int = 1) -> str:
    th = "".join(f"<th class='{'l' if i < left else ''}'>{h}</th>" for i, h in enumerate(header))
    body = "".join(
        "<tr>" + "".join(f"<td class='{'l' if i < left else ''}'>{c}</td>" for i, c in enumerate(row)) + "</tr>"
        for row in rows
    )
    return f"<table><tr>{th}</tr>{body}</table>"


def _figure(b64: str, alt: str, caption: str) -> str:
    """A plot (``b64``, a base64 PNG) with its caption (HTML)."""
    return figure(f"data:image/png;base64,{b64}", alt, caption)


def _intro(result: EvaluationResult) -> str:
    shown = {k: v for k, v in result.sizes.items() if k != "synthetic_measured" or v != result.sizes["synthetic"]}
    sizes = ", ".join(f"{escape(k)} {v:,}" for k, v in shown.items())
    return (f"<p>Target <b>{escape(result.target)}</b>; rows: {sizes}. Privacy reference: "
            f"<b>{escape(result.reference)}</b> rows. Seed {result.seed}.</p>")


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
        + SUMMARY_NOTE
        + _low_dcr_share(result)
    )


def _low_dcr_share(result: EvaluationResult) -> str:
    """The note on DCR shares well below 0.5 (below 0.5 minus their tolerance), if any."""
    low = [(p.source, m) for p in result.privacy for m in p.measures
           if m.name == "dcr_share" and m.value < m.null - m.tolerance]
    if not low:
        return ""
    said = ", ".join(f"{escape(source)} {_num(m.value)}" for source, m in low)
    return low_dcr_share_note(said)


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
        + settings_note(u.settings)
        + _table(header, rows)
        + figure
        + "<h3>Paired differences against real only (95% intervals)</h3>"
        + f"<p class='note'>Interval: {method}.</p>"
        + _table(["setting", "metric", "classifier", "difference", "verdict"], uplift_rows[True], left=3)
        + "<details><summary>per classifier</summary>"
        + _table(["setting", "metric", "classifier", "difference", "verdict"], uplift_rows[False], left=3)
        + "</details>"
    )


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
        + privacy_intro(result.reference)
        + _table(header, rows)
        + detail_notes(sources)
        + "<h3>Distance to the closest training row</h3>"
        + _table(["records", "p1", "p5", "p50", "reference p1", "reference p5", "reference p50"], pct_rows)
        + PERCENTILE_NOTE
        + _figure(plots.dcr_figure(sources), "DCR histograms", plots.DCR_CAPTION)
    )


def _risk_cell(result: LeakageResult, i: int) -> str:
    m = result.measures[i]
    details = ", ".join(f"{escape(DETAIL_LABELS.get(k, k))} {_num(v)}" for k, v in m.details.items())
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
        + MARGINAL_NOTE
        + "<h3>Marginal distributions</h3>"
        + _figure(plots.marginal_figure(f), "marginal distributions", plots.marginal_caption(f))
        + "<h3>Associations</h3>"
        + _figure(plots.association_figure(f), "association heatmaps", plots.ASSOCIATION_CAPTION)
        + _within_class(result)
    )


_WITHIN_CLASS_NOTE = (
    "<p class='note'>The figures above pool all classes. Records can match them and still get each class "
    "wrong: a correlation of +0.8 in one class and &minus;0.8 in the other pools to about 0 whether the "
    "records keep it or not, and missing values moved from one class to another keep their pooled share. "
    "Here each class is compared on its own, with the same <i>ks</i>, <i>tv</i> and association measures "
    "(the associations also over a &ldquo;missing&rdquo; indicator of each numeric column with missing "
    "values), and the results are averaged over classes weighted by their share of the training rows. A "
    "within-class value well above the pooled one means the records mix up the classes' patterns. Each "
    "class has fewer rows than the whole table, so within-class values run somewhat higher even for fresh "
    "real rows; classes with fewer than {min_rows} training or synthetic rows are left out.</p>"
)
_MISSING_NOTE = (
    "<p class='note'>The share of missing values in each class, in the training rows (real) and in the "
    "records (synthetic). <i>Difference</i> is the gap between the two, averaged over the classes weighted "
    "by their share of the training rows: 0 means the records leave values out as often as the training "
    "rows in every class.</p>"
)
_WORST_SHOWN = 10


def _within_class(result: EvaluationResult) -> str:
    """Within-class marginal distances of the worst columns, beside the pooled ones, and missing shares."""
    w = result.fidelity.within_class
    if not w.class_weights:
        return ("<h3>Within each class</h3><p class='note'>No class has enough training and synthetic rows "
                f"(at least {MIN_CLASS_ROWS} of each) to be compared on its own.</p>")
    worst = sorted(w.columns, key=lambda c: -c.within_class)[:_WORST_SHOWN]
    rows = [[escape(c.column), c.statistic, _num(c.pooled), _num(c.within_class),
             ", ".join(f"{escape(k)} {_num(v)}" for k, v in c.per_class.items())] for c in worst]
    pooled = result.fidelity.association_difference
    return (
        "<h3>Within each class</h3>"
        f"<p>Mean absolute association difference within classes: <b>{_num(w.association_difference)}</b> "
        f"(pooled: {_num(pooled)}). Mean marginal distance within classes: <b>{_num(w.marginal_mean)}</b>.</p>"
        + _table(["column", "statistic", "pooled", "within classes", "per class"], rows)
        + _shown_of(len(w.columns), "farthest within classes", "columns")
        + _WITHIN_CLASS_NOTE.format(min_rows=MIN_CLASS_ROWS)
        + _missing_shares(w)
    )


def _missing_shares(w) -> str:
    """The table of missing shares per class (the columns with the largest differences first)."""
    if not w.missing:
        return ""
    classes = list(w.class_weights)
    worst = sorted(w.missing, key=lambda m: -m.difference)[:_WORST_SHOWN]
    rows = [[escape(m.column)] + [f"{_num(m.real[k])} / {_num(m.synthetic[k])}" for k in classes]
            + [_num(m.difference)] for m in worst]
    header = ["column"] + [f"{escape(k)}: real / synthetic" for k in classes] + ["difference"]
    return ("<h4>Missing values per class</h4>" + _table(header, rows)
            + _shown_of(len(w.missing), "with the largest differences", "missing") + _MISSING_NOTE)


def _shown_of(n: int, which: str, key: str) -> str:
    """A caption saying the table above shows only the :data:`_WORST_SHOWN` of ``n`` rows (none when it shows all)."""
    if n <= _WORST_SHOWN:
        return ""
    return (f"<p class='note'>The {_WORST_SHOWN} columns {which} (of {n}); all {n} are in report.json "
            f"(<code>fidelity.within_class.{key}</code>).</p>")


def _class_mix(result: EvaluationResult) -> str:
    """Why and how the real rows were weighted, and the class mixes as they are."""
    mix = result.fidelity.class_mix
    rows = [[escape(c), _num(mix["real"][c]), _num(mix["synthetic"][c])] for c in mix["real"]]
    return (
        CLASS_MIX_NOTE
        + _table(["class", "real share", "synthetic share"], rows)
    )


def _release(result: EvaluationResult) -> str:
    """The release's notes (those ``synthaug share`` adds), first; when every gate passed but the
    synthetic records' overall privacy verdict is not "no measurable leak", a warning above them."""
    notes = [n for n in dict.fromkeys(result.notes) if is_release_note(n)]
    if not notes:
        return ""
    synthetic = next((p for p in result.privacy if p.source == "synthetic"), None)
    passed = any(n.startswith(GATES_PASSED) for n in notes)
    mismatch = ""
    if passed and synthetic is not None and synthetic.verdict != "no measurable leak":
        mismatch = verdict_mismatch_note(_verdict(synthetic.verdict), escape(verdict_drivers(synthetic)))
    return release_section(notes, mismatch)


def _notes(result: EvaluationResult) -> str:
    """The notes, but a release's own (shown first, by :func:`_release`)."""
    notes = [n for n in dict.fromkeys(result.notes + result.fidelity.notes) if not is_release_note(n)]
    if not notes:
        return ""
    items = "".join(f"<li>{escape(n)}</li>" for n in notes)
    return f"<h2 id='notes'>Notes</h2><ul>{items}</ul>"
