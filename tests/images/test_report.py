"""The image evaluation's report.html explains itself: "How to read this report" defines every measure,
every picture has a caption, and the closest pairs are mentioned only when the strip is shown."""

import copy
import warnings

import numpy as np
import pytest

from synthaug import SynthaugWarning
from synthaug.images.evaluate import closest_pairs, evaluate_images, sample_grid
from synthaug.images.report import render_html
from tests.html_outline import Outline, guide_section

from .conftest import make_images


@pytest.fixture(scope="module", params=["train+test", "train"])
def evaluated(request):
    """A report of each judge, and the pictures evaluate_images draws for it."""
    train, test, (x_sy, y_sy) = make_images(4, seed=1), make_images(4, seed=2), make_images(5, seed=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SynthaugWarning)  # a weak judge after one step
        report = evaluate_images(train, test, (x_sy, y_sy), seeds=2, steps=1, batch_size=8, judge=request.param)
    pictures = {"samples": sample_grid(x_sy, y_sy, ["a", "b", "c"], 4),
                "closest_pairs": closest_pairs(x_sy, train[0], 3)[0]}
    return report, pictures


def test_every_picture_is_a_figure_with_a_caption(evaluated):
    report, pictures = evaluated
    extra = {**pictures, "a <picture>": np.zeros((4, 4, 1), np.uint8)}  # any other picture too
    figures = Outline(render_html(report, extra))
    assert figures.images == [(True, "sample grid"), (True, "closest pairs"), (True, "a <picture>")]
    assert len(figures.captions) == 3 and figures.stack == [] and figures.misnested == []
    samples, pairs, other = figures.captions
    assert "one row per class (top to bottom: 0, 1, 2)" in samples and "mode collapse" in samples
    assert "The bottom row shows real training images." in pairs and other == "a <picture>"


def test_the_guide_defines_each_measure(evaluated):
    report, pictures = evaluated
    guide = guide_section(render_html(report, pictures))
    for term in ("Accuracy rows and their intervals", "<i>real+albumentations</i>", "<i>synthetic</i> the synthetic",
                 "95% interval", "Uplift, in points", "+1.5 points", "CAS (Classification Accuracy Score)",
                 "Fréchet distance", "no absolute scale", "lower is closer to real", "Feature diversity ratio",
                 "Near 1", "mode collapse", "Below 0.5", "Above 1.5", "<i>pixel</i> diversity ratio",
                 "helps</i> when the whole interval is above 0", "redrawing the test images and the seeds",
                 "Pixel distance to the nearest training image"):
        assert term in guide, term
    judge = report["quality"]["judge"]
    if judge["measured_on"] == "test":
        assert "trained on the real training images," in guide and "measured on the test images" in guide
    else:
        assert "trained on the real training and test images," in guide
        assert f"cross-validated, as the judge behind CAS trained on the test images too: the test images are " \
               f"split into {judge['folds']} folds" in guide


def test_the_guide_describes_only_the_accuracy_rows_shown(evaluated):
    report, pictures = evaluated
    single = copy.deepcopy(report)
    del single["accuracy"]["synthetic"]  # a single-class synthetic set: no synthetic-only training
    guide = guide_section(render_html(single, pictures))
    assert "<i>real+synthetic</i>" in guide and "<i>synthetic</i>" not in guide


def test_the_guide_mentions_the_closest_pairs_only_with_the_strip(evaluated):
    report, pictures = evaluated
    shown = render_html(report, pictures)
    assert "closest pairs" in guide_section(shown).lower()
    assert "treat this report as you treat the training data" in shown
    hidden = render_html(report, {"samples": pictures["samples"]})  # n_pairs=0, --no-real-images
    assert "closest pair" not in hidden.lower() and "real training images</b>" not in hidden
    assert hidden.count("<img") == hidden.count("data:image/png;base64,") == 1


def test_the_closest_pairs_caption_gives_each_pairs_distance(tmp_path):
    train, test, (x_sy, y_sy) = make_images(4, seed=1), make_images(4, seed=2), make_images(5, seed=3)
    x_sy[0] = train[0][5]  # an exact copy: the closest pair, at distance 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SynthaugWarning)
        report = evaluate_images(train, test, (x_sy, y_sy), seeds=1, steps=1, n_pairs=3, out_dir=tmp_path)
    distances = report["privacy"]["closest_pair_distances"]
    assert len(distances) == 3 and distances[0] == 0.0 and distances == sorted(distances)
    assert distances[1] > 0
    shown = ", ".join(f"{d:.3f}" for d in distances)
    page = (tmp_path / "report.html").read_text()
    assert f"Their pixel distances, left to right: {shown} (0 is an exact copy" in page
