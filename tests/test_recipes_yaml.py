"""YAML recipes: the tables of a TOML recipe, read to the same recipe, with YAML 1.1's pitfalls refused
in one line naming the file, the key and the line."""

import hashlib
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from synthaug import DataError
from synthaug._recipe_toml import to_toml
from synthaug.cli import app
from synthaug.recipe import load_recipe

RECIPES = Path(__file__).parents[1] / "recipes"
README = Path(__file__).parents[1] / "README.md"
TWINS = sorted(RECIPES.glob("*.toml"))


def test_every_shipped_recipe_has_a_yaml_twin_and_no_yaml_is_alone():
    assert {p.stem for p in RECIPES.glob("*.yaml")} == {p.stem for p in TWINS}


@pytest.mark.parametrize("toml", TWINS, ids=lambda p: p.stem)
def test_each_yaml_recipe_loads_to_exactly_its_toml_twin(toml):
    """Equal dicts (and the same recipe.toml text: 5.0 == 5 in Python, not in the file), so they cannot drift."""
    from_toml, from_yaml = load_recipe(toml), load_recipe(toml.with_suffix(".yaml"))
    assert from_yaml == from_toml and to_toml(from_yaml) == to_toml(from_toml)
    comments = [[line for line in p.read_text().splitlines() if line.startswith("#")] for p in
                (toml, toml.with_suffix(".yaml"))]
    assert len(comments[1]) == len(comments[0]) + 1  # the same header, and a line naming the twin


def test_the_readme_yaml_example_is_its_toml_example(tmp_path):
    section = README.read_text().split("### Recipes")[1].split("\n### ")[0]
    blocks = {kind: re.search(rf"```{kind}\n(.*?)```", section, flags=re.S)[1] for kind in ("toml", "yaml")}
    for kind, text in blocks.items():
        (tmp_path / f"r.{kind}").write_text(text)
    assert load_recipe(tmp_path / "r.yaml") == load_recipe(tmp_path / "r.toml")


@pytest.mark.parametrize("suffix", [".yaml", ".yml", ".YAML", ".Yml"])
def test_a_yaml_recipe_is_read_by_its_suffix_whatever_its_case(suffix, tmp_path):
    path = tmp_path / f"r{suffix}"  # it was refused: "recipes are TOML, not YAML"
    path.write_text("data:\n  dataset: sklearn:iris\nmodel:\n  epochs: 5\n")
    assert load_recipe(path, ["model.min_steps=7"]) == {"data": {"dataset": "sklearn:iris"},
                                                        "model": {"epochs": 5, "min_steps": 7}}


@pytest.mark.parametrize(("text", "expected"), [
    ("data:\n  dataset: sklearn:iris\nmodel:\n  generator_dims: &dims [16, 8]\n  discriminator_dims: *dims\n",
     {"generator_dims": [16, 8], "discriminator_dims": [16, 8]}),  # anchors and aliases
    ("data:\n  dataset: sklearn:iris\nmodel:\n  <<: {epochs: 3, min_steps: 9}\n  min_steps: 2\n",
     {"epochs": 3, "min_steps": 2}),  # a merge key; the explicit key wins
    ("data:\n  dataset: sklearn:iris\nmodel:\n  generator_lr: 2e-4\n", {"generator_lr": 0.0002}),  # YAML 1.1: text
    ("data:\n  dataset: sklearn:iris\nmodel:\n  label_filter: null\n", {"label_filter": None}),  # as --set ...=null
    ("data:\n  dataset: sklearn:iris\nmodel:\n", {}),  # an empty table, as an empty [model]
    ("data:\n  dataset: sklearn:iris\nmodel:\n  spectral_norm: no\n", {"spectral_norm": False}),  # a boolean key
])
def test_what_yaml_may_write_reads_as_toml_would(text, expected, tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text(text)
    assert load_recipe(path)["model"] == expected


def test_mapping_keys_are_text_as_in_toml(tmp_path):
    """``per_class: {0: 10, no: 5}`` gave the int 0 and the boolean False; TOML's ``{0 = 10, no = 5}`` gives text."""
    (tmp_path / "r.yaml").write_text("data:\n  dataset: sklearn:iris\nsample:\n  per_class: {0: 10, 1: 20, no: 5}\n")
    (tmp_path / "r.toml").write_text('[data]\ndataset = "sklearn:iris"\n[sample]\n'
                                     'per_class = {0 = 10, 1 = 20, no = 5}\n')
    assert load_recipe(tmp_path / "r.yaml") == load_recipe(tmp_path / "r.toml")
    assert load_recipe(tmp_path / "r.yaml")["sample"]["per_class"] == {"0": 10, "1": 20, "no": 5}


@pytest.mark.parametrize(("text", "message"), [
    ("data:\n  dataset: sklearn:iris\nmodel:\n  epochs: 5\n  epochs: 6\n",
     "model.epochs: given twice (lines 4 and 5); YAML would keep the last silently"),
    ("data:\n  dataset: sklearn:iris\ndata:\n  dataset: sklearn:wine\n", "data: given twice (lines 1 and 3)"),
    ("data:\n  path: t.csv\n  target: 2024-01-01\n",
     "data.target: 2024-01-01 (line 3) was read as a date, which no recipe key takes; quote it for the text: "
     "'2024-01-01'"),
    ("data:\n  path: t.csv\n  target: no\n",
     "data.target: no (line 3) was read as the boolean false (YAML reads yes/no/on/off as booleans), but "
     "data.target takes no boolean; quote it for the text: 'no'"),
    ("data:\n  dataset: sklearn:iris\nmodel:\n  loss: on\n", "model.loss: on (line 4) was read as the boolean true"),
    ("data:\n  dataset: sklearn:iris\nevaluate:\n  baselines: [smote, off]\n",
     "evaluate.baselines: off (line 4) was read as the boolean false"),
    ("data:\n  path: t.csv\n  target:\n", "data.target is empty (null, line 3); give it a value, or delete the line"),
    ("data:\n  dataset: sklearn:iris\nmodel:\n  generator_dims: [16, ~]\n",
     "an item of model.generator_dims is empty (null, line 4)"),
    ("- data\n- model\n", "the top level is a list, not a mapping of tables (data:, model:, sample:, ...)"),
    ("sklearn:iris\n", "the top level is a single value ('sklearn:iris'), not a mapping of tables"),
    ("data:\n  dataset: sklearn:iris\n   test_size: 0.3\n",
     "not valid YAML (line 3, column 13): mapping values are not allowed here"),
    ("data:\n  dataset: sklearn:iris\n---\nmodel: {}\n",
     "not valid YAML (line 3, column 1): expected a single document in the stream; but found another document"),
    ("data: !!python/object/apply:os.system [echo]\n", "not valid YAML (line 1, column 7): could not determine a "
     "constructor for the tag 'tag:yaml.org,2002:python/object/apply:os.system'"),
    ('[data]\ndataset = "sklearn:iris"\n', "not valid YAML (line 2, column 1): expected '<document start>', but "
     "found '<scalar>' (the file is TOML: a TOML recipe's name ends in .toml)"),
    ("data:\n  dataset: sklearn:iris\n  seed: 010\n", "data.seed: 010 (line 3) was read as an octal number"),
    ("data:\n  dataset: sklearn:iris\nsample:\n  n: 1:30\n", "sample.n: 1:30 (line 4) was read as a base-60 number"),
    ("data:\n  dataset: sklearn:iris\nmodel:\n  generator_dims: &a [16, *a]\n",
     "model.generator_dims: an alias refers to itself (line 4)"),
    ("data:\n  dataset: sklearn:iris\nmodel:\n  epoch: 5\n", "model: unknown parameter 'epoch' for TabularCGAN"),
    ("data:\n  dataset: sklearn:iris\nmodel:\n  a: &a0 [x, x, x, x, x, x, x, x, x]\n" + "".join(  # a billion laughs
        f"  b{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 9)),  # hung for minutes
     "its aliases expand it to 490,329,058 values (a recipe holds a few dozen; at most 100,000 are read)"),
    ("data:\n  dataset: sklearn:iris\n  target: income\n  dataset: sklearn:wine\n", "data.dataset: given twice"),
    ("data:\n  dataset: sklearn:iris\nsample:\n  n: 0\n", "sample.n: must be a whole number >= 1, got 0"),
])
def test_yaml_pitfalls_are_one_line_naming_the_file_key_and_line(text, message, tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text(text)
    result = CliRunner().invoke(app, ["run", str(path), "-o", str(tmp_path / "o"), "-q"])
    said = " ".join(result.output.split())
    assert result.exit_code == 2 and len(result.output.strip().splitlines()) == 1, result.output
    assert f"{path}: {message}" in said, said
    assert not (tmp_path / "o").exists()


def test_a_yaml_recipe_that_is_not_utf8_names_the_byte(tmp_path):
    path = tmp_path / "r.yml"
    path.write_bytes("data:\n  path: caf\u00e9.csv\n  target: y\n".encode("latin-1"))
    with pytest.raises(DataError, match=re.escape(f"{path}: not UTF-8 text (byte 18); save the recipe as UTF-8")):
        load_recipe(path)


def _tiny_table(folder: Path) -> Path:
    frame = pd.DataFrame({"x": np.arange(60.0), "y": np.arange(60.0) % 7, "label": ["a", "b"] * 30})
    frame.to_csv(folder / "t.csv", index=False)
    return folder / "t.csv"


TINY_TOML = ('[data]\npath = "t.csv"\ntarget = "label"\n[model]\nepochs = 1\nmin_steps = 5\ngenerator_dims = [8]\n'
             'discriminator_dims = [8]\nlatent_dim = 4\n[evaluate]\nseeds = 1\nratios = [1.0]\n')
TINY_YAML = ("data:\n  path: t.csv\n  target: label\nmodel:\n  epochs: 1\n  min_steps: 5\n  generator_dims: [8]\n"
             "  discriminator_dims: [8]\n  latent_dim: 4\nevaluate:\n  seeds: 1\n  ratios: [1.0]\n")


def test_a_yaml_run_writes_the_recipe_toml_its_toml_twin_resolves_to_and_checks_its_sha256(tmp_path, monkeypatch):
    """One path after reading: --set, the resolved recipe.toml with absolute paths and [sha256], and
    a digest a YAML recipe gives refusing a changed file."""
    from synthaug._run import named_files, resolved_recipe

    monkeypatch.chdir(tmp_path)
    csv = _tiny_table(tmp_path)
    (tmp_path / "r.toml").write_text(TINY_TOML)
    (tmp_path / "r.yaml").write_text(TINY_YAML)
    result = CliRunner().invoke(app, ["run", "r.yaml", "-o", "out", "-q", "--set", "data.seed=4"])
    assert result.exit_code == 0, result.output
    twin = load_recipe("r.toml", ["data.seed=4"])
    digest = hashlib.sha256(csv.read_bytes()).hexdigest()
    written = (tmp_path / "out" / "recipe.toml").read_text()
    assert written == to_toml(resolved_recipe(twin, 4, named_files(twin), {"data.path": digest}))
    assert f'"data.path" = "{digest}"' in written and f'path = "{csv}"' in written and "seed = 4" in written
    (tmp_path / "pinned.yaml").write_text(TINY_YAML + f"sha256:\n  data.path: {'e' * 64}\n")
    result = CliRunner().invoke(app, ["run", "pinned.yaml", "-o", "pinned", "-q"])
    assert result.exit_code == 2, result.output
    assert "pinned.yaml: data.path: t.csv changed since the recipe was written" in " ".join(result.output.split())
    assert not (tmp_path / "pinned").exists()
