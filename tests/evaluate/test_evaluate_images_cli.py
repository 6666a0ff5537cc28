"""``synthaug evaluate`` on image inputs runs the image evaluation."""

import json

import numpy as np
from sklearn.datasets import load_digits
from typer.testing import CliRunner

from synthaug.cli import app


def test_npz_inputs_get_the_image_evaluation(tmp_path):
    digits = load_digits()
    x = np.round(digits.images * 255 / 16).astype(np.uint8)
    y = digits.target
    for name, rows in (("train", slice(0, 60)), ("test", slice(60, 120)), ("synthetic", slice(120, 180))):
        np.savez(tmp_path / f"{name}.npz", x=x[rows], y=y[rows])
    result = CliRunner().invoke(app, ["evaluate", "--train", str(tmp_path / "train.npz"), "--test",
                                      str(tmp_path / "test.npz"), "--synthetic", str(tmp_path / "synthetic.npz"),
                                      "-o", str(tmp_path / "out"), "--seeds", "1", "--classifier-steps", "5", "-q"])
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert set(report["accuracy"]) >= {"real", "real+albumentations", "synthetic"}
    assert report["settings"]["random_state"] == 0  # --seed's default, as for tables
    assert (tmp_path / "out" / "report.html").exists()


def test_tables_still_need_a_target(tmp_path):
    (tmp_path / "t.csv").write_text("a,b\n1,2\n")
    result = CliRunner().invoke(app, ["evaluate", "--train", str(tmp_path / "t.csv"), "--test", str(tmp_path / "t.csv"),
                                      "--synthetic", str(tmp_path / "t.csv"), "-o", str(tmp_path / "o")])
    assert result.exit_code == 2 and "--target" in result.output


def test_a_single_synthetic_image_is_evaluated_without_a_frechet_distance(tmp_path):
    x = np.random.default_rng(0).integers(0, 256, (8, 8, 8), dtype=np.uint8)
    y = np.arange(8) % 2
    np.savez(tmp_path / "train.npz", x=x, y=y)
    np.savez(tmp_path / "one.npz", x=x[:1], y=y[:1])
    np.savez(tmp_path / "two.npz", x=x[:2], y=y[:2])  # a single test image has a single class: refused
    result = CliRunner().invoke(app, ["evaluate", "--train", str(tmp_path / "train.npz"), "--test",
                                      str(tmp_path / "two.npz"), "--synthetic", str(tmp_path / "one.npz"),
                                      "-o", str(tmp_path / "out"), "--seeds", "1", "--classifier-steps", "2"])
    assert result.exit_code == 0, result.output
    assert "feature diversity ratio n/a" in " ".join(result.output.split())
    quality = json.loads((tmp_path / "out" / "report.json").read_text())["quality"]
    assert quality["frechet_synthetic_test"] is None and quality["diversity_ratio"] is None
    # the summary printed no Fréchet distance, which report.json and report.html have
    shown = f"Fréchet distance synthetic vs test n/a (real train vs test {quality['frechet_train_test']:.3f}); "
    assert shown in " ".join(result.output.split()), result.output


def _image_sets(tmp_path):
    x = np.random.default_rng(0).integers(0, 256, (8, 8, 8), dtype=np.uint8)
    np.savez(tmp_path / "d.npz", x=x, y=np.arange(8) % 2)
    return ["--train", str(tmp_path / "d.npz"), "--test", str(tmp_path / "d.npz"), "--synthetic",
            str(tmp_path / "d.npz"), "-o", str(tmp_path / "out"), "--seeds", "1", "--classifier-steps", "1", "-q"]


def test_table_only_options_are_refused_for_images(tmp_path):
    result = CliRunner().invoke(app, ["evaluate", *_image_sets(tmp_path), "--holdout", str(tmp_path / "d.npz"),
                                      "--ratio", "1"])
    said = " ".join(result.output.split())
    assert result.exit_code == 2 and "--holdout, --ratio: options of the table evaluation" in said
    assert not (tmp_path / "out").exists()


def test_jobs_sets_the_threads_of_the_image_evaluation(tmp_path, monkeypatch):
    import torch

    import synthaug.images.evaluate as module

    seen, real = [], module.train_classifier

    def spy(*args, **kwargs):
        seen.append(torch.get_num_threads())
        return real(*args, **kwargs)

    monkeypatch.setattr(module, "train_classifier", spy)
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        result = CliRunner().invoke(app, ["evaluate", *_image_sets(tmp_path), "--jobs", "1"])
        assert result.exit_code == 0, result.output
        assert set(seen) == {1} and torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)


def test_a_single_class_test_set_is_refused_in_one_line(tmp_path):
    x = np.random.default_rng(0).integers(0, 256, (8, 8, 8), dtype=np.uint8)
    np.savez(tmp_path / "train.npz", x=x, y=np.arange(8) % 2)
    np.savez(tmp_path / "test.npz", x=x[:4], y=np.full(4, 1))
    result = CliRunner().invoke(app, ["evaluate", "--train", str(tmp_path / "train.npz"), "--test",
                                      str(tmp_path / "test.npz"), "--synthetic", str(tmp_path / "train.npz"),
                                      "-o", str(tmp_path / "out"), "--seeds", "1", "--classifier-steps", "1", "-q"])
    assert result.exit_code == 2, result.output
    said = " ".join(result.output.split())
    assert f"{tmp_path / 'test.npz'} (test): labels have a single class ('1'); scores need two" in said
    assert not (tmp_path / "out").exists()


def test_copies_of_training_images_are_summed_up_in_the_terminal(tmp_path):
    x = np.random.default_rng(0).integers(0, 256, (12, 8, 8), dtype=np.uint8)
    np.savez(tmp_path / "train.npz", x=x[:8], y=np.arange(8) % 2)
    np.savez(tmp_path / "test.npz", x=x[8:], y=np.arange(4) % 2)
    result = CliRunner().invoke(app, ["evaluate", "--train", str(tmp_path / "train.npz"), "--test",
                                      str(tmp_path / "test.npz"), "--synthetic", str(tmp_path / "train.npz"),
                                      "-o", str(tmp_path / "out"), "--seeds", "1", "--classifier-steps", "1"])
    said = " ".join(result.output.split())
    assert result.exit_code == 0, result.output
    assert ("privacy: 8 of 8 synthetic images are exact copies of training images; 100.0% are closer to a training "
            "image than 95% of test images are (about 5% by chance) (beyond chance: see the warning)") in said
    assert "the synthetic images copy training images: 8 of 8 are exact copies" in said
