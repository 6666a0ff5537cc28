"""Figures for the HTML report, drawn from result aggregates and returned as base64 PNG.

Uses matplotlib's object API with the Agg canvas (no pyplot state, no display needed). Text
from the data (column names, category labels) is drawn with ``parse_math=False``: a name like
``cost_$_in_$`` would otherwise be read as mathtext and fail to draw. Date columns (seconds since
1970 UTC in the results) are drawn on a date axis.

Each figure has a caption beside its drawing code (``*_CAPTION``, :func:`marginal_caption`): what
is drawn, in which colour, and how to read it, for the report's readers.
"""

from __future__ import annotations

import base64
import io
import math
import warnings

import numpy as np
from matplotlib import dates as mdates
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from .results import FidelityResult, LeakageResult, Marginal, UtilityResult

VERDICT_COLOURS = {
    "helps": "#2e7d32",
    "hurts": "#c62828",
    "no measurable effect": "#757575",
}
REAL, SYNTHETIC = "#1f77b4", "#ff7f0e"
MAX_MARGINALS = 48


def to_base64(fig: Figure) -> str:
    """PNG bytes of ``fig`` as base64 text."""
    FigureCanvasAgg(fig)
    buffer = io.BytesIO()
    with warnings.catch_warnings():  # a label in a script the font lacks (東京) is drawn as boxes, not a warning
        warnings.filterwarnings("ignore", message=r"Glyph \d+ .* missing from font", category=UserWarning)
        fig.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def utility_figure(utility: UtilityResult) -> str:
    """Pooled uplift over real-only per setting and metric, with 95% intervals."""
    pooled = [u for u in utility.uplifts if u.classifier == "all"]
    settings = [s for s in utility.settings if s != "real"]
    fig = Figure(figsize=(4.2 * len(utility.metrics), 0.5 * len(settings) + 1.6))
    axes = fig.subplots(1, len(utility.metrics), sharey=True, squeeze=False)[0]
    for ax, metric in zip(axes, utility.metrics, strict=True):
        rows = {u.setting: u for u in pooled if u.metric == metric}
        y = np.arange(len(settings))
        values = np.array([rows[s].estimate.value for s in settings])
        errors = np.array(
            [
                [rows[s].estimate.value - rows[s].estimate.low for s in settings],
                [rows[s].estimate.high - rows[s].estimate.value for s in settings],
            ]
        )
        colours = [VERDICT_COLOURS[rows[s].verdict] for s in settings]
        # an estimate just outside its percentile interval (rounding) must not crash matplotlib
        ax.barh(y, values, xerr=np.clip(np.nan_to_num(errors), 0.0, None), color=colours, capsize=3)
        ax.axvline(0.0, color="black", linewidth=0.8)
        ax.xaxis.set_major_locator(MaxNLocator(4))
        ax.set_yticks(y, settings)
        ax.invert_yaxis()
        ax.set_title(f"{metric}: change vs real only")
    fig.tight_layout()
    return to_base64(fig)


UTILITY_CAPTION = (
    "Each bar is a setting's change in score against training on real rows only (pooled over "
    "classifiers and seeds), the whisker its 95% interval. Right of the black line: better than real "
    "only. Green: helps (the whole interval is above 0), red: hurts, grey: no measurable effect.")


def dcr_figure(privacy: list[LeakageResult]) -> str:
    """Distance to the closest training row: released records against reference rows."""
    fig = Figure(figsize=(4.0 * len(privacy), 3.0))
    axes = fig.subplots(1, len(privacy), squeeze=False)[0]
    for ax, result in zip(axes, privacy, strict=True):
        h = result.dcr_histogram
        edges = np.asarray(h.edges)
        ax.stairs(h.reference, edges, label="reference rows", color=REAL, linewidth=1.5)
        ax.stairs(h.records, edges, label=f"{result.source} records", color=SYNTHETIC, linewidth=1.5)
        ax.set_xlabel("distance to closest training row")
        ax.set_ylabel("share of rows")
        ax.set_title(result.source)
        ax.legend(fontsize=8)
    fig.tight_layout()
    return to_base64(fig)


DCR_CAPTION = (
    "Share of rows (vertical) at each distance to the closest training row (horizontal), one panel per "
    "kind of records: orange the records, blue the reference rows. Records piled up at the left, closer "
    "than the reference rows, would point to copies; overlapping curves, or records further right, are "
    "what you want. The last bin also holds every distance beyond the 99th percentile of both groups' "
    "distances (the axis ends there).")


def marginal_figure(fidelity: FidelityResult) -> str:
    """One small panel per column: real vs synthetic shares per bin or category (base64 PNG)."""
    return to_base64(marginal_panels(fidelity))


def marginal_caption(fidelity: FidelityResult) -> str:
    """The caption of :func:`marginal_figure`, saying when columns were left out of it."""
    shown, total = len(fidelity.marginals[:MAX_MARGINALS]), len(fidelity.marginals)
    more = f" The first {shown} of {total} columns are drawn." if shown < total else ""
    mix = " Real shares are at the synthetic class mix (see above)." if fidelity.weighting != "none" else ""
    return (
        "One panel per column: the share of rows in each bin (numeric and date columns, over the real rows' "
        "central 95% range) or each category (rare ones grouped as (other)); blue the real training rows, "
        "orange the synthetic records. The panel title repeats the column's ks or tv. Matching shapes "
        f"mean the generator reproduced that column.{mix}{more}"
    )


def marginal_panels(fidelity: FidelityResult) -> Figure:
    """The figure of :func:`marginal_figure`: one axes per column, the first ``MAX_MARGINALS``."""
    marginals = fidelity.marginals[:MAX_MARGINALS]
    n_cols = 4
    n_rows = math.ceil(len(marginals) / n_cols)
    fig = Figure(figsize=(4.0 * n_cols, 2.6 * n_rows))
    FigureCanvasAgg(fig)
    axes = fig.subplots(n_rows, n_cols, squeeze=False).ravel()
    for ax, m in zip(axes, marginals, strict=False):
        _draw_marginal(ax, m)
        ax.set_title(f"{_short(m.column, 28)}  ({m.statistic} {m.value:.3f})", fontsize=9, parse_math=False)
    for ax in axes[len(marginals) :]:
        ax.set_visible(False)
    if marginals:
        axes[0].legend(fontsize=7)
    fig.tight_layout()
    return fig


def _draw_marginal(ax: Axes, m: Marginal) -> None:
    """Stairs over the bin edges (a date axis for dates), or bars per category."""
    if m.kind in ("numeric", "date"):
        edges = np.asarray(m.bins, dtype=np.float64)
        if m.kind == "date":  # seconds since 1970 UTC -> matplotlib's days since its epoch
            edges = mdates.date2num(np.datetime64("1970-01-01T00:00:00")) + edges / 86_400.0
        ax.stairs(m.real, edges, label="real", color=REAL, fill=True, alpha=0.35)
        ax.stairs(m.synthetic, edges, label="synthetic", color=SYNTHETIC, linewidth=1.5)
        if m.kind == "date":
            locator = mdates.AutoDateLocator(minticks=3, maxticks=6)
            locator.intervald[mdates.MONTHLY] = [1, 2, 3, 4, 6, 12]  # else 2.5 years fit no month step:
            locator.intervald[mdates.DAILY] = [1, 2, 3, 4, 5, 7, 14, 21]  # a warning and 6 anyway
            ax.xaxis.set_major_locator(locator)
            ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
        return
    x = np.arange(len(m.bins))
    ax.bar(x - 0.2, m.real, width=0.4, color=REAL, label="real")
    ax.bar(x + 0.2, m.synthetic, width=0.4, color=SYNTHETIC, label="synthetic")
    ax.set_xticks(x, [_short(str(b)) for b in m.bins], rotation=60, ha="right", fontsize=7, parse_math=False)


def association_figure(fidelity: FidelityResult) -> str:
    """Heatmaps of the association matrices of real and synthetic data and their difference."""
    real = np.asarray(fidelity.association_real, dtype=np.float64)
    synth = np.asarray(fidelity.association_synthetic, dtype=np.float64)
    diff = np.abs(real - synth)  # its own colour scale, so small differences stay visible
    labels = [_short(c, 18) for c in fidelity.columns]
    size = max(3.5, 0.28 * len(labels) + 1.5)
    fig = Figure(figsize=(3 * size, size))
    axes = fig.subplots(1, 3)
    panels = [
        ("real", real, -1, 1, "RdBu_r"),
        ("synthetic", synth, -1, 1, "RdBu_r"),
        ("|difference|", diff, 0, max(0.25, float(np.nanmax(diff))), "Reds"),
    ]
    for ax, (title, matrix, lo, hi, cmap) in zip(axes, panels, strict=True):
        image = ax.imshow(matrix, vmin=lo, vmax=hi, cmap=cmap)
        ticks = np.arange(len(labels))
        ax.set_xticks(ticks, labels, rotation=90, fontsize=7, parse_math=False)
        ax.set_yticks(ticks, labels, fontsize=7, parse_math=False)
        ax.set_title(title)
        fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
    fig.tight_layout()
    return to_base64(fig)


ASSOCIATION_CAPTION = (
    "How strongly each pair of columns goes together: left in the real training rows, middle in the "
    "synthetic records, right the absolute difference (on its own scale, so small differences show). "
    "Spearman correlation for two numeric columns (-1 to 1, the sign giving the direction), Cramér's V "
    "for two categorical columns and the correlation ratio for a numeric and a categorical one (0 to 1). "
    "Similar left and middle panels and a pale right one mean the generator kept the relations "
    "between columns.")


def _short(text: str, width: int = 14) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
