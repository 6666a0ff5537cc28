"""Review of the sampler, the sample command, the writers, SynthOverSampler and AugmentedDataset."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from typer.testing import CliRunner

from synthaug import DataError
from synthaug.cli import app
from synthaug.sampling import chunk_labels, resolve_class_counts

CLASSES, COUNTS = ["a", "b"], [30, 10]
runner = CliRunner()


@pytest.mark.parametrize(("request_", "message"), [
    ({"ratio": float("inf")}, "--ratio must be a positive number"),
    ({"ratio": float("nan")}, "--ratio must be a positive number"),
    ({"ratio": 1e300}, "--ratio must be a positive number"),
    ({"n": 10**20}, "--n must be a whole number of rows"),
    ({"n": float("inf")}, "--n must be a whole number of rows"),
    ({"per_class": {"a": 10**20}}, "count for class 'a' must be a whole number from 0 to"),
    ({"per_class": {"a": 2**53, "b": 2**53}}, "rows in all; at most"),
])
def test_requests_too_large_or_not_finite_are_one_line_errors(request_, message):
    # --ratio inf raised OverflowError and --n 10**20 numpy's ValueError, both as tracebacks
    with pytest.raises(DataError, match=message):
        resolve_class_counts(CLASSES, COUNTS, **request_)


@pytest.mark.parametrize("chunk_size", [0, -3])
def test_a_chunk_size_below_one_is_refused_not_looped_on(chunk_size):
    # chunk_size=0 drew empty chunks forever (model.write_sample(path, 10, chunk_size=0) hung)
    chunks = chunk_labels(np.array([3, 2]), chunk_size, np.random.default_rng(0))
    with pytest.raises(DataError, match="chunk_size must be a whole number of rows >= 1"):
        next(chunks)


def test_cli_sample_of_an_image_model_gives_the_rows_of_model_sample(tmp_path):
    # The command passed chunk_size=50,000, the tables' default, to image models too: past 1,024
    # images (ImageCGAN's chunk) it drew other images than model.sample with the same seed, and
    # generated 50,000 images at a time.
    import synthaug
    from synthaug import ImageCGAN
    from tests.images.conftest import TINY, make_images

    x, y = make_images()
    ImageCGAN(random_state=0, **TINY).fit(x, y).save(tmp_path / "m")
    result = runner.invoke(app, ["sample", str(tmp_path / "m"), "-o", str(tmp_path / "s.npz"), "--n", "1100",
                                 "--seed", "3", "-q"])
    assert result.exit_code == 0, result.output
    expected_x, expected_y = synthaug.load(tmp_path / "m").sample(n=1100, random_state=3)
    with np.load(tmp_path / "s.npz") as written:
        np.testing.assert_array_equal(written["x"], expected_x)
        np.testing.assert_array_equal(written["y"], expected_y)


@pytest.fixture(scope="module")
def table_model(tmp_path_factory):
    from synthaug import TabularCGAN
    from tests.conftest import FAST, make_mixed_table

    folder = tmp_path_factory.mktemp("table")
    table = make_mixed_table(60)
    table.to_csv(folder / "train.csv", index=False)
    TabularCGAN(random_state=0, **FAST).fit(table, y="label").save(folder / "m")
    return folder


def test_cli_sample_refuses_to_write_over_its_training_table(table_model):
    # -o train.csv --train train.csv replaced the real table with synthetic rows
    train = table_model / "train.csv"
    before = train.read_bytes()
    result = runner.invoke(app, ["sample", str(table_model / "m"), "-o", str(train), "--train", str(train),
                                 "--n", "5", "-q"])
    assert result.exit_code == 2 and "is the --train table" in result.output
    assert train.read_bytes() == before


@pytest.mark.parametrize("name", ["out.parquet", "out.csv"])
def test_a_writer_that_fails_when_closing_leaves_no_file(tmp_path, name):
    # A failing close (Parquet writes its footer then; a full disk) skipped the cleanup and left
    # the temporary .out.parquet.*.tmp next to the output.
    import pandas as pd

    from synthaug.io import TableWriter

    class FullDisk:
        def __init__(self, writer):
            self.writer = writer

        def close(self):
            self.writer.close()
            raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space"), TableWriter(tmp_path / name) as writer:
        writer.write(pd.DataFrame({"a": [1, 2]}))
        writer._writer = FullDisk(writer._writer)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("ratio", [np.float32(0.6), np.float16(0.5)])
def test_numpy_float_sampling_strategies_are_read_as_imblearn_reads_them(ratio):
    # np.float32 is no Python float: it was refused as "unsupported value"
    from imblearn.utils import check_sampling_strategy

    from synthaug.augment import oversampling_targets

    y = np.array(["b"] * 9 + ["a"] * 20)
    expected = {k: int(v) for k, v in check_sampling_strategy(ratio, y, "over-sampling").items()}
    assert oversampling_targets(y, ratio) == expected


TINY = {"epochs": 1, "min_steps": 15, "generator_dims": (16,), "discriminator_dims": (16,), "latent_dim": 8}


def test_a_seeded_synthesizer_keeps_its_seed_in_the_oversampler():
    # SynthOverSampler(random_state=None) replaced the synthesizer's random_state=4 with fresh
    # entropy, so each fit_resample gave other rows
    from synthaug import SynthOverSampler, TabularCGAN

    X = np.random.default_rng(0).normal(size=(40, 2))
    y = np.array([0] * 30 + [1] * 10)
    runs = [SynthOverSampler(synthesizer=TabularCGAN(random_state=4, **TINY)).fit_resample(X, y)[0]
            for _ in range(2)]
    np.testing.assert_array_equal(runs[0], runs[1])
    seeded = SynthOverSampler(synthesizer=TabularCGAN(random_state=4, **TINY), random_state=4).fit_resample(X, y)[0]
    np.testing.assert_array_equal(seeded, runs[0])  # the same seed, wherever it is given


def test_nothing_to_add_returns_the_containers_a_resample_returns():
    # Balanced classes returned X and y as given: lists stayed lists (NumPy when rows were added)
    # and a DataFrame kept its index (a fresh one when rows were added), unlike imblearn
    import pandas as pd

    from synthaug import SynthOverSampler, TabularCGAN

    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(40, 2)), [0] * 20 + [1] * 20
    X_res, y_res = SynthOverSampler(synthesizer=TabularCGAN(random_state=0, **TINY)).fit_resample(X.tolist(), y)
    assert isinstance(X_res, np.ndarray) and isinstance(y_res, np.ndarray) and y_res.tolist() == y
    np.testing.assert_array_equal(X_res, X)
    frame = pd.DataFrame(X, columns=["a", "b"], index=np.arange(100, 140))
    labels = pd.Series(y, index=frame.index, name="label")
    X_res, y_res = SynthOverSampler(synthesizer=TabularCGAN(random_state=0, **TINY)).fit_resample(frame, labels)
    assert X_res.index.tolist() == y_res.index.tolist() == list(range(40))
    assert X_res.equals(frame.reset_index(drop=True)) and y_res.equals(labels.reset_index(drop=True))


def test_negative_indices_count_from_the_last_item():
    # ds[-1] was the last real item, marked real, not the last (synthetic) item
    from synthaug import AugmentedDataset

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
])
def test_bad_synthetic_counts_are_named(options, message):
    # per_class={1: -2} silently added nothing, {1: 1.5} one item; NaN and inf ratios raised
    # ValueError/OverflowError from round()
    from synthaug import AugmentedDataset

    X, y = np.zeros((6, 2)), np.array([0, 0, 0, 0, 1, 1])
    with pytest.raises(DataError, match=message):
        AugmentedDataset(X, y, synthetic=(X, y), **options)


def test_random_state_takes_none_and_generators_like_the_estimators():
    # random_state=None or a Generator raised TypeError from int(); -1 a SeedSequence traceback
    from synthaug import AugmentedDataset

    X, y = np.arange(12.0).reshape(6, 2), np.array([0, 0, 0, 0, 1, 1])
    synthetic = (np.arange(100.0).reshape(50, 2), np.array([1] * 50))
    for state in (None, np.random.default_rng(0)):
        ds = AugmentedDataset(X, y, synthetic=synthetic, balance=True, random_state=state)
        assert len(ds) == 8 and isinstance(ds.random_state, int)
    a, b = (AugmentedDataset(X, y, synthetic=synthetic, balance=True, random_state=np.random.default_rng(3))
            for _ in range(2))
    assert torch.equal(a.synth_x, b.synth_x)
    with pytest.raises(DataError, match="non-negative"):
        AugmentedDataset(X, y, synthetic=synthetic, balance=True, random_state=-1)


@pytest.fixture(scope="module")
def image_model():
    from synthaug import ImageCGAN
    from tests.images.conftest import TINY, make_images

    x, y = make_images(size=12)
    return x, y, ImageCGAN(random_state=0, image_size=8, **TINY).fit(x, y)  # samples 8x8 images of 12x12 ones


@pytest.mark.parametrize("layout", ["NHWC uint8", "NCHW float", "NHW float", "NHWC rgb"])
def test_image_items_share_one_shape_whatever_the_layout_and_model_size(image_model, layout):
    # Synthetic images came at the model's size (8x8 here) beside 12x12 real ones, and (N, C, H, W)
    # real images (which ImageCGAN.fit takes) were read as (N, H, W, C): either way the DataLoader
    # failed with "stack expects each tensor to be equal size".
    from torch.utils.data import DataLoader

    from synthaug import AugmentedDataset

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
    from synthaug import AugmentedDataset

    x, y, model = image_model
    with pytest.raises(DataError, match="image values must be uint8 .* or floats in 0..1"):
        AugmentedDataset(x.astype(np.float32), y, synthesizer=model, balance=True)


@pytest.mark.parametrize("name", ["out.csv", "out.parquet"])
def test_a_sample_that_fails_mid_stream_leaves_no_file_and_keeps_the_old_one(table_model, tmp_path, name):
    import synthaug

    model = synthaug.load(table_model / "m")
    calls = []

    def second_chunk_fails(codes, gen):
        calls.append(len(codes))
        if len(calls) == 2:
            raise KeyboardInterrupt
        return model._generate(codes, gen)

    model._generate_filtered = second_chunk_fails
    (tmp_path / name).write_bytes(b"old")
    with pytest.warns(UserWarning), pytest.raises(KeyboardInterrupt):
        model.write_sample(tmp_path / name, 30, chunk_size=10, random_state=0)
    assert calls == [10, 10] and [p.name for p in tmp_path.iterdir()] == [name]
    assert (tmp_path / name).read_bytes() == b"old"


def test_streamed_rows_equal_in_memory_rows_past_one_chunk(table_model, tmp_path):
    import pandas as pd

    import synthaug

    model = synthaug.load(table_model / "m")
    with pytest.warns(UserWarning):
        expected = model.sample_frame(n=50_003, random_state=2)  # two chunks of the default 50,000
    result = runner.invoke(app, ["sample", str(table_model / "m"), "-o", str(tmp_path / "s.parquet"),
                                 "--n", "50003", "--seed", "2", "-q"])
    assert result.exit_code == 0, result.output
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "s.parquet"), expected)


def test_save_model_takes_numpy_views_as_it_takes_torch_ones(tmp_path):
    # a transposed or strided numpy array failed in safetensors ("non contiguous tensor"), a
    # torch one did not
    from synthaug.persist import load_model, save_model

    strided = np.arange(12.0).reshape(3, 4).T[::2]
    save_model(tmp_path / "m", "Test", {}, {"a": strided, "b": torch.arange(6.0).reshape(2, 3).T})
    _, tensors = load_model(tmp_path / "m")
    np.testing.assert_array_equal(tensors["a"].numpy(), strided)


def test_x_and_y_of_other_lengths_are_named_not_cut():
    # 6 rows with 5 labels gave 5 real items (the last row silently left out); a (N, 1) y gave
    # labels of shape (1,)
    from synthaug import AugmentedDataset

    X, y = np.zeros((6, 2)), np.array([0, 0, 0, 0, 1, 1])
    with pytest.raises(DataError, match="X has 6 items but y has 5"):
        AugmentedDataset(X, y[:5], synthetic=(X, y), balance=True)
    with pytest.raises(DataError, match="synthetic X has 5 items but synthetic y has 6"):
        AugmentedDataset(X, y, synthetic=(X[:5], y), balance=True)
    ds = AugmentedDataset(X, y[:, None], synthetic=(X, y), balance=True)
    assert ds[0][1].shape == () and len(ds) == 8


def test_a_column_vector_y_is_taken_as_imblearn_takes_it():
    # y of shape (N, 1) raised pandas' "Data must be 1-dimensional" as a traceback
    from imblearn.over_sampling import RandomOverSampler

    from synthaug import SynthOverSampler, TabularCGAN

    X = np.random.default_rng(0).normal(size=(40, 2))
    y = np.array([0] * 30 + [1] * 10)[:, None]
    expected = RandomOverSampler(random_state=0).fit_resample(X, y)[1]
    _, y_res = SynthOverSampler(synthesizer=TabularCGAN(random_state=0, **TINY)).fit_resample(X, y)
    assert y_res.shape == expected.shape == (60,) and np.bincount(y_res).tolist() == [30, 30]


def test_an_empty_per_class_is_named_not_ignored(table_model, tmp_path):
    # --per-class "" was taken as not given: with --n it sampled n rows, alone it asked for one request
    result = runner.invoke(app, ["sample", str(table_model / "m"), "-o", str(tmp_path / "s.csv"), "--n", "5",
                                 "--per-class", "", "-q"])
    assert result.exit_code == 2 and "--per-class: no LABEL=COUNT pairs given" in result.output
    assert not (tmp_path / "s.csv").exists()


@pytest.mark.parametrize("count", [2.5, "3", True])
def test_per_class_counts_must_be_whole_numbers(count):
    # model.sample(per_class={"a": 2.5}) gave 2 rows, "3" gave 3
    with pytest.raises(DataError, match="count for class 'a' must be a whole number"):
        resolve_class_counts(CLASSES, COUNTS, per_class={"a": count})
    assert resolve_class_counts(CLASSES, COUNTS, per_class={"a": np.int64(2)}).tolist() == [2, 0]


@pytest.mark.parametrize("n", [10.5, "7", True])
def test_n_must_be_a_whole_number(n):
    # model.sample(n=10.5) gave 10 rows, a recipe's n = "7" 7
    with pytest.raises(DataError, match="--n must be a whole number of rows"):
        resolve_class_counts(CLASSES, COUNTS, n=n)
    assert resolve_class_counts(CLASSES, COUNTS, n=np.int64(4)).tolist() == [3, 1]
