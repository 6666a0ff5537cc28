"""The evaluate() entry point: result structure, determinism, bad options, no records in output."""

import json
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

import synthaug
from synthaug import DataError, SynthaugWarning
from synthaug.evaluate import EvaluationResult, evaluate, render_html, write_report

SENTINEL_NUMBER = 987654.321
SENTINEL_WORD = "ZQX-sentinel-9"
FAST = {"classifiers": {"lr": LogisticRegression(max_iter=500)}, "n_seeds": 1, "n_boot": 100}


@pytest.fixture(scope="module")
def tables(make_frame):
    frame = make_frame(480, seed=5)
    train, holdout, test, fresh = (frame.iloc[i * 120 : (i + 1) * 120].reset_index(drop=True) for i in range(4))
    train.loc[7, "z"] = SENTINEL_NUMBER
    train.loc[8, "colour"] = SENTINEL_WORD
    return train, holdout, test, fresh


@pytest.fixture(scope="module")
def result(tables):
    train, holdout, test, fresh = tables
    steps = []
    out = evaluate(
        train,
        test,
        fresh,
        "label",
        holdout=holdout,
        n_seeds=1,
        random_state=0,
        progress=lambda d, i, n: steps.append((d, i, n)),
    )
    out.steps = steps
    return out


def test_result_has_every_part(result):
    assert isinstance(result, EvaluationResult)
    assert result.reference == "holdout"
    assert [p.source for p in result.privacy] == ["synthetic", "SMOTE", "random oversampling"]
    assert set(result.utility.verdicts) == {"real+synthetic@1", "real+smote@1", "real+ros@1", "synthetic"}
    assert {m.column for m in result.fidelity.marginals} == {"x", "z", "colour", "label"}
    assert [i for _, i, _ in result.steps] == list(range(len(result.steps)))
    assert result.steps[-1][2] == len(result.steps)


def test_random_oversampling_is_flagged_and_fresh_rows_are_not(result):
    synthetic, _, ros = result.privacy
    assert ros.verdict == "leaks"
    assert synthetic.verdict != "leaks"


def test_json_round_trip(result):
    data = json.loads(result.to_json())
    assert data["target"] == "label"
    assert data["sizes"] == {"train": 120, "test": 120, "synthetic": 120, "reference": 120, "synthetic_measured": 120}
    assert data["synthaug_version"] == synthaug.__version__ and data["version"] == 4
    assert data["privacy"][0]["measures"][0]["name"] == "dcr_share"


def test_the_report_says_which_tables_and_library_versions_it_measured(result, tables):
    """report.json had options, seed and synthaug_version, but no library versions and no input identity."""
    from synthaug._provenance import library_versions, table_digest

    train, holdout, test, fresh = tables
    data = json.loads(result.to_json())
    assert data["versions"] == library_versions() and data["versions"]["synthaug"] == data["synthaug_version"]
    assert data["data_sha256"] == {"train": table_digest(train), "test": table_digest(test),
                                   "synthetic": table_digest(fresh), "holdout": table_digest(holdout)}
    model = synthaug.TabularCGAN(random_state=0, epochs=1, min_steps=5, generator_dims=(8,), discriminator_dims=(8,),
                                 latent_dim=4).fit(train, "label")
    assert model.data_sha256_ == data["data_sha256"]["train"]  # the model's training.data_sha256: a match


def test_a_seed_a_double_would_round_is_text_in_report_json(tables):
    """``"seed": 1488701242676150683`` was a JSON integer, which jq or JavaScript read as another seed."""
    train, holdout, test, fresh = tables
    big = 2**63 - 25
    with pytest.warns(SynthaugWarning, match="one seed"):
        data = json.loads(evaluate(train, test, fresh, "label", random_state=big, baselines=(), **FAST).to_json())
    assert data["seed"] == str(big)
    (seed,) = data["utility"]["seeds"]
    assert isinstance(seed, str) and int(seed) > 2**53  # a child seed: 63 bits
    assert data["data_sha256"]["holdout"] is None  # none given



def test_report_states_that_fidelity_is_at_the_synthetic_class_mix(result):
    data = json.loads(result.to_json())
    mix = data["fidelity"]["class_mix"]
    assert mix["real"] != mix["synthetic"]  # the fresh rows' label shares differ a little by chance
    assert data["fidelity"]["weighting"] == "synthetic class mix"
    assert [m["weighted"] for m in data["fidelity"]["marginals"]] == [True, True, True, False]
    html = render_html(result)
    assert "Measured at the synthetic class mix" in html and "tv (class mix, unweighted)" in html

def test_report_files_are_self_contained_and_hold_no_record(result, tmp_path):
    json_path, html_path = write_report(result, tmp_path / "out")
    html = html_path.read_text()
    text = json_path.read_text() + html
    assert html.count("data:image/png;base64,") == 4  # uplift, DCR, marginals, associations
    assert "http://" not in html and "https://" not in html
    assert SENTINEL_WORD not in text
    assert str(SENTINEL_NUMBER) not in text and "987654" not in text
    assert not list((tmp_path / "out").glob(".*tmp"))


def test_failed_html_leaves_no_new_json(result, tmp_path, monkeypatch):
    import synthaug.evaluate.report as report

    def broken(result):
        raise RuntimeError("plotting failed")

    monkeypatch.setattr(report, "render_html", broken)
    with pytest.raises(RuntimeError, match="plotting failed"):
        write_report(result, tmp_path / "out")
    assert not (tmp_path / "out" / "report.json").exists()


def test_same_seed_same_result(tables):
    train, holdout, test, fresh = tables
    a = evaluate(train, test, fresh, "label", holdout=holdout, random_state=3, baselines=("ros",), **FAST)
    b = evaluate(train, test, fresh, "label", holdout=holdout, random_state=3, baselines=("ros",), **FAST)
    assert a.to_dict() == b.to_dict()
    assert "<html" in render_html(a)


def test_test_set_is_the_reference_without_holdout(tables):
    train, _, test, fresh = tables
    result = evaluate(train, test, fresh, "label", baselines=(), random_state=0, **FAST)
    assert result.reference == "test"
    assert any("test set is the privacy reference" in n for n in result.notes)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"ratios": (0.0,)}, "ratios must be positive"),
        ({"ratios": (1.0, float("inf"))}, "ratios must be positive finite numbers"),
        ({"ratios": (1.0, 0.5, 1)}, "ratios: 1 is given more than once"),
        ({"ratios": (1.0, 0.004)}, "ratios: 0.004 of 120 training rows adds no synthetic record"),
        ({"baselines": ("gan",)}, "unknown baseline 'gan'"),
        # the command line's --baselines none: Python's way to say it is named
        ({"baselines": "none"}, r"baselines: unknown baseline 'none'; use any of \['smote', 'ros'\], or "
                                r"baselines=\(\) for none$"),
        ({"n_seeds": 0}, "n_seeds must be a positive integer"),
        ({"n_seeds": True}, "n_seeds must be a positive integer, got True"),
        ({"ratios": "1"}, "ratios must be positive finite numbers, got \\['1'\\]"),
        ({"primary_metric": "accuracy"}, "primary_metric must be one of"),
        ({"n_boot": 10}, "n_boot must be an integer of at least 100"),
        ({"detection_rows": 1}, "detection_rows must be an integer of at least 50, got 1"),  # was NaN, silently
        ({"classifiers": [LogisticRegression()]}, r"classifiers must be a dict of name -> estimator, e\.g\. "
                                                  r"\{'knn': KNeighborsClassifier\(\)\}, got list"),
        ({"classifiers": {"lr": LogisticRegression}}, r"classifier 'lr': pass an instance, e\.g\. "
                                                      r"LogisticRegression\(\), not the class"),
        # the range and message of every other seed check (_random.check_seed), not evaluate's own
        ({"random_state": -5}, r"random_state: must be a whole number from 0 to 2\*\*64 - 1, got -5$"),
        ({"random_state": np.int64(-5)}, r"random_state: must be a whole number from 0 to 2\*\*64 - 1"),
        ({"random_state": 2**64}, r"random_state: must be a whole number from 0 to 2\*\*64 - 1"),
    ],
)
def test_bad_options(tables, options, message):
    train, _, test, fresh = tables
    with pytest.raises(DataError, match=message):
        evaluate(train, test, fresh, "label", **options)


def test_numpy_options_are_numbers(tables):
    train, _, test, fresh = tables
    options = {**FAST, "n_seeds": np.int64(1), "n_boot": np.int64(100)}
    result = evaluate(train, test, fresh, "label", ratios=np.array([0.5, 1.0]), baselines=(), random_state=0, **options)
    assert result.options["ratios"] == [0.5, 1.0]
    assert result.options["n_seeds"] == 1
    assert [s for s in result.utility.settings if s.startswith("real+synthetic")] == [
        "real+synthetic@0.5", "real+synthetic@1"]
    json.dumps(result.to_dict())  # numpy scalars would not serialise


def test_one_sensitive_column_as_a_string(tables):
    train, holdout, test, fresh = tables
    result = evaluate(train, test, fresh, "label", holdout=holdout, sensitive="colour", baselines=(), **FAST)
    assert result.options["sensitive"] == ["colour"]
    assert [m.name for m in result.privacy[0].measures][-1] == "attribute_inference[colour]"


def test_bad_tables(tables):
    train, _, test, fresh = tables
    with pytest.raises(DataError, match="synthetic: table has no rows"):
        evaluate(train, test, fresh.iloc[:0], "label")
    with pytest.raises(DataError, match="test: target column 'label' has a single class"):
        evaluate(train, test.assign(label="no"), fresh, "label")
    with pytest.raises(DataError, match="holdout: lacks column 'x' that train has"):
        evaluate(train, test, fresh, "label", holdout=fresh.drop(columns="x"))
    nan_z = fresh.assign(z=np.nan)
    assert evaluate(train, test, nan_z, "label", baselines=(), random_state=0, **FAST).utility is not None


def test_caveats_are_warnings_too(tables):
    train, _, test, fresh = tables
    train = train.copy()
    train.loc[:5, "label"] = "rare"  # neither in the test set nor in the synthetic table
    with pytest.warns(SynthaugWarning) as caught:
        result = evaluate(train, test, fresh, "label", baselines=(), random_state=0, **FAST)
    said = [str(w.message) for w in caught if issubclass(w.category, SynthaugWarning)]
    unwarned = ("test set is the privacy reference", "cannot get 'no measurable leak'")
    assert said == [n for n in result.notes if not any(u in n for u in unwarned)]
    assert any("class(es) 'rare' have no test rows" in n for n in said)
    assert any("no records of class(es) 'rare'" in n for n in said)
    fidelity_note = next(n for n in said if "their real rows get weight 0" in n)  # was in fidelity.notes only
    assert fidelity_note in result.fidelity.notes and render_html(result).count("their real rows get weight 0") == 1


def test_a_reference_of_training_rows_makes_privacy_not_measurable(tables):
    train, _, _, fresh = tables
    with pytest.warns(SynthaugWarning, match="120 of 120 test rows are also training rows") as caught:
        result = evaluate(train, train, fresh, "label", baselines=("ros",), random_state=0, **FAST)
    said = next(str(w.message) for w in caught if "training rows:" in str(w.message))
    assert "understate leakage" in said and "not measurable" in said
    assert "a disjoint holdout as the privacy reference" in said
    assert said in result.notes
    for leakage in result.privacy:  # random oversampling copies training rows, yet nothing is measurable
        assert leakage.verdict == "inconclusive"
        assert {m.verdict for m in leakage.measures} == {"inconclusive"}


def test_a_holdout_with_some_training_rows_is_a_warning(tables):
    train, holdout, test, fresh = tables
    mixed = holdout.copy()
    mixed.iloc[:30] = train.iloc[:30].to_numpy()
    with pytest.warns(SynthaugWarning, match="30 of 120 holdout rows are also training rows") as caught:
        result = evaluate(train, test, fresh, "label", holdout=mixed, baselines=("ros",), random_state=0, **FAST)
    said = next(str(w.message) for w in caught if "training rows:" in str(w.message))
    assert "understate leakage" in said and "not measurable" not in said
    assert result.privacy[1].verdict == "leaks"  # still measured: copies of training rows stand out


def test_natural_duplicates_raise_nothing(make_frame):
    frame = make_frame(480, seed=6)
    frame = frame.assign(x=(frame["x"] > 0.5).astype(float), z=(frame["z"] > 2).astype(float)).fillna({"colour": "red"})
    train, holdout, test, fresh = (frame.iloc[i * 120 : (i + 1) * 120].reset_index(drop=True) for i in range(4))
    with warnings.catch_warnings():
        warnings.simplefilter("error", SynthaugWarning)  # 20 distinct rows: most holdout rows equal a training row
        result = evaluate(train, test, fresh, "label", holdout=holdout, baselines=(), random_state=0,
                          **{**FAST, "n_seeds": 2})  # one seed has a note of its own
    assert not any("training rows:" in n for n in result.notes)
    assert any(m.verdict != "inconclusive" for m in result.privacy[0].measures)
    # the privacy measures count each distinct row once, and the report says so (a fact, not a warning)
    assert any(n.startswith("100 of 120 training rows repeat another of them (20 distinct rows)") for n in result.notes)


def test_drop_leaves_columns_out_of_every_table(tables):
    train, holdout, test, fresh = tables
    result = evaluate(train, test, fresh.drop(columns="colour"), "label", holdout=holdout, drop="colour",
                      baselines=(), random_state=0, **FAST)
    assert {m.column for m in result.fidelity.marginals} == {"x", "z", "label"}
    assert result.options["drop"] == ["colour"]
    with pytest.raises(DataError, match="drop: 'label' is the target column"):
        evaluate(train, test, fresh, "label", drop=["label"])
    with pytest.raises(DataError, match="drop: no column 'colours' in any table \\(did you mean 'colour'\\?\\)"):
        evaluate(train, test, fresh, "label", drop=["colours"])


def test_text_dates_are_compared_as_times(tables):
    train, holdout, test, fresh = tables

    def dated(frame, first):
        return frame.assign(when=pd.date_range(first, periods=len(frame)).strftime("%Y-%m-%d"))

    result = evaluate(dated(train, "2021-01-01"), dated(test, "2021-01-01"), dated(fresh, "2021-03-02"), "label",
                      holdout=dated(holdout, "2021-01-01"), baselines=(), random_state=0, **FAST)
    when = next(m for m in result.fidelity.marginals if m.column == "when")
    assert (when.kind, when.statistic) == ("date", "ks")
    # days 0..119 against days 60..179: 0.5 (as labels: all different), 0.503 with the real rows weighted to
    # the fresh rows' slightly different class mix
    assert when.value == pytest.approx(0.5, abs=0.01)


def test_one_seed_is_noted_in_the_report_and_warned_about(tables, tmp_path):
    """With n_seeds=1 (evaluate --seeds 1, a recipe's seeds = 1) the intervals hold no refit variation,
    yet the verdicts read as firm as with several seeds; nothing said so."""
    train, holdout, test, fresh = tables
    with pytest.warns(SynthaugWarning, match=r"one seed \(n_seeds=1\): the utility intervals cover test-set sampling"):
        result = evaluate(train, test, fresh, "label", holdout=holdout, baselines=(), random_state=0, **FAST)
    write_report(result, tmp_path)
    assert sum("one seed" in n for n in json.loads((tmp_path / "report.json").read_text())["notes"]) == 1
    with warnings.catch_warnings():
        warnings.simplefilter("error", SynthaugWarning)
        two = evaluate(train, test, fresh, "label", holdout=holdout, baselines=(), random_state=0,
                       **{**FAST, "n_seeds": 2})
    assert not any("one seed" in n for n in two.notes)


def test_a_synthetic_table_mostly_of_training_rows_gets_a_note(tables, result):
    """fit_resample's whole output (real + synthetic) passed as synthetic showed only as every
    privacy measure leaking; the note asks whether that is what was passed, or whether the generator
    copies its training rows (a table that is train x3 was only asked the first)."""
    train, holdout, test, fresh = tables
    resampled = pd.concat([train, fresh.iloc[:60]], ignore_index=True)  # 120 training rows of 180
    with pytest.warns(SynthaugWarning, match=r"^120 of 180 synthetic records are exact copies of training rows: "
                                             r"either the generator memorised its training rows and copies them .+, "
                                             r"or the resampled table \(real \+ synthetic"):
        noted = evaluate(train, test, resampled, "label", holdout=holdout, baselines=(), random_state=0, **FAST)
    assert any(n.startswith("120 of 180 synthetic records are exact copies") for n in noted.notes)
    assert not any("exact copies of training rows" in n for n in result.notes)  # fresh rows: no note


def test_an_independent_sample_of_a_table_of_few_values_is_not_taken_for_the_resampled_table():
    """On ten binary columns most rows repeat by chance; the note fired on 10 of 40 fresh samples
    (seed 8: 83 of 100 rows match a training row, 77% by the table's own duplicates)."""
    from synthaug.evaluate.caveats import copies_notes

    def draw(rng, n):
        d = pd.DataFrame((rng.random((n, 10)) < 0.1).astype(int), columns=[f"s{i}" for i in range(10)]).astype(str)
        return d.assign(label=np.where(d.s0 == "1", "a", "b"))

    flagged = 0
    for seed in range(40):
        rng = np.random.default_rng(seed)
        train, _, fresh = draw(rng, 100), draw(rng, 100), draw(rng, 100)
        flagged += bool(copies_notes(train, fresh))
    assert flagged == 0
    rng = np.random.default_rng(8)
    train = draw(rng, 100)
    assert copies_notes(train, pd.concat([train, draw(rng, 100)]).reset_index(drop=True))  # the real mistake


def test_an_empty_column_is_left_out_of_the_classifiers_with_a_note(tables):
    """A column with no value crashed gradient boosting in the detection classifier: "window shape cannot
    be larger than input array shape"."""
    train, holdout, test, fresh = (t.assign(empty=np.nan) for t in tables)
    with pytest.warns(SynthaugWarning, match=r"column\(s\) 'empty' have no value in train: left out of the "
                                             r"classifiers' features .* drop=\['empty'\]"):
        result = evaluate(train, test, fresh, "label", holdout=holdout, baselines=("smote",), random_state=0, **FAST)
    assert np.isfinite(result.fidelity.detection_auc.value)
    assert "empty" in {m.column for m in result.fidelity.marginals}
    with pytest.raises(DataError, match="train: every feature column is empty"):
        evaluate(train[["empty", "label"]], test[["empty", "label"]], fresh[["empty", "label"]], "label")


@pytest.mark.parametrize("ids", [lambda start, n: np.random.default_rng(start).permutation(n) + start,
                                 lambda start, n: [f"U{start + i:06d}" for i in range(n)]])
def test_identifier_like_columns_get_a_note(tables, ids):
    """An id column whose synthetic values reuse training ids made every privacy measure leak, silently."""
    train, holdout, test, fresh = tables
    with_id = [t.assign(uid=ids(start, len(t))) for t, start in zip(tables, (0, 0, 10_000, 20_000), strict=True)]
    with pytest.warns(SynthaugWarning, match=r"column\(s\) 'uid' have a different value in nearly every training "
                                             r"row, like identifiers: .* drop=\['uid'\]"):
        evaluate(with_id[0], with_id[2], with_id[3], "label", holdout=with_id[1], baselines=(), random_state=0, **FAST)
    with warnings.catch_warnings():
        warnings.simplefilter("error", SynthaugWarning)  # measurements with all values distinct are no ids
        evaluate(train, test, fresh, "label", holdout=holdout, baselines=(), random_state=0, **{**FAST, "n_seeds": 2})


def test_one_baseline_as_a_string(tables):
    """baselines="smote" was read letter by letter: "unknown baseline 's'"."""
    train, holdout, test, fresh = tables
    result = evaluate(train, test, fresh, "label", holdout=holdout, baselines="ros", random_state=0, **FAST)
    assert result.options["baselines"] == ["ros"]
    assert [p.source for p in result.privacy] == ["synthetic", "random oversampling"]


def test_a_classifier_without_probabilities_is_told_how_to_get_them(tables):
    from sklearn.svm import SVC

    train, _, test, fresh = tables
    with pytest.raises(DataError, match=r"classifier 'svc' \(SVC\) has no predict_proba, which the ROC AUC needs: "
                                        r"use e\.g\. SVC\(probability=True\), or wrap it in CalibratedClassifierCV"):
        evaluate(train, test, fresh, "label", classifiers={"svc": SVC()})


def test_a_failing_classifier_is_named_with_its_setting(tables):
    """A classifier failing mid-run surfaced as its raw exception, naming neither it nor the setting."""
    from sklearn.base import BaseEstimator, ClassifierMixin

    class Boom(ClassifierMixin, BaseEstimator):
        def fit(self, X, y):
            if len(X) > 120:  # real rows alone: fine
                raise RuntimeError("boom inside my fit")
            self.classes_ = np.unique(y)
            return self

        def predict_proba(self, X):
            return np.full((len(X), len(self.classes_)), 1 / len(self.classes_))

    train, holdout, test, fresh = tables
    with pytest.raises(DataError, match=r"^classifier 'mine' failed on real\+synthetic@1: RuntimeError: boom inside "
                                        r"my fit$") as caught:
        evaluate(train, test, fresh, "label", holdout=holdout, baselines=(), random_state=0,
                 **{**FAST, "classifiers": {"mine": Boom()}})
    assert isinstance(caught.value.__cause__, RuntimeError)


def test_a_one_class_synthetic_table_has_empty_synthetic_scores(tables):
    """report.json's utility.scores lacked "synthetic" when synthetic-only training was skipped."""
    train, holdout, test, fresh = tables
    one = fresh[fresh["label"] == "yes"]
    result = evaluate(train, test, one, "label", holdout=holdout, baselines=(), random_state=0, **FAST)
    data = json.loads(result.to_json())
    assert data["utility"]["scores"]["synthetic"] == {} and "synthetic" not in data["utility"]["settings"]
    assert data["options"]["max_synthetic"] == 50_000
    assert "<html" in render_html(result)


def test_a_small_release_is_told_it_cannot_clear_every_measure(result, tables):
    """Under about 400 records the exact-copies interval stays wider than its tolerance: never "no measurable
    leak", which nothing said."""
    (said,) = [n for n in result.notes if "cannot get 'no measurable leak'" in n]
    assert said.startswith("with 120 synthetic records and no exact copy among them, the exact-copies interval (")
    assert "is still wider than its tolerance (0.01): a release of fewer than about 400 records" in said
    assert result.privacy[0].verdict != "no measurable leak"
    train, holdout, test, fresh = tables
    copies = evaluate(train, test, train, "label", holdout=holdout, baselines=(), random_state=0, **FAST)
    assert not any("cannot get 'no measurable leak'" in n for n in copies.notes)  # copies: it leaks, no such note
