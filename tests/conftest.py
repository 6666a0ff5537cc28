"""Shared tiny fixtures: a seeded mixed-type table with a label."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest
import torch

# pytest-xdist's workers run with COLUMNS=80 set, which rich takes as a width the user chose: the CLI's piped output
# would wrap there and nowhere else. Tests that need a width set it themselves.
os.environ.pop("COLUMNS", None)
os.environ.pop("LINES", None)

# Tiny networks run no faster on two threads, and far slower when the cores are shared.
torch.set_num_threads(1)


def make_mixed_table(n: int = 120, seed: int = 0) -> pd.DataFrame:
    """Numbers (bimodal, with a point mass and NaN), integers, strings, bools, dates, a label."""
    rng = np.random.default_rng(seed)
    label = rng.choice(["yes", "no"], size=n, p=[0.4, 0.6])
    bimodal = np.where(rng.random(n) < 0.5, rng.normal(-5, 1, n), rng.normal(5, 1, n))
    bimodal[rng.random(n) < 0.1] = np.nan
    gain = np.where(rng.random(n) < 0.7, 0, rng.integers(100, 5000, n))
    return pd.DataFrame(
        {
            "age": rng.integers(18, 90, n),
            "score": bimodal + (label == "yes") * 2.0,
            "gain": gain,
            "colour": rng.choice(["red", "green", "blue"], size=n),
            "city": pd.Series(rng.choice(["Oslo", "Lima", None], size=n, p=[0.5, 0.4, 0.1])),
            "member": rng.random(n) < 0.3,
            "visits": rng.integers(0, 4, n),
            "joined": pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 1000, n), unit="D"),
            "label": label,
        }
    )


ZIPS = (10115, 10117, 20095, 80331)
CODES = ("2021-01-05", "2022-03-01", "2019-12-31")


def make_zip_table(n: int = 40, seed: int = 0) -> pd.DataFrame:
    """A number, a numeric-looking zip code (4 repeated codes), a date-looking code, a label."""
    rng = np.random.default_rng(seed)
    y = np.resize(["a", "b"], n)
    return pd.DataFrame({"x": rng.normal(size=n) + (y == "b"), "zip": rng.choice(ZIPS, n),
                         "code": rng.choice(CODES, n), "y": y})


@pytest.fixture
def mixed_table() -> pd.DataFrame:
    return make_mixed_table()


FAST = {"epochs": 1, "min_steps": 30, "batch_size": 64, "generator_dims": (32,), "discriminator_dims": (32,),
        "latent_dim": 8}


@pytest.fixture
def fast_params() -> dict:
    """Constructor parameters for a model that trains in well under a second."""
    return dict(FAST)


@pytest.fixture(scope="module")
def table_model(tmp_path_factory):
    from synthaug import TabularCGAN

    folder = tmp_path_factory.mktemp("table")
    table = make_mixed_table(60)
    table.to_csv(folder / "train.csv", index=False)
    TabularCGAN(random_state=0, **FAST).fit(table, y="label").save(folder / "m")
    return folder


@pytest.fixture(scope="module")
def image_model():
    from synthaug import ImageCGAN
    from tests.images.conftest import TINY, make_images

    x, y = make_images(size=12)
    return x, y, ImageCGAN(random_state=0, image_size=8, **TINY).fit(x, y)  # samples 8x8 images of 12x12 ones


def edited_weights(folder, edit):
    """``folder``'s weights changed by ``edit`` (given the tensors), and model.json's weights_sha256 with
    them: what a hand edit of both files looks like. Returns ``folder``."""
    import hashlib
    import json

    from safetensors.torch import load_file, save_file

    tensors = load_file(str(folder / "weights.safetensors"))
    edit(tensors)
    save_file(tensors, str(folder / "weights.safetensors"))
    meta = json.loads((folder / "model.json").read_text())
    meta["weights_sha256"] = hashlib.sha256((folder / "weights.safetensors").read_bytes()).hexdigest()
    (folder / "model.json").write_text(json.dumps(meta))
    return folder
