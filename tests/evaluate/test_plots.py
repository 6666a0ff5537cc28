"""Report figures draw whatever the column names and category labels hold."""

import re
import warnings

import numpy as np
import pandas as pd
import pytest

from synthaug.evaluate import plots
from synthaug.evaluate.canonical import canonical
from synthaug.evaluate.fidelity import run_fidelity
from synthaug.evaluate.tables import check_tables


def test_dollar_signs_in_names_are_text_not_mathtext(make_frame):
    frame = make_frame(60).rename(columns={"x": "cost_$_in_$"})
    frame["colour"] = frame["colour"].map({"red": "a_$b$", "green": "$\\foo$", "blue": "plain"})
    schema = check_tables(frame, "label", {})
    real = canonical(frame, schema)
    fidelity = run_fidelity(real, real.sample(frac=1.0, random_state=0), schema, seed=0, max_rows=60)
    assert "cost_$_in_$" in fidelity.columns
    assert "$\\foo$" in next(m for m in fidelity.marginals if m.column == "colour").bins
    assert plots.marginal_figure(fidelity)
    assert plots.association_figure(fidelity)


def test_a_label_the_font_lacks_raises_no_warning():
    from matplotlib.figure import Figure

    fig = Figure()
    fig.subplots().set_title("東京")  # DejaVu Sans has no CJK glyphs: matplotlib warned once per glyph
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert plots.to_base64(fig)


def test_date_axes_read_as_dates_not_seconds(make_frame):
    # text dates in train, datetime64 in the synthetic table: both were drawn as seconds (1.61e9)
    frame = make_frame(80)
    days = pd.Timestamp("2021-01-01") + pd.to_timedelta(np.random.default_rng(0).integers(0, 400, 80), unit="D")
    real, synthetic = frame.assign(when=days.strftime("%Y-%m-%d")), frame.assign(when=days + pd.Timedelta(days=3))
    schema = check_tables(real, "label", {"synthetic": synthetic})
    fidelity = run_fidelity(canonical(real, schema), canonical(synthetic, schema), schema, seed=0, max_rows=80)
    assert next(m for m in fidelity.marginals if m.column == "when").kind == "date"
    fig = plots.marginal_panels(fidelity)
    fig.canvas.draw()
    ax = next(a for a in fig.axes if a.get_title().startswith("when "))
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert "2021" in labels and all(re.fullmatch(r"20\d\d|[A-Z][a-z]{2}", t) for t in labels), labels
    assert ax.xaxis.get_offset_text().get_text() in ("", "2021", "2022")  # no "1e9"
    numeric = next(a for a in fig.axes if a.get_title().startswith("x "))
    assert all(re.fullmatch(r"−?\d", t.get_text()) for t in numeric.get_xticklabels())  # numbers stay numbers


@pytest.mark.parametrize("days", [1, 40, 400, 913, 4000])
def test_date_axes_pick_ticks_without_a_matplotlib_warning(make_frame, days):
    # 2.5 years (913 days) fit no month step under 6 ticks: "AutoDateLocator was unable to pick..." on every report
    frame = make_frame(80)
    when = pd.Timestamp("2020-01-01") + pd.to_timedelta(np.linspace(0, days, 80), unit="D")
    real = frame.assign(when=when.strftime("%Y-%m-%d %H:%M"))
    schema = check_tables(real, "label", {})
    fidelity = run_fidelity(canonical(real, schema), canonical(real, schema), schema, seed=0, max_rows=80)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        plots.marginal_panels(fidelity).canvas.draw()
