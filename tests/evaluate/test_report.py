"""The HTML report's summary: which measure sets the privacy verdict."""

import dataclasses
import re

import pytest
from sklearn.linear_model import LogisticRegression

from synthaug.evaluate import evaluate, render_html
from synthaug.evaluate.report import measure_name, verdict_drivers
from synthaug.evaluate.results import RiskMeasure


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


def test_summary_pairs_the_dcr_share_with_its_own_verdict(make_frame):
    # before: "DCR share 0.431 [0.313, 0.545]" beside "inconclusive", the verdict of attribute inference
    frame = make_frame(360, seed=8)
    train, test, fresh = (frame.iloc[i * 120 : (i + 1) * 120].reset_index(drop=True) for i in range(3))
    result = evaluate(train, test, fresh, "label", classifiers={"lr": LogisticRegression()}, n_seeds=1,
                      n_boot=100, baselines=(), random_state=0)
    leakage = _with_verdicts(result.privacy[0], {"attribute_inference[label]": "inconclusive"}, "inconclusive")
    summary = render_html(dataclasses.replace(result, privacy=[leakage])).split("<h2>Utility")[0]
    row = re.search(r"<tr><td class='l'>privacy of synthetic records</td>.*?</tr>", summary).group(0)
    assert re.search(r"DCR share [\d.]+ \[[\d.]+, [\d.]+\]: no measurable leak</td>", row)
    assert "inconclusive</span> <span class='note'>overall, from attribute inference on label</span>" in row
