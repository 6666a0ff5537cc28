"""The image evaluation's intervals resample the test images (and seeds), pair the training sets image by
image, and end in the table report's verdict words; one seed still gets an interval."""

import warnings

import numpy as np
import pytest

from synthaug import SynthaugWarning
from synthaug.images.evaluate import evaluate_images
from synthaug.images.intervals import Resampling, arm_summary, difference, replicates, resampling, uplift

from .conftest import make_images


def test_a_replicate_is_the_mean_over_drawn_seeds_of_accuracy_on_drawn_images():
    correct = np.array([[1, 0, 0], [0, 0, 1]], dtype=bool)
    draws = Resampling(np.array([[2, 0, 1], [1, 1, 1]], np.float32), np.array([[1, 1], [0, 1]]))
    # replicate 0: seed 1 twice, image 0 twice and image 2 once: 1/3; replicate 1: both seeds, each 1/3
    assert replicates(correct, draws) == pytest.approx([1 / 3, 1 / 3])


def test_seeds_that_agree_still_get_the_test_sets_width():
    # 3 seeds labelling the same 20 of 40 test images right: the seeds-only t-interval was [50%, 50%]
    correct = np.tile(np.arange(40) % 2 == 0, (3, 1))
    s = arm_summary(correct, resampling(40, 3, seed=0))
    half = 1.96 * (0.25 / 40) ** 0.5  # the binomial normal interval, 15.5 points
    assert s["mean"] == 0.5 and s["values"] == [0.5, 0.5, 0.5]
    assert s["low"] == pytest.approx(0.5 - half, abs=0.03) and s["high"] == pytest.approx(0.5 + half, abs=0.03)


def test_differences_are_paired_by_test_image_with_verdicts():
    base = np.tile(np.arange(40) < 20, (2, 1))  # right on images 0-19
    better = base | (np.arange(40) < 28)  # right on those and 8 more
    worse = base & (np.arange(40) >= 6)  # wrong on 6 of them
    correct = {"real": base, "real+albumentations": base, "real+synthetic": better,
               "real+synthetic+albumentations": worse}
    draws = resampling(40, 2, seed=1)
    helps = difference(correct, draws, "real+synthetic", "real")
    assert helps["points"] == pytest.approx(20.0) and helps["low"] > 0 and helps["verdict"] == "helps"
    # unpaired, the two arms' own intervals (each about +-15 points) overlap: pairing is what tells them apart
    assert arm_summary(better, draws)["low"] < arm_summary(base, draws)["high"]
    assert difference(correct, draws, "real+synthetic+albumentations", "real")["verdict"] == "hurts"
    same = difference(correct, draws, "real+albumentations", "real")
    assert (same["points"], same["low"], same["high"], same["verdict"]) == (0.0, 0.0, 0.0, "no measurable effect")


def test_the_uplift_picks_the_better_sets_and_reports_every_pair():
    rng = np.random.default_rng(0)
    correct = {k: rng.random((3, 60)) < p for k, p in
               (("real", 0.7), ("real+albumentations", 0.7), ("real+synthetic", 0.7),
                ("real+synthetic+albumentations", 0.7), ("synthetic", 0.3))}
    up = uplift(correct, resampling(60, 3, seed=2))
    means = {k: v.mean() for k, v in correct.items()}
    assert up["baseline"] == max(("real", "real+albumentations"), key=means.get)
    assert up["points"] == pytest.approx(100 * (means[up["best_with_synthetic"]] - means[up["baseline"]]))
    assert up["low"] < 0 < up["high"] and up["verdict"] == "no measurable effect"  # all four alike
    assert [(p["with_synthetic"], p["baseline"]) for p in up["pairs"]] == [
        ("real+synthetic", "real"), ("real+synthetic", "real+albumentations"),
        ("real+synthetic+albumentations", "real"), ("real+synthetic+albumentations", "real+albumentations")]
    only = up["synthetic_only_minus_real"]
    assert only["verdict"] == "hurts" and up["synthetic_only_minus_real_points"] == only["points"]
    del correct["synthetic"]
    assert uplift(correct, resampling(60, 3, seed=2))["synthetic_only_minus_real"] is None


def test_one_seed_gets_intervals_from_the_test_images_and_a_note():
    # --seeds 1 gave null low and high and no word of it
    sets = make_images(4, seed=1), make_images(4, seed=2), make_images(5, seed=3)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", SynthaugWarning)
        report = evaluate_images(*sets, seeds=1, steps=1, batch_size=8, n_pairs=0)
    said = "one seed (seeds=1): the accuracy and uplift intervals cover test-set sampling only"
    assert any(said in str(w.message) for w in caught)
    for acc in report["accuracy"].values():
        assert acc["low"] is not None and acc["low"] <= acc["mean"] <= acc["high"]
    assert report["uplift"]["low"] is not None and report["uplift"]["verdict"]
    assert report["settings"]["n_boot"] == 1000 and report["version"] == 4

