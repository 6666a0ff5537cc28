"""Report figures draw whatever the column names and category labels hold."""

from synthaug.evaluate import plots
from synthaug.evaluate.fidelity import run_fidelity
from synthaug.evaluate.tables import canonical, check_tables


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
    import warnings

    from matplotlib.figure import Figure

    fig = Figure()
    fig.subplots().set_title("東京")  # DejaVu Sans has no CJK glyphs: matplotlib warned once per glyph
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert plots.to_base64(fig)
