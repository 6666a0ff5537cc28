"""The image fit's training check: the training images' diversity measured once, on a bounded seeded
draw per class, and a class of identical images named in a warning of synthaug's, not numpy's."""

import warnings

import numpy as np
import pytest

from synthaug.images import metrics
from synthaug.images.metrics import diversity_ratio, per_class_subsample
from synthaug.images.synthesizer import ImageCGAN

from .conftest import TINY, make_images


def test_a_per_class_subsample_keeps_at_most_cap_of_each_class_seeded():
    codes = np.array([1, 0, 0, 2, 0, 1, 0])
    kept = per_class_subsample(codes, 2, np.random.default_rng(0))
    assert np.all(np.diff(kept) > 0) and np.bincount(codes[kept]).tolist() == [2, 2, 1]
    np.testing.assert_array_equal(kept, per_class_subsample(codes, 2, np.random.default_rng(0)))
    np.testing.assert_array_equal(per_class_subsample(codes, 9, np.random.default_rng(1)), np.arange(7))


def test_a_class_without_real_diversity_has_no_ratio_and_no_numpy_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # numpy's "divide by zero encountered in divide"
        mean, ratios = diversity_ratio(np.array([2.0, 3.0, 1.0]), np.array([4.0, 0.0, np.nan]))
    assert mean == 0.5 and ratios[0] == 0.5 and np.isnan(ratios[1:]).all()


def test_the_real_diversity_is_measured_once_on_a_bounded_draw(monkeypatch):
    # it was measured on every training image at every check: O(n^2) distances each time
    sizes, measure = [], metrics.mean_pairwise_distance
    monkeypatch.setattr(metrics, "mean_pairwise_distance", lambda f, *a: sizes.append(len(f)) or measure(f, *a))
    monkeypatch.setattr("synthaug.images.monitor.REAL_PER_CLASS", 4)
    x, codes = make_images(n_per_class=6)
    ImageCGAN(**{**TINY, "steps": 4, "grid_every": 1}, grid_dir=None, random_state=0).fit(x, codes)
    assert sizes.count(32) == 4 * 3 and sorted(n for n in sizes if n != 32) == [4, 4, 4]  # fakes: 32 a class


def test_identical_training_images_of_a_class_are_named_in_a_synthaug_warning():
    x, codes = make_images(n_per_class=6)
    x[codes == 1] = 77  # class 1: six identical images
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = ImageCGAN(**TINY, grid_dir=None, random_state=0).fit(x, codes)
    said = [str(w.message) for w in caught]
    assert not [w for w in caught if issubclass(w.category, RuntimeWarning)], said
    assert [m for m in said if m.startswith("class(es) '1': the training images are all identical")], said
    assert all(h.get("diversity") is not None for h in model.history_ if "diversity" in h)


def test_a_class_of_more_images_than_the_draw_still_gives_a_ratio():
    x, codes = make_images(n_per_class=20)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("synthaug.images.monitor.REAL_PER_CLASS", 5)
        model = ImageCGAN(**TINY, grid_dir=None, random_state=0).fit(x, codes)
    assert model.history_[-1]["diversity"] > 0
