"""Seeds: one random_state becomes generators; bad seeds are one-line errors."""

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from synthaug import DataError
from synthaug._random import draw_seed
from synthaug._run_split import split
from synthaug.cli import app


def test_a_negative_seed_is_a_one_line_error(tmp_path, mixed_table):
    """It used to pass draw_seed and crash in numpy's SeedSequence with a traceback."""
    with pytest.raises(DataError, match=r"from 0 to 2\*\*64 - 1, got -1"):
        draw_seed(-1)
    with pytest.raises(DataError, match=r"from 0 to 2\*\*64 - 1, got 18446744073709551616"):
        draw_seed(2**64)
    data = tmp_path / "data.csv"
    mixed_table.to_csv(data, index=False)
    result = CliRunner().invoke(app, ["fit", str(data), "--target", "label", "-o", str(tmp_path / "m"),
                                      "--seed", "-1", "-q"])
    assert result.exit_code == 2 and "from 0 to 2**64 - 1, got -1" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert draw_seed(2**63 + 5) == 2**63 + 5 and draw_seed(np.int64(3)) == 3


def test_a_recipe_splits_with_any_seed():
    """scikit-learn's train_test_split refused seeds of 2**32 and above (synthaug run --seed 4294967296)."""
    y = np.repeat(["a", "b"], 20)
    big = split(None, y, {"test_size": 0.25, "rows_per_class": 5}, 2**32 + 7)
    assert len(big["test"]) == 10 and len(big["train"]) == 10 and len(big["holdout"]) == 10
    small = split(None, y, {"test_size": 0.25}, 7)
    np.testing.assert_array_equal(small["test"], split(None, y, {"test_size": 0.25}, 7)["test"])


def test_check_seed_takes_whole_numbers_only():
    from synthaug._random import check_seed

    assert check_seed(np.uint64(2**64 - 1), "s") == 2**64 - 1 and type(check_seed(np.int64(3), "s")) is int
    for bad in (1.5, True, "3"):  # 1.5 was taken as 1 by evaluate_images' int(random_state)
        with pytest.raises(DataError, match=rf"^s: must be a whole number from 0 to 2\*\*64 - 1, got {bad!r}$"):
            check_seed(bad, "s")


def test_a_numpy_random_state_gives_a_seed_and_advances_as_in_scikit_learn():
    # np.random.RandomState was refused with a TypeError, though scikit-learn and imblearn take it
    rs = np.random.RandomState(0)
    expected = np.random.RandomState(0).randint(0, 2**63 - 1, dtype=np.int64)
    assert draw_seed(rs) == expected and draw_seed(rs) != expected  # the draw advanced rs
    with pytest.raises(TypeError, match="an int, a numpy Generator or RandomState, or None; got 'x'"):
        draw_seed("x")


def test_synthesizers_and_their_model_files_take_a_random_state(tmp_path, fast_params, mixed_table):
    import json

    from synthaug import TabularCGAN

    X, y = mixed_table.drop(columns="label"), mixed_table["label"]
    fits = [TabularCGAN(**fast_params, random_state=np.random.RandomState(1)).fit(X, y) for _ in range(2)]
    assert fits[0].seed_ == fits[1].seed_ == draw_seed(np.random.RandomState(1))
    samples = [fit.sample(6, random_state=np.random.RandomState(2))[0] for fit in fits]  # sample takes one too
    pd.testing.assert_frame_equal(samples[0], samples[1])
    fits[0].save(tmp_path / "m")
    params = json.loads((tmp_path / "m" / "model.json").read_text())["params"]
    assert params["random_state"] is None  # a RandomState has no JSON form; its draw is the saved seed


@pytest.mark.parametrize("command", [["run", "recipes/breast_cancer.toml"], ["fit", "x.csv", "--target", "t"],
                                     ["sample", "m", "--n", "5"], ["evaluate", "--train", "x.csv"],
                                     ["share", "x.csv", "--target", "t"], ["demo"]])
@pytest.mark.parametrize("seed", ["3.0", "3_0", "1e3", " 3.5"])
def test_a_seed_that_is_not_digits_is_refused_by_every_command(command, seed, tmp_path):
    """typer's int option took --seed 3.0 as seed 3 (and 3_0 as 30), and ran."""
    result = CliRunner().invoke(app, [command[0], "--seed", seed, *command[1:], "-o", str(tmp_path / "o")])
    said = " ".join(result.output.replace("│", " ").split())  # typer's box around usage errors
    assert result.exit_code == 2 and "Invalid value for '--seed'" in said, result.output
    assert f"must be a whole number from 0 to 2**64 - 1, got {seed!r}" in said, result.output
    assert not (tmp_path / "o").exists()


def test_a_float_seed_is_one_error_line_naming_the_option(tmp_path):
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "synthaug", "run", "--seed", "3.0", "r.toml"], capture_output=True,
                            text=True, cwd=tmp_path)
    assert result.returncode == 2 and result.stdout == "" and result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("error: Invalid value for '--seed': must be a whole number"), result.stderr


@pytest.mark.parametrize("where", ["file", "--set"])
def test_a_float_recipe_seed_is_refused(where, tmp_path):
    recipe = tmp_path / "r.toml"
    recipe.write_text('[data]\ndataset = "sklearn:iris"\n' + ("seed = 3.0\n" if where == "file" else ""))
    extra = ["--set", "data.seed=3.0"] if where == "--set" else []
    result = CliRunner().invoke(app, ["run", str(recipe), "-o", str(tmp_path / "o"), "-q", *extra])
    assert result.exit_code == 2 and "data.seed expects int, got 3.0" in result.output, result.output
    assert not (tmp_path / "o").exists()
