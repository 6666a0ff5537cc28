import os

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.compose import make_column_transformer
from sklearn.datasets import load_digits
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from torch.utils.data import DataLoader

from synthaug import AugmentedDataset, DataError, TabularCGAN
from synthaug._random import child_seed

TINY = {"epochs": 1, "min_steps": 15, "generator_dims": (16,), "discriminator_dims": (16,), "latent_dim": 8}


@pytest.fixture(scope="module")
def numeric_model():
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(60, 3)), columns=["a", "b", "c"])
    y = np.array([0] * 40 + [1] * 15 + [2] * 5)
    return X, y, TabularCGAN(random_state=0, **TINY).fit(X, y)


def items(loader):
    return [tuple(t.clone() for t in batch) for batch in loader]


def test_two_workers_same_seed_same_items_in_same_order(numeric_model):
    X, y, model = numeric_model
    runs = []
    for _ in range(2):
        ds = AugmentedDataset(X, y, synthesizer=model, balance=True, return_source=True, random_state=3)
        loader = DataLoader(ds, batch_size=7, shuffle=True, num_workers=2,
                            generator=torch.Generator().manual_seed(11))
        runs.append(items(loader))
    for a, b in zip(*runs, strict=True):
        for ta, tb in zip(a, b, strict=True):
            assert torch.equal(ta, tb)


def test_requested_mix_per_class(numeric_model):
    X, y, model = numeric_model
    ds = AugmentedDataset(X, y, synthesizer=model, synthetic_ratio=0.5, return_source=True)
    labels = torch.stack([ds[i][1] for i in range(len(ds))]).numpy()
    synthetic = torch.stack([ds[i][2] for i in range(len(ds))]).numpy()
    for cls, n_real in zip([0, 1, 2], [40, 15, 5], strict=True):
        assert (labels[~synthetic] == cls).sum() == n_real
        assert abs((labels[synthetic] == cls).sum() - 0.5 * n_real) <= 1
    balanced = AugmentedDataset(X, y, synthesizer=model, balance=True)
    assert np.bincount(torch.stack([balanced[i][1] for i in range(len(balanced))]).numpy()).tolist() == [40] * 3


def test_fresh_each_epoch_redraws_synthetic_items(numeric_model):
    X, y, model = numeric_model
    ds = AugmentedDataset(X, y, synthesizer=model, per_class={2: 4}, fresh_each_epoch=True)
    first = ds[len(ds) - 1][0].clone()
    ds.set_epoch(1)
    assert not torch.equal(first, ds[len(ds) - 1][0])
    ds.set_epoch(0)
    assert torch.equal(first, ds[len(ds) - 1][0])


def test_mixed_table_needs_an_encoder(mixed_table):
    X, y = mixed_table[["age", "colour"]], mixed_table["label"].to_numpy()
    synthetic = (X.iloc[:20], y[:20])
    with pytest.raises(DataError, match="column 'colour' is not numeric"):
        AugmentedDataset(X, y, synthetic=synthetic, per_class={"yes": 2})
    encoder = make_column_transformer((StandardScaler(), ["age"]), (OneHotEncoder(), ["colour"]))
    ds = AugmentedDataset(X, y, synthetic=synthetic, per_class={"yes": 2}, encoder=encoder)
    assert len(ds) == len(X) + 2 and ds[0][0].shape == (4,) and ds[0][0].dtype == torch.float32


def test_images_with_albumentations_are_deterministic():
    os.environ.setdefault("NO_ALBUMENTATIONS_UPDATE", "1")
    import albumentations as A

    digits = load_digits()
    images = (digits.images[:60] * 16).astype(np.uint8)
    labels = digits.target[:60]
    synthetic = (images[::-1].copy(), labels[::-1].copy())
    transform = A.Compose([A.Affine(translate_percent=0.1, rotate=(-15, 15), p=1.0), A.RandomBrightnessContrast(p=1.0)])
    ds = AugmentedDataset(images, labels, synthetic=synthetic, synthetic_ratio=0.5, transform=transform)
    x, y = ds[3]
    assert x.shape == (1, 8, 8) and x.min() >= 0.0 and x.max() <= 1.0 and y.item() == labels[3]
    assert torch.equal(ds[3][0], x)
    ds.set_epoch(1)
    assert not torch.equal(ds[3][0], x)


def test_synthetic_columns_follow_the_real_tables_names_not_places(numeric_model):
    X, y, model = numeric_model
    reordered = X[["c", "a", "b"]]
    ds = AugmentedDataset(reordered, y, synthesizer=model, balance=True, random_state=0)
    synthetic, _ = model.sample(per_class={1: 25, 2: 35}, random_state=child_seed(0, 0))
    np.testing.assert_allclose(ds.synth_x.numpy(), synthetic[["c", "a", "b"]].to_numpy(dtype=np.float32))
    with pytest.raises(DataError, match="no column 'd'"):
        AugmentedDataset(X.assign(d=1.0), y, synthesizer=model, balance=True)
    with pytest.raises(DataError, match="other columns"):
        AugmentedDataset(X.assign(d=1.0).to_numpy(), y, synthesizer=model, balance=True)
