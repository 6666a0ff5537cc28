"""The HTML report: which measure sets the privacy verdict, and that a reader who is not a
statistician finds every figure explained (terms, detail fields, captions, epsilon and delta)."""

import dataclasses
import re
from pathlib import Path

import pytest
from sklearn.linear_model import LogisticRegression

from synthaug import SynthaugWarning
from synthaug.evaluate import evaluate, plots, render_html
from synthaug.evaluate.results import RiskMeasure
from synthaug.evaluate.verdict_words import measure_name, verdict_drivers
from synthaug.share import guarantee_note
from tests.html_outline import Outline, guide_section


@pytest.fixture(scope="module")
def result(make_frame):
    frame = make_frame(360, seed=8)
    train, test, fresh = (frame.iloc[i * 120 : (i + 1) * 120].reset_index(drop=True) for i in range(3))
    with pytest.warns(SynthaugWarning, match="one seed"):
        return evaluate(train, test, fresh, "label", classifiers={"lr": LogisticRegression()}, n_seeds=1,
                        n_boot=100, baselines=(), random_state=0)


def _measure(name: str, verdict: str, value: float = 0.5) -> RiskMeasure:
    return RiskMeasure(name, name, value, value - 0.1, value + 0.1, 0.5, 0.05, verdict, "test")


def _with_verdicts(leakage, verdicts: dict[str, str], overall: str):
    measures = [dataclasses.replace(m, verdict=verdicts.get(m.name, "no measurable leak")) for m in leakage.measures]
    return dataclasses.replace(leakage, measures=measures, verdict=overall)


def test_measure_names():
    assert measure_name("attribute_inference[label]") == "attribute inference on label"
    assert measure_name("mia_density") == "membership attack (density ratio)"
    assert measure_name("something_new") == "something_new"


@pytest.mark.parametrize(("verdicts", "overall", "said"), [
    (["no measurable leak", "no measurable leak"], "no measurable leak", "every measure"),
    (["no measurable leak", "inconclusive"], "inconclusive", "attribute inference on label"),
    (["leaks", "inconclusive"], "leaks", "DCR share"),
])
def test_verdict_drivers(verdicts, overall, said):
    measures = [_measure("dcr_share", verdicts[0]), _measure("attribute_inference[label]", verdicts[1])]
    leakage = type("Leakage", (), {"measures": measures, "verdict": overall})()
    assert verdict_drivers(leakage) == said


def test_verdict_drivers_name_at_most_three():
    measures = [_measure(n, "leaks") for n in ("exact_copies", "near_copies", "low_nndr", "mia_distance")]
    leakage = type("Leakage", (), {"measures": measures, "verdict": "leaks"})()
    assert verdict_drivers(leakage) == "exact copies, near copies, low NNDR and 1 more"


def test_summary_pairs_the_dcr_share_with_its_own_verdict(result):
    # before: "DCR share 0.431 [0.313, 0.545]" beside "inconclusive", the verdict of attribute inference
    leakage = _with_verdicts(result.privacy[0], {"attribute_inference[label]": "inconclusive"}, "inconclusive")
    summary = render_html(dataclasses.replace(result, privacy=[leakage])).split("<h2>Utility")[0]
    row = re.search(r"<tr><td class='l'>privacy of synthetic records</td>.*?</tr>", summary).group(0)
    assert re.search(r"DCR share [\d.]+ \[[\d.]+, [\d.]+\]: no measurable leak</td>", row)
    assert "inconclusive</span> <span class='note'>overall, from attribute inference on label</span>" in row


def test_every_plot_has_a_caption_and_the_html_nests(result):
    outline = Outline(render_html(result))
    assert outline.misnested == [] and outline.stack == []
    assert [alt for _, alt in outline.images] == [
        "uplift bars", "DCR histograms", "marginal distributions", "association heatmaps"]
    assert all(in_figure for in_figure, _ in outline.images)
    assert len(outline.captions) == 4 and all(len(c) > 100 for c in outline.captions)
    marginals, associations = outline.captions[2:]
    assert "blue the real training rows, orange the synthetic records" in marginals
    assert "Spearman" in associations and "Cramér's V" in associations


def test_every_measure_detail_shown_is_defined(result):
    html = render_html(result)
    privacy = html.split("<h2>Privacy")[1].split("<h3>")[0]
    defined = re.search(r"<p class='note'>Under each verdict: (.*?)</p>", privacy).group(1)
    labels = set()
    for cell in re.findall(r"</span><br><span class='note'>([^<]+)</span></td>", privacy):
        labels |= {re.sub(r" [-\d.,]+$", "", part) for part in cell.split(", ")}
    assert len(labels) == 8  # dcr_share, copy rates, attack sizes, attribute inference: two each
    for label in labels:
        assert f"<i>{label}</i>" in defined
    keys = {k for p in result.privacy for m in p.measures for k in m.details}
    assert {"raw_share", "records_rate", "train_success"} <= keys
    assert not any(re.search(rf"\b{k}\b", privacy) for k in keys)  # report.json's keys, not the page's


def test_guide_defines_the_terms_the_report_uses(result):
    html = render_html(result)
    guide = guide_section(html)
    for term in ("Training rows, reference rows, records", "95% interval", "Distance between two rows",
                 "DCR share", "AUC", "Attribute inference"):
        assert term in guide
    assert "a number when it is within 5% of the column's range in the real rows" in guide  # NUMERIC_MATCH
    assert "(here 4 columns: 0.50)" in guide  # one category of x, z, colour, label differs: sqrt(1/4)
    assert "SMOTE" not in guide and "real+smote" not in html  # no baselines in this run
    fidelity = html.split("<h2>Fidelity")[1]
    assert "Kolmogorov-Smirnov" in fidelity and "total variation distance" in fidelity
    assert "0 (identical marginals)" in fidelity
    percentiles = html.split("<h3>Distance to the closest training row</h3>")[1].split("<figure>")[0]
    assert "p1, p5 and p50 are the distances below which 1%, 5% and half of the rows lie" in percentiles
    assert "reference columns are the same for the reference rows" in percentiles


_DP_CARD = {"guarantee": {"epsilon": 0.993, "delta": 1e-5},
            "schema": {"schema": "public (given)", "class_counts": "public (given)"}}


@pytest.mark.parametrize(("card", "explained"), [
    (_DP_CARD, True),
    ({**_DP_CARD, "guarantee": "none: the model was trained without differential privacy"}, False),
    (None, False),
])
def test_a_dp_release_explains_epsilon_and_delta(result, card, explained):
    notes = result.notes + ([guarantee_note(card)] if card else [])
    guide = guide_section(render_html(dataclasses.replace(result, notes=notes)))
    assert ("Differential privacy: epsilon and delta" in guide) == explained
    assert ("Smaller epsilon is stronger protection" in guide) == explained


@pytest.mark.parametrize(("share", "said"), [(0.31, True), (0.46, False), (0.6, False)])
def test_a_dcr_share_well_below_half_is_said_to_be_no_leak(result, share, said):
    leakage = result.privacy[0]
    measures = [dataclasses.replace(m, value=share, low=share - 0.1, high=share + 0.1) if m.name == "dcr_share"
                else m for m in leakage.measures]
    html = render_html(dataclasses.replace(result, privacy=[dataclasses.replace(leakage, measures=measures)]))
    summary = html.split("<h2>Summary")[1].split("<h2>")[0]
    assert (f"A DCR share below 0.5 (synthetic {share:.3f}) is not a leak" in summary) == said
    assert "A share below 0.5 is not a problem" in guide_section(html)


def test_the_marginal_caption_says_when_columns_are_left_out_of_the_figure(result):
    assert "columns are drawn" not in plots.marginal_caption(result.fidelity)
    many = dataclasses.replace(result.fidelity, marginals=result.fidelity.marginals * 13)  # 52 panels asked
    assert plots.marginal_caption(many).endswith(f"The first {plots.MAX_MARGINALS} of 52 columns are drawn.")


def test_a_failed_write_leaves_no_empty_report_folder(result, tmp_path, monkeypatch):
    # a verification trial: evaluate onto a full disk left an empty report folder behind
    from synthaug.evaluate import report

    def full(path):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(report, "atomic_path", full)
    with pytest.raises(OSError):
        report.write_report(result, tmp_path / "deep" / "rep")
    assert not (tmp_path / "deep" / "rep").exists()
    (tmp_path / "mine").mkdir()  # a folder the user made stays
    with pytest.raises(OSError):
        report.write_report(result, tmp_path / "mine")
    assert (tmp_path / "mine").is_dir()


def test_a_release_shows_its_notes_first_and_warns_when_the_verdict_is_not_clear(result):
    # "released" sat beside a report saying "inconclusive", the release decision was the last line of Notes
    leakage = _with_verdicts(result.privacy[0], {"mia_distance": "inconclusive"}, "inconclusive")
    notes = [*result.notes, "release: no differential privacy; schema: x", "release gates (all passed): dcr_share"]
    html = render_html(dataclasses.replace(result, privacy=[leakage], notes=notes))
    top = html.split("<h2 id='release'>Release</h2>")[1].split("<h2>")[0]
    assert "Released although the overall privacy verdict is" in top and "membership attack (distance)" in top
    assert "release gates (all passed): dcr_share" in top and "card.json" in top
    assert "<title>synthaug release: evaluation</title>" in html and html.index("id='release'") < html.index("Summary")
    assert "release gates" not in html.split("<h2 id='notes'>")[1]
    clear = render_html(dataclasses.replace(result, privacy=[_with_verdicts(leakage, {}, "no measurable leak")],
                                            notes=notes))
    assert "id='release'" in clear and "Released although" not in clear
    assert "id='release'" not in render_html(result) and "<h1>Synthetic data evaluation</h1>" in render_html(result)


def _near_zero(result):
    """``result`` with its pooled uplift at +0.011 [+0.000114, +0.026], "helps" (adult's, which printed as
    [+0.000, +0.026] beside a "no measurable effect" of [+0.000, +0.028], whose bound was 0)."""
    pooled = next(u for u in result.utility.uplifts if u.classifier == "all")
    moved = dataclasses.replace(pooled, verdict="helps",
                                estimate=dataclasses.replace(pooled.estimate, value=0.011, low=0.000114, high=0.026))
    uplifts = [moved if u is pooled else u for u in result.utility.uplifts]
    return dataclasses.replace(result, utility=dataclasses.replace(result.utility, uplifts=uplifts))


def test_the_html_and_the_console_show_a_bound_just_above_0(result, capsys):
    from synthaug._cli_evaluate import _print_summary

    near = _near_zero(result)
    assert "+0.011 [+0.00011, +0.026]" in render_html(near)
    _print_summary(near, Path("r/report.json"), Path("r/report.html"))
    assert "+0.011 [+0.00011, +0.026]  helps" in capsys.readouterr().out


def test_the_within_class_table_says_when_it_shows_10_of_more_columns(result):
    """It showed 10 of 30 columns without saying so."""
    w = result.fidelity.within_class
    assert "columns farthest within classes" not in render_html(result)  # 3 columns: all shown
    many = [dataclasses.replace(w.columns[0], column=f"c{i}") for i in range(12)]
    wide = dataclasses.replace(result, fidelity=dataclasses.replace(
        result.fidelity, within_class=dataclasses.replace(w, columns=many)))
    assert ("The 10 columns farthest within classes (of 12); all 12 are in report.json "
            "(<code>fidelity.within_class.columns</code>)") in render_html(wide)


def test_a_result_has_a_short_repr(result):
    """repr(EvaluationResult) ran to 84,000 characters in a notebook; to_dict keeps everything."""
    text = repr(result)
    assert len(text) < 400 and text.startswith("EvaluationResult(target='label', sizes={'train': 120")
    assert "privacy={'synthetic': " in text and "detection_auc=0." in text
    for part in (result.utility, result.fidelity, result.privacy[0]):
        assert len(repr(part)) < 300 and repr(part).startswith(type(part).__name__ + "(")
    assert "scores" in result.to_dict()["utility"] and result.to_json() == result.to_json()
