"""EvaluationResult as pandas tables, and read back from a saved report.json."""

import json
import math

import pytest
from sklearn.linear_model import LogisticRegression

from synthaug import DataError, SynthaugWarning
from synthaug.evaluate import EvaluationResult, evaluate
from synthaug.evaluate.results import Estimate, WithinClassFidelity


@pytest.fixture(scope="module")
def result(make_frame):
    frame = make_frame(360, seed=8)
    train, test, fresh = (frame.iloc[i * 120 : (i + 1) * 120].reset_index(drop=True) for i in range(3))
    with pytest.warns(SynthaugWarning):
        return evaluate(train, test, fresh, "label", classifiers={"lr": LogisticRegression()}, n_seeds=1,
                        n_boot=100, baselines=("ros",), random_state=0)


def test_a_saved_report_reads_back_to_an_equal_result(result, tmp_path):
    # EvaluationResult offered to_dict/to_json only: a saved report could not be read back to compare
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "report.json").write_text(result.to_json())  # as write_report writes it
    for source in (tmp_path / "out", tmp_path / "out" / "report.json"):
        read = EvaluationResult.from_json(source)
        assert read == result and read.to_json() == result.to_json()
    assert isinstance(read.utility.uplifts[0].estimate, Estimate) and isinstance(read.utility.seeds, tuple)
    assert EvaluationResult.from_dict(result.to_dict()) == result
    empty = EvaluationResult.from_dict({**result.to_dict(), "fidelity": {
        **result.to_dict()["fidelity"], "within_class": WithinClassFidelity().__dict__}})
    assert math.isnan(empty.fidelity.within_class.marginal_mean)  # null back to NaN


def test_another_report_version_or_a_bad_file_is_one_line_naming_it(result, tmp_path):
    path = tmp_path / "report.json"
    path.write_text(json.dumps({**result.to_dict(), "version": 3}))
    with pytest.raises(DataError, match=rf"^{path}: report version 3 is not read by this synthaug, which reads "
                                        r"version 4 \(evaluate again with it to compare\)$"):
        EvaluationResult.from_json(path)
    path.write_text("{")
    with pytest.raises(DataError, match=rf"^{path}: not JSON \(line 1"):
        EvaluationResult.from_json(path)
    incomplete = {k: v for k, v in result.to_dict().items() if k != "fidelity"}
    with pytest.raises(DataError, match=r"^report: not an evaluation report of version 4: key 'fidelity' missing$"):
        EvaluationResult.from_dict(incomplete)
    with pytest.raises(DataError, match=r"no such file$"):
        EvaluationResult.from_json(tmp_path / "nothing")
    image = {"version": 4, "sizes": {"train": 30, "test": 12, "synthetic": 30, "image_size": 8}}  # an image report
    with pytest.raises(DataError, match=r"^report: an image evaluation report, which EvaluationResult \(for tables\)"):
        EvaluationResult.from_dict(image)  # it said "not an evaluation report of version 4: key 'target' missing"


def test_frames_are_long_tables_with_interval_columns(result):
    utility = result.utility_frame()
    assert list(utility.columns) == ["setting", "metric", "classifier", "value", "low", "high", "method", "verdict"]
    assert len(utility) == len(result.utility.uplifts)
    first = result.utility.uplifts[0]
    assert utility.iloc[0][["setting", "metric", "value"]].tolist() == [first.setting, first.metric,
                                                                        first.estimate.value]
    privacy = result.privacy_frame()
    assert list(privacy.columns) == ["source", "measure", "label", "value", "low", "high", "null", "tolerance",
                                     "verdict", "method"]
    assert len(privacy) == sum(len(p.measures) for p in result.privacy) and privacy["source"].nunique() == 2
    fidelity = result.fidelity_frame()
    assert list(fidelity.columns) == ["measure", "column", "statistic", "value", "low", "high"]
    auc = fidelity[fidelity["measure"] == "detection_auc"].iloc[0]
    d = result.fidelity.detection_auc
    assert (auc["value"], auc["low"], auc["high"]) == (d.value, d.low, d.high)
    assert (fidelity["measure"] == "marginal").sum() == len(result.fidelity.marginals)
    for frame in (utility, privacy, fidelity):
        assert (frame[["value", "low", "high"]].dtypes == "float64").all()
