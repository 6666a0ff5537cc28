"""Two diversity ratios, named apart: fit's pixel diversity ratio (a mode-collapse warning) and the
evaluation's feature diversity ratio (notes far below and far above 1)."""

import pytest

from synthaug import SynthaugWarning
from synthaug.images import evaluate as image_evaluate
from synthaug.images.collapse import diversity_notes, warn_if_collapsed

from .conftest import make_images


def test_fit_warns_of_its_pixel_diversity_ratio():
    with pytest.warns(SynthaugWarning, match=r"\(pixel diversity ratio 0.30 < 0.5\): possible mode collapse"):
        warn_if_collapsed([{"diversity": 0.3}], steps=100, augment_p=1, loss="hinge")


def test_a_feature_diversity_ratio_far_from_1_gets_a_note():
    # evaluate printed "diversity ratio 2.30" with no word, while its page called above 1 "often noise"
    (spread,) = diversity_notes(2.3, 1.1, cas=0.15)
    assert "feature diversity ratio 2.30 > 1.5" in spread and "CAS 15.0%" in spread
    assert "sample grid" in diversity_notes(1.6, 1.2, cas=0.9)[0]
    assert diversity_notes(1.2, 0.8, cas=0.9) == [] and diversity_notes(None, None, cas=0.9) == []
    (collapsed,) = diversity_notes(0.9, 0.3, cas=0.9)
    assert "lowest class feature diversity ratio 0.30 < 0.5" in collapsed and "mode collapse" in collapsed


def test_the_evaluation_notes_a_spread_out_synthetic_set_unless_its_judge_is_weak(monkeypatch):
    judge_accuracy, quality = image_evaluate.judge_accuracy, image_evaluate.quality
    monkeypatch.setattr(image_evaluate, "quality", lambda *a: {**quality(*a), "diversity_ratio": 2.3})
    sets = make_images(4, seed=1), make_images(4, seed=2), make_images(5, seed=3)
    weak = image_evaluate.evaluate_images(*sets, seeds=3, steps=1, batch_size=8, n_pairs=0)  # one step: weak
    assert not any("feature diversity ratio" in n for n in weak["notes"])  # its features mean little
    monkeypatch.setattr(image_evaluate, "judge_accuracy", lambda *a: {**judge_accuracy(*a), "weak": False})
    with pytest.warns(SynthaugWarning, match=r"feature diversity ratio 2.30 > 1.5"):
        strong = image_evaluate.evaluate_images(*sets, seeds=3, steps=1, batch_size=8, n_pairs=0)
    assert any("feature diversity ratio 2.30 > 1.5" in n for n in strong["notes"])
