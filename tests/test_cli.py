"""The CLI through typer's CliRunner: happy paths and one-line errors with exit code 2."""

import itertools
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import synthaug
from synthaug._errors import DataError
from synthaug.cli import app

runner = CliRunner()
FAST = ["--epochs", "1", "--min-steps", "20", "--set", "generator_dims=[16]", "--set", "discriminator_dims=[16]"]


@pytest.fixture
def table(mixed_table, tmp_path):
    path = tmp_path / "data.csv"
    mixed_table.to_csv(path, index=False)
    return path


@pytest.fixture
def model(table, tmp_path):
    out = tmp_path / "model"
    result = runner.invoke(app, ["fit", str(table), "--target", "label", "-o", str(out), "-q", *FAST])
    assert result.exit_code == 0, result.output
    return out


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_fit_sample_inspect(model, table, tmp_path):
    out = tmp_path / "s.parquet"
    result = run("sample", model, "--per-class", "yes=7,no=3", "-o", out, "-q")
    assert result.exit_code == 0, result.output
    frame = pd.read_parquet(out)
    real = pd.read_csv(table)
    assert list(frame.columns) == list(real.columns)
    assert frame["label"].value_counts().to_dict() == {"yes": 7, "no": 3}
    assert run("sample", model, "--per-class", "4", "-o", out, "--overwrite", "-q").exit_code == 0  # 4 of every class
    assert pd.read_parquet(out)["label"].value_counts().to_dict() == {"yes": 4, "no": 4}
    result = run("inspect", model)
    assert result.exit_code == 0 and "TabularCGAN" in result.output and "colour" in result.output
    assert f"model SHA-256 (model.json and weights): {synthaug.model_sha256(model)}\n" in result.output  # to pin it
    assert "synthaug.load(MODEL, sha256=...) refuses it if either file changed" in " ".join(result.output.split())
    training = json.loads((model / "model.json").read_text())["training"]  # inspect showed neither of these
    assert f"training data SHA-256: {training['data_sha256']}\n" in result.output
    assert f"fitted with synthaug {synthaug.__version__}, python " in result.output
    meta = json.loads(run("inspect", model, "--json").output)
    assert meta["model_sha256"] == synthaug.model_sha256(model)  # the digest to pin, in the JSON too
    assert meta["params"]["epochs"] == 1 and meta["params"]["generator_dims"] == [16]


def test_a_zero_for_one_class_beside_positive_counts_is_allowed(model, tmp_path):
    result = run("sample", model, "--per-class", "yes=0,no=3", "-o", tmp_path / "s.csv", "-q")
    assert result.exit_code == 0, result.output
    assert pd.read_csv(tmp_path / "s.csv")["label"].value_counts().to_dict() == {"no": 3}


def test_a_bad_sample_request_is_refused_before_the_filters_are_warned_of(model, table, tmp_path):
    # "warning: the privacy and label filters are off ..." came above "error: --per-class: unknown class 'maybe'"
    for train in ([], ["--train", table]):
        result = run("sample", model, "--per-class", "maybe=5", "-o", tmp_path / "s.csv", *train)
        assert result.exit_code == 2, result.output
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: --per-class: unknown class 'maybe'"), result.output
    assert not (tmp_path / "s.csv").exists()


def test_files_a_killed_write_left_beside_the_output_are_named_not_deleted(model, table, tmp_path):
    # kill -9 during `sample -o k9.csv` left a hidden 75 MB .k9.csv.XXXXXXXX.tmp that nothing mentioned
    left = [tmp_path / ".k9.csv.a1b2c3d4.tmp", tmp_path / ".k9.csv.old-4242"]
    left[0].write_bytes(b"x" * 2_000_000)
    left[1].mkdir()
    (tmp_path / ".k9.csv.notes").write_text("mine")  # not a name synthaug writes
    result = run("sample", model, "--n", 5, "-o", tmp_path / "k9.csv", "-q", "--train", table)
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines() == [
        f"warning: {left[0]} and 1 more (2.0 MB) beside {tmp_path / 'k9.csv'}: left by a write to it that was killed "
        f"(kill -9, out of memory) before it finished; delete them unless a synthaug writing {tmp_path / 'k9.csv'} "
        "is running now"]
    assert all(path.exists() for path in left)  # another synthaug may be writing k9.csv: never deleted
    (tmp_path / ".m2.zz99yy88.tmp").mkdir()
    result = run("fit", table, "--target", "label", "-o", tmp_path / "m2", "-q", *FAST)
    assert result.exit_code == 0 and "warning: " + str(tmp_path / ".m2.zz99yy88.tmp") + " (0.0 MB) beside" in \
        result.output, result.output
    # the folder a replace sets aside is named per write since the concurrent-write fix: .NAME.XXXXXXXX.old
    (tmp_path / ".m3.ab12cd34.old").mkdir()
    result = run("fit", table, "--target", "label", "-o", tmp_path / "m3", "-q", *FAST)
    assert result.exit_code == 0 and "warning: " + str(tmp_path / ".m3.ab12cd34.old") + " (0.0 MB) beside" in \
        result.output, result.output


def test_same_seed_same_file(model, tmp_path):
    for name in ("a.csv", "b.csv"):
        assert run("sample", model, "--n", 25, "-o", tmp_path / name, "--seed", 4, "-q").exit_code == 0
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["fit", "{missing}", "--target", "label", "-o", "{out}"], "file not found"),
        (["fit", "{table}", "-o", "{out}"], "--target: the class label column is required"),
        (["fit", "{empty}", "--target", "label", "-o", "{out}"], "file is empty"),
        (["fit", "{table}", "--target", "lable", "-o", "{out}"], "did you mean 'label'"),
        (["fit", "{table}", "--target", "label", "-o", "{out}", "--set", "epoch=3"], "did you mean 'epochs'"),
        (["fit", "{table}", "--target", "label", "-o", "{out}", "--set", "epochs=many"], "epochs expects a number"),
        (["fit", "{table}", "--target", "label", "-o", "{out}", "--loss", "lsgan"], "lsgan"),
        # the option as typed: "dp_epsilon must be a positive number" named the Python argument
        (["fit", "{table}", "--target", "label", "-o", "{out}", "--dp-epsilon", "0"],
         "error: --dp-epsilon must be a positive number; got 0.0"),
        (["fit", "{table}", "--target", "label", "-o", "{out}", "--dp-delta", "1e-5"],
         "error: --dp-delta=1e-05 is set but --dp-epsilon is not"),
        (["fit", "{table}", "--target", "label", "-o", "{out}", "--drop", "lable"],
         "error: --drop: no column 'lable'"),
        (["sample", "{model}", "-o", "{out}.csv", "--per-class", "maybe=3"], "unknown class 'maybe'"),
        (["sample", "{model}", "-o", "{out}.csv", "--n", "5", "--balance"], "exactly one"),
        # every count 0 wrote a header-only file, where --n 0 is refused
        (["sample", "{model}", "-o", "{out}.csv", "--per-class", "yes=0,no=0"],
         "--per-class must ask for at least 1 row in all, got yes=0,no=0"),
        (["sample", "{model}", "-o", "{out}.csv", "--per-class", "0"], "must ask for at least 1 row in all, got 0"),
        (["sample", "{model}", "-o", "{out}.csv", "--n", "0"], "--n must be a whole number of rows >= 1, got 0"),
        (["sample", "{model}", "-o", "{out}.csv", "--ratio", "0.001"], "training rows is 0 rows; ask for more"),
        (["sample", "{model}", "-o", "{out}.txt", "--n", "5"], "unknown table extension"),
        (["sample", "{table}", "-o", "{out}.csv", "--n", "5"], "not a synthaug model directory"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_no_output(args, message, table, model, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    paths = {"missing": tmp_path / "nope.csv", "empty": empty, "table": table, "model": model,
             "out": tmp_path / "out"}
    result = run(*[a.format(**paths) for a in args])
    assert result.exit_code == 2, result.output
    assert message in " ".join(result.output.split())
    assert "Traceback" not in result.output
    assert not list(tmp_path.glob("out*")) and not list(tmp_path.glob(".out*"))


def test_newer_model_format_is_refused(model, tmp_path):
    meta = json.loads((model / "model.json").read_text())
    meta["format_version"] = 2
    (model / "model.json").write_text(json.dumps(meta))
    result = run("sample", model, "--n", 3, "-o", tmp_path / "x.csv")
    assert result.exit_code == 2 and "newer than this synthaug supports" in result.output


@pytest.mark.parametrize("version", [0, -1, True])
def test_model_format_versions_synthaug_never_wrote_are_refused(model, tmp_path, version):
    meta = json.loads((model / "model.json").read_text())
    meta["format_version"] = version
    (model / "model.json").write_text(json.dumps(meta))
    result = run("sample", model, "--n", 3, "-o", tmp_path / "x.csv")
    assert result.exit_code == 2 and "model.json" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "x.csv").exists()


def test_a_full_disk_is_one_line_and_leaves_no_file(model, tmp_path, monkeypatch):
    import errno
    import os

    def full(src, dst):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(dst))

    monkeypatch.setattr(os, "replace", full)
    result = run("sample", model, "--n", 3, "-o", tmp_path / "x.csv")
    assert result.exit_code == 2, result.output
    said = " ".join(result.output.split())
    assert result.output.strip().splitlines()[-1] == f"error: {tmp_path / 'x.csv'}: disk full (No space left on device)"
    assert "Traceback" not in said
    assert not list(tmp_path.glob("x.csv")) and not list(tmp_path.glob(".x.csv*"))


def test_a_full_disk_in_pyarrow_names_the_parquet_output(model, tmp_path, monkeypatch):
    """It said ``error: Error writing bytes to file. Detail: [errno 28] No space left on device``."""
    import pyarrow.parquet as pq

    def full(self, table, *args, **kwargs):
        raise OSError("Error writing bytes to file. Detail: [errno 28] No space left on device")

    monkeypatch.setattr(pq.ParquetWriter, "write_table", full)
    out = tmp_path / "full" / "x.parquet"
    result = run("sample", model, "--n", 3, "-o", out, "-q")
    assert result.exit_code == 2, result.output
    assert result.output.strip().splitlines()[-1] == f"error: {out}: disk full (No space left on device)"
    assert list(out.parent.iterdir()) == []


def test_an_existing_folder_as_sample_output_is_named_a_folder(model, tmp_path):
    (tmp_path / "out").mkdir()
    result = run("sample", model, "--n", 3, "-o", tmp_path / "out", "-q")
    assert result.exit_code == 2, result.output
    assert " ".join(result.output.split()) == (f"error: {tmp_path / 'out'}: is a folder; give the path of a file "
                                               f"to write, e.g. {tmp_path / 'out' / 'synthetic.csv'}")
    from synthaug._paths import check_table_file

    with pytest.raises(DataError, match=r"out: is a folder; give a table file \(.csv, .csv.gz or .parquet\)$"):
        check_table_file(tmp_path / "out")  # an input (evaluate's --train): "unknown table extension ''" too


@pytest.mark.parametrize("seed", ["-5", str(2**64 + 1)])  # 2**64 + 1: torch overflowed after training
def test_a_seed_out_of_range_is_one_line_before_any_work(table, model, tmp_path, seed):
    for args in (["fit", table, "--target", "label", "-o", tmp_path / "m2", "-q"],
                 ["sample", model, "--n", 5, "-o", tmp_path / "s.csv", "-q"],
                 ["demo", "-o", tmp_path / "demo", "-q"]):
        result = run(*args, "--seed", seed)
        said = " ".join(result.output.split())
        assert result.exit_code == 2 and f"from 0 to 2**64 - 1, got {seed}" in said, said
        assert len(result.output.strip().splitlines()) == 1, result.output
    assert not {p.name for p in tmp_path.iterdir()} & {"m2", "s.csv", "demo"}


@pytest.mark.parametrize("out", [".", "..", "sub/.."])
def test_the_current_folder_as_output_is_refused_before_training(out, table, tmp_path, monkeypatch):
    """``-o .`` trained the whole model and then crashed ('PosixPath('.') has an empty name')."""
    from synthaug.tabular.synthesizer import TabularCGAN

    here = tmp_path / "work"
    (here / "sub").mkdir(parents=True)
    monkeypatch.chdir(here)
    monkeypatch.setattr(TabularCGAN, "fit", lambda *a, **k: (_ for _ in ()).throw(AssertionError("trained")))
    result = run("fit", table, "--target", "label", "-o", out, "-q")
    said = " ".join(result.output.split())
    assert result.exit_code == 2 and "is the current folder or one above it" in said, said
    assert sorted(p.name for p in here.iterdir()) == ["sub"]


def test_demo_runs_end_to_end(tmp_path):
    # --min-steps 30 alone trained the default epochs' 300 steps (one batch of 50 rows each), where the README
    # promised "a quicker, rougher run"; --epochs now shortens it
    result = run("demo", "-o", tmp_path / "demo", "--min-steps", 30, "--epochs", 1)
    assert result.exit_code == 0, result.output
    history = json.loads((tmp_path / "demo" / "model" / "model.json").read_text())["training"]["history"]
    assert history[0][-1]["step"] == 30
    assert "--min-steps 50 alone trains 300 (the default --epochs), with --epochs 1 50." in _help("demo")
    for text in ("real+synthetic@1", "real+smote@5", "DCR share", "SMOTE", "report.html"):
        assert text in result.output
    assert (tmp_path / "demo" / "model" / "model.json").exists()
    assert (tmp_path / "demo" / "report.html").stat().st_size > 10_000
    synthetic = pd.read_csv(tmp_path / "demo" / "synthetic.csv")
    assert synthetic["target"].value_counts().to_dict() == {"malignant": 250, "benign": 250}


def test_sample_with_the_training_table_reports_both_filters(model, table, tmp_path):
    # a 20-step model: many rows look like the other class or sit on a training row, so both filters act
    result = run("sample", model, "--n", "60", "--train", table, "-o", tmp_path / "s.csv")
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())  # rich wraps long lines
    assert "regenerated by the privacy filter" in said and "regenerated by the label filter" in said
    assert len(pd.read_csv(tmp_path / "s.csv")) == 60


def test_sample_without_the_training_table_warns_once_naming_train(model, table, tmp_path):
    """It printed the model's two warnings, one per filter, each pointing to Python's attach_privacy_filter."""
    result = runner.invoke(app, ["sample", str(model), "--n", "20", "-o", str(tmp_path / "s.csv")],
                           env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    warned = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert warned == ["warning: the privacy and label filters are off: a model file holds no training rows, so every "
                      "generated row is kept; pass the training table with --train DATA to drop rows too close to "
                      "a training row or unlike their class"], result.stderr
    fitted = runner.invoke(app, ["fit", str(table), "--target", "label", "-o", str(tmp_path / "m2"), "-q",
                                 "--set", "label_filter=null", *FAST])
    assert fitted.exit_code == 0, fitted.output
    result = runner.invoke(app, ["sample", str(tmp_path / "m2"), "--n", "20", "-o", str(tmp_path / "t.csv")])
    assert " ".join(result.stderr.split()).startswith("warning: the privacy filter is off: a model file"), result.stderr
    said = " ".join(result.stderr.split())
    assert "--train DATA to drop rows too close to a training row" in said and "unlike their class" not in said


def test_sample_with_the_training_table_says_when_no_filter_runs(table, tmp_path):
    # a verification trial: `sample --train` on a DP model printed only "wrote 50 rows"
    fitted = runner.invoke(app, ["fit", str(table), "--target", "label", "-o", str(tmp_path / "dp"), "-q",
                                 "--set", "dp_epsilon=3", *FAST])
    assert fitted.exit_code == 0, fitted.output
    result = run("sample", tmp_path / "dp", "--n", "20", "--train", table, "-o", tmp_path / "s.csv")
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert ("warning: --train: no sampling filter runs for this model (the privacy filter is off under "
            "differential privacy") in said and "so every generated row is kept" in said


def test_fit_refuses_an_output_it_cannot_write_before_training(table, tmp_path, monkeypatch):
    from synthaug.tabular.synthesizer import TabularCGAN

    def no_training(*args, **kwargs):
        raise AssertionError("trained before checking --output")

    monkeypatch.setattr(TabularCGAN, "fit", no_training)
    (tmp_path / "notes.txt").write_text("keep")
    for out, message in ((tmp_path / "notes.txt", "is not a synthaug model directory"),
                         (tmp_path / "notes.txt" / "m", "is a file"),
                         ("/proc/nope/model", "cannot write in /proc")):  # trained every step, then failed
        result = run("fit", table, "--target", "label", "-o", out, "-q")
        assert result.exit_code == 2 and message in " ".join(result.output.split()), result.output
    assert (tmp_path / "notes.txt").read_text() == "keep"


def test_fit_given_a_recipe_says_to_run_it(tmp_path):
    """It said "unknown table extension '.toml'" (or asked for --target)."""
    (tmp_path / "r.toml").write_text('[data]\ndataset = "sklearn:iris"\n')
    (tmp_path / "r.yaml").write_text('data:\n  dataset: sklearn:iris\n')  # asked for --target
    for recipe, extra in itertools.product([tmp_path / "r.toml", tmp_path / "r.yaml"], ([], ["--target", "y"])):
        result = run("fit", recipe, *extra, "-o", tmp_path / "m")
        assert result.exit_code == 2 and result.output.strip().startswith(
            f"error: {recipe}: a recipe, which `synthaug run {recipe}` runs; to train its model across processes, "
            "run it once, then `synthaug fit` its folder's train.csv under torchrun"), result.output
    assert not (tmp_path / "m").exists()


@pytest.mark.parametrize(("setting", "message"), [
    ("class_sampling=foo", "class_sampling must be one of balanced, log, prior; got 'foo'"),
    ("loss=foo", "loss must be one of"),
    ("dropout=1.0", "dropout must be in [0, 1); got 1.0"),  # it trained to NaN losses and saved a NaN model
    ("ema_decay=-0.5", "ema_decay must be in [0, 1) or None; got -0.5"),
    ("gumbel_tau=0", "gumbel_tau must be > 0; got 0"),  # NaN losses and a NaN model, like dropout=1
    ("generator_lr=-1", "generator_lr must be > 0; got -1"),
    ("real_label=2", "real_label must be in (0, 1]; got 2"),
    ("condition_probability=3", "condition_probability must be in [0, 1]; got 3"),
    ("pac=-2", "pac must be a whole number >= 1"),  # a RuntimeError traceback from a negative tensor size
    ("generator_dims=[0]", "generator_dims must be a list of layer widths >= 1"),  # IndexError in torch's init
    ("discriminator_dims=[64,0]", "discriminator_dims must be a list of layer widths >= 1"),
])
def test_a_bad_parameter_value_is_one_line_exit_2(setting, message, table, tmp_path):
    """Values of the right type but out of range ended in a ValueError traceback (or a NaN model)."""
    out = tmp_path / "m"
    result = runner.invoke(app, ["fit", str(table), "--target", "label", "-o", str(out), "-q", "--set", setting])
    assert result.exit_code == 2 and message in result.output, result.output
    assert len(result.output.strip().splitlines()) == 1 and not out.exists()


def test_a_parameter_is_named_as_the_user_set_it_and_min_steps_0_is_one_rule(table, tmp_path):
    """`--set min_steps=-5` was told "--min-steps must be ...", an option not used; `--min-steps 0` was
    refused (>= 1) where `--set min_steps=0` trained (the model takes 0: --epochs alone decides)."""
    fit = ["fit", table, "--target", "label", "-o", tmp_path / "m", "-q"]
    said = {setting: run(*fit, *setting).output.strip() for setting in (
        ("--set", "min_steps=-5"), ("--set", "epochs=0"), ("--set", "batch_size=0"), ("--set", "dp_epsilon=-1"),
        ("--dp-epsilon", "-1"))}
    assert said == {("--set", "min_steps=-5"): "error: --set min_steps must be a whole number >= 0; got -5",
                    ("--set", "epochs=0"): "error: --set epochs must be a whole number >= 1; got 0",
                    ("--set", "batch_size=0"): "error: --set batch_size must be a whole number >= 1; got 0",
                    ("--set", "dp_epsilon=-1"): "error: --set dp_epsilon must be a positive number; got -1",
                    ("--dp-epsilon", "-1"): "error: --dp-epsilon must be a positive number; got -1.0"}, said
    assert not (tmp_path / "m").exists()
    for setting in (("--min-steps", "0"), ("--set", "min_steps=0")):
        result = run(*fit, "--epochs", "1", *setting, "--set", "generator_dims=[8]", "--set", "discriminator_dims=[8]")
        assert result.exit_code == 0, result.output
        assert json.loads((tmp_path / "m" / "model.json").read_text())["params"]["min_steps"] == 0


def test_a_bad_image_parameter_value_is_one_line_exit_2(tmp_path):
    import numpy as np

    rng = np.random.default_rng(0)
    np.savez(tmp_path / "img.npz", x=rng.integers(0, 255, (8, 8, 8), dtype=np.uint8), y=np.repeat([0, 1], 4))
    result = runner.invoke(app, ["fit", str(tmp_path / "img.npz"), "-o", str(tmp_path / "m"), "-q",
                                 "--set", "augment_p=2"])
    assert result.exit_code == 2 and "augment_p must be in [0, 1]; got 2" in result.output, result.output


@pytest.mark.parametrize("damage", ["params", "training", "encoder"])
def test_inspect_of_a_damaged_model_json_is_one_line(model, tmp_path, damage):
    import shutil

    copy = tmp_path / f"damaged-{damage}"
    shutil.copytree(model, copy)
    meta = json.loads((copy / "model.json").read_text())
    del meta[damage]
    (copy / "model.json").write_text(json.dumps(meta))
    result = run("inspect", copy)
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert f"model.json: damaged (missing '{damage}')" in result.output
    assert isinstance(result.exception, SystemExit)


def test_a_hand_edited_parameter_is_named_by_its_model_json_key(model, tmp_path):
    import shutil

    copy = tmp_path / "edited"
    shutil.copytree(model, copy)
    meta = json.loads((copy / "model.json").read_text())
    meta["params"]["dp_epsilon"] = -1  # a file's field, not the --dp-epsilon option of the command run
    (copy / "model.json").write_text(json.dumps(meta))
    result = run("sample", copy, "--n", 5, "-o", tmp_path / "s.csv")
    assert result.exit_code == 2, result.output
    assert "model.json: params: dp_epsilon must be a positive number; got -1" in result.output


def test_sample_help_states_the_models_own_chunk_defaults():
    import inspect

    from synthaug import ImageCGAN, TabularCGAN
    from synthaug.sampling import IMAGE_CHUNK, ROW_CHUNK

    for cls, default in ((TabularCGAN, ROW_CHUNK), (ImageCGAN, IMAGE_CHUNK)):
        for method in (cls.write_sample, cls.iter_sample):
            assert inspect.signature(method).parameters["chunk_size"].default == default
    text = " ".join(runner.invoke(app, ["sample", "--help"], env={"COLUMNS": "400"}).output.split())
    assert f"{ROW_CHUNK:,} rows (fewer for an encoding over 2,048 columns) or {IMAGE_CHUNK:,} images" in text


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


def test_cli_sample_refuses_to_write_over_its_training_table(table_model):
    # -o train.csv --train train.csv replaced the real table with synthetic rows
    train = table_model / "train.csv"
    before = train.read_bytes()
    result = runner.invoke(app, ["sample", str(table_model / "m"), "-o", str(train), "--train", str(train),
                                 "--n", "5", "-q"])
    assert result.exit_code == 2 and "is the --train table" in result.output
    assert train.read_bytes() == before


def test_streamed_rows_equal_in_memory_rows_past_one_chunk(table_model, tmp_path):
    import synthaug

    model = synthaug.load(table_model / "m")
    with pytest.warns(UserWarning):
        expected = model.sample_frame(n=50_003, random_state=2)  # two chunks of the default 50,000
    result = runner.invoke(app, ["sample", str(table_model / "m"), "-o", str(tmp_path / "s.parquet"),
                                 "--n", "50003", "--seed", "2", "-q"])
    assert result.exit_code == 0, result.output
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "s.parquet"), expected)


def test_an_empty_per_class_is_named_not_ignored(table_model, tmp_path):
    # --per-class "" was taken as not given: with --n it sampled n rows, alone it asked for one request
    result = runner.invoke(app, ["sample", str(table_model / "m"), "-o", str(tmp_path / "s.csv"), "--n", "5",
                                 "--per-class", "", "-q"])
    assert result.exit_code == 2 and "--per-class: no LABEL=COUNT pairs given" in result.output
    assert not (tmp_path / "s.csv").exists()


@pytest.mark.parametrize("args, message", [
    (["fit", "x.csv", "--target", "t", "-o", "m", "--epochs", "0"], "Invalid value for '--epochs'"),
    (["sample", "m", "-o", "x.csv", "--bogus"], "No such option: --bogus"),
    (["fitt"], "No such command 'fitt'"),
])
def test_bad_options_are_one_error_line_from_the_command(args, message, tmp_path):
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "synthaug", *args], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("error: ") and message in result.stderr and result.stderr.count("\n") == 1


def test_demo_table_shows_the_uplift_of_the_primary_metric():
    from rich.console import Console

    from synthaug._demo import _utility_table

    estimate = lambda v: {"value": v, "low": v - 0.01, "high": v + 0.01}  # noqa: E731
    report = {"utility": {
        "primary_metric": "macro_f1", "verdicts": {"real+synthetic@1": "helps"},
        "scores": {"real+synthetic@1": {"lr": {"macro_f1": [0.8], "roc_auc": [0.9]}}},
        "uplifts": [{"setting": "real+synthetic@1", "classifier": "all", "metric": m, "estimate": estimate(v)}
                    for m, v in (("roc_auc", 0.5), ("macro_f1", 0.25))],  # another metric first
    }}
    console = Console(record=True, width=200)
    console.print(_utility_table(report))
    assert "+0.250" in console.export_text() and "+0.500" not in console.export_text()


def test_schema_draft_writes_unicode_categories_as_text(tmp_path):
    from synthaug.tabular.public_schema import read_public_schema

    data = tmp_path / "d.csv"
    pd.DataFrame({"city": ["東京", "Zürich"] * 10, "x": range(20), "label": [0, 1] * 10}).to_csv(data, index=False)
    result = run("schema", data, "--target", "label", "-o", tmp_path / "s.json")
    assert result.exit_code == 0, result.output
    text = (tmp_path / "s.json").read_text(encoding="utf-8")
    assert "東京" in text and "Zürich" in text and "\\u" not in text  # a person reviews this file
    city = next(c for c in read_public_schema(tmp_path / "s.json")["columns"] if c["name"] == "city")
    assert "東京" in city["categories"]


def test_schema_to_standard_output_writes_only_the_json(tmp_path, monkeypatch):
    # a data-steward trial: `synthaug schema ... -o -` wrote a file named '-'
    monkeypatch.chdir(tmp_path)
    data = tmp_path / "d.csv"
    pd.DataFrame({"x": [1.5, 2.5] * 10, "label": [0, 1] * 10}).to_csv(data, index=False)
    result = run("schema", data, "--target", "label", "-o", "-")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["target"]["classes"] == [0, 1]
    assert "NOT public" in result.stderr and not (tmp_path / "-").exists()


def test_schema_files_are_read_as_utf8_whatever_the_locale(tmp_path):
    import os
    import subprocess
    import sys

    data = tmp_path / "d.csv"
    pd.DataFrame({"größe": ["東京", "Zürich"] * 10, "x": range(20), "y": [0, 1] * 10}).to_csv(data, index=False)
    assert run("schema", data, "--target", "y", "-o", tmp_path / "s.json").exit_code == 0
    code = (f"from synthaug.tabular.public_schema import read_public_schema as r; "
            f"print(r({str(tmp_path / 's.json')!r})['columns'][0]['categories'])")
    env = {**os.environ, "LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONIOENCODING": "utf-8"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, encoding="utf-8")
    assert result.returncode == 0 and "東京" in result.stdout, result.stderr[-500:]


def test_version_option_prints_the_package_version():
    import synthaug

    result = run("--version")
    assert result.exit_code == 0 and result.output.strip() == f"synthaug {synthaug.__version__}"


def test_sample_refuses_to_replace_an_existing_file_unless_overwrite(model, table, tmp_path):
    # `synthaug sample model -o data.csv` silently replaced the user's training table with synthetic rows
    before = table.read_bytes()
    result = run("sample", model, "--n", 5, "-o", table, "-q")
    said = " ".join(result.output.split())
    assert result.exit_code == 2 and len(result.output.strip().splitlines()) == 1, result.output
    assert said == f"error: --output {table}: exists; choose another path, or pass --overwrite to replace it", said
    assert table.read_bytes() == before and not list(tmp_path.glob(".data.csv*"))
    old = tmp_path / "old.parquet"
    old.write_bytes(b"an earlier sample")
    assert run("sample", model, "--n", 5, "-o", old, "--overwrite", "-q").exit_code == 0
    assert len(pd.read_parquet(old)) == 5


def test_sample_to_csv_gz_is_the_csv_gzipped_and_the_same_bytes_every_run(table_model, tmp_path):
    # "unknown table extension '.gz'", where pandas users write df.to_csv("x.csv.gz")
    import gzip

    train = tmp_path / "train.csv.gz"  # read where a CSV is read: here --train
    train.write_bytes(gzip.compress((table_model / "train.csv").read_bytes()))
    common = ["--per-class", 6, "--chunk-size", 4, "--train", train, "-q"]
    for name in ("s.csv", "s.csv.gz", "again/s.csv.gz"):
        result = run("sample", table_model / "m", "-o", tmp_path / name, *common)
        assert result.exit_code == 0, result.output
    packed = (tmp_path / "s.csv.gz").read_bytes()
    assert gzip.decompress(packed) == (tmp_path / "s.csv").read_bytes()
    assert packed == (tmp_path / "again" / "s.csv.gz").read_bytes()
    assert packed[3] == 0 and packed[4:8] == bytes(4)  # no file name (its temporary one differs), mtime 0
    assert len(pd.read_csv(tmp_path / "s.csv.gz")) == 12


def test_an_interrupted_sample_to_csv_gz_leaves_no_file(table_model, tmp_path, monkeypatch):
    from synthaug.tabular.synthesizer import TabularCGAN

    calls = []

    def second_chunk_stops(self, codes, gen, notes=None):
        calls.append(len(codes))
        if len(calls) == 2:
            raise KeyboardInterrupt
        return self._generate(codes, gen)

    monkeypatch.setattr(TabularCGAN, "_generate_filtered", second_chunk_stops)
    result = run("sample", table_model / "m", "--n", 30, "--chunk-size", 10, "-o", tmp_path / "s.csv.gz", "-q")
    assert result.exit_code == 130 and "no output was written" in result.output, result.output
    assert calls == [10, 10] and list(tmp_path.iterdir()) == []


def test_overwrite_never_replaces_the_training_table_or_the_model(model, table, tmp_path):
    before = table.read_bytes()
    link = tmp_path / "link.csv"
    link.symlink_to(table)
    for out in (table, link):  # the same file under another name too
        result = run("sample", model, "--n", 5, "-o", out, "--train", table, "--overwrite", "-q")
        said = " ".join(result.output.split())
        assert result.exit_code == 2 and f"--output {out} is the --train table" in said, said
    assert table.read_bytes() == before
    result = run("sample", model, "--n", 5, "-o", model, "--overwrite", "-q")
    assert result.exit_code == 2 and "is the MODEL directory" in " ".join(result.output.split())
    assert (model / "model.json").is_file()


def test_schema_refuses_to_replace_an_existing_file_unless_overwrite(tmp_path):
    # a reviewed public schema was silently replaced by a new data-derived draft
    data, out = tmp_path / "d.csv", tmp_path / "public_schema.json"
    pd.DataFrame({"x": [i % 12 for i in range(24)], "label": [0, 1] * 12}).to_csv(data, index=False)
    out.write_text('{"reviewed": true}\n')
    result = run("schema", data, "--target", "label", "-o", out, "-q")
    said = " ".join(result.output.split())
    assert result.exit_code == 2 and len(result.output.strip().splitlines()) == 1, result.output
    assert said == f"error: --output {out}: exists; choose another path, or pass --overwrite to replace it", said
    assert out.read_text() == '{"reviewed": true}\n'
    assert run("schema", data, "--target", "label", "-o", out, "--overwrite", "-q").exit_code == 0
    assert json.loads(out.read_text())["format"] == "synthaug-public-schema"
    before = data.read_bytes()
    result = run("schema", data, "--target", "label", "-o", data, "--overwrite", "-q")
    said = " ".join(result.output.split())
    assert result.exit_code == 2 and f"--output {data} is the DATA table" in said, said
    assert data.read_bytes() == before


def test_conflicting_kind_options_are_one_line_naming_column_and_options(table, tmp_path):
    # exited 0 with age modelled as categorical
    result = run("fit", table, "--target", "label", "--categorical", "age", "--continuous", "age",
                 "-o", tmp_path / "m", "-q", *FAST)
    said = " ".join(result.output.split())
    assert result.exit_code == 2 and "column 'age' is in both --categorical and --continuous" in said, said
    assert len(result.output.strip().splitlines()) == 1 and not (tmp_path / "m").exists()


@pytest.mark.parametrize(("command", "flag", "setting"), [
    ("fit", ["--drop", "age"], "drop=[\"city\"]"),
    ("fit", ["--epochs", "1"], "epochs=2"),
    ("share", ["--keep", "age"], "keep=[\"city\"]"),
])
def test_a_flag_and_a_set_of_the_same_parameter_are_refused(command, flag, setting, table, tmp_path):
    # the flag silently replaced the --set value: --drop age --set drop=[city] modelled city
    result = run(command, table, "--target", "label", "-o", tmp_path / "out", "-q", *flag, "--set", setting)
    name = flag[0]
    assert result.exit_code == 2 and f"error: {name} and --set {name[2:]}=... both given" in result.output
    assert not (tmp_path / "out").exists()


def test_usage_lines_spell_arguments_in_capitals_without_braces():
    # fit, share and schema showed {data}, run {recipe}, sample and inspect {MODEL}; the README says DATA
    import typer

    expected = {"fit": "DATA", "sample": "MODEL", "inspect": "MODEL", "share": "DATA", "schema": "DATA",
                "run": "RECIPE", "evaluate": "", "demo": ""}
    assert set(typer.main.get_command(app).commands) == set(expected)  # a new command gets a line here
    for name, arguments in expected.items():
        result = run(name, "--help")
        usage = next(line for line in result.output.splitlines() if "Usage:" in line)
        assert usage.split("[OPTIONS]")[1].strip() == arguments, usage


def test_a_repeated_column_option_adds_columns_rather_than_replacing_them(table, tmp_path):
    # --categorical was a text option: a second one silently replaced the first (age stayed an integer)
    out = tmp_path / "m"
    result = runner.invoke(app, ["fit", str(table), "--target", "label", "-o", str(out), "-q", *FAST,
                                 "--categorical", "age", "--categorical", "gain, score", "--drop", "city",
                                 "--drop", "member"])
    assert result.exit_code == 0, result.output
    meta = json.loads((out / "model.json").read_text())
    kinds = {c["spec"]["name"]: c["spec"]["kind"] for c in meta["encoder"]["columns"]}
    assert kinds["age"] == kinds["gain"] == kinds["score"] == "categorical"
    assert "city" not in kinds and "member" not in kinds


def test_a_column_name_with_a_comma_is_quoted_in_a_column_option(mixed_table, tmp_path):
    # a column list is split at commas: "city, town" could not be named at all
    table = tmp_path / "commas.csv"
    mixed_table.rename(columns={"city": "city, town"}).to_csv(table, index=False)
    out = tmp_path / "m"
    result = run("fit", table, "--target", "label", "-o", out, "-q", *FAST, "--drop", "city, town")
    assert result.exit_code == 2 and "--drop: no column 'city' (a name with a comma is quoted: '\"city, town\"')" \
        in " ".join(result.output.split()), result.output
    result = run("fit", table, "--target", "label", "-o", out, "-q", *FAST, "--drop", '"city, town",member')
    assert result.exit_code == 0, result.output
    kinds = {c["spec"]["name"] for c in json.loads((out / "model.json").read_text())["encoder"]["columns"]}
    assert "city, town" not in kinds and "member" not in kinds and "age" in kinds


def test_an_identifier_as_target_is_one_line_exit_2(tmp_path):
    """It printed ~700 class names on one line, then a scikit-learn traceback from the label filter."""
    rng = np.random.default_rng(0)
    table = tmp_path / "fraud.csv"
    pd.DataFrame({"txn_id": [f"TX{100000 + i}" for i in range(60)], "amount": rng.gamma(2.0, 30.0, 60),
                  "is_fraud": np.resize(["no", "yes"], 60)}).to_csv(table, index=False)
    out = tmp_path / "m"
    result = run("fit", table, "--target", "txn_id", "-o", out, "-q", *FAST)
    assert result.exit_code == 2 and not out.exists(), result.output
    assert result.output.strip().splitlines() == [
        "error: target column 'txn_id' has 60 classes in 60 rows (every class a single row): is it an identifier? "
        "choose the class column as --target"]


def test_demo_privacy_table_gives_the_dcr_share_its_own_verdict():
    # the overall verdict sat in the column next to the DCR share and read as the share's
    from rich.console import Console

    from synthaug._demo import _privacy_table

    measure = lambda name, value, verdict: {"name": name, "value": value, "verdict": verdict}  # noqa: E731
    report = {"privacy": [{"source": "synthetic", "verdict": "leaks", "measures": [
        measure("dcr_share", 0.5, "no measurable leak"), measure("exact_copies", 0.2, "leaks"),
        measure("mia_distance", 0.52, "inconclusive"), measure("mia_density", 0.55, "inconclusive")]}]}
    console = Console(record=True, width=200)
    console.print(_privacy_table(report))
    text = console.export_text()
    row = next(line for line in text.splitlines() if "synthetic" in line)
    assert "0.500 (no measurable leak)" in row and "0.550" in row and "leaks (exact copies)" in row
    assert "overall verdict" in text


CLI_MODULES = sorted(p.stem for p in (Path(__file__).parents[1] / "synthaug").glob("_cli_*.py"))


IMPORT_EACH_FIRST = """
import importlib, sys
import torch, pandas, sklearn  # loaded once: only synthaug's own import order is under test
for name in sys.argv[1:]:
    for loaded in [m for m in sys.modules if m == "synthaug" or m.startswith("synthaug.")]:
        del sys.modules[loaded]
    try:
        importlib.import_module("synthaug." + name)
        app = importlib.import_module("synthaug.cli").app
        print(name, *sorted(c.name for c in app.registered_commands))
    except Exception as exc:
        print(name, "FAILED", type(exc).__name__, exc)
"""


def test_every_cli_module_imports_on_its_own():
    # _cli_run, _cli_schema and _cli_share took options from _cli_tabular, which imports cli, which imports
    # them: importing _cli_tabular first failed on the cycle (through synthaug.cli it happened to work).
    # One process, with synthaug's modules dropped before each import, so each _cli_* module is imported first
    import os
    import subprocess
    import sys

    root = str(Path(__file__).parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([root, os.environ.get("PYTHONPATH", "")])}
    result = subprocess.run([sys.executable, "-c", IMPORT_EACH_FIRST, *CLI_MODULES], capture_output=True,
                            text=True, env=env, cwd=root)
    assert result.returncode == 0, result.stderr[-2000:]
    commands = ["demo", "evaluate", "fit", "inspect", "run", "sample", "schema", "share"]
    assert result.stdout.splitlines() == [" ".join([m, *commands]) for m in CLI_MODULES]


HELP_WITHOUT_HEAVY_IMPORTS = """
import contextlib, io, sys
from synthaug.cli import app
calls = [["--version"], ["--help"], *([c.name, "--help"] for c in app.registered_commands)]
for args in calls:
    with contextlib.redirect_stdout(io.StringIO()):
        code = app(args, prog_name="synthaug", standalone_mode=False)
    print(" ".join(args), code, *[m for m in ("torch", "pandas", "sklearn") if m in sys.modules])
"""


def test_version_and_help_import_no_torch_pandas_or_sklearn():
    # `synthaug --version` took ~3.5 s: synthaug and the command modules imported torch, pandas and
    # scikit-learn (~2.5 s) before typer looked at the arguments
    import os
    import subprocess
    import sys

    root = str(Path(__file__).parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([root, os.environ.get("PYTHONPATH", "")])}
    result = subprocess.run([sys.executable, "-c", HELP_WITHOUT_HEAVY_IMPORTS], capture_output=True, text=True,
                            env=env, cwd=root)
    assert result.returncode == 0, result.stderr[-2000:]
    commands = ["demo", "evaluate", "fit", "inspect", "run", "sample", "schema", "share"]
    expected = ["--version 0", "--help 0", *(f"{c} --help 0" for c in commands)]
    assert sorted(result.stdout.splitlines()) == sorted(expected)


def test_evaluate_help_quotes_the_api_defaults():
    # the help cannot read evaluate's signature (that imports scikit-learn); it quotes the names the signature uses
    import inspect

    from synthaug.evaluate import evaluate

    defaults = {k: p.default for k, p in inspect.signature(evaluate).parameters.items()}
    text = " ".join(runner.invoke(app, ["evaluate", "--help"], env={"COLUMNS": "400"}).output.split())
    assert f"Repetitions of every fit (default {defaults['n_seeds']})" in text
    assert f"comma-separated; may be repeated (default {','.join(f'{r:g}' for r in defaults['ratios'])})" in text
    assert f"CPU threads (default {defaults['n_jobs']})" in text


@pytest.mark.parametrize("name", ["SIGTERM", "SIGHUP"])
def test_sigterm_removes_the_unfinished_output_and_exits_143(table_model, tmp_path, name):
    # timeout, kill and schedulers send SIGTERM: it killed the process outright and left a 47 MB
    # .y.csv.*.tmp beside the output (Ctrl-C was handled); a closed terminal's SIGHUP ended it silently, exit 129
    import os
    import signal

    signum = getattr(signal, name, None)
    if signum is None:
        pytest.skip(f"no {name} here")
    import subprocess
    import sys
    import time

    root = str(Path(__file__).parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([root, os.environ.get("PYTHONPATH", "")])}
    args = ["sample", str(table_model / "m"), "--n", str(10**8), "-o", "y.csv", "-q"]
    proc = subprocess.Popen([sys.executable, "-m", "synthaug", *args], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while not list(tmp_path.glob(".y.csv.*.tmp")) and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert list(tmp_path.glob(".y.csv.*.tmp")), "no temporary file appeared"
        proc.send_signal(signum)
        _, stderr = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 128 + signum, stderr[-2000:]
    assert stderr.splitlines()[-1] == "error: terminated; no output was written"
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_a_sighup_ignored_by_nohup_stays_ignored():
    """nohup ignores SIGHUP so that closing the terminal ends nothing; the CLI's handler had replaced that."""
    import signal

    from synthaug.cli import sigterm_raises

    if not hasattr(signal, "SIGHUP"):
        pytest.skip("no SIGHUP here")
    before = signal.signal(signal.SIGHUP, signal.SIG_IGN)
    try:
        with sigterm_raises():
            assert signal.getsignal(signal.SIGHUP) is signal.SIG_IGN
            signal.raise_signal(signal.SIGHUP)  # ignored: nothing raised
        assert signal.getsignal(signal.SIGHUP) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGHUP, before)


def test_sigterm_raises_only_within_and_only_in_the_main_thread():
    import signal
    import threading

    from synthaug.cli import Terminated, sigterm_raises

    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(Terminated), sigterm_raises():
        signal.raise_signal(signal.SIGTERM)
    assert signal.getsignal(signal.SIGTERM) is before  # restored, also after it fired

    seen = []

    def in_thread():
        with sigterm_raises():  # signal.signal would raise ValueError outside the main thread
            seen.append(signal.getsignal(signal.SIGTERM))

    thread = threading.Thread(target=in_thread)
    thread.start()
    thread.join()
    assert seen == [before]


ERRORS_WITHOUT_HEAVY_IMPORTS = """
import contextlib, io, json, sys
from synthaug.cli import app
for args in json.loads(sys.argv[1]):
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = app(args, prog_name="synthaug", standalone_mode=False)
    print(code, *[m for m in ("torch", "pandas", "sklearn") if m in sys.modules], err.getvalue().strip(), sep=" | ")
"""


def test_bad_paths_are_reported_before_torch_pandas_or_sklearn_are_imported(table_model, tmp_path):
    # `synthaug sample nonexist --n 10 -o z.csv` took ~8 s of imports to say there is no model.json
    model, existing = table_model / "m", tmp_path / "exists.csv"
    existing.write_text("a\n1\n")
    calls = {
        "nonexist: not found": ["sample", tmp_path / "nonexist", "--n", 10, "-o", tmp_path / "z.csv"],
        "not a synthaug model directory (no model.json)": ["inspect", tmp_path],
        # "not a synthaug model directory (no model.json)" for a path that is not there at all
        "nonexist: not found ": ["inspect", tmp_path / "nonexist"],
        "unknown table extension '.tsv'": ["sample", model, "--n", 10, "-o", tmp_path / "z.tsv"],
        # "unknown table extension ''" alone: the user took MODEL for an image model
        "tabout: unknown table extension '' (use one of .csv, .csv.gz, .parquet, .pq); a table model writes a "
        ".csv, .csv.gz or .parquet file (is MODEL an image model?": ["sample", model, "--n", 10, "-o",
                                                                  f"{tmp_path / 'tabout'}/"],
        # a misspelt image folder was taken for a table: "--target: the class label column is required"
        "typo_messy: not found": ["fit", tmp_path / "typo_messy", "-o", tmp_path / "m"],
        "typo_messy: not found ": ["fit", tmp_path / "typo_messy", "-o", tmp_path / "m", "--modality", "image"],
        "exists; choose another path": ["sample", model, "--n", 10, "-o", existing],
        "nonexist.csv: file not found": ["sample", model, "--n", 10, "-o", tmp_path / "z.csv", "--train",
                                         tmp_path / "nonexist.csv"],
        "is not a synthaug model directory": ["fit", existing, "--target", "a", "-o", existing],
        "nonexist.csv: file not found ": ["fit", tmp_path / "nonexist.csv", "--target", "a", "-o", tmp_path / "m"],
        "--target: the class label column is required": ["fit", existing, "-o", tmp_path / "m"],
    }
    _assert_errors_without_heavy_imports(calls)


def test_an_image_models_bad_output_or_train_is_reported_before_torch_is_imported(image_model, tmp_path):
    # `synthaug sample IMAGE-MODEL -o out.csv` imported torch (~5 s), loaded the model, then refused .csv
    _, _, model = image_model
    model.save(tmp_path / "im")
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("mine")
    (tmp_path / "t.csv").write_text("a\n1\n")
    calls = {
        "out.csv: images are written to a folder or an .npz file, not a .csv table": ["-o", tmp_path / "out.csv"],
        "out.csv.gz: images are written to a folder or an .npz file, not a .csv.gz table": [
            "-o", tmp_path / "out.csv.gz"],
        "mine: exists and is not a synthaug sample folder (no manifest.csv of synthaug's)": ["-o", tmp_path / "mine"],
        "foo.png: images are written to a folder or an .npz file, and .png names one image": [
            "-o", tmp_path / "foo.png"],  # a folder named foo.png was made
        "--train: the privacy and label filters apply to table models only": [
            "-o", tmp_path / "out.npz", "--train", tmp_path / "t.csv"],
    }
    _assert_errors_without_heavy_imports({m: ["sample", tmp_path / "im", "--n", 4, *args] for m, args in calls.items()})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["im", "mine", "t.csv"]


def _assert_errors_without_heavy_imports(calls: dict[str, list]) -> None:
    """Run each command line of ``calls`` (message -> arguments) in one fresh process: each must fail
    with exit 2 and its message while torch, pandas and scikit-learn are still not imported."""
    import json as json_
    import os
    import subprocess
    import sys

    root = str(Path(__file__).parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([root, os.environ.get("PYTHONPATH", "")]), "COLUMNS": "400"}
    arg_lists = json_.dumps([[str(a) for a in args] for args in calls.values()])
    result = subprocess.run([sys.executable, "-c", ERRORS_WITHOUT_HEAVY_IMPORTS, arg_lists], capture_output=True,
                            text=True, env=env, cwd=root)
    assert result.returncode == 0, result.stderr[-2000:]
    lines = result.stdout.splitlines()
    assert len(lines) == len(calls)
    for message, line in zip(calls, lines, strict=True):
        assert line.startswith("2 | error: ") and message.strip() in line, line  # no torch, pandas or sklearn


@pytest.mark.parametrize("command", ["fit", "share"])
def test_a_target_with_no_close_column_lists_the_columns(command, tmp_path):
    """`fit --target diagnosis` on a table without a close name said only "target column 'diagnosis' not
    found"."""
    data = tmp_path / "d.csv"
    pd.DataFrame({"age": [1, 2, 3, 4], "outcome": ["a", "b", "a", "b"]}).to_csv(data, index=False)
    result = CliRunner().invoke(app, [command, str(data), "--target", "diagnosis", "-o", str(tmp_path / "m")])
    assert result.exit_code == 2, result.output
    assert "target column 'diagnosis' not found; the columns are 'age', 'outcome'" in result.output


def _help(command: str) -> str:
    return " ".join(runner.invoke(app, [command, "--help"], env={"COLUMNS": "400"}).output.split())


def test_fit_help_shows_the_constructors_defaults():
    """--epochs, --min-steps, --loss and --batch-size showed no default (they live in the signatures, which
    the help now reads), and --dp-delta's help had an unbalanced parenthesis."""
    import inspect

    from synthaug.images.synthesizer import ImageCGAN
    from synthaug.tabular.synthesizer import TabularCGAN

    table = {k: p.default for k, p in inspect.signature(TabularCGAN).parameters.items()}
    image = {k: p.default for k, p in inspect.signature(ImageCGAN).parameters.items()}
    text = _help("fit")
    assert f"Adversarial loss (default: tables {table['loss']}, images {image['loss']})" in text
    assert f"(tables; default {table['epochs']})" in text and f"(tables; default {table['min_steps']})" in text
    assert f"(default: tables {table['batch_size']}, images {image['batch_size']})" in text
    assert "DP delta (default: min(1e-5, 1/(10 n)), n training rows)." in text


def test_seed_help_says_what_each_command_reproduces():
    """Every --seed said "the same seed gives the same bytes", but model.json differs in training.seconds,
    and sample's help spoke of DP fits."""
    helps = {command: _help(command) for command in ("fit", "sample", "share", "demo")}
    assert all("the same bytes" not in text for text in helps.values())
    assert "give the same weights (model.json differs in training.seconds" in helps["fit"]
    assert "the same seed, --chunk-size and --train table give the same file" in helps["sample"]
    assert "differential privacy" not in helps["sample"] and "secret-seeded" in helps["share"]
    assert "model.json differs in training.seconds" in helps["demo"]


SEED_RANGE = "a whole number from 0 to 2**64 - 1"
WHOLE_NUMBER_OPTIONS = [  # every whole-number option: (command, option, what it must be)
    *[(command, "--seed", SEED_RANGE) for command in ("fit", "sample", "share", "demo", "evaluate", "run")],
    *[("fit", option, "a whole number >= 1") for option in ("--epochs", "--batch-size")],
    ("fit", "--min-steps", "a whole number >= 0"),  # as the model's min_steps: 0 leaves the steps to --epochs
    ("sample", "--n", "a whole number"), ("sample", "--chunk-size", "a whole number >= 1"),
    ("demo", "--min-steps", "a whole number >= 0"), ("demo", "--epochs", "a whole number >= 1"),
    ("share", "--n", "a whole number"), ("share", "--max-exact-copies", "a whole number"),
    ("share", "--seeds", "a whole number >= 1"), ("schema", "--min-count", "a whole number >= 1"),
    *[("evaluate", option, "a whole number >= 1") for option in ("--seeds", "--jobs", "--classifier-steps")],
    ("evaluate", "--max-synthetic", "a whole number >= 100"),
]


def main_error(args: list[str], monkeypatch, capsys) -> tuple[int, str]:
    """The exit code and stderr of ``synthaug ARGS`` (the console script's main), in this process."""
    import sys

    from synthaug.cli import main

    monkeypatch.setattr(sys, "argv", ["synthaug", *args])
    with pytest.raises(SystemExit) as stopped:
        main()
    return stopped.value.code, capsys.readouterr().err


@pytest.mark.parametrize("value", ["3.0", "3_0", "1e3", "three"])
@pytest.mark.parametrize("command, option, wanted", WHOLE_NUMBER_OPTIONS)
def test_every_whole_number_option_refuses_other_text_in_one_line(command, option, wanted, value, monkeypatch,
                                                                  capsys):
    # typer took --epochs 3.0 as 3 and 3_0 as 30 (only --seed refused them); an option given is parsed
    # before the missing arguments are noticed
    code, err = main_error([command, option, value], monkeypatch, capsys)
    assert code == 2
    assert err == (f"error: Invalid value for '{option}': must be {wanted}, got '{value}' "
                   f"(see 'synthaug {command} --help')\n")


@pytest.mark.parametrize("command, option, wanted", [o for o in WHOLE_NUMBER_OPTIONS if ">=" in o[2]])
def test_a_whole_number_below_an_options_minimum_is_the_same_line(command, option, wanted, monkeypatch, capsys):
    minimum = int(wanted.rpartition(" ")[2])  # typer's min= said "Input should be greater than or equal to 1"
    code, err = main_error([command, option, str(minimum - 1)], monkeypatch, capsys)
    assert code == 2 and f"Invalid value for '{option}': must be {wanted}, got '{minimum - 1}'" in err


def test_the_whole_number_list_above_is_every_int_option_of_every_command():
    import typing

    found = set()
    for info in app.registered_commands:
        for name, hint in typing.get_type_hints(info.callback, include_extras=True).items():
            base, *extras = typing.get_args(hint) or (hint,)
            if int in (typing.get_args(base) or (base,)):
                found.add((info.name, extras[0].param_decls[0] if extras[0].param_decls else
                           "--" + name.replace("_", "-")))
    assert found == {(command, option) for command, option, _ in WHOLE_NUMBER_OPTIONS}


def test_whole_number_options_still_take_whole_numbers(table, model, tmp_path):
    result = run("sample", model, "-o", tmp_path / "s.csv", "--n", " 12", "--chunk-size", "+5", "--seed", "007", "-q")
    assert result.exit_code == 0, result.output
    assert len(pd.read_csv(tmp_path / "s.csv")) == 12


@pytest.fixture
def outputs_forgotten():
    from synthaug._outputs import forget_outputs

    forget_outputs()
    yield
    forget_outputs()


def test_the_signal_line_says_what_was_written_and_who_writes_it(outputs_forgotten):
    import signal

    from synthaug._outputs import note_other_rank, note_written, stopped_text

    assert stopped_text(signal.SIGINT) == "interrupted; no output was written"
    note_other_rank(3, "m")  # torchrun's rank 3: it said "no output was written" while rank 0 said m was complete
    assert stopped_text(signal.SIGTERM) == ("terminated; this process (rank 3) writes no output: rank 0 writes m "
                                            "and says whether it was written")
    note_written("m")  # past the barrier that follows rank 0's save
    assert stopped_text(signal.SIGTERM) == "terminated; the output m was written before the signal and is complete"
    note_written("n")
    assert stopped_text(signal.SIGINT) == ("interrupted; the outputs m, n were written before the signal and are "
                                           "complete")


def test_a_signal_after_samples_rename_says_the_file_is_complete(model, tmp_path, monkeypatch, outputs_forgotten):
    # sample did not record its output: a signal between its rename and its exit said "no output was written"
    from synthaug.cli import Terminated, console

    printed = console.print

    def signalled(*objects, **kwargs) -> None:
        if str(objects[0]).startswith("wrote "):  # the summary, after the file is in place
            raise Terminated
        printed(*objects, **kwargs)

    monkeypatch.setattr(console, "print", signalled)
    out = tmp_path / "s.csv"
    result = run("sample", model, "--n", 5, "-o", out)
    assert result.exit_code == 143, result.output
    assert result.output.strip().splitlines()[-1] == (f"error: terminated; the output {out} was written before the "
                                                      "signal and is complete")
    assert len(pd.read_csv(out)) == 5


@pytest.mark.parametrize(("command", "sentence"), [
    ("sample", "an image model a folder of PNGs (one subfolder per class, plus manifest.csv)"),
    ("evaluate", "a small CNN trained on real, real + albumentations"),
])
def test_help_paragraphs_wrap_at_the_terminal_width_only(command, sentence):
    """typer kept the docstring's line breaks and wrapped again: 'an image model a folder' / 'of PNGs'."""
    result = CliRunner().invoke(app, [command, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0 and sentence in result.output, result.output


def test_a_set_parameter_of_the_other_modality_says_how_the_data_was_read(table, tmp_path):
    """`fit table.csv --set image_size=16` said "unknown parameter 'image_size' for TabularCGAN (did you mean
    'batch_size'?)"; `--set image_size=7` on images said "image_size must be ..." without the --set."""
    from PIL import Image

    for label in ("a", "b"):
        (tmp_path / "imgs" / label).mkdir(parents=True)
        for i in range(2):
            Image.new("L", (8, 8), 40 * i).save(tmp_path / "imgs" / label / f"{i}.png")
    cases = [
        (["fit", table, "--target", "label", "--set", "image_size=16"],
         "error: --set: image_size is a parameter of the image model (ImageCGAN), but the data was read as a table, "
         "so the model is TabularCGAN, which has no image_size"),
        (["fit", tmp_path / "imgs", "--set", "epochs=3"],
         "error: --set: epochs is a parameter of the table model (TabularCGAN), but the data was read as images, so "
         "the model is ImageCGAN, which has no epochs (its training length is steps)"),
        (["fit", table, "--target", "label", "--set", "steps=100"],  # said nothing of min_steps
         "error: --set: steps is a parameter of the image model (ImageCGAN), but the data was read as a table, "
         "so the model is TabularCGAN, which has no steps (its training length is min_steps, and epochs)"),
        (["fit", tmp_path / "imgs", "--set", "image_size=7"],
         "error: --set image_size must be a whole number of pixels from 8 to 64; got 7"),
    ]
    for args, said in cases:
        result = run(*args, "-o", tmp_path / "m")
        assert result.exit_code == 2 and " ".join(result.output.split()) == said, result.output
        assert not (tmp_path / "m").exists()
