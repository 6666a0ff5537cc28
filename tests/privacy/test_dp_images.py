import json

import numpy as np
import pytest
from typer.testing import CliRunner

import synthaug
from synthaug import DataError
from synthaug.cli import app
from synthaug.images.synthesizer import ImageCGAN
from tests.images.conftest import make_images

pytest.importorskip("opacus")

DP_TINY = {"steps": 6, "batch_size": 8, "width": 4, "latent_dim": 8, "grid_every": 3, "grid_columns": 3}
runner = CliRunner()


@pytest.fixture
def image_folder(tmp_path):
    from synthaug.images.writer import write_images

    x, codes = make_images()
    write_images(tmp_path / "data", x, np.array([f"class_{c}" for c in codes]))
    return tmp_path / "data"


@pytest.fixture(scope="module")
def dp_model():
    x, codes = make_images()
    return ImageCGAN(dp_epsilon=2.0, random_state=0, **DP_TINY).fit(x, codes)


def test_spent_budget_is_within_target_and_close_to_it(dp_model):
    privacy = dp_model.privacy_
    assert 2.0 - 0.05 <= privacy["epsilon"] <= 2.0 + 1e-9  # planned to end at the budget, never above
    assert privacy["delta"] == pytest.approx(1e-5) and privacy["count_epsilon"] == pytest.approx(0.1)
    (run,) = privacy["models"]
    assert run["steps"] == DP_TINY["steps"] and run["sample_rate"] == pytest.approx(1 / 3)  # 8 of 18, 3 batches
    assert run["epsilon"] == pytest.approx(privacy["sgd_epsilon"]) and run["noise_multiplier"] > 0.5
    assert "NOT covered" in privacy["scope"]["metadata"] and "schema" not in privacy["scope"]


def test_no_statistic_of_the_training_images_is_kept(dp_model):
    assert all("diversity" not in record for record in dp_model.history_)
    # the discriminator's loss on real batches is outside DP-SGD's noise; the generator's is post-processing
    assert all(record["d_loss"] is None and record["g_loss"] is not None for record in dp_model.history_)
    assert dp_model.class_counts_.dtype == np.int64 and (dp_model.class_counts_ >= 1).all()


def test_a_dp_model_file_holds_no_digest_of_the_training_images(dp_model, tmp_path):
    """Knowing all images but one, a digest would tell which candidate the last one is."""
    from synthaug.persist import DP_DIGEST

    dp_model.save(tmp_path / "m")
    training = json.loads((tmp_path / "m" / "model.json").read_text())["training"]
    assert training["data_sha256"] == DP_DIGEST and "versions" in training
    assert synthaug.load(tmp_path / "m").data_sha256_ == DP_DIGEST


def test_dp_discriminator_passes_opacus_validation():
    from opacus.validators import ModuleValidator

    from synthaug.images.networks import Discriminator, ImageNetConfig

    cfg = ImageNetConfig(image_size=8, channels=1, n_classes=3, latent_dim=8, width=4)
    assert ModuleValidator.validate(Discriminator(cfg, spectral=False), strict=False) == []
    assert not any("parametrizations" in name for name, _ in Discriminator(cfg, spectral=False).named_parameters())


def test_dp_fits_with_the_same_seed_differ(dp_model, monkeypatch):
    # It asserted that a DP fit with random_state 0 reproduced: then anyone could redraw the DP-SGD noise, the
    # Poisson batches and the Laplace counts from the seed. They come from a secret seed now; pinned, the fit
    # reproduces whatever random_state says (nothing else in it is random)
    import synthaug.images.synthesizer as synthesizer

    x, codes = make_images()
    again = ImageCGAN(dp_epsilon=2.0, random_state=0, **DP_TINY).fit(x, codes)
    assert not np.array_equal(again.sample(n=6, random_state=1)[0], dp_model.sample(n=6, random_state=1)[0])
    assert again.privacy_["noise_seed"].startswith("secret: ")
    monkeypatch.setattr(synthesizer, "secret_seed", lambda: 7)
    pinned = [ImageCGAN(dp_epsilon=2.0, random_state=seed, **DP_TINY).fit(x, codes) for seed in (0, 1)]
    assert np.array_equal(pinned[0].sample(n=6, random_state=1)[0], pinned[1].sample(n=6, random_state=1)[0])


def test_model_file_keeps_privacy(dp_model, tmp_path):
    dp_model.save(tmp_path / "m")
    saved = json.loads((tmp_path / "m" / "model.json").read_text())["privacy"]
    assert saved == json.loads(json.dumps(dp_model.privacy_))
    loaded = synthaug.load(tmp_path / "m")
    assert loaded.privacy_ == saved and loaded.class_counts_.tolist() == dp_model.class_counts_.tolist()
    assert np.array_equal(loaded.sample(n=4, random_state=2)[0], dp_model.sample(n=4, random_state=2)[0])


def test_empty_poisson_batches_are_fine():
    x, codes = make_images()  # 18 images, batch 1: most steps see no real image at all
    model = ImageCGAN(dp_epsilon=4.0, random_state=0, **{**DP_TINY, "batch_size": 1}).fit(x, codes)
    assert model.privacy_["epsilon"] <= 4.0 + 1e-9 and model.sample(n=3)[0].shape == (3, 8, 8, 1)


@pytest.mark.parametrize(("params", "message"), [
    ({"dp_epsilon": -1.0}, "dp_epsilon must be a positive number"),
    ({"dp_epsilon": 1.0, "dp_delta": 1.0}, "dp_delta must be in"),
    ({"dp_epsilon": 1.0, "dp_max_grad_norm": 0.0}, "dp_max_grad_norm"),
    ({"dp_epsilon": 1.0, "loss": "wgan-gp"}, "wgan-gp"),
])
def test_bad_budgets_are_refused_before_training(params, message):
    x, codes = make_images()
    with pytest.raises(DataError, match=message):
        ImageCGAN(**params, **DP_TINY).fit(x, codes)


SET = [item for key in ("steps", "batch_size", "width", "latent_dim", "grid_every")
       for item in ("--set", f"{key}={DP_TINY[key]}")]


def test_cli_fit_with_dp_prints_epsilon_and_inspect_shows_it(image_folder, tmp_path):
    model = tmp_path / "model"
    result = runner.invoke(app, ["fit", str(image_folder), "--modality", "image", "-o", str(model),
                                 "--dp-epsilon", "2", *SET])
    assert result.exit_code == 0, result.output
    assert "differential privacy: spent epsilon 1.9" in result.output and "(target 2)" in result.output
    result = runner.invoke(app, ["inspect", str(model)])
    assert result.exit_code == 0 and "spent epsilon" in result.output and "metadata: NOT covered" in result.output


@pytest.mark.parametrize(("option", "message"), [  # the options as typed, not dp_epsilon / dp_delta
    (["--dp-epsilon", "-1"], "error: --dp-epsilon must be a positive number"),
    (["--dp-epsilon", "1", "--dp-delta", "1"], "error: --dp-delta must be in")])
def test_cli_bad_budget_is_one_line_exit_2(image_folder, tmp_path, option, message):
    result = runner.invoke(app, ["fit", str(image_folder), "-o", str(tmp_path / "m"), *option, *SET])
    assert result.exit_code == 2 and message in result.output
    assert result.output.strip().count("\n") == 0 and not (tmp_path / "m").exists()
