"""Training sets, classifier plumbing and uplift verdicts on tiny data."""

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from synthaug import DataError
from synthaug.evaluate.canonical import canonical
from synthaug.evaluate.classifiers import accepts_sparse, fit_predict, resolve_classifiers
from synthaug.evaluate.tables import check_tables
from synthaug.evaluate.utility import additions_for, capped_ratios, run_utility, stratified_draw


def _canonical(frames, target="label"):
    schema = check_tables(frames[0], target, {})
    return [canonical(f, schema) for f in frames], schema


def test_additions_keep_class_proportions():
    frame = pd.DataFrame({"x": np.arange(8.0), "label": ["a"] * 6 + ["b"] * 2})
    schema = check_tables(frame, "label", {})
    assert additions_for(frame, schema, 4) == {"a": 3, "b": 1}
    assert additions_for(frame, schema, 8) == {"a": 6, "b": 2}
    assert sum(additions_for(frame, schema, 5).values()) == 5
    draw = stratified_draw(frame, schema, {"a": 3, "b": 2}, np.random.default_rng(0))
    assert draw["label"].value_counts().to_dict() == {"a": 3, "b": 2}
    assert draw.index.is_unique


def test_classifiers_are_wrapped_or_refused(make_frame):
    schema = check_tables(make_frame(20), "label", {})
    wrapped = resolve_classifiers({"lr": LogisticRegression()}, schema)
    assert isinstance(wrapped["lr"], Pipeline)
    assert set(resolve_classifiers(None, schema)) == {"logistic_regression", "random_forest", "hist_gradient_boosting"}
    with pytest.raises(DataError, match="classifier 'bad'"):
        resolve_classifiers({"bad": object()}, schema)


def test_a_classifier_without_sparse_input_gets_dense_features(make_frame):
    """GaussianNB (like LDA and HistGradientBoosting) refused the one-hot matrix of a table with a
    categorical column: "Sparse data was passed for X, but dense data is required"."""
    from sklearn.naive_bayes import GaussianNB

    frames, schema = _canonical([make_frame(60, seed=1), make_frame(30, seed=2)])
    model = resolve_classifiers({"gnb": GaussianNB()}, schema)["gnb"]
    proba = fit_predict(model, frames[0], frames[1], schema, seed=0)
    assert proba.shape == (30, 2) and np.isfinite(proba).all()
    assert accepts_sparse(LogisticRegression()) and not accepts_sparse(GaussianNB()) and not accepts_sparse(object())


def test_probabilities_align_when_a_class_is_missing():
    train = pd.DataFrame({"x": [0.0, 1.0, 2.0, 3.0], "label": ["a", "a", "b", "b"]})
    three = pd.DataFrame({"x": [0.0, 5.0, 9.0], "label": ["a", "b", "c"]})
    schema = check_tables(three, "label", {})
    model = resolve_classifiers({"lr": LogisticRegression()}, schema)["lr"]
    proba = fit_predict(model, canonical(train, schema), canonical(three, schema), schema, seed=0)
    assert proba.shape == (3, 3)
    np.testing.assert_allclose(proba[:, 2], 0.0)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)


def test_the_default_forest_on_a_tiny_table_does_not_show_scikit_learns_max_samples_warning(recwarn):
    """max_samples=0.5 on fewer than 20 rows made scikit-learn warn a user who passed nothing."""
    rng = np.random.default_rng(0)
    train = pd.DataFrame({"x": rng.normal(size=12), "label": ["a", "b"] * 6})
    test = pd.DataFrame({"x": rng.normal(size=30), "label": ["a", "b"] * 15})
    (train, test, synthetic), schema = _canonical([train, test, train.copy()])
    run_utility(train, test, synthetic, schema, classifiers=resolve_classifiers(None, schema), ratios=(1.0,),
                baselines=(), seeds=(1,), n_boot=50, primary_metric="macro_f1", seed=0, baseline_seed=3, n_jobs=2)
    assert not [w for w in recwarn if "max_samples" in str(w.message)]


def _run(train, test, synthetic, ratios=(1.0,), baselines=()):
    (train, test, synthetic), schema = _canonical([train, test, synthetic])
    models = resolve_classifiers({"lr": LogisticRegression(max_iter=500)}, schema)
    return run_utility(
        train,
        test,
        synthetic,
        schema,
        classifiers=models,
        ratios=ratios,
        baselines=baselines,
        seeds=(1, 2),
        n_boot=200,
        primary_metric="macro_f1",
        seed=0,
        baseline_seed=3,
    )


def test_more_real_like_rows_help_a_tiny_training_set(make_frame):
    frame = make_frame(1500, seed=2)
    train, test, fresh = frame.iloc[:16], frame.iloc[500:1500], frame.iloc[16:500]
    result = _run(train, test, fresh, ratios=(20.0,), baselines=("ros", "smote"))
    assert result.settings == ("real", "real+synthetic@20", "real+ros@20", "real+smote@20", "synthetic")
    assert result.added_rows["real+synthetic@20"] == 320
    assert result.verdicts["real+synthetic@20"] == "helps"
    for u in result.uplifts:
        assert u.estimate.low <= u.estimate.value <= u.estimate.high
    assert len(result.scores["real"]["lr"]["roc_auc"]) == 2


def test_ratios_capped_at_the_synthetic_table_are_said_and_not_repeated(make_frame):
    # before: real+synthetic@1 and @5 (and real+ros@1 and @5) each added all 60 records, with no note
    frame = make_frame(500, seed=4)
    train, test, synthetic = frame.iloc[:100], frame.iloc[100:400], frame.iloc[400:460]
    result = _run(train, test, synthetic, ratios=(1.0, 5.0), baselines=("ros",))
    assert result.settings == ("real", "real+synthetic@1", "real+ros@1", "synthetic")
    assert result.added_rows["real+synthetic@1"] == result.added_rows["real+ros@1"] == 60
    assert [n for n in result.notes if "the pooled ROC AUC says" not in n] == [  # less metric disagreements
        "the synthetic table has 60 records: real+synthetic@1 adds all of them (ratio 0.6 of 100 training "
        "rows, not 1), and real+ros@1 as many; ratio 5 left out: it would add the same 60 records as @1"
    ]


def test_a_synthetic_table_of_one_record_is_said_in_the_singular():
    """"the synthetic table has 1 records"."""
    assert capped_ratios([1.0, 2.0], 100, 1)[1] == [
        "the synthetic table has 1 record: real+synthetic@1 adds all of them (ratio 0.01 of 100 training rows, not "
        "1); ratio 2 left out: it would add the same 1 record as @1"]


def test_capped_ratios_by_hand():
    assert capped_ratios([0.5, 1.0], 100, 500) == ([0.5, 1.0], [])
    assert capped_ratios([0.5, 1.0], 100, 100) == ([0.5, 1.0], [])  # 1 adds exactly all 100
    kept, notes = capped_ratios([10.0, 1.0, 2.0], 40, 80)  # 2 adds exactly all 80
    assert kept == [1.0, 2.0]
    assert notes == ["the synthetic table has 80 records: ratio 10 left out: it would add the same 80 records as @2"]
    kept, notes = capped_ratios([1.0, 3.0, 5.0], 40, 100, ("smote",))
    assert kept == [1.0, 3.0] and "real+synthetic@3 adds all of them (ratio 2.5 of 40" in notes[0]
    assert "real+smote@3 as many; ratio 5 left out" in notes[0]


def test_wrong_labels_hurt(make_frame):
    frame = make_frame(900, seed=3)
    train, test = frame.iloc[:300], frame.iloc[300:]
    flipped = train.assign(label=np.where(train["label"] == "yes", "no", "yes"))
    result = _run(train, test, flipped)
    assert result.verdicts["synthetic"] == "hurts"
    assert result.verdicts["real+synthetic@1"] == "hurts"


def test_single_class_synthetic_skips_synthetic_only(make_frame):
    frame = make_frame(200)
    result = _run(frame.iloc[:100], frame.iloc[100:], frame.iloc[:100].assign(label="yes"))
    assert "synthetic" not in result.settings
    assert any("single class" in note for note in result.notes)


def test_synthetic_only_notes_classes_the_synthetic_table_lacks(make_frame):
    frame = make_frame(300, seed=1)
    three = frame.assign(label=np.where(np.arange(300) % 5 == 0, "maybe", frame["label"]))
    train, test = three.iloc[:100], three.iloc[100:200]
    synthetic = frame.iloc[200:]  # only "no" and "yes"
    result = _run(train, test, synthetic)
    assert "synthetic" in result.settings
    assert any("no records of class(es) 'maybe'" in note for note in result.notes)


def test_seed_free_classifiers_fit_once_per_table(make_frame, monkeypatch):
    import synthaug.evaluate.utility as utility

    calls = []
    original = utility._fit_score
    monkeypatch.setattr(utility, "_fit_score", lambda *a: calls.append(1) or original(*a))
    frame = make_frame(300, seed=4)
    (train, test, synthetic), schema = _canonical([frame.iloc[:100], frame.iloc[100:200], frame.iloc[200:]])
    models = resolve_classifiers({"lr": LogisticRegression(max_iter=500)}, schema)
    result = run_utility(
        train,
        test,
        synthetic,
        schema,
        classifiers=models,
        ratios=(1.0,),
        baselines=("ros",),
        seeds=(1, 2, 3),
        n_boot=100,
        primary_metric="macro_f1",
        seed=0,
        baseline_seed=3,
        seed_free=("lr",),
    )
    # ratio 1 draws all 100 synthetic rows: every table is the same for every seed
    assert len(calls) == 4  # real, real+synthetic, real+ros, synthetic: once each
    assert len(set(result.scores["real+synthetic@1"]["lr"]["macro_f1"])) == 1


def test_a_metric_undefined_on_some_draws_is_skipped_without_numpy_warnings(make_frame):
    # a 4-row test set: some bootstrap draws hold one class, so ROC AUC is NaN there and numpy
    # printed 'warning: Mean of empty slice' to users (synthaug share --holdout 0.01)
    import warnings

    frame = make_frame(300, seed=4)
    train, synthetic = frame.iloc[:100], frame.iloc[100:200]
    test = pd.concat([frame[frame["label"] == k].iloc[-2:] for k in ("yes", "no")])
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        result = _run(train, test, synthetic)
    auc = [u.estimate for u in result.uplifts if u.metric == "roc_auc" and u.classifier == "all"]
    assert auc and all(np.isfinite([e.low, e.high]).all() for e in auc)


def test_settings_whose_macro_f1_and_roc_auc_verdicts_disagree_get_a_note():
    from synthaug.evaluate.results import Estimate, Uplift
    from synthaug.evaluate.utility_notes import disagreement_notes

    def uplift(setting, metric, value, low, high, verdict, classifier="all"):
        return Uplift(setting, metric, classifier, Estimate(value, low, high, "bootstrap"), verdict)

    uplifts = [uplift("real+synthetic@1", "macro_f1", 0.18, 0.032, 0.29, "helps"),
               uplift("real+synthetic@1", "roc_auc", 0.004, -0.02, 0.031, "no measurable effect"),
               uplift("real+synthetic@1", "roc_auc", 0.1, 0.05, 0.2, "helps", classifier="lr"),  # not pooled
               uplift("real+ros@1", "macro_f1", 0.1, 0.05, 0.2, "helps"),
               uplift("real+ros@1", "roc_auc", 0.1, 0.05, 0.2, "helps"),
               uplift("synthetic", "macro_f1", 0.0, -0.1, 0.1, "no measurable effect"),
               uplift("synthetic", "roc_auc", -0.1, -0.2, -0.05, "hurts"),
               uplift("real+smote@5", "macro_f1", -0.018, -0.034, -0.003, "hurts"),  # a baseline's: no note (the
               uplift("real+smote@5", "roc_auc", -0.002, -0.008, 0.002, "no measurable effect")]  # demo warned it)
    notes = disagreement_notes(uplifts)
    assert len(notes) == 2
    assert notes[0].startswith("real+synthetic@1: macro-F1 says helps (+0.180 [+0.032, +0.290]) but the pooled ROC "
                               "AUC says no measurable effect (+0.004 [-0.020, +0.031]); ")
    assert "may come from the class balance of the training table" in notes[0]
    assert notes[1].startswith("synthetic: macro-F1 says no measurable effect")
    assert "how the classifiers rank" in notes[1]


def test_a_test_class_of_few_rows_and_a_metric_disagreement_are_noted_in_the_report(tmp_path):
    # a trial's uniform-random noise rows "helped" macro-F1 (+0.180 [+0.032, +0.290]) on 4 minority test rows,
    # from rebalancing, while ROC AUC saw no effect; nothing said so
    import json
    import warnings

    from sklearn.datasets import load_breast_cancer

    from synthaug.evaluate import evaluate, write_report

    d = load_breast_cancer(as_frame=True).frame.iloc[:, [0, 1, 4, 7, 20, 30]]
    d.columns = [*(f"f{i}" for i in range(5)), "target"]
    major, minor = d[d.target == 1].sample(92, random_state=0), d[d.target == 0].sample(8, random_state=0)
    train, test = pd.concat([major[:56], minor[:4]]), pd.concat([major[56:], minor[4:]])
    rng = np.random.default_rng(0)
    noise = pd.DataFrame({c: rng.uniform(train[c].min(), train[c].max(), 60) for c in train.columns[:-1]})
    noise["target"] = np.resize([0, 1], 60)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = evaluate(train, test, noise, "target", ratios=(1,), baselines=(), n_seeds=1, n_boot=200,
                          random_state=0, classifiers={"lr": LogisticRegression(max_iter=500)})
    few = ("the test set has 4 rows of class 0 (fewer than 10): the macro-F1 and balanced-accuracy intervals rest "
           "on those few rows (one of 4 predicted otherwise moves its class's recall by 0.25)")
    differ = "synthetic: macro-F1 says hurts (-0.547 [-0.737, -0.191]) but the pooled ROC AUC says no measurable effect"
    write_report(result, tmp_path)
    for notes in (result.notes, json.loads((tmp_path / "report.json").read_text())["notes"],
                  [str(w.message) for w in caught]):
        assert any(n.startswith(few) for n in notes) and any(n.startswith(differ) for n in notes)
    assert few in (tmp_path / "report.html").read_text().replace("&#x27;", "'")
