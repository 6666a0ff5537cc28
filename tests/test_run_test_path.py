"""``data.test_path``: a recipe names its own test table or image set; every row of ``data.path`` may
then train. Recipes could only split a share of one file off, so a study's fixed test set could not be
used (a user trial left that open)."""

import json
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from synthaug.cli import app
from tests.test_run_output import TABLE, invoke, patients

DIGITS_NPZ = ('[data]\npath = "{pool}"\ntest_path = "{test}"\nrows_per_class = 3\nholdout = false\n'
              "[model]\nsteps = 2\nwidth = 8\n[sample]\nper_class = 1\n[evaluate]\nseeds = 1\nsteps = 2\n")


def test_a_table_runs_test_set_is_the_named_file_and_training_rows_come_from_all_of_data_path(tmp_path):
    pool = patients(tmp_path / "pool.csv", 80)  # 40 a class: 20 train + 20 holdout leaves none for a 0.3 split
    test = patients(tmp_path / "test.csv", 30)
    pd.read_csv(test).assign(pulse=lambda t: t.pulse + 1000).to_csv(test, index=False)  # marks its rows
    result = invoke(TABLE.format(path=pool).replace("rows_per_class", f'test_path = "{test}"\nrows_per_class'),
                    tmp_path, "--quiet")
    assert result.exit_code == 0, result.output
    out = tmp_path / "out"
    written = pd.read_csv(out / "test.csv")
    assert len(written) == 30 and (written.pulse > 900).all()
    assert len(pd.read_csv(out / "train.csv")) == 40 and len(pd.read_csv(out / "holdout.csv")) == 40
    resolved = tomllib.loads((out / "recipe.toml").read_text())
    assert resolved["data"]["test_path"] == str(test) and len(resolved["sha256"]["data.test_path"]) == 64


def test_test_path_with_test_size_or_share_is_refused_naming_the_keys(tmp_path):
    pool, test = patients(tmp_path / "pool.csv"), patients(tmp_path / "test.csv", 20)
    recipe = TABLE.format(path=pool).replace("rows_per_class", f'test_path = "{test}"\nrows_per_class')
    result = invoke(recipe, tmp_path, "--set", "data.test_size=0.2")
    assert result.exit_code != 0 and "data.test_size: not used with data.test_path" in result.output
    share = f'[data]\npath = "{pool}"\ntarget = "outcome"\ntest_path = "{test}"\n[share]\nmax_dcr_share = 0.6\n'
    result = invoke(share, tmp_path)
    assert result.exit_code != 0 and "data.test_path: not used by a [share] release" in result.output
    assert not (tmp_path / "out").exists()


def test_a_test_file_without_the_class_column_is_named(tmp_path):
    pool, test = patients(tmp_path / "pool.csv"), patients(tmp_path / "test.csv", 20)
    pd.read_csv(test).drop(columns="outcome").to_csv(test, index=False)
    result = invoke(TABLE.format(path=pool).replace("rows_per_class", f'test_path = "{test}"\nrows_per_class'),
                    tmp_path)
    assert result.exit_code != 0
    assert f"data.test_path: {test}: column 'outcome' not found" in " ".join(result.output.split())
    assert not (tmp_path / "out").exists()


def test_an_image_run_evaluates_on_the_named_images_at_the_training_size(tmp_path):
    rng = np.random.default_rng(0)
    pool, test = tmp_path / "pool.npz", tmp_path / "test.npz"
    np.savez(pool, x=rng.integers(0, 255, (30, 8, 8), dtype=np.uint8), y=np.repeat([0, 1, 2], 10))
    np.savez(test, x=rng.integers(0, 255, (7, 12, 12, 3), dtype=np.uint8), y=np.array([0, 1, 2, 0, 1, 2, 0]))
    recipe = tmp_path / "r.toml"
    recipe.write_text(DIGITS_NPZ.format(pool=pool, test=test))
    result = CliRunner().invoke(app, ["run", str(recipe), "-o", str(tmp_path / "out"), "--quiet"])
    assert result.exit_code == 0, result.output
    sizes = json.loads((tmp_path / "out" / "report.json").read_text())["sizes"]
    assert sizes["train"] == 9 and sizes["test"] == 7 and sizes["image_size"] == 8 and sizes["channels"] == 1
    assert Path(tomllib.loads((tmp_path / "out" / "recipe.toml").read_text())["data"]["test_path"]) == test


def _fails_before_training(tmp_path, monkeypatch, test_frame, text):
    """A run with ``test_frame`` as data.test_path fails in one line naming the key and the file, before fit."""
    from synthaug.tabular.synthesizer import TabularCGAN

    def no_fit(*args, **kwargs):
        raise AssertionError("trained before the test table was checked")

    monkeypatch.setattr(TabularCGAN, "fit", no_fit)
    pool, test = patients(tmp_path / "pool.csv"), tmp_path / "test.csv"
    test_frame.to_csv(test, index=False)
    result = invoke(TABLE.format(path=pool).replace("rows_per_class", f'test_path = "{test}"\nrows_per_class'),
                    tmp_path)
    assert result.exit_code != 0 and f"data.test_path: {test}: {text}" in " ".join(result.output.split()), \
        result.output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(("change", "text"), [
    (lambda t: t.drop(columns="age"), "lacks column 'age' that train has"),
    (lambda t: t.assign(extra=1), "column 'extra' is not in train"),
    (lambda t: t.assign(outcome=["well", "ill", "gone", "well"] * 5),
     "target column 'outcome' has class(es) absent from train: 'gone'"),
    (lambda t: t.assign(outcome="well"), "column 'outcome' has a single class ('well'); scores need two"),
])
def test_a_test_table_that_does_not_fit_the_data_is_refused_before_training(change, text, tmp_path, monkeypatch):
    # the evaluation refused it after the whole fit and sampling, naming "test:" only
    test = pd.read_csv(patients(tmp_path / "t0.csv", 20))
    _fails_before_training(tmp_path, monkeypatch, change(test), text)


def test_the_test_table_is_read_beside_the_data_so_a_column_of_codes_is_text_in_both(tmp_path):
    # one row typed "19" among "19.0"s made the test column codes (text) and the run failed after training
    pool = tmp_path / "pool.csv"
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"pulse": rng.normal(70, 5, 80).round(1), "code": ["007", "012"] * 40,
                          "outcome": np.repeat(["well", "ill"], 40)})
    frame.to_csv(pool, index=False)
    test = tmp_path / "test.csv"
    frame.iloc[35:45].assign(code=["7", "12"] * 5).to_csv(test, index=False)  # numbers alone: read as numbers
    recipe = TABLE.format(path=pool).replace("rows_per_class = 20", f'test_path = "{test}"\nrows_per_class = 20')
    result = invoke(recipe, tmp_path, "--quiet")
    assert result.exit_code == 0, result.output
    assert pd.read_csv(tmp_path / "out" / "test.csv", dtype=str)["code"].tolist()[:2] == ["7", "12"]


def test_image_test_labels_the_data_has_not_got_are_refused_before_training(tmp_path, monkeypatch):
    from synthaug.images.synthesizer import ImageCGAN

    monkeypatch.setattr(ImageCGAN, "fit", lambda *a, **k: (_ for _ in ()).throw(AssertionError("trained")))
    rng = np.random.default_rng(0)
    pool, test = tmp_path / "pool.npz", tmp_path / "test.npz"
    np.savez(pool, x=rng.integers(0, 255, (30, 8, 8), dtype=np.uint8), y=np.repeat([0, 1, 2], 10))
    np.savez(test, x=rng.integers(0, 255, (4, 8, 8), dtype=np.uint8), y=np.array([0, 1, 2, 3]))
    recipe = tmp_path / "r.toml"
    recipe.write_text(DIGITS_NPZ.format(pool=pool, test=test))
    result = CliRunner().invoke(app, ["run", str(recipe), "-o", str(tmp_path / "out")])
    assert result.exit_code != 0
    assert f"data.test_path: {test}: label(s) '3' are not among data.path's classes" in " ".join(result.output.split())
