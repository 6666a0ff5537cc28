"""``synthaug run`` on recipe input it used to misread, ignore or crash on: one line, or the right data."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from synthaug._errors import DataError
from synthaug.cli import app
from synthaug.recipe import load_recipe

RECIPES = Path(__file__).parents[1] / "recipes"
TINY = ["model.epochs=1", "model.min_steps=2", "model.generator_dims=[8]", "model.discriminator_dims=[8]",
        "model.latent_dim=4", "evaluate.seeds=1", "evaluate.baselines=[]"]


def run(recipe: Path, out: Path, *overrides: str, extra: tuple[str, ...] = ()):
    args = ["run", str(recipe), "-o", str(out), "-q", *extra]
    for item in overrides:
        args += ["--set", item]
    return CliRunner().invoke(app, args)


def one_line_error(result, message: str, out: Path) -> None:
    text = " ".join(result.output.split())
    assert result.exit_code == 2 and message in text, result.output
    assert len(result.output.strip().splitlines()) == 1 and "Traceback" not in result.output, result.output
    assert not out.exists()


def patients(path: Path, n: int = 60) -> Path:
    rng = np.random.default_rng(0)
    pd.DataFrame({"pulse": rng.normal(70, 5, n).round(1), "ward": rng.choice(["a", "b"], n),
                  "outcome": np.repeat(["well", "ill"], n // 2)}).to_csv(path, index=False)
    return path


def _write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "r.toml").write_text(text)
    return tmp_path / "r.toml"


# 1. data.path and data.dataset: the override wins, a file may not set both.

def test_a_data_path_override_replaces_the_recipes_dataset_and_vice_versa():
    recipe = load_recipe(RECIPES / "breast_cancer.toml", ["data.path=patients.csv", "data.target=outcome"])
    assert recipe["data"]["path"] == "patients.csv" and "dataset" not in recipe["data"]
    recipe = load_recipe(RECIPES / "adult.toml", ["data.dataset=sklearn:wine"])
    assert recipe["data"]["dataset"] == "sklearn:wine" and "path" not in recipe["data"]


def test_a_run_on_a_dataset_recipe_trains_on_the_users_table(tmp_path):
    """It trained on breast cancer, silently, as the recipe's comment told users to do this."""
    csv = patients(tmp_path / "patients.csv")
    out = tmp_path / "out"
    result = run(RECIPES / "breast_cancer.toml", out, f"data.path={csv}", "data.target=outcome",
                 "data.rows_per_class=10", "sample.per_class=5", "evaluate.ratios=[1.0]", *TINY)
    assert result.exit_code == 0, result.output
    assert list(pd.read_csv(out / "train.csv").columns) == ["pulse", "ward", "outcome"]
    assert list(pd.read_csv(out / "synthetic.csv").columns) == ["pulse", "ward", "outcome"]


def test_a_recipe_file_with_both_path_and_dataset_is_refused(tmp_path):
    recipe = tmp_path / "r.toml"
    recipe.write_text('[data]\npath = "p.csv"\ntarget = "y"\ndataset = "sklearn:iris"\n')
    with pytest.raises(DataError, match="data.path and data.dataset are both set"):
        load_recipe(recipe)
    one_line_error(run(recipe, tmp_path / "o"), "data.path and data.dataset are both set", tmp_path / "o")


# 2. The default [sample] and requests that generate nothing.

def iris_recipe(tmp_path: Path, extra: str = "") -> Path:
    recipe = tmp_path / "r.toml"
    recipe.write_text('[data]\ndataset = "sklearn:iris"\nrows_per_class = 10\n' + extra)
    return recipe


def test_without_a_sample_table_a_run_generates_as_many_rows_as_it_trained_on(tmp_path):
    """The default was balance = true: with rows_per_class the classes are equal, so it asked for
    no rows and failed after training ('synthetic: table has no rows')."""
    out = tmp_path / "out"
    result = run(iris_recipe(tmp_path), out, *TINY)
    assert result.exit_code == 0, result.output
    synthetic = pd.read_csv(out / "synthetic.csv")
    assert synthetic["target"].value_counts().to_dict() == {"setosa": 10, "versicolor": 10, "virginica": 10}


@pytest.mark.parametrize(("extra", "message"), [
    ("balance = true", "sample.balance must generate at least 1 row; every class already has 10 training rows, so "
                       "ask for sample.n, sample.per_class or sample.ratio"),
    ("per_class = 0", "sample.per_class: asks for no synthetic rows at all"),
    ("n = 5\nratio = 2.0", "[sample] takes exactly one of n, per_class, balance = true or ratio (got n, ratio)"),
    ("balance = false", "[sample] takes exactly one of n, per_class, balance = true or ratio"),
])
def test_a_sample_table_that_generates_nothing_is_refused_before_training(extra, message, tmp_path):
    recipe = iris_recipe(tmp_path, f"[sample]\n{extra}\n")
    one_line_error(run(recipe, tmp_path / "o", *TINY), message, tmp_path / "o")


def test_a_sample_request_the_model_refuses_is_named_as_the_recipes_key(tmp_path):
    # it said "per_class (--per-class): unknown class", an argument and an option a recipe has not got
    recipe = iris_recipe(tmp_path, '[sample]\nper_class = {setosa = 2, setsa = 3}\n')
    one_line_error(run(recipe, tmp_path / "o", *TINY), "sample.per_class: unknown class 'setsa' (did you mean "
                   "'setosa'?)", tmp_path / "o")


def test_a_sample_override_replaces_the_recipes_request():
    recipe = load_recipe(RECIPES / "breast_cancer.toml", ["sample.n=7"])
    assert recipe["sample"] == {"n": 7}
    recipe = load_recipe(RECIPES / "adult.toml", ["sample.per_class=3"])  # it had balance = false, ratio = 5
    assert recipe["sample"] == {"per_class": 3}


# 3. Bad recipe input that ended in a traceback.

@pytest.mark.parametrize(("recipe_text", "overrides", "message"), [
    ('[data]\ndataset = "sklearn:wine"\nmodality = "image"\n', (),
     "data.dataset 'sklearn:wine' is not a set of images; with data.modality = 'image' use sklearn:digits"),
    ('[data]\npath = "patients.csv"\ntarget = "outcom"\n', (),
     "data.target: column 'outcom' not found (did you mean 'outcome'?)"),
    ('[data]\npath = "gaps.csv"\ntarget = "outcome"\n', (), "data.target: column 'outcome' has 2 missing value(s)"),
    ('[data]\ndataset = "sklearn:iris"\nseed = -5\n', (),
     "data.seed: must be a whole number from 0 to 2**64 - 1, got -5"),
    ('[data]\ndataset = "sklearn:iris"\n', ("data.seed=18446744073709551616",), "data.seed: must be a whole number"),
    ('[data]\ndataset = "sklearn:iris"\n', ("--seed", "18446744073709551617"),
     "--seed: must be a whole number from 0 to 2**64 - 1, got 18446744073709551617"),
])
def test_bad_recipe_input_is_one_line_before_training(recipe_text, overrides, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    patients(tmp_path / "patients.csv")
    frame = pd.read_csv("patients.csv")
    frame.loc[[3, 40], "outcome"] = None
    frame.to_csv("gaps.csv", index=False)
    (tmp_path / "r.toml").write_text(recipe_text)
    sets = [o for o in overrides if o.startswith("data.")]
    extra = tuple(o for o in overrides if not o.startswith("data."))
    one_line_error(run(tmp_path / "r.toml", tmp_path / "o", *TINY, *sets, extra=extra), message, tmp_path / "o")


# 4. A recipe that is not UTF-8.

def test_a_recipe_that_is_not_utf8_is_one_line(tmp_path):
    recipe = tmp_path / "latin1.toml"
    recipe.write_bytes('# café\n[data]\ndataset = "sklearn:iris"\n'.encode("latin-1"))
    one_line_error(run(recipe, tmp_path / "o"), f"{recipe}: not UTF-8 text (byte 6)", tmp_path / "o")


# 5. The resolved recipe.toml reads back as the recipe that ran.

def test_to_toml_reads_back_unchanged():
    import tomllib

    from synthaug._recipe_toml import to_toml

    text = 'p😀 "quoted" \\ back\tslash\nnew\x7fdel\x00é'
    recipe = {"data": {"path": text, "seed": 2**64 - 1}, "model": {"generator_dims": [16, 8], "weight": 1e-7},
              "sample": {"per_class": {text: 3, "plain": 0, "a b": 1}}, "share": {"gates": {"near_copies": 0.05}}}
    assert tomllib.loads(to_toml(recipe)) == recipe


def test_a_runs_resolved_recipe_reruns_to_the_same_recipe(tmp_path, monkeypatch):
    """An emoji in a path was written as a JSON surrogate pair: the resolved file was 'not valid TOML'."""
    monkeypatch.chdir(tmp_path)
    patients(tmp_path / "p😀.csv")
    (tmp_path / "r.toml").write_text('[data]\npath = "p😀.csv"\ntarget = "outcome"\n'
                                     '[sample]\nper_class = { well = 3, ill = 2 }\n', encoding="utf-8")
    first = run(tmp_path / "r.toml", tmp_path / "out", *TINY)
    assert first.exit_code == 0, first.output
    resolved = load_recipe(tmp_path / "out" / "recipe.toml")
    assert resolved["data"] == {"path": str(tmp_path / "p😀.csv"), "target": "outcome", "seed": 0}  # absolute
    assert set(resolved["sha256"]) == {"data.path"}
    assert resolved["sample"] == {"per_class": {"well": 3, "ill": 2}}
    second = run(tmp_path / "out" / "recipe.toml", tmp_path / "again")
    assert second.exit_code == 0, second.output
    assert (tmp_path / "again" / "recipe.toml").read_bytes() == (tmp_path / "out" / "recipe.toml").read_bytes()


@pytest.mark.parametrize(("override", "message"), [
    ("model.generator_dims=[16, null]", "model.generator_dims: null inside a list or inline table"),
    ('share.gates={"near_copies": null}', "share.gates: null inside a list or inline table"),
])
def test_a_null_inside_a_value_is_refused_not_written_as_text(override, message, tmp_path):
    """It was written to the resolved recipe.toml as the text "None"."""
    recipe = tmp_path / "r.toml"
    recipe.write_text('[data]\ndataset = "sklearn:iris"\n' + ("[share]\n" if override.startswith("share") else ""))
    one_line_error(run(recipe, tmp_path / "o", override), message, tmp_path / "o")


# 6. Keys a recipe of one modality accepted and then ignored.

DIGITS = '[data]\ndataset = "sklearn:digits"\nrows_per_class = 3\nholdout = false\n[model]\nsteps = 2\n'
IRIS = '[data]\ndataset = "sklearn:iris"\n'


@pytest.mark.parametrize(("recipe_text", "message"), [
    (DIGITS + '[evaluate]\nratios = [1.0]\n', "evaluate.ratios is not used by an image recipe"),
    (DIGITS + '[evaluate]\nbaselines = ["smote"]\n', "evaluate.baselines is not used by an image recipe"),
    (DIGITS.replace("holdout = false", 'target = "digit"'), "data.target is not used by an image recipe"),
    (DIGITS.replace("holdout = false", "holdout = true"), "data.holdout is not used by an image recipe"),
    (IRIS + "[evaluate]\nsteps = 100\n", "evaluate.steps is not used by a table recipe"),
    (IRIS + "holdout = true\n", "data.holdout = true needs data.rows_per_class"),
])
def test_keys_the_recipes_modality_would_ignore_are_refused(recipe_text, message, tmp_path):
    recipe = tmp_path / "r.toml"
    recipe.write_text(recipe_text)
    one_line_error(run(recipe, tmp_path / "o"), message, tmp_path / "o")


def test_an_image_run_draws_no_holdout_rows(tmp_path):
    """Without holdout = false an image run asked for twice rows_per_class (digits has about 125
    per class outside the test set, so 100 failed) and never used the second half."""
    recipe = tmp_path / "r.toml"
    recipe.write_text(DIGITS.replace("rows_per_class = 3\nholdout = false\n", "rows_per_class = 100\n"))
    out = tmp_path / "out"
    result = run(recipe, out, "model.width=8", "sample.per_class=1", "evaluate.seeds=1", "evaluate.steps=2")
    assert result.exit_code == 0, result.output
    assert len(np.load(out / "synthetic.npz")["y"]) == 10


def test_a_mistyped_image_folder_is_named_as_not_found(tmp_path, monkeypatch):
    """modality() took the missing folder for a table: 'unknown parameter 'steps' for TabularCGAN'."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "photos").mkdir()
    recipe = _write(tmp_path, '[data]\npath = "photoz"\n[model]\nsteps = 2\n')
    one_line_error(run(recipe, tmp_path / "o"), "data.path: photoz: not found", tmp_path / "o")


def test_a_run_evaluates_without_the_columns_the_model_left_out(tmp_path):
    """fit leaves identifier-like columns (and model.drop) out; the run's evaluation then failed after
    training: "synthetic: column 'patient' of train is missing ... with --drop", an option run lacks."""
    csv = patients(tmp_path / "patients.csv")
    frame = pd.read_csv(csv)
    frame.insert(0, "patient", [f"P{i:03d}" for i in range(len(frame))])
    frame.to_csv(csv, index=False)
    recipe = _write(tmp_path, f'[data]\npath = "{csv.as_posix()}"\ntarget = "outcome"\n[model]\ndrop = ["ward"]\n')
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["run", str(recipe), "-o", str(out), *_sets(TINY)])
    assert result.exit_code == 0, result.output
    note = ("note: evaluated without column(s) 'patient', 'ward', which the model left out (identifier-like, "
            "or its drop)")
    assert note in result.stdout.splitlines(), result.output  # one line, not wrapped at 80 columns
    report = json.loads((out / "report.json").read_text())
    assert report["options"]["drop"] == ["patient", "ward"]
    assert any("without column(s) 'patient', 'ward', which the model left out" in n for n in report["notes"])
    assert "pulse" in pd.read_csv(out / "synthetic.csv")


def test_a_share_run_prints_the_note_on_left_out_columns(tmp_path):
    """A [share] run recorded the note in report.json only; the evaluation run printed it."""
    csv = patients(tmp_path / "patients.csv", n=100)
    frame = pd.read_csv(csv)
    frame.insert(0, "patient", [f"P{i:03d}" for i in range(len(frame))])
    frame.to_csv(csv, index=False)
    recipe = _write(tmp_path, f'[data]\npath = "{csv.as_posix()}"\ntarget = "outcome"\n[share]\n'
                              'max_dcr_share = 1.0\nmax_membership_auc = 1.0\nmax_exact_copies = 1000\n')
    result = CliRunner().invoke(app, ["run", str(recipe), "-o", str(tmp_path / "out"), *_sets(TINY[:5])])
    assert result.exit_code == 0, result.output
    note = "note: evaluated without column(s) 'patient', which the model left out (identifier-like, or its drop)"
    assert note in result.stdout.splitlines(), result.output


def _sets(overrides) -> list[str]:
    return [arg for item in overrides for arg in ("--set", item)]


def test_a_run_names_the_recipe_key_in_the_identifier_warning_and_fit_names_keep(tmp_path):
    """Inside `synthaug run` the warning said '(--keep patient)', an option run lacks; fit keeps it."""
    csv = patients(tmp_path / "patients.csv")
    frame = pd.read_csv(csv)
    frame.insert(0, "patient", [f"P{i:03d}" for i in range(len(frame))])
    frame.to_csv(csv, index=False)
    recipe = _write(tmp_path, f'[data]\npath = "{csv.as_posix()}"\ntarget = "outcome"\n')
    result = run(recipe, tmp_path / "out", *TINY)
    said = " ".join(result.output.split())
    assert result.exit_code == 0, result.output
    assert ("to model them, model.keep = [\"patient\"] in the recipe (or --set 'model.keep=[\"patient\"]')"
            in said), said
    assert "--keep" not in said
    kept = run(recipe, tmp_path / "kept", *TINY, 'model.keep=["patient"]')  # the suggestion, as given, works
    # fit models it; the evaluation still warns that a kept identifier makes the privacy measures match by it
    assert kept.exit_code == 0 and "dropping identifier-like" not in kept.output, kept.output
    assert "like identifiers" in kept.output
    fitted = CliRunner().invoke(app, ["fit", str(csv), "-t", "outcome", "-o", str(tmp_path / "m"), "-q", "--set",
                                      "epochs=1", "--set", "min_steps=2"])
    assert fitted.exit_code == 0 and "to model them, --keep patient" in fitted.output


def test_a_run_evaluates_with_the_kinds_the_model_was_given_and_infers_the_rest(tmp_path):
    """model.categorical = ["zip", "code"] made the model treat them as categories, and the run's evaluation
    compared the zip by KS and scaled distances and the code as dates. Without it, the evaluation is as before."""
    from tests.conftest import make_zip_table

    csv = tmp_path / "zips.csv"
    make_zip_table(80).to_csv(csv, index=False)
    head = f'[data]\npath = "{csv.as_posix()}"\ntarget = "y"\n'
    runs = {"given": head + '[model]\ncategorical = ["zip", "code"]\n', "inferred": head}
    kinds = {}
    for name, text in runs.items():
        (tmp_path / f"{name}.toml").write_text(text)
        result = run(tmp_path / f"{name}.toml", tmp_path / name, *TINY)
        assert result.exit_code == 0, result.output
        report = json.loads((tmp_path / name / "report.json").read_text())
        kinds[name] = {m["column"]: m["kind"] for m in report["fidelity"]["marginals"]}
    assert kinds["given"] == {"x": "numeric", "zip": "categorical", "code": "categorical", "y": "categorical"}
    assert kinds["inferred"] == {"x": "numeric", "zip": "numeric", "code": "date", "y": "categorical"}


def test_an_image_recipe_counts_images_not_rows(tmp_path):
    """'data.rows_per_class: class 'crack line' has 8 rows outside the test set' for an image recipe."""
    recipe = _write(tmp_path, DIGITS.replace("rows_per_class = 3", "rows_per_class = 500"))
    result = run(recipe, tmp_path / "o")
    one_line_error(result, "data.rows_per_class: class 8 has 122 images outside", tmp_path / "o")
    assert "every training image" in " ".join(result.output.split())
    recipe = _write(tmp_path, DIGITS + "[sample]\nratio = 0.0001\n")
    one_line_error(run(recipe, tmp_path / "o"), "is 0 images; ask for more", tmp_path / "o")
