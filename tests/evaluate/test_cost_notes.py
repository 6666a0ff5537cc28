"""A warning before an evaluation whose training table makes it slow."""

import warnings

import pytest
from sklearn.linear_model import LogisticRegression

from synthaug import SynthaugWarning
from synthaug.evaluate import evaluate
from synthaug.evaluate.cost_notes import LARGE_TRAIN, warn_if_slow


def test_a_large_training_table_is_warned_of_before_the_work_and_says_what_skips_the_slowest_part():
    # a fraud table of 200,000 training rows ran for minutes in SMOTE's neighbour search without a word
    with pytest.warns(SynthaugWarning, match=rf"^train has 200,000 rows: SMOTE's neighbour search within each class "
                      r"and the privacy distances .* grow with them, and only the synthetic records are capped "
                      r"\(max_synthetic\), so this may take a long time; baselines without smote skips the slowest "
                      rf"part; or evaluate on a seeded sample of train \(pandas: train.sample\(n={LARGE_TRAIN}, "):
        warn_if_slow(200_000, ("smote", "ros"))
    with pytest.warns(SynthaugWarning, match=r"^train has 200,000 rows: the privacy distances") as record:
        warn_if_slow(200_000, ("ros",))
    assert "skips the slowest part" not in str(record[0].message)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warn_if_slow(LARGE_TRAIN, ("smote",))  # at the bound: quiet


def test_evaluate_warns_of_a_large_training_table(make_frame, monkeypatch):
    monkeypatch.setattr("synthaug.evaluate.cost_notes.LARGE_TRAIN", 100)
    frame = make_frame(360, seed=8)
    train, test, fresh = (frame.iloc[i * 120 : (i + 1) * 120].reset_index(drop=True) for i in range(3))
    with pytest.warns(SynthaugWarning) as record:
        evaluate(train, test, fresh, "label", classifiers={"lr": LogisticRegression()}, n_seeds=1, n_boot=100,
                 baselines=("ros",), random_state=0)
    assert any(str(r.message).startswith("train has 120 rows: the privacy distances") for r in record)
