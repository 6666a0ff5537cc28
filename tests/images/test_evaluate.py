import json
import warnings

import numpy as np
import pytest
import torch

from synthaug import DataError, SynthaugWarning
from synthaug.images.classifier import to_tensor
from synthaug.images.evaluate import evaluate_images
from synthaug.images.metrics import frechet_distance, mean_pairwise_distance, nearest_distances

from .conftest import make_images


def test_evaluate_images_writes_json_and_html(tmp_path):
    train = make_images(4, seed=1)
    test = make_images(4, seed=2)
    synthetic = make_images(5, seed=3)
    with pytest.warns(SynthaugWarning, match=r"2 seeds \(seeds=2\): the accuracy and uplift intervals resample only"):
        report = evaluate_images(train, test, synthetic, seeds=2, steps=3, batch_size=8, out_dir=tmp_path)
    assert any(note.startswith("2 seeds (seeds=2): the accuracy") for note in report["notes"])
    assert set(report["accuracy"]) == {"real", "real+albumentations", "real+synthetic",
                                       "real+synthetic+albumentations", "synthetic"}
    assert len(report["accuracy"]["real"]["values"]) == 2
    assert set(report["quality"]["cas_per_class"]) == {"0", "1", "2"}
    assert json.loads((tmp_path / "report.json").read_text())["sizes"]["synthetic"] == 15
    page = (tmp_path / "report.html").read_text()
    assert page.count("data:image/png;base64,") == 2 and "Classification Accuracy Score" in page
    # the classical baseline and the distances' unit were described nowhere
    assert report["settings"]["albumentations"]["Affine"] == {"translate_percent": [-0.125, 0.125], "scale": [0.9, 1.1],
                                                               "rotate": [-12, 12], "shear": [-8, 8], "p": 0.9}
    assert report["settings"]["albumentations"]["RandomBrightnessContrast"]["brightness_limit"] == 0.15
    assert report["privacy"]["distance"] == "L2 (Euclidean) over all pixels and channels, values scaled to 0..1"
    assert "<code>Affine(translate_percent=[-0.125, 0.125], scale=[0.9, 1.1], rotate=[-12, 12]" in page


def test_n_pairs_zero_shows_no_training_image_and_negative_is_refused(tmp_path):
    sets = make_images(4, seed=1), make_images(4, seed=2), make_images(5, seed=3)
    evaluate_images(*sets, seeds=1, steps=1, batch_size=8, n_pairs=0, out_dir=tmp_path)  # showed 1 pair
    page = (tmp_path / "report.html").read_text()
    assert page.count("data:image/png;base64,") == 1 and "Closest pairs" not in page
    with pytest.raises(DataError, match="n_pairs must be a whole number >= 0"):
        evaluate_images(*sets, seeds=1, steps=1, n_pairs=-1)


@pytest.mark.parametrize("seed", [-1, 2**64, 1.5])
def test_a_seed_out_of_range_is_refused_as_everywhere(seed):
    # -1 passed on to numpy's SeedSequence: a ValueError traceback after the images were read
    sets = make_images(4, seed=1), make_images(4, seed=2), make_images(5, seed=3)
    with pytest.raises(DataError, match=r"^random_state: must be a whole number from 0 to 2\*\*64 - 1"):
        evaluate_images(*sets, seeds=1, steps=1, random_state=seed)


def test_unknown_synthetic_label_is_named():
    x, codes = make_images(3)
    with pytest.raises(DataError, match="'7'"):
        evaluate_images((x, codes), (x, codes), (x, np.full(len(x), 7)), seeds=1, steps=1)


def test_missing_training_labels_are_refused():
    x, codes = make_images(3)
    with pytest.raises(DataError, match="train labels: 3 of 9 labels are missing"):
        evaluate_images((x, np.where(codes == 1, np.nan, codes)), (x, codes), (x, codes), seeds=1, steps=1)


def test_mean_pairwise_distance_of_a_large_set_in_chunks(monkeypatch):
    features = np.random.default_rng(0).normal(size=(50, 3))
    exact = mean_pairwise_distance(features)
    assert mean_pairwise_distance(features, chunk=7) == pytest.approx(exact, rel=1e-9)
    calls = []
    monkeypatch.setattr(torch, "pdist", lambda *a: calls.append(a) or pytest.fail("all pairs at once"))
    assert mean_pairwise_distance(features, chunk=49) == pytest.approx(exact, rel=1e-9) and not calls


def test_nearest_training_distances_make_no_float_copy_of_all_synthetic_images():
    import tracemalloc

    from synthaug.images.evaluate import privacy

    rng = np.random.default_rng(0)
    x_sy = rng.integers(0, 256, (20000, 8, 8, 3), dtype=np.uint8)
    x_tr, x_te = x_sy[:30].copy(), rng.integers(0, 256, (30, 8, 8, 3), dtype=np.uint8)
    tracemalloc.start()
    report = privacy(x_sy, x_tr, x_te, 10)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 4 * x_sy.nbytes and report["test_nearest_train"]["min"] > 0  # x_sy / 255.0 alone was 8 times
    d, _ = nearest_distances(x_sy[:100] / 255.0, x_tr / 255.0)  # the old way: the same distances
    np.testing.assert_array_equal(nearest_distances(x_sy[:100], x_tr, scale=255.0)[0], d)


def test_copies_of_training_images_are_at_distance_zero_and_counted():
    from synthaug.images.evaluate import privacy

    rng = np.random.default_rng(0)
    x_tr = rng.integers(0, 256, (30, 28, 28, 1), dtype=np.uint8)
    x_sy = np.concatenate([x_tr, rng.integers(0, 256, (70, 28, 28, 1), dtype=np.uint8)])
    d, index = nearest_distances(x_sy, x_tr, scale=255.0)
    assert (d[:30] == 0).all() and (index[:30] == np.arange(30)).all() and (d[30:] > 1).all()
    assert privacy(x_sy, x_tr, x_sy[30:], 10)["exact_copies"] == 30  # was 18: cdist measured copies at 0.003-0.012


def test_statistics_by_hand():
    assert mean_pairwise_distance(np.array([[0.0, 0.0], [3.0, 4.0], [0.0, 0.0]])) == pytest.approx(10 / 3)
    d, i = nearest_distances(np.array([[0.0], [9.0]]), np.array([[1.0], [5.0], [10.0]]))
    assert d.tolist() == [1.0, 1.0] and i.tolist() == [0, 2]
    a = np.random.default_rng(0).normal(size=(500, 2))
    assert frechet_distance(a, a) == pytest.approx(0.0, abs=1e-6)
    assert frechet_distance(a, a + [3.0, 0.0]) == pytest.approx(9.0, abs=1e-6)
    assert np.isnan(frechet_distance(a[:1], a))  # one row has no covariance


def test_a_synthetic_set_lacking_classes_is_a_warning_and_a_note(tmp_path):
    # sampled only some classes: the synthetic-only score covered fewer classes, silently
    train, test = make_images(4, n_classes=4, seed=1), make_images(4, n_classes=4, seed=2)
    x, codes = make_images(5, n_classes=4, seed=3)
    keep = np.isin(codes, [0, 3])
    with pytest.warns(SynthaugWarning, match=r"no images of class\(es\) '1', '2': synthetic-only .* covers 2 of 4"):
        report = evaluate_images(train, test, (x[keep], codes[keep]), seeds=1, steps=1, batch_size=8,
                                 out_dir=tmp_path)
    assert "covers 2 of 4 classes" in report["notes"][0]
    assert json.loads((tmp_path / "report.json").read_text())["notes"] == report["notes"]
    page = (tmp_path / "report.html").read_text()
    assert "<h2>Notes</h2>" in page and "lacking 2 of 4 classes" in page


def test_a_single_class_synthetic_set_skips_synthetic_only_training(tmp_path):
    train, test = make_images(4, seed=1), make_images(4, seed=2)
    x, codes = make_images(5, seed=3)
    with pytest.warns(SynthaugWarning, match="synthetic-only training skipped: the synthetic set has a single class"):
        report = evaluate_images(train, test, (x[codes == 0], codes[codes == 0]), seeds=1, steps=1, batch_size=8,
                                 out_dir=tmp_path)
    assert "synthetic" not in report["accuracy"] and report["uplift"]["synthetic_only_minus_real_points"] is None
    assert "synthetic only against real only: skipped" in (tmp_path / "report.html").read_text()


@pytest.mark.parametrize(("predicted", "accuracy", "weak"), [([0, 0, 0, 0], 0.5, True), ([0, 0, 1, 1], 0.75, False),
                                                           ([1, 0, 1, 1], 0.5, True)])
def test_judge_accuracy_against_chance_by_hand(predicted, accuracy, weak):
    from synthaug.images.judge import judge_accuracy

    y_te = np.array([0, 0, 1, 2])  # chance: the most common class's share, 2/4; weak below 0.5 + 0.5 * 0.5
    score = judge_accuracy(np.array(predicted), y_te, None)
    assert score == {"accuracy": accuracy, "measured_on": "test", "folds": None, "fold_accuracy": None,
                     "chance": 0.5, "weak_below": 0.75, "weak": weak}
    folded = judge_accuracy(np.array(predicted), y_te, np.array([0, 1, 0, 1]))
    assert folded["accuracy"] == accuracy and folded["measured_on"] == "cross-validation" and folded["folds"] == 2
    assert folded["fold_accuracy"] == [float(np.mean((np.array(predicted) == y_te)[[0, 2]])),
                                       float(np.mean((np.array(predicted) == y_te)[[1, 3]]))]


def test_a_judge_exactly_halfway_from_chance_is_not_weak():
    """20 of 30 right over 3 equal classes is 2/3, the bar itself; in floats 0.6666...6 < 0.6666...7 said weak."""
    from synthaug.images.judge import judge_accuracy

    y_te = np.repeat([0, 1, 2], 10)
    predicted = np.where(np.arange(30) < 20, y_te, (y_te + 1) % 3)
    assert not judge_accuracy(predicted, y_te, None)["weak"]
    assert judge_accuracy(np.where(np.arange(30) < 19, y_te, (y_te + 1) % 3), y_te, None)["weak"]


def test_judge_folds_spread_each_class_and_are_seeded():
    from synthaug.images.judge import judge_folds

    y = np.array([2, 0, 0, 1, 0, 1, 2, 0, 1])
    folds = judge_folds(y, 3, seed=5)
    assert np.bincount(folds).tolist() == [3, 3, 3]
    for k in range(3):  # 4, 3 and 2 images: at most one apart between folds
        assert np.ptp(np.bincount(folds[y == k], minlength=3)) <= 1
    np.testing.assert_array_equal(judge_folds(y, 3, seed=5), folds)
    assert judge_folds(y[:2], 3, seed=0).tolist() in ([0, 1], [1, 0])  # fewer images than folds: fewer folds


class _LookupJudge(torch.nn.Module):
    """Memorises: class of an exactly matching training image, else class 0 (features: logits and mean)."""

    def __init__(self, images, codes, n_classes):
        super().__init__()
        self.images, self.codes, self.n_classes = to_tensor(images), torch.as_tensor(codes), n_classes

    def forward(self, x):
        same = (x[:, None] == self.images[None]).flatten(2).all(2)  # (B, N)
        codes = torch.where(same.any(1), self.codes[same.float().argmax(1)], 0)
        logits = torch.nn.functional.one_hot(codes, self.n_classes).float()
        return torch.cat([logits, x.mean(dim=(1, 2, 3))[:, None]], 1), logits


@pytest.fixture
def lookup_judges(monkeypatch):
    """train_classifier replaced by a memorising lookup; returns the (seed, training images) of each call."""
    import synthaug.images.evaluate as evaluate

    calls = []

    def fake(sources, n_classes, steps, batch_size, seed):
        images = np.concatenate([s.images for s in sources])
        calls.append((seed, {img.tobytes() for img in images}))
        return _LookupJudge(images, np.concatenate([s.codes for s in sources]), n_classes).eval()

    monkeypatch.setattr(evaluate, "train_classifier", fake)
    return calls


def test_the_default_judges_accuracy_is_on_test_images_it_did_not_train_on(tmp_path, lookup_judges):
    # it was scored on the test images it had trained on: a memorising judge read 100%
    from synthaug._random import child_seed
    from synthaug.images.evaluate import JUDGE_FOLDS

    (x_tr, y_tr), (x_te, y_te) = make_images(4, seed=1), make_images(4, seed=2)
    with pytest.warns(SynthaugWarning, match=r"the CAS judge is weak: 33.3% accuracy on real test images it did "
                                             r"not train on \(3-fold cross-validation\)"):
        report = evaluate_images((x_tr, y_tr), (x_te, y_te), make_images(5, seed=3), seeds=1, steps=2,
                                 random_state=7, out_dir=tmp_path)
    judge = report["quality"]["judge"]
    assert judge["accuracy"] == pytest.approx(1 / 3)  # only class 0, the lookup's guess for unseen images
    assert judge["measured_on"] == "cross-validation" and judge["folds"] == JUDGE_FOLDS and judge["weak"]
    assert any(n.startswith("the CAS judge is weak") for n in report["notes"])
    test_images = {img.tobytes() for img in x_te}
    seen = dict(lookup_judges)[child_seed(7, 999)]  # the CAS judge: all training and test images, as before
    assert seen == {img.tobytes() for img in x_tr} | test_images
    folds = [s for s, _ in lookup_judges[-JUDGE_FOLDS:]]
    assert len(lookup_judges) == 5 + 1 + JUDGE_FOLDS and child_seed(7, 999) not in folds
    held_out = [test_images - images for _, images in lookup_judges[-JUDGE_FOLDS:]]
    assert sorted(map(len, held_out)) == [4, 4, 4] and set().union(*held_out) == test_images
    assert json.loads((tmp_path / "report.json").read_text())["version"] == 4
    page = (tmp_path / "report.html").read_text()
    assert "accuracy on real test images it did not train on: <b>33.3%</b> (3-fold cross-validation" in page


def test_a_judge_trained_on_the_training_images_is_scored_on_the_test_images(lookup_judges):
    report = evaluate_images(make_images(4, seed=1), make_images(4, seed=2), make_images(5, seed=3), seeds=1,
                             steps=2, judge="train")
    judge = report["quality"]["judge"]
    assert judge["accuracy"] == pytest.approx(1 / 3) and judge["measured_on"] == "test" and judge["folds"] is None
    assert len(lookup_judges) == 5 + 1  # no cross-validation judges


def test_the_judges_accuracy_is_reproducible_with_a_seed():
    sets = make_images(4, seed=1), make_images(4, seed=2), make_images(5, seed=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SynthaugWarning)
        first, again = (evaluate_images(*sets, seeds=1, steps=4, batch_size=8, random_state=3) for _ in range(2))
    assert first["quality"] == again["quality"] and len(first["quality"]["judge"]["fold_accuracy"]) == 3


def test_the_judges_accuracy_is_reported_next_to_cas_and_a_weak_judge_is_a_warning(tmp_path):
    # --classifier-steps 20 gave CAS 0% for every class with no check on the judge
    sets = make_images(4, seed=1), make_images(4, seed=2), make_images(5, seed=3)
    with pytest.warns(SynthaugWarning, match=r"the CAS judge is weak: .*% accuracy on real test images it did not"):
        report = evaluate_images(*sets, seeds=1, steps=1, batch_size=8, out_dir=tmp_path)
    judge = report["quality"]["judge"]
    assert judge["weak"] and judge["chance"] == pytest.approx(1 / 3) and judge["measured_on"] == "cross-validation"
    assert any(n.startswith("the CAS judge is weak") for n in report["notes"])
    # 20 classifier steps gave 20% for 5 classes and still "helps": a note says the classifiers barely learned
    assert any(n.startswith("the real-only classifier is not clearly above chance: ") and "chance 33.3%" in n
               and n.endswith("train the classifiers longer (steps)") for n in report["notes"])
    assert json.loads((tmp_path / "report.json").read_text())["quality"]["judge"] == judge
    page = (tmp_path / "report.html").read_text()
    assert "The judge's accuracy on real test images it did not train on" in page and "A weak judge" in page


def test_the_image_report_says_which_synthaug_libraries_and_images_and_keeps_a_big_seed_exact(tmp_path):
    """The image report.json lacked even synthaug_version, and wrote a 63-bit seed as a JSON integer."""
    import synthaug
    from synthaug._provenance import images_digest, library_versions

    sets = make_images(4, seed=1), make_images(4, seed=2), make_images(5, seed=3)
    big = 2**63 - 25
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SynthaugWarning)
        evaluate_images(*sets, seeds=1, steps=1, batch_size=8, random_state=big, out_dir=tmp_path)
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["version"] == 4 and report["synthaug_version"] == synthaug.__version__
    assert report["versions"] == library_versions() and report["settings"]["random_state"] == str(big)
    assert report["data_sha256"] == {name: images_digest(x, y) for name, (x, y) in
                                     zip(("train", "test", "synthetic"), sets, strict=True)}
    model = synthaug.ImageCGAN(random_state=0, steps=1, batch_size=8, width=4, latent_dim=8).fit(*sets[0])
    assert model.data_sha256_ == report["data_sha256"]["train"]  # the model's training.data_sha256: a match


def test_the_report_header_counts_one_seed_and_one_step_in_the_singular(tmp_path):
    sets = make_images(4, seed=1), make_images(4, seed=2), make_images(5, seed=3)
    evaluate_images(*sets, seeds=1, steps=1, batch_size=8, out_dir=tmp_path)
    assert "(1 step of 8 images, 1 seed)" in (tmp_path / "report.html").read_text()  # read "1 seeds"


def test_untrained_note_when_the_real_interval_reaches_chance_by_hand():
    from synthaug.images.notes import untrained_note

    y_te = np.array([0, 0, 1, 2])  # chance: the most common class's share, 50%
    assert untrained_note({"mean": 0.75, "low": 0.51, "high": 1.0}, "real+albumentations", y_te) is None
    assert untrained_note({"mean": 0.6, "low": 0.5, "high": 0.75}, "real", y_te) == (
        "the real-only classifier is not clearly above chance: 60.0% accuracy (95% interval 50.0-75.0%; chance 50.0%, "
        "the most common test class's share), so the uplift compares classifiers that have barely learned and its "
        "verdict says little; train the classifiers longer (steps)")


def test_count_shared_images_by_hand():
    from synthaug.images.metrics import count_shared

    x = np.arange(3 * 4, dtype=np.uint8).reshape(3, 2, 2, 1)
    other = np.stack([x[2], x[0] + 1, x[2], x[0]])
    assert count_shared(other, x) == 3 and count_shared(x[:1] + 1, x) == 0


def test_test_images_that_are_training_images_are_a_warning_and_a_note(tmp_path):
    # --test dig_train.npz --train dig_train.npz: no warning, and a privacy reference at distance 0
    x, codes = make_images(4, seed=1)
    other, other_codes = make_images(4, seed=2)
    test = (np.concatenate([x[:5], other]), np.concatenate([codes[:5], other_codes]))
    with pytest.warns(SynthaugWarning, match=r"^5 of 17 test images are also training images \(pixel-equal at 8x8"):
        report = evaluate_images((x, codes), test, make_images(5, seed=3), seeds=1, steps=1, batch_size=8,
                                 out_dir=tmp_path)
    assert report["privacy"]["test_in_train"] == 5
    assert json.loads((tmp_path / "report.json").read_text())["privacy"]["test_in_train"] == 5
    assert "5 of 17 test images are also training images" in (tmp_path / "report.html").read_text()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        disjoint = evaluate_images((x, codes), (other, other_codes), make_images(5, seed=3), seeds=1, steps=1,
                                   batch_size=8)
    assert disjoint["privacy"]["test_in_train"] == 0 and not any("also training" in n for n in disjoint["notes"])


@pytest.mark.parametrize(("setting", "message"), [
    ({"seeds": 0}, "seeds must be a whole number >= 1; got 0"),  # gave NaN accuracies
    ({"seeds": 1.5}, "seeds must be a whole number >= 1; got 1.5"),
    ({"steps": 0}, "steps must be a whole number >= 1; got 0"),
    ({"batch_size": 1}, "batch_size must be a whole number >= 2; got 1"),
    ({"grid_columns": 0}, "grid_columns must be a whole number >= 1; got 0"),
    ({"n_pairs": True}, "n_pairs must be a whole number >= 0; got True"),
    ({"real_share": "0.5"}, "real_share must be a number between 0 and 1"),
])
def test_settings_are_checked_before_any_training(setting, message, lookup_judges):
    sets = make_images(4, seed=1), make_images(4, seed=2), make_images(5, seed=3)
    with pytest.raises(DataError, match=f"^{message}"):
        evaluate_images(*sets, **{"seeds": 1, "steps": 1, **setting})
    assert not lookup_judges


def test_float_labels_match_integer_ones_and_unknown_labels_show_the_training_classes(lookup_judges):
    x, codes = make_images(3)
    report = evaluate_images((x, codes.astype(float)), (x, codes), (x, codes.astype(np.float32)), seeds=1, steps=1,
                             n_pairs=0)
    assert report["classes"] == ["0", "1", "2"]
    with pytest.raises(DataError, match=r"^test: labels not among the training classes: 'a' \(the training "
                                        r"classes: '0', '1', '2'\)"):
        evaluate_images((x, codes), (x, np.full(len(x), "a")), (x, codes), seeds=1, steps=1)


def test_a_test_set_lacking_classes_is_a_warning_and_a_note(tmp_path, lookup_judges):
    # a test set of class 3 only of 10 scored 100% for any classifier answering 3, with no note
    train, synthetic = make_images(4, n_classes=4, seed=1), make_images(5, n_classes=4, seed=3)
    x, codes = make_images(4, n_classes=4, seed=2)
    keep = np.isin(codes, [1, 3])
    with pytest.warns(SynthaugWarning, match=r"^class\(es\) '0', '2' have no test images: every accuracy \(and "
                                             r"the judge's\) is measured on 2 of 4 classes"):
        report = evaluate_images(train, (x[keep], codes[keep]), synthetic, seeds=1, steps=1, out_dir=tmp_path)
    assert report["notes"][0].startswith("class(es) '0', '2' have no test images")
    assert "have no test images" in (tmp_path / "report.html").read_text()
    with pytest.raises(DataError, match=r"^test: labels have a single class \('3'\); scores need two"):
        evaluate_images(train, (x[codes == 3], codes[codes == 3]), synthetic, seeds=1, steps=1)


def test_synthetic_copies_of_test_images_are_a_warning_and_a_note(tmp_path, lookup_judges):
    # a synthetic set copying the test set: "+7.33 points" uplift, no note, and a Fréchet distance of -0.000
    train, (x_te, y_te) = make_images(4, seed=1), make_images(4, seed=2)
    with pytest.warns(SynthaugWarning, match=r"^12 of 12 synthetic images \(100.0%\) are exact copies of test "
                                             r"images \(pixel-equal at 8x8, and to no training image\): .* the "
                                             r"uplift are inflated, .* and CAS is inflated"):
        report = evaluate_images(train, (x_te, y_te), (x_te, y_te), seeds=1, steps=1, out_dir=tmp_path)
    assert report["privacy"]["synthetic_copies_of_test"] == 12
    assert report["quality"]["frechet_synthetic_test"] == 0.0  # not a round-off -1e-14
    page = (tmp_path / "report.html").read_text()
    assert "12 of 12 synthetic images (100.0%) are exact copies of test images" in page
    with pytest.warns(SynthaugWarning) as caught:  # the weak judge
        mixed = evaluate_images(train, (x_te, y_te), (np.concatenate([x_te[:1], make_images(5, seed=3)[0]]),
                                                      np.concatenate([y_te[:1], make_images(5, seed=3)[1]])),
                                seeds=1, steps=1, judge="train")
    assert mixed["privacy"]["synthetic_copies_of_test"] == 1  # 6%, past the 1% tolerance
    assert any("1 of 16 synthetic images" in str(w.message) and "CAS is" not in str(w.message) for w in caught)
    with warnings.catch_warnings():
        warnings.simplefilter("error", SynthaugWarning)
        warnings.filterwarnings("ignore", "the CAS judge is weak")
        warnings.filterwarnings("ignore", "one seed")
        warnings.filterwarnings("ignore", "the real-only classifier is not clearly above chance")
        clean = evaluate_images(train, (x_te, y_te), make_images(5, seed=3), seeds=1, steps=1)
    assert clean["privacy"]["synthetic_copies_of_test"] == 0


def test_frechet_distance_is_never_negative_round_off():
    for seed in range(10):  # seed 3 gave -1.4e-14
        a = np.random.default_rng(seed).normal(size=(50, 8))
        assert frechet_distance(a, a) == 0.0
        assert frechet_distance(a, a + 1e-3) == pytest.approx(8e-6, rel=1e-3)  # a small true distance stays


def test_synthetic_copies_of_training_images_are_a_warning_and_a_note(tmp_path, lookup_judges):
    # 300 of 300 exact copies, all closer than test p05: no warning, no note, nothing in the terminal
    (x_tr, y_tr), test = make_images(4, seed=1), make_images(4, seed=2)
    with pytest.warns(SynthaugWarning, match=r"^the synthetic images copy training images: 12 of 12 are exact "
                                             r"copies \(pixel-equal at 8x8\) and 100.0% are closer to a training "
                                             r"image than 95% of the test images are \(about 5% by chance\): .*was "
                                             r"the training set \(or real \+ synthetic images\) passed"):
        report = evaluate_images((x_tr, y_tr), test, (x_tr, y_tr), seeds=1, steps=1, out_dir=tmp_path)
    p = report["privacy"]
    assert p["exact_copies"] == 12 and p["copies_beyond_chance"] and p["closer_beyond_chance"]
    assert "the synthetic images copy training images" in (tmp_path / "report.html").read_text()
    x_sy, y_sy = make_images(8, seed=3)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        one = evaluate_images((x_tr, y_tr), test, (np.concatenate([x_tr[:1], x_sy]), np.concatenate([y_tr[:1], y_sy])),
                              seeds=1, steps=1)
    assert one["privacy"]["exact_copies"] == 1 and one["privacy"]["copies_beyond_chance"]  # none explained by chance
    assert not one["privacy"]["closer_beyond_chance"]  # 1 of 25 closer than test p05 is chance
    assert any("copy training images: 1 of 25 are exact copies" in str(w.message) for w in caught)
    assert not any("passed as the synthetic set" in str(w.message) for w in caught)


def test_copying_beyond_chance_by_hand():
    from synthaug.images.notes import closer_beyond_chance, copies_beyond_chance

    assert copies_beyond_chance(1, 300, 0.0) and not copies_beyond_chance(0, 300, 0.0)
    # 10% of training images equal another: 3 standard errors of a share of 300 is 0.052
    assert not copies_beyond_chance(40, 300, 0.1) and copies_beyond_chance(60, 300, 0.1)
    # 5% expected, + 5% tolerance, + 3 * sqrt(0.05 * 0.95 * (1/300 + 1/300)) = 0.0534
    assert not closer_beyond_chance(0.15, 300, 300) and closer_beyond_chance(0.16, 300, 300)


def test_a_few_copies_of_test_images_get_the_note_training_copies_get():
    # the review: 10 copies of test images among 1,000 synthetic ones passed the table rule's 1% tolerance,
    # while 2 copies of training images among 200 were flagged
    from synthaug.images.notes import copied_test_note

    x_te = np.random.default_rng(0).integers(0, 256, (50, 8, 8), dtype=np.uint8)  # no two test images alike
    x_sy = np.zeros((1000, 8, 8), np.uint8)
    said = copied_test_note(2, x_sy, x_te, "train")
    assert "2 of 1000 synthetic images (0.2%) are exact copies of test images" in said
    assert copied_test_note(0, x_sy, x_te, "train") is None


def test_near_copies_of_training_images_are_a_warning_without_exact_copies(lookup_judges):
    (x_tr, y_tr), test = make_images(4, seed=1), make_images(4, seed=2)
    near = np.where(x_tr < 255, x_tr + 1, x_tr - 1).astype(np.uint8)  # one grey level off everywhere
    with pytest.warns(SynthaugWarning, match=r"^the synthetic images copy training images: 100.0% are closer to a "
                                             r"training image than 95% of the test images are \(about 5% by chance\)"
                                             r": the generator has memorised"):
        report = evaluate_images((x_tr, y_tr), test, (near, y_tr), seeds=1, steps=1)
    assert report["privacy"]["exact_copies"] == 0 and not report["privacy"]["copies_beyond_chance"]


def test_the_uplift_has_an_interval_over_test_images_and_seeds_and_a_verdict(tmp_path):
    # the interval came from the seeds only (paired t): too narrow, and none with one seed; no verdict
    import io

    from rich.console import Console

    from synthaug._cli_image import print_image_summary
    from synthaug.evaluate.verdict_words import signed

    sets = make_images(4, seed=1), make_images(4, seed=2), make_images(5, seed=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SynthaugWarning)
        report = evaluate_images(*sets, seeds=2, steps=1, batch_size=8, out_dir=tmp_path)
    up = report["uplift"]
    assert up["low"] <= up["points"] <= up["high"] and up["verdict"] in ("helps", "hurts", "no measurable effect")
    assert len(up["pairs"]) == 4 and up["method"] == "test-set bootstrap (1000) x seeds, percentile"
    page = (tmp_path / "report.html").read_text()
    assert f"(95% interval {signed(up['low'], 2)} to {signed(up['high'], 2)}) <span class='v " in page
    out = io.StringIO()
    print_image_summary(report, tmp_path / "report.html", Console(file=out, width=400))
    assert (f"uplift of {up['best_with_synthetic']} over {up['baseline']}: {up['points']:+.2f} points "
            f"[{signed(up['low'], 2)}, {signed(up['high'], 2)}]: {up['verdict']}; CAS") in out.getvalue()
    # a bound that printed as +0.00 beside a verdict decided by its sign shows its digits
    out = io.StringIO()
    print_image_summary({**report, "uplift": {**up, "low": -5.1, "high": -0.004, "verdict": "hurts"}},
                        tmp_path / "report.html", Console(file=out, width=400))
    assert "[-5.10, -0.004]: hurts" in out.getvalue()


def test_a_users_albumentations_transform_replaces_the_classical_baseline(tmp_path):
    # the baseline was fixed (Affine + RandomBrightnessContrast) and could not be changed
    import os

    os.environ.setdefault("NO_ALBUMENTATIONS_UPDATE", "1")
    import albumentations as A

    calls = []

    class Flip(A.HorizontalFlip):
        def __call__(self, *args, **kwargs):
            calls.append(1)
            return super().__call__(*args, **kwargs)

    sets = make_images(4, seed=1), make_images(4, seed=2), make_images(5, seed=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SynthaugWarning)
        report = evaluate_images(*sets, seeds=1, steps=1, batch_size=8, augmentation=Flip(p=1.0), out_dir=tmp_path)
    assert calls and report["settings"]["albumentations"].startswith("Flip(")
    assert "Classical augmentation is the transform given: <code>Flip(" in (tmp_path / "report.html").read_text()
    with pytest.raises(DataError, match=r"^augmentation: expected an albumentations transform"):
        evaluate_images(*sets, seeds=1, steps=1, augmentation="flip")
    with pytest.raises(DataError, match=r"^augmentation: must keep images' shape \(8, 8, 1\) and dtype uint8; got "
                                        r"\(4, 4, 1\) uint8"), warnings.catch_warnings():
        warnings.simplefilter("ignore", SynthaugWarning)
        evaluate_images(*sets, seeds=1, steps=1, batch_size=8, augmentation=A.CenterCrop(4, 4))
