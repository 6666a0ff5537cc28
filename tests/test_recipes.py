"""Every shipped recipe runs end to end with a small budget; recipe errors are one line."""

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from synthaug import DataError
from synthaug.cli import app
from synthaug.recipe import load_recipe

RECIPES = sorted((Path(__file__).parents[1] / "recipes").glob("*.toml"))
README = Path(__file__).parents[1] / "README.md"
TABLE_BUDGET = ["model.epochs=1", "model.min_steps=20", "model.generator_dims=[16]",
                "model.discriminator_dims=[16]", "model.latent_dim=8"]
SMALL = {
    "adult": [*TABLE_BUDGET, "evaluate.seeds=1", "data.rows_per_class=30"],
    "breast_cancer": [*TABLE_BUDGET, "evaluate.seeds=1", "evaluate.ratios=[1.0]", "sample.per_class=30"],
    "digits": ["model.steps=10", "model.width=8", "model.grid_every=5", "evaluate.seeds=1", "evaluate.steps=10",
               "sample.per_class=3"],
    "private_release": ["model.epochs=1", "model.generator_dims=[16]", "model.discriminator_dims=[16]",
                        "share.max_dcr_share=1.0", "share.max_membership_auc=1.0", "share.max_exact_copies=1000",
                        "share.gates={near_copies=1.0}"],
}


def adult_like(path: Path, n: int = 400) -> Path:
    rng = np.random.default_rng(0)
    pd.DataFrame({
        "age": rng.integers(17, 90, n), "workclass": rng.choice([" Private", " State-gov", " ?"], n),
        "capital-gain": np.where(rng.random(n) < 0.9, 0, rng.integers(100, 99999, n)),
        "hours-per-week": rng.integers(1, 99, n), "income": rng.choice([" <=50K", " >50K"], n, p=[0.7, 0.3]),
    }).to_csv(path, index=False)
    return path


def test_every_recipe_is_tested():
    assert {p.stem for p in RECIPES} == set(SMALL)


@pytest.mark.parametrize("recipe", RECIPES, ids=lambda p: p.stem)
def test_recipe_runs_with_a_small_budget(recipe, tmp_path):
    overrides = list(SMALL[recipe.stem])
    if recipe.stem == "adult":
        overrides.append(f"data.path={adult_like(tmp_path / 'adult.csv')}")
    args = ["run", str(recipe), "-o", str(tmp_path / "out"), "-q"]
    for item in overrides:
        args += ["--set", item]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    produced = {p.name for p in (tmp_path / "out").iterdir()}
    assert "recipe.toml" in produced
    if recipe.stem == "private_release":
        assert {"release", "gates.json"} <= produced
        assert "card.json" in {p.name for p in (tmp_path / "out" / "release").iterdir()}
    else:
        assert {"model", "report.json", "report.html"} <= produced
    resolved = (tmp_path / "out" / "recipe.toml").read_text()
    assert overrides[0].split("=")[1] in resolved
    # the README said every run writes "the data splits" (images write none), and not what a [share] run writes
    recipes_section = README.read_text().split("### Recipes")[1].split("\n### ")[0]
    if recipe.stem == "private_release":
        produced = {"release/" if name == "release" else name for name in produced}
        produced |= {p.name for p in (tmp_path / "out" / "release").iterdir()}
    assert all(f"`{name}`" in recipes_section for name in produced), (produced, recipes_section)


@pytest.mark.parametrize(
    ("override", "message"),
    [("model.epoch=3", "unknown parameter 'epoch'"), ("model.epochs=many", "epochs expects a number"),
     ("sample.ration=2", "unknown key sample.ration (did you mean 'ratio'?)"),
     ("evaluate.seeds=1.5", "evaluate.seeds expects int"), ("modle.epochs=1", "unknown table [modle]"),
     ("epochs=1", "expected TABLE.KEY=VALUE")],
)
def test_recipe_errors_are_one_line(override, message, tmp_path):
    result = CliRunner().invoke(app, ["run", str(RECIPES[0]), "--set", override, "-o", str(tmp_path / "o")])
    assert result.exit_code == 2 and message in " ".join(result.output.split()), result.output
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize(
    ("override", "message"),
    [('model.drop=["wardd"]', """error: --set model.drop=["wardd"]: model.drop: no column 'wardd'"""),
     ('model.categorical=["wardd"]',
      """error: --set model.categorical=["wardd"]: model.categorical: no column 'wardd'"""),
     ('model.keep=["wardd"]', """error: --set model.keep=["wardd"]: model.keep: no column 'wardd'"""),
     ("model.dp_epsilon=0", "model.dp_epsilon must be a positive number; got 0"),
     ("model.gumbel_tau=0", "model.gumbel_tau must be > 0; got 0"),
     ("evaluate.ratios=[0.001]",
      "error: --set evaluate.ratios=[0.001]: evaluate.ratios: 0.001 of 50 training rows adds no synthetic record")],
)
def test_errors_name_the_recipe_key(override, message, tmp_path):
    result = CliRunner().invoke(app, ["run", str(RECIPES[1]), "--set", override, "-o", str(tmp_path / "o"), "-q"])
    assert result.exit_code == 2 and len(result.output.splitlines()) == 1, result.output
    assert message in result.output and "[model] model." not in result.output
    assert not (tmp_path / "o").exists()


def test_resolved_recipe_records_the_seed_and_no_none_text(tmp_path):
    args = ["run", str(RECIPES[1]), "-o", str(tmp_path / "out"), "-q", "--seed", "7",
            "--set", "model.privacy_filter=null", "--set", "data.seed=3"]  # --seed wins over the recipe's
    for item in SMALL["breast_cancer"]:
        args += ["--set", item]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    resolved = load_recipe(tmp_path / "out" / "recipe.toml")
    assert resolved["data"]["seed"] == 7 and "privacy_filter" not in resolved["model"]
    assert "privacy_filter=null" in (tmp_path / "out" / "recipe.toml").read_text()


@pytest.mark.parametrize(("override", "message"), [
    ("data.test_size=1.5", "data.test_size: must be a share between 0 and 1"),
    ("data.test_size=0.99", "data.test_size: 0.99 cannot be split stratified"),
    ("data.rows_per_class=0", "data.rows_per_class: must be at least 1, got 0"),
    ("data.path='solo.csv'", "data.target: class 'solo' has 1 row; a stratified test split needs at least 2"),
    ("data.target=x", "data.target: 30 distinct values in 30 rows, 30 of them in one row only: is it the class "
                      "label?"),  # it named a value of the column: class 0.0 has 1 row
])
def test_splits_scikit_learn_refuses_are_one_line(override, message, tmp_path, monkeypatch):
    """They used to end in scikit-learn's traceback (or, rows_per_class=0, in a misleading one-class error)."""
    monkeypatch.chdir(tmp_path)
    frame = pd.DataFrame({"x": np.arange(30.0), "label": ["solo"] + ["a", "b"] * 14 + ["a"]})
    frame.to_csv("solo.csv", index=False)
    recipe = tmp_path / "r.toml"
    recipe.write_text('[data]\ndataset = "sklearn:iris"\n[model]\nmin_steps = 2\n')
    if override.startswith(("data.path", "data.target")):
        recipe.write_text('[data]\npath = "solo.csv"\ntarget = "label"\n[model]\nmin_steps = 2\n')
        override = "data.test_size=0.3" if override.startswith("data.path") else override
    result = CliRunner().invoke(app, ["run", str(recipe), "--set", override, "-o", str(tmp_path / "o"), "-q"])
    assert result.exit_code == 2 and message in " ".join(result.output.split()), result.output
    assert len(result.output.strip().splitlines()) == 1 and not (tmp_path / "o").exists()


def test_an_image_recipe_with_share_is_refused_not_run_ungated(tmp_path):
    recipe = tmp_path / "r.toml"
    recipe.write_text('[data]\ndataset = "sklearn:digits"\n[model]\nsteps = 2\n[share]\nmax_dcr_share = 0.5\n')
    result = CliRunner().invoke(app, ["run", str(recipe), "-o", str(tmp_path / "o"), "-q"])
    assert result.exit_code == 2 and "[share]: a gated release is for tables" in result.output, result.output
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize(("extra", "message"), [
    ("[sample]\nper_class = 5\n", "[sample]: not used by a [share] release"),
    ("", "data.rows_per_class: not used by a [share] release"),
])
def test_keys_a_share_recipe_would_ignore_are_refused(extra, message, tmp_path):
    """They were silently ignored: the release had share's own split and sample size."""
    recipe = tmp_path / "r.toml"
    rows = "" if extra else "rows_per_class = 20\n"
    recipe.write_text(f'[data]\ndataset = "sklearn:wine"\n{rows}[model]\nmin_steps = 2\n{extra}'
                      '[share]\nholdout = 0.2\n')
    result = CliRunner().invoke(app, ["run", str(recipe), "-o", str(tmp_path / "o"), "-q"])
    assert result.exit_code == 2 and message in result.output, result.output
    assert not (tmp_path / "o").exists()


def test_two_share_requests_are_refused_naming_the_recipe_before_the_data_is_read(tmp_path):
    """It said "ask for exactly one of share.n, ..." naming no file, once the data was read."""
    recipe = tmp_path / "r.toml"
    recipe.write_text('[data]\npath = "missing.csv"\ntarget = "y"\n[model]\nmin_steps = 2\n'
                      '[share]\nper_class = {0 = 100, 1 = 500}\nbalance = true\n')
    result = CliRunner().invoke(app, ["run", str(recipe), "-o", str(tmp_path / "o"), "-q"])
    assert result.exit_code == 2 and result.output.strip() == (
        f"error: {recipe}: [share] takes at most one of n, per_class, balance = true or ratio (got per_class, "
        "balance)"), result.output
    assert not (tmp_path / "o").exists()
    assert load_recipe(recipe, ["share.n=50"])["share"] == {"n": 50}  # one --set replaces both


def _wine_recipe(tmp_path, extra: str = "") -> Path:
    recipe = tmp_path / "r.toml"
    recipe.write_text('[data]\ndataset = "sklearn:wine"\n[model]\nmin_steps = 2\nepochs = 1\n'
                      'generator_dims = [8]\ndiscriminator_dims = [8]\n' + extra)
    return recipe


def test_run_refuses_a_folder_of_other_files_and_replaces_an_earlier_run(tmp_path):
    """A run replaces its whole -o folder: `run recipe.toml -o data/` deleted the data beside the recipe."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "patients.csv").write_text("x,label\n1,a\n")
    (data / "recipe.toml").write_text("")  # a recipe alone does not make a run folder
    recipe = _wine_recipe(tmp_path, "[evaluate]\nseeds = 1\n")
    result = CliRunner().invoke(app, ["run", str(recipe), "-o", str(data), "-q"])
    assert result.exit_code == 2 and "is not the folder of an earlier run" in result.output, result.output
    assert (data / "patients.csv").read_text() == "x,label\n1,a\n"
    out = tmp_path / "out"
    for _ in range(2):  # the second run replaces the first
        result = CliRunner().invoke(app, ["run", str(recipe), "-o", str(out), "-q"])
        assert result.exit_code == 0, result.output
    assert {"model", "recipe.toml", "report.json"} <= {p.name for p in out.iterdir()}
    (out / "model" / "notes.txt").write_text("mine")  # a file the user put into an earlier run is not deleted
    result = CliRunner().invoke(app, ["run", str(recipe), "-o", str(out), "-q"])
    assert result.exit_code == 2 and "holds model/notes.txt, which synthaug did not write there" in result.output
    assert (out / "model" / "notes.txt").read_text() == "mine"



def test_null_removes_a_recipe_key_but_stays_none_for_a_model_parameter():
    # --set data.rows_per_class=null was "expects int, got None": a recipe's key could not be unset,
    # so a recipe with rows_per_class failed on a table whose classes were small
    recipe = load_recipe(Path(__file__).parents[1] / "recipes" / "breast_cancer.toml", ["data.rows_per_class=null",
                         "data.holdout=null", "model.label_filter=null"])
    assert "rows_per_class" not in recipe["data"] and "holdout" not in recipe["data"]
    assert "label_filter" in recipe["model"] and recipe["model"]["label_filter"] is None


def test_a_yaml_recipe_named_toml_is_told_how_yaml_recipes_are_named(tmp_path):
    # YAML recipes are read by their name (tests/test_recipes_yaml.py); a .toml file is TOML
    path = tmp_path / "recipe.toml"
    path.write_text("data:\n  dataset: sklearn:iris\nmodel:\n  epochs: 5\n")
    result = CliRunner().invoke(app, ["run", str(path), "-o", str(tmp_path / "o")])
    said = " ".join(result.output.split())
    assert result.exit_code == 2 and len(result.output.strip().splitlines()) == 1, result.output
    assert f"{path}: not valid TOML (" in said and "); a YAML recipe's name ends in .yaml or .yml" in said


def test_a_missing_data_path_names_the_recipe_key_and_where_relative_paths_are_read(tmp_path):
    """`run recipes/adult.toml` said only `adult.csv: file not found`: neither the key nor the folder."""
    recipe = Path(__file__).parents[1] / "recipes" / "adult.toml"
    result = CliRunner().invoke(app, ["run", str(recipe), "-o", str(tmp_path / "out"), "--set", "data.path=nope.csv"])
    assert result.exit_code == 2, result.output
    assert "data.path: nope.csv: not found (a relative path is read from the current folder" in result.output
    assert not (tmp_path / "out").exists()


def _tiny_table_recipe(folder: Path) -> Path:
    (folder / "data").mkdir()
    frame = pd.DataFrame({"x": np.arange(60.0), "y": np.arange(60.0) % 7, "label": ["a", "b"] * 30})
    frame.to_csv(folder / "data" / "t.csv", index=False)
    recipe = folder / "r.toml"
    recipe.write_text('[data]\npath = "data/t.csv"\ntarget = "label"\n[model]\nepochs = 1\nmin_steps = 5\n'
                      'generator_dims = [8]\ndiscriminator_dims = [8]\nlatent_dim = 4\n'
                      '[evaluate]\nseeds = 1\nratios = [1.0]\n')
    return recipe


def test_the_resolved_recipe_records_absolute_paths_and_sha256_and_a_rerun_refuses_a_changed_file(tmp_path,
                                                                                                  monkeypatch):
    """It kept data.path = "data/t.csv" as given and no hash: rerun from another folder, or after the CSV
    changed, it silently read another file."""
    import hashlib

    monkeypatch.chdir(tmp_path)
    recipe = _tiny_table_recipe(tmp_path)
    csv = tmp_path / "data" / "t.csv"
    assert CliRunner().invoke(app, ["run", str(recipe), "-o", "out", "-q"]).exit_code == 0
    resolved = load_recipe(tmp_path / "out" / "recipe.toml")
    assert resolved["data"]["path"] == str(csv)
    assert resolved["sha256"] == {"data.path": hashlib.sha256(csv.read_bytes()).hexdigest()}
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # an absolute path reads the same file from any folder
    assert CliRunner().invoke(app, ["run", str(tmp_path / "out" / "recipe.toml"), "-o", "again", "-q"]).exit_code == 0
    with open(csv, "a") as handle:
        handle.write("1.0,1.0,a\n")
    args = ["run", str(tmp_path / "out" / "recipe.toml"), "-o", "changed", "-q"]
    result = CliRunner().invoke(app, args)
    said = " ".join(result.output.split())
    assert result.exit_code == 2 and len(result.output.strip().splitlines()) == 1, result.output
    assert f"error: {tmp_path / 'out' / 'recipe.toml'}: data.path: {csv} changed since the recipe was written" in said
    assert "--set sha256.data.path=null" in said and not (elsewhere / "changed").exists()
    result = CliRunner().invoke(app, [*args, "--set", "sha256.data.path=null"])  # the documented way to accept it
    assert result.exit_code == 0, result.output
    assert load_recipe(elsewhere / "changed" / "recipe.toml")["sha256"]["data.path"] == \
        hashlib.sha256(csv.read_bytes()).hexdigest()


def _resolved_with_digests(tmp_path) -> Path:
    schema = tmp_path / "schema.json"
    schema.write_text("{}")
    recipe = tmp_path / "resolved.toml"
    recipe.write_text(f'[data]\npath = "{tmp_path / "t.csv"}"\ntarget = "label"\n'
                      f'[model]\npublic_schema = "{schema}"\n[sha256]\n"data.path" = "{"a" * 64}"\n'
                      f'"model.public_schema" = "{"b" * 64}"\n')
    return recipe


def test_a_set_of_a_file_key_drops_its_digest_and_nothing_else(tmp_path):
    """The digest was of the file the key named before; --set data.dataset replaces data.path too."""
    recipe = _resolved_with_digests(tmp_path)
    assert set(load_recipe(recipe)["sha256"]) == {"data.path", "model.public_schema"}
    assert set(load_recipe(recipe, ["data.path=other.csv"])["sha256"]) == {"model.public_schema"}
    assert set(load_recipe(recipe, ["data.dataset=sklearn:wine"])["sha256"]) == {"model.public_schema"}
    assert load_recipe(recipe, ["model.public_schema=s.json", "data.path=o.csv"])["sha256"] == {}
    assert "data.path" not in load_recipe(recipe, ["sha256.data.path=null"])["sha256"]


@pytest.mark.parametrize(("text", "override", "message"), [
    ('[sha256]\n"data.path" = "abc"\n', None, "sha256.data.path: must be a SHA-256 (64 hexadecimal digits"),
    ("", "sha256.data.path=xyz", "--set sha256.data.path=xyz: sha256.data.path: must be a SHA-256"),
    (f'[sha256]\n"model.public_schema" = "{"c" * 64}"\n', None,
     "sha256.\"model.public_schema\" is the SHA-256 of a file, but the recipe's model.public_schema names none"),
    ("", "sha256.data.pth=x", "unknown key sha256.data.pth (did you mean 'data.path'?)"),
])
def test_a_bad_sha256_table_is_one_line(text, override, message, tmp_path):
    recipe = tmp_path / "r.toml"
    recipe.write_text('[data]\npath = "t.csv"\ntarget = "label"\n' + text)
    args = ["run", str(recipe), "-o", str(tmp_path / "o"), "-q"] + (["--set", override] if override else [])
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2 and message in " ".join(result.output.split()), result.output
    assert not (tmp_path / "o").exists()


def test_unquoted_dotted_keys_in_sha256_are_read_as_the_quoted_ones(tmp_path):
    recipe = tmp_path / "r.toml"  # TOML reads data.path = "..." in [sha256] as a table data = {path = ...}
    recipe.write_text(f'[data]\npath = "t.csv"\ntarget = "label"\n[sha256]\ndata.path = "{"d" * 64}"\n')
    assert load_recipe(recipe)["sha256"] == {"data.path": "d" * 64}


def test_a_changed_public_schema_is_refused_before_training(tmp_path, monkeypatch):
    from synthaug._provenance import file_sha256
    from synthaug._recipe_toml import to_toml
    from synthaug._run import named_files, resolved_recipe
    from synthaug.tabular.synthesizer import TabularCGAN

    monkeypatch.chdir(tmp_path)
    pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0], "label": ["a", "b"] * 2}).to_csv("t.csv", index=False)
    (tmp_path / "s.json").write_text("{}")
    recipe = {"data": {"path": "t.csv", "target": "label"}, "model": {"public_schema": "s.json"}}
    paths = named_files(recipe)
    digests = {key: file_sha256(path) for key, path in paths.items()}
    resolved = resolved_recipe(recipe, 5, paths, digests)
    assert resolved["model"]["public_schema"] == str(tmp_path / "s.json") and resolved["data"]["seed"] == 5
    assert recipe["model"]["public_schema"] == "s.json"  # the recipe run is not changed
    (tmp_path / "resolved.toml").write_text(to_toml(resolved))
    (tmp_path / "s.json").write_text('{"edited": true}')
    monkeypatch.setattr(TabularCGAN, "fit", lambda *a, **k: pytest.fail("trained"))
    result = CliRunner().invoke(app, ["run", "resolved.toml", "-o", "o", "-q"])
    assert result.exit_code == 2 and "error: resolved.toml: model.public_schema: " in result.output, result.output
    assert "changed since the recipe was written" in " ".join(result.output.split())


def test_an_image_folder_digest_covers_the_images_read_and_nothing_else(tmp_path):
    from PIL import Image

    from synthaug._provenance import folder_sha256

    root = tmp_path / "images"
    for label in ("cat", "dog"):
        (root / label).mkdir(parents=True)
        for i in range(2):
            Image.fromarray(np.full((4, 4), 40 * i, np.uint8)).save(root / label / f"{i}.png")
    first = folder_sha256(root)
    (root / "README.txt").write_text("notes")  # not read by read_images
    (root / "dog" / "notes.txt").write_text("notes")
    (root / "run" / "model").mkdir(parents=True)  # a run's model folder inside: skipped by read_images
    (root / "run" / "model" / "model.json").write_text("{}")
    assert folder_sha256(root) == first
    Image.fromarray(np.full((4, 4), 99, np.uint8)).save(root / "dog" / "1.png")  # edited
    edited = folder_sha256(root)
    assert edited != first
    (root / "dog" / "1.png").rename(root / "cat" / "9.png")  # moved to another class: same bytes, new label
    assert folder_sha256(root) not in (first, edited)


@pytest.mark.parametrize("order", [["data.path=mine.csv", "data.dataset=null"],
                                   ["data.dataset=null", "data.path=mine.csv"]])
def test_a_null_removes_only_its_own_key_of_a_group(order, tmp_path):
    """`--set data.path=X --set data.dataset=null` failed with "[data] needs path or dataset": the null
    removed data.path too, as a value of data.dataset replaces it. Either order keeps the path now."""
    recipe = tmp_path / "r.toml"
    recipe.write_text('[data]\ndataset = "sklearn:breast_cancer"\n[sample]\nn = 10\n')
    data = load_recipe(recipe, [*order, "data.target=label"])["data"]
    assert data["path"] == "mine.csv" and "dataset" not in data
    assert load_recipe(recipe, ["sample.ratio=2", "sample.n=null"])["sample"] == {"ratio": 2}


@pytest.mark.parametrize(("extra", "message"), [
    ("rows_per_class = 6\n", "class 'b' has 7 rows outside the test set, 12 needed (6 to train on and 6 held "
     "out); set data.rows_per_class to at most 3, or remove it to train on every training row (--set "
     "data.rows_per_class=null)"),
    ("rows_per_class = 6\nholdout = true\n", "set data.rows_per_class to at most 3, or remove it to train on "
     "every training row (--set data.rows_per_class=null --set data.holdout=null)"),
    ("rows_per_class = 8\nholdout = false\n", "class 'b' has 7 rows outside the test set, 8 needed; set "
     "data.rows_per_class to at most 7, or remove it"),
])
def test_too_large_rows_per_class_says_what_fits(extra, message, tmp_path, monkeypatch):
    """It said only "class 'b' has 7 rows outside the test set, 12 needed", not what to do about it."""
    monkeypatch.chdir(tmp_path)
    pd.DataFrame({"x": np.arange(30.0), "label": ["a"] * 20 + ["b"] * 10}).to_csv("t.csv", index=False)
    recipe = tmp_path / "r.toml"
    recipe.write_text(f'[data]\npath = "t.csv"\ntarget = "label"\n{extra}[model]\nmin_steps = 2\n')
    result = CliRunner().invoke(app, ["run", str(recipe), "-o", str(tmp_path / "o"), "-q"])
    said = " ".join(result.output.split())
    assert result.exit_code == 2 and "data.rows_per_class: " in said and message in said, result.output


def _small_recipe(tmp_path) -> Path:
    pd.DataFrame({"x": np.arange(30.0) % 7, "label": ["a"] * 20 + ["b"] * 10}).to_csv(tmp_path / "t.csv", index=False)
    recipe = tmp_path / "r.toml"
    recipe.write_text('[data]\npath = "t.csv"\ntarget = "label"\n[model]\nmin_steps = 2\nepochs = 1\n')
    return recipe


@pytest.mark.parametrize(("override", "starts"), [
    ("data.rows_per_class=6", "error: --set data.rows_per_class=6: data.rows_per_class: class 'b' has 7 rows"),
    ("data.target=lable", "error: --set data.target=lable: data.target: column 'lable' not found"),
    ("sample.per_class=c=5", "error: --set sample.per_class=c=5: sample.per_class"),
])
def test_an_error_found_once_the_data_is_read_names_the_set_that_caused_it(override, starts, tmp_path, monkeypatch):
    """Only errors found while reading the recipe named the --set; those found after reading the data
    (a class too small for rows_per_class, a target that is not a column) named the key alone."""
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["run", str(_small_recipe(tmp_path)), "-o", "o", "-q", "--set", override])
    said = " ".join(result.output.split())
    assert result.exit_code == 2 and said.startswith(starts), result.output


@pytest.mark.parametrize(("line", "starts"), [
    ('target = "lable"', "data.target: column 'lable' not found (did you mean 'label'?)"),
    ("rows_per_class = 6", "data.rows_per_class: class 'b' has 7 rows"),
    ("[sample]\nper_class = {c = 5}", "sample.per_class: unknown class 'c'"),
])
def test_an_error_found_once_the_data_is_read_names_the_recipe_file(line, starts, tmp_path, monkeypatch):
    """`target = "isfraud"` said "data.target: column 'isfraud' not found" without the file, while the errors
    found before the data is read begin with it (`typo4.toml: unknown key ...`)."""
    monkeypatch.chdir(tmp_path)
    recipe = _small_recipe(tmp_path)
    text = recipe.read_text().replace('target = "label"\n', "" if line.startswith("target") else 'target = "label"\n')
    recipe.write_text(text.replace("[model]", f"{line}\n[model]") if line.startswith("[") else
                      text.replace("[data]\n", f"[data]\n{line}\n"))
    result = CliRunner().invoke(app, ["run", str(recipe), "-o", "o", "-q"])
    said = " ".join(result.output.split())
    assert result.exit_code == 2 and said.startswith(f"error: {recipe}: {starts}"), result.output
    assert not (tmp_path / "o").exists()


def test_the_last_set_of_a_key_is_the_one_blamed_or_in_force(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    args = ["run", str(_small_recipe(tmp_path)), "-q", "--set", "data.rows_per_class=6"]
    result = CliRunner().invoke(app, [*args, "--set", "data.rows_per_class=5", "-o", "o1"])
    assert " ".join(result.output.split()).startswith("error: --set data.rows_per_class=5: "), result.output
    result = CliRunner().invoke(app, [*args, "--set", "data.rows_per_class=null", "-o", "o2"])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(("line", "said"), [
    ("dp_epsilon = 1", "dp_epsilon = 1 is outside any table; move the line under [model]"),
    ("holdout = 0.2", "holdout = 0.2 is outside any table; move the line under [data] (or [share])"),
    ("fooo = 2", "fooo = 2 is outside any table; keys go under one of the tables [data], [sample]"),
])
def test_a_key_above_every_table_says_where_it_belongs(line, said, tmp_path):
    """`dp_epsilon = 1` above [data] (TOML puts it in no table) said "unknown table [dp_epsilon]"."""
    recipe = tmp_path / "r.toml"
    recipe.write_text(f'{line}\n[data]\ndataset = "sklearn:iris"\n')
    with pytest.raises(DataError, match=re.escape(f"{recipe}: {said}")):
        load_recipe(recipe)


@pytest.mark.parametrize(("override", "message"), [
    ("evaluate.no_real_images=true", "unknown key evaluate.no_real_images (did you mean 'evaluate.n_pairs = 0'?); "
                                     "[evaluate] takes seeds, steps, n_pairs, judge"),  # no table-only key
    ("evaluate.n_pairs=-1", "evaluate.n_pairs: must be a whole number >= 0, got -1"),
    ("evaluate.judge=test", "evaluate.judge: must be one of 'train', 'train+test', got 'test'"),
    ("sample.per_class=0", "sample.per_class: asks for no synthetic images at all, got 0"),  # said "rows"
])
def test_an_image_recipes_evaluate_keys_are_checked_before_training(override, message, tmp_path):
    digits = Path(__file__).parents[1] / "recipes" / "digits.toml"
    result = CliRunner().invoke(app, ["run", str(digits), "--set", override, "-o", str(tmp_path / "o")])
    assert result.exit_code == 2 and message in " ".join(result.output.split()), result.output
    assert len(result.output.strip().splitlines()) == 1 and not (tmp_path / "o").exists()


def test_a_table_recipe_refuses_the_image_evaluations_keys(tmp_path):
    recipe = tmp_path / "r.toml"
    recipe.write_text('[data]\ndataset = "sklearn:iris"\n[evaluate]\nn_pairs = 0\n')
    result = CliRunner().invoke(app, ["run", str(recipe), "-o", str(tmp_path / "o")])
    assert result.exit_code == 2 and "evaluate.n_pairs is not used by a table recipe" in result.output, result.output


@pytest.mark.parametrize(("text", "message"), [
    # "[data] needs path or dataset" named not the key it had
    ('[data]\nfolder = "train"\n', "unknown key data.folder (did you mean 'data.path'?); [data] takes path, dataset"),
    # an image recipe's unknown [evaluate] key listed ratios, baselines and max_synthetic, which it then refused
    ('[data]\ndataset = "sklearn:digits"\n[evaluate]\nfoo = 1\n',
     "unknown key evaluate.foo; [evaluate] takes seeds, steps, n_pairs, judge"),
    ('[data]\ndataset = "sklearn:iris"\n[evaluate]\nfoo = 1\n',
     "unknown key evaluate.foo; [evaluate] takes seeds, ratios, baselines, max_synthetic"),
    # "an image run measures no privacy", though its report has a privacy section
    ('[data]\ndataset = "sklearn:digits"\nholdout = true\n',
     "data.holdout is not used by an image recipe (an image run holds no images out: its privacy section, exact "
     "copies and nearest-training distances, compares the synthetic images with the training ones"),
    # a table recipe of an image folder asked for data.target
    ('[data]\npath = "{folder}"\nmodality = "table"\n',
     "data.path: {folder} is a folder, but data.modality is 'table'; give a table file, or data.modality = 'image'"),
    ('[data]\npath = "{npz}"\nmodality = "table"\ntarget = "y"\n', "data.path: {npz} is not a table file"),
    # "unknown parameter 'image_size' for TabularCGAN (did you mean 'batch_size'?)"
    ('[data]\ndataset = "sklearn:iris"\n[model]\nimage_size = 16\n',
     "model: image_size is a parameter of the image model (ImageCGAN), but the data was read as a table, so the "
     "model is TabularCGAN, which has no image_size"),
    ('[data]\ndataset = "sklearn:digits"\n[model]\nepochs = 2\n',
     "model: epochs is a parameter of the table model (TabularCGAN), but the data was read as images"),
    ('[data]\ndataset = "sklearn:digits"\n[model]\nimage_size = 7\n',
     "model.image_size must be a whole number of pixels from 8 to 64; got 7"),
])
def test_recipe_errors_of_the_image_trial(text, message, tmp_path):
    (tmp_path / "imgs").mkdir()
    (tmp_path / "d.npz").write_bytes(b"")
    places = {"folder": (tmp_path / "imgs").as_posix(), "npz": (tmp_path / "d.npz").as_posix()}
    recipe = tmp_path / "r.toml"
    recipe.write_text(text.format(**places))
    with pytest.raises(DataError) as info:
        load_recipe(recipe)
    assert str(info.value).startswith(f"{recipe}: {message.format(**places)}"), str(info.value)


def test_an_image_run_writes_its_progress_grids_in_its_folder_and_names_the_dataset_it_resizes(tmp_path, monkeypatch):
    """Grids: model.json had grid_dir null, so none were written. The resize warning named X, not the dataset."""
    import json

    import synthaug.images.evaluate

    monkeypatch.setattr(synthaug.images.evaluate, "evaluate_images", lambda *a, **k: None)  # not what is tested

    recipe = tmp_path / "r.toml"
    recipe.write_text('[data]\ndataset = "sklearn:digits"\nrows_per_class = 2\nholdout = false\n[model]\n'
                      'steps = 2\nwidth = 4\ngrid_every = 1\nimage_size = 12\n[sample]\nper_class = 1\n'
                      '[evaluate]\nseeds = 1\nsteps = 1\nn_pairs = 0\n')
    out = tmp_path / "run"
    for _ in range(2):  # a second run replaces the first, grids and all
        result = CliRunner().invoke(app, ["run", str(recipe), "-o", str(out), "-q"])
        assert result.exit_code == 0, result.output
        assert sorted(p.name for p in (out / "model.grids").iterdir()) == [".synthaug-grids", "step_0000001.png",
                                                                           "step_0000002.png"]
        assert json.loads((out / "model" / "model.json").read_text())["params"]["grid_dir"] == str(out / "model.grids")
    assert "warning: sklearn:digits: 1797 of 1797 images resized to 12x12" in result.output, result.output
    assert "X:" not in result.output
    result = CliRunner().invoke(app, ["run", str(recipe), "-o", str(tmp_path / "none"), "-q", "--set",
                                      "model.grid_dir=null"])
    assert result.exit_code == 0 and not (tmp_path / "none" / "model.grids").exists(), result.output
