import os
import warnings

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.compose import make_column_transformer
from sklearn.datasets import load_digits
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from torch.utils.data import DataLoader

from synthaug import AugmentedDataset, DataError, SynthaugWarning, TabularCGAN
from synthaug._random import child_seed
from synthaug.torch_data import EPOCH_WARNING

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


@pytest.mark.parametrize(("start", "workers"), [("fork", 2), ("spawn", 1)])  # a spawned worker imports torch
def test_set_epoch_reaches_persistent_workers(numeric_model, start, workers):
    # persistent workers kept their copy of epoch 0: every epoch got epoch 0's synthetic items
    X, y, model = numeric_model
    ds = AugmentedDataset(X, y, synthesizer=model, synthetic_ratio=0.2, fresh_each_epoch=True, return_source=True)
    loaders = [DataLoader(ds, batch_size=len(ds)), DataLoader(ds, batch_size=len(ds), num_workers=workers,
                                                              persistent_workers=True, multiprocessing_context=start)]
    batches = []
    for epoch in (0, 1, 2):
        ds.set_epoch(epoch)
        batches.append([next(iter(loader)) for loader in loaders])
    for in_main, in_workers in batches:  # the same items whatever the number of workers
        assert all(torch.equal(a, b) for a, b in zip(in_main, in_workers, strict=True))
    synthetic = [x[s] for (x, _, s), _ in batches]
    assert not torch.equal(synthetic[0], synthetic[1]) and not torch.equal(synthetic[1], synthetic[2])


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


def test_negative_indices_count_from_the_last_item():
    # ds[-1] was the last real item, marked real, not the last (synthetic) item
    X = np.arange(12, dtype=float).reshape(6, 2)
    y = np.array([0, 0, 0, 0, 1, 1])
    synthetic = (np.full((2, 2), 99.0), np.array([1, 1]))
    ds = AugmentedDataset(X, y, synthetic=synthetic, balance=True, return_source=True)
    assert len(ds) == 8
    for i in range(len(ds)):
        assert all(np.array_equal(a, b) for a, b in zip(ds[i - len(ds)], ds[i], strict=True))
    assert ds[-1][2].item() and ds[-1][0].tolist() == [99.0, 99.0]
    for bad in (8, -9):
        with pytest.raises(IndexError):
            ds[bad]


@pytest.mark.parametrize(("options", "message"), [
    ({"per_class": {1: -2}}, "count for class 1 must be a whole number >= 0, got -2"),
    ({"per_class": {1: 1.5}}, "count for class 1 must be a whole number >= 0, got 1.5"),
    ({"synthetic_ratio": float("nan")}, "synthetic_ratio must be a finite number >= 0"),
    ({"synthetic_ratio": float("inf")}, "synthetic_ratio must be a finite number >= 0"),
    ({"per_class": {1: 1}, "balance": True}, "not per_class={1: 1} and balance=True"),  # per_class silently won
    # synthetic_ratio was silently ignored beside balance or per_class
    ({"synthetic_ratio": 2, "balance": True}, "pass one of synthetic_ratio=, per_class= or balance=True, "
                                              "not synthetic_ratio=2 and balance=True"),
    ({"synthetic_ratio": 1.0, "per_class": 3}, "not synthetic_ratio=1.0 and per_class=3"),
    ({"per_class": -1}, "count for class 0 must be a whole number >= 0, got -1"),
])
def test_bad_synthetic_counts_are_named(options, message):
    # per_class={1: -2} silently added nothing, {1: 1.5} one item; NaN and inf ratios raised
    # ValueError/OverflowError from round()
    X, y = np.zeros((6, 2)), np.array([0, 0, 0, 0, 1, 1])
    with pytest.raises(DataError, match=message):
        AugmentedDataset(X, y, synthetic=(X, y), **options)


def test_one_per_class_count_for_every_class():
    X, y = np.zeros((6, 2)), np.array([0, 0, 0, 0, 1, 1])
    assert AugmentedDataset(X, y, synthetic=(X, y), per_class=2).counts_.tolist() == [2, 2]


def test_random_state_takes_none_and_generators_like_the_estimators():
    # random_state=None or a Generator raised TypeError from int(); -1 a SeedSequence traceback
    X, y = np.arange(12.0).reshape(6, 2), np.array([0, 0, 0, 0, 1, 1])
    synthetic = (np.arange(100.0).reshape(50, 2), np.array([1] * 50))
    for state in (None, np.random.default_rng(0)):
        ds = AugmentedDataset(X, y, synthetic=synthetic, balance=True, random_state=state)
        assert len(ds) == 8 and isinstance(ds.random_state, int)
    a, b = (AugmentedDataset(X, y, synthetic=synthetic, balance=True, random_state=np.random.default_rng(3))
            for _ in range(2))
    assert torch.equal(a.synth_x, b.synth_x)
    with pytest.raises(DataError, match="from 0 to 2\\*\\*64 - 1"):
        AugmentedDataset(X, y, synthetic=synthetic, balance=True, random_state=-1)


@pytest.mark.parametrize("layout", ["NHWC uint8", "NCHW float", "NHW float", "NHWC rgb"])
def test_image_items_share_one_shape_whatever_the_layout_and_model_size(image_model, layout):
    # Synthetic images came at the model's size (8x8 here) beside 12x12 real ones, and (N, C, H, W)
    # real images (which ImageCGAN.fit takes) were read as (N, H, W, C): either way the DataLoader
    # failed with "stack expects each tensor to be equal size".
    x, y, model = image_model
    real = {"NHWC uint8": x, "NCHW float": x.transpose(0, 3, 1, 2) / 255.0, "NHW float": x[..., 0] / 255.0,
            "NHWC rgb": np.repeat(x, 3, axis=-1)}[layout]
    channels = 3 if layout == "NHWC rgb" else 1
    ds = AugmentedDataset(real, y, synthesizer=model, per_class={0: 2, 2: 3}, return_source=True)
    images, labels, synthetic = next(iter(DataLoader(ds, batch_size=len(ds))))
    assert images.shape == (len(x) + 5, channels, 12, 12) and images.dtype == torch.float32
    assert synthetic.sum() == 5 and images.min() >= 0 and images.max() <= 1
    torch.testing.assert_close(images[0], torch.from_numpy(x[0].transpose(2, 0, 1) / 255.0).float().expand(
        channels, -1, -1))  # real items as given
    assert images[synthetic].std(dim=(1, 2, 3)).min() > 0  # a resized picture, not a blank


def test_float_images_beyond_0_to_1_are_named_not_mixed_with_0_to_1_ones(image_model):
    # float 0..255 real images gave 0..255 items beside synthetic 0..1 ones
    x, y, model = image_model
    with pytest.raises(DataError, match="image values must be uint8 .* or floats in 0..1"):
        AugmentedDataset(x.astype(np.float32), y, synthesizer=model, balance=True)


def test_x_and_y_of_other_lengths_are_named_not_cut():
    # 6 rows with 5 labels gave 5 real items (the last row silently left out); a (N, 1) y gave
    # labels of shape (1,)
    X, y = np.zeros((6, 2)), np.array([0, 0, 0, 0, 1, 1])
    with pytest.raises(DataError, match="X has 6 items but y has 5"):
        AugmentedDataset(X, y[:5], synthetic=(X, y), balance=True)
    with pytest.raises(DataError, match="synthetic X has 5 items but synthetic y has 6"):
        AugmentedDataset(X, y, synthetic=(X[:5], y), balance=True)
    ds = AugmentedDataset(X, y[:, None], synthetic=(X, y), balance=True)
    assert ds[0][1].shape == () and len(ds) == 8


def test_pre_sampled_data_is_taken_whole_when_no_count_is_asked_for():
    # the default synthetic_ratio=1.0 asked for as many synthetic rows as real ones: "synthetic data has
    # 4 rows of class 0, 8 requested" for a user who asked for no count
    X, y = np.zeros((12, 2)), np.array([0] * 8 + [1] * 4)
    synthetic = (np.arange(16.0).reshape(8, 2), np.array([1, 0, 1, 0, 1, 0, 1, 0]))
    ds = AugmentedDataset(X, y, synthetic=synthetic)
    assert ds.counts_.tolist() == [4, 4] and len(ds) == 20
    assert torch.equal(ds.synth_x, torch.arange(16.0).reshape(8, 2)) and ds.synth_y.tolist() == [1, 0] * 4
    with pytest.raises(DataError, match="synthetic data has 4 rows of class 0, 8 requested"):
        AugmentedDataset(X, y, synthetic=synthetic, synthetic_ratio=1.0)  # asked for: checked as before
    with pytest.raises(DataError, match=r"synthetic y has label 'b', which is not a class of y \(classes are 0, 1\)"):
        AugmentedDataset(X, y, synthetic=(synthetic[0], np.array(["b"] * 8)))


def test_a_synthesizer_fitted_on_other_labels_is_named_as_the_user_passed_it(numeric_model):
    # "per_class (--per-class): unknown class 1 (did you mean 'c1'?)": a CLI option, and an argument
    # the user never passed
    X, y, _ = numeric_model
    model = TabularCGAN(random_state=0, **TINY).fit(X, np.array(["c0", "c1", "c2"])[y])
    with pytest.raises(DataError) as info:
        AugmentedDataset(X, y, synthesizer=model, balance=True)
    assert str(info.value) == ("AugmentedDataset: class 1 of y is not a class of the synthesizer, which was fitted "
                               "on 'c0', 'c1', 'c2' (did you mean 'c1'?); fit it on labels like y's")
    with pytest.raises(DataError, match="^per_class: count for class 1 must be a whole number"):
        AugmentedDataset(X, y, synthesizer=model, per_class={1: -2})


def _albumentations():
    os.environ.setdefault("NO_ALBUMENTATIONS_UPDATE", "1")
    import albumentations as A

    return A


def test_a_transform_may_end_in_to_tensor_v2(image_model):
    # "TypeError: transpose() takes 2 positional arguments but 3 were given": the (C, H, W) tensor
    # ToTensorV2 returns was transposed again
    from albumentations.pytorch import ToTensorV2

    A = _albumentations()
    x, y, model = image_model
    plain, tensor = (AugmentedDataset(x, y, synthesizer=model, per_class=2, random_state=0,
                                      transform=A.Compose([A.HorizontalFlip(p=0.5), *ending]))
                     for ending in ([], [ToTensorV2()]))
    for i in (0, 5, len(plain) - 1):  # real and synthetic items
        assert plain[i][0].shape == (1, 12, 12) and plain[i][0].dtype == torch.float32
        assert torch.equal(plain[i][0], tensor[i][0]) and plain[i][0].max() <= 1.0


def test_a_transform_synthaug_cannot_seed_is_refused_when_the_dataset_is_made(image_model):
    # a plain callable failed only when the first item was read: AttributeError 'set_random_seed'
    x, y, model = image_model
    for transform, name in ((lambda image: {"image": image}, "<lambda>"), (np.flipud, "flipud"),
                            (object(), "object")):
        with pytest.raises(DataError, match=f"^transform: must be an albumentations transform, .* got {name}$"):
            AugmentedDataset(x, y, synthesizer=model, transform=transform)


def test_synthetic_images_take_the_real_images_dtype_and_range(image_model):
    # float real images in 0..1 beside uint8 synthetic ones: after A.Normalize(mean=0, std=1) the real
    # items had mean 0.001 and the synthetic 0.26
    A = _albumentations()
    x, y, model = image_model
    normalise = A.Compose([A.Normalize(mean=0.0, std=1.0)])  # divides by max_pixel_value=255 whatever the dtype
    as_uint8 = AugmentedDataset(x, y, synthesizer=model, per_class=2, random_state=0)
    as_float = AugmentedDataset((x / 255.0).astype(np.float32), y, synthesizer=model, per_class=2, random_state=0,
                                transform=normalise)
    assert as_float.synth_x.dtype == torch.float32 and as_uint8.synth_x.dtype == torch.uint8
    for i in range(len(x), len(as_float)):
        torch.testing.assert_close(as_float[i][0] * 255.0, as_uint8[i][0], atol=1e-6, rtol=0)
    # the other way round: float pre-sampled images beside uint8 real ones become uint8
    synthetic = (np.full((3, 12, 12, 1), 0.5, np.float32), y[:3])
    ds = AugmentedDataset(x, y, synthetic=synthetic)
    assert ds.synth_x.dtype == torch.uint8 and (ds.synth_x == 128).all()


def test_a_second_pass_without_set_epoch_warns_once(image_model):
    # a plain PyTorch loop never calls set_epoch: every epoch silently got the first one's augmentation
    A = _albumentations()
    x, y, model = image_model
    ds = AugmentedDataset(x, y, synthesizer=model, per_class=1, transform=A.Compose([A.HorizontalFlip()]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        first = [ds[i][0] for i in range(len(ds))]  # one pass, and reading an item again, are fine
        assert len(ds) == len(first)  # the length after one pass (correct / len(ds)) said "a second pass"
    with pytest.warns(SynthaugWarning, match=r"a second pass over the items without set_epoch: .* call "
                                             r"data.set_epoch\(epoch\) at the start of each epoch"):
        again = ds[0][0]
    assert torch.equal(again, first[0])  # reproducible all the same
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # once
        [ds[i] for i in range(len(ds))]
        ds = AugmentedDataset(x, y, synthesizer=model, per_class=1, transform=A.Compose([A.HorizontalFlip()]))
        for epoch in range(3):  # the loop the warning asks for
            ds.set_epoch(epoch)
            [ds[i] for i in range(len(ds))]
        plain = AugmentedDataset(x, y, synthesizer=model, per_class=1)  # no transform: epochs change nothing
        [plain[i % len(plain)] for i in range(2 * len(plain))]


@pytest.mark.parametrize("persistent", [False, True])
def test_the_second_pass_is_warned_once_in_the_main_process_across_dataloader_workers(image_model, persistent):
    # each worker warned to its own stderr (not catchable in the main process), pointing at torch's fetch.py
    A = _albumentations()
    x, y, model = image_model
    ds = AugmentedDataset(x, y, synthesizer=model, per_class=1, transform=A.Compose([A.HorizontalFlip()]))
    loader = DataLoader(ds, batch_size=5, num_workers=2, persistent_workers=persistent)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        first = [torch.cat([b[0] for b in loader])]
        assert not caught
        second = [torch.cat([b[0] for b in loader])]
        third = [torch.cat([b[0] for b in loader])]
    assert [str(w.message)[:60] for w in caught] == [EPOCH_WARNING[:60]]  # once, at the second pass
    assert caught[0].filename == __file__  # the loop's line, not torch's sampler
    assert torch.equal(first[0], second[0]) and torch.equal(first[0], third[0])
    ds_main = AugmentedDataset(x, y, synthesizer=model, per_class=1, transform=A.Compose([A.HorizontalFlip()]))
    assert torch.equal(torch.cat([b[0] for b in DataLoader(ds_main, batch_size=5)]), first[0])  # same items


def test_text_labels_beside_a_synthesizer_fitted_on_numbers_are_named_as_such(image_model):
    # "class '0' of y is not a class of the synthesizer, which was fitted on 0, 1, 2 (did you mean '0'?)"
    x, y, model = image_model
    with pytest.raises(DataError, match=r"^AugmentedDataset: y's labels are text \('0', '1', '2'\) but the "
                                        r"synthesizer's are numbers \(0, 1, 2\); convert y .*y.astype\(int\)"):
        AugmentedDataset(x, y.astype(str), synthesizer=model)


def test_rgba_images_lose_their_alpha_channel_as_in_image_cgan(image_model):
    # "synthetic images have 1 channels and real ones 4" though ImageCGAN.fit takes RGBA
    x, y, model = image_model
    rgb = np.concatenate([x, x // 2, x], axis=-1)
    rgba = np.concatenate([rgb, np.full_like(x, 200)], axis=-1)
    ds = AugmentedDataset(rgba, y, synthesizer=model, per_class=1)
    expected = AugmentedDataset(rgb, y, synthesizer=model, per_class=1)
    assert all(torch.equal(ds[i][0], expected[i][0]) for i in range(len(ds))) and ds[-1][0].shape == (3, 12, 12)


@pytest.fixture(scope="module")
def missing_model():
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.normal(size=80), "k": pd.array(np.where(rng.random(80) < 0.3, None,
                                                                         rng.integers(0, 9, 80)), dtype="Int64")})
    y = np.array([0] * 60 + [1] * 20)
    return X, y, TabularCGAN(random_state=0, **TINY).fit(X, y)


def test_missing_values_are_refused_naming_the_column_not_turned_into_nan_items(missing_model):
    # Int64 <NA> and NaN became NaN in real_x and synth_x, silently, and then NaN losses
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline

    X, y, model = missing_model
    with pytest.raises(DataError, match=r"X has missing values in column\(s\) 'k'.*SimpleImputer"):
        AugmentedDataset(X, y, synthesizer=model, balance=True)
    complete = X["k"].notna().to_numpy()  # real rows without any: the synthesizer still generates them
    with pytest.raises(DataError, match=r"synthetic rows have missing values in column\(s\) 'k'.*generates"):
        AugmentedDataset(X[complete], y[complete], synthesizer=model, balance=True)
    with pytest.raises(DataError, match=r"encoder leaves missing values of X in its output feature\(s\) 'k'"):
        AugmentedDataset(X, y, synthesizer=model, balance=True, encoder=StandardScaler())
    data = AugmentedDataset(X, y, synthesizer=model, balance=True,
                            encoder=make_pipeline(SimpleImputer(), StandardScaler()))
    assert not torch.isnan(data.real_x).any() and not torch.isnan(data.synth_x).any() and len(data.synth_y) == 40


def test_a_categorical_y_indexes_classes_in_category_order(numeric_model):
    # classes_ were the sorted labels, so y.cat.codes disagreed with the items' labels
    X, y, model = numeric_model
    order = pd.CategoricalDtype([2, 0, 1, 7], ordered=True)  # 7 never occurs
    labels = pd.Series(y).astype(order)
    data = AugmentedDataset(X, labels, synthesizer=model, per_class={2: 3})
    assert data.classes_.tolist() == [2, 0, 1]
    np.testing.assert_array_equal(data.real_y.numpy(), labels.cat.codes.to_numpy())
    assert data.synth_y.tolist() == [0, 0, 0]  # the synthesizer's class 2
    plain = AugmentedDataset(X, pd.Categorical(y, categories=[2, 0, 1]), synthesizer=model, per_class=0)
    np.testing.assert_array_equal(plain.real_y.numpy(), pd.Categorical(y, categories=[2, 0, 1]).codes)


def test_a_copy_says_it_draws_without_the_filters_and_attach_gives_the_originals_items(numeric_model):
    # a deep-copied or pickled dataset (each DDP process under spawn) warned "a loaded model holds no
    # training rows", though nothing was loaded
    import copy
    import pickle

    X, y, model = numeric_model
    assert model.sampling_filters() == ["privacy_filter", "label_filter"]
    data = AugmentedDataset(X, y, synthesizer=model, balance=True, fresh_each_epoch=True, random_state=1)
    copies = [copy.deepcopy(data), pickle.loads(pickle.dumps(data)), copy.deepcopy(data)]
    data.set_epoch(1)
    for copied in copies[:2]:
        with pytest.warns(SynthaugWarning, match=r"this copy of the dataset .* without the synthesizer's "
                                                 r"privacy_filter and label_filter.*attach_privacy_filter") as caught:
            copied.set_epoch(1)
            copied.set_epoch(2)  # once per copy
        assert not any("loaded model" in str(w.message) for w in caught) and len(caught) == 1
    copies[2].synthesizer.attach_privacy_filter(X, y)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        copies[2].set_epoch(1)
    assert not [w for w in caught if "copy" in str(w.message) or "no training rows" in str(w.message)]
    assert torch.equal(copies[2].synth_x, data.synth_x)
