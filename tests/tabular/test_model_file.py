"""Loading a tabular model file: every stored parameter and field is checked, and a hand-edited one
is a one-line ModelFileError naming model.json and the field, never a TypeError from deep inside."""

import json
import shutil

import pytest
import torch
from typer.testing import CliRunner

import synthaug
from synthaug import DataError, ModelFileError, TabularCGAN
from synthaug.cli import app


def tampered(table_model, tmp_path, path: tuple, value):
    """A copy of the fixture's model directory with model.json's ``path`` set to ``value`` (``...``: deleted)."""
    folder = tmp_path / "m"
    shutil.copytree(table_model / "m", folder)
    meta = json.loads((folder / "model.json").read_text())
    node = meta
    for key in path[:-1]:
        node = node[key]
    if value is ...:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    (folder / "model.json").write_text(json.dumps(meta))
    return folder


TAMPERED = [  # (path in model.json, value, what the message says) -- before: the error in the comment
    (("seed",), "x",  # ValueError
     r"seed must be a whole number from 0 to 2\*\*64 - 1 \(as text above 2\*\*53 - 1\); got 'x'"),
    (("seed",), True, "seed must be a whole number"),  # loaded, sampled with seed 1
    (("params", "epochs"), "x", "params: epochs must be a whole number >= 1; got 'x'"),  # loaded
    (("params", "strategy"), [1], "params: strategy must be one of conditional, per-class; got \\[1\\]"),  # loaded
    (("params", "random_state"), -1, "params: random_state: must be a whole number"),  # loaded
    (("params", "verbose"), "false", "params: verbose must be True or False"),  # loaded
    (("params", "label_filter"), "x", "params: label_filter must be a quantile"),  # DataError, when sampling
    (("params", "device"), "x", "params: device must be"),  # loaded
    (("params", "clip"), None, "params: clip must be True or False"),  # loaded
    (("network",), "x", "network must be a mapping; got 'x'"),  # ValueError
    (("network", "latent_dim"), 10**30, "network: sizes torch cannot build"),  # TypeError
    (("network", "latent_dim"), 5, r"generator 0 weights do not match model.json: .* has shape"),  # many lines
    (("network", "data_dim"), -1, "network: data_dim must be a whole number >= 0; got -1"),  # RuntimeError
    (("classes",), None, "classes must be a non-empty list of distinct labels"),  # TypeError
    (("classes",), ["no"], "class_counts must be a list of 1 row counts"),  # IndexError when sampling
    (("network", "n_classes"), 3, r"network.n_classes must be 2 \(from encoder, classes and params.strategy\)"),
    (("class_counts",), 0, "class_counts must be a list of 2 row counts"),  # IndexError when sampling
    (("class_counts",), [1], "class_counts must be a list of 2 row counts"),  # loaded, sampled one class only
    (("target", "name"), ["x"], "target.name must be text"),  # ValueError when sampling
    (("target", "dtype"), "x", "target.dtype 'x' cannot hold the classes"),  # TypeError when sampling
    (("columns",), {}, "columns must be the names of the target 'label' and the encoder's 8 columns"),  # loaded
    (("training", "n_rows"), "x", "training.n_rows must be a count >= 1; got 'x'"),  # ValueError
    (("training", "seconds"), None, "training.seconds must be a number >= 0"),  # TypeError
    (("training", "processes"), 0, "training.processes must be a count >= 1; got 0"),
    (("training", "data_sha256"), "x", "training.data_sha256 must be 64 hexadecimal digits"),  # loaded
    (("training", "versions"), ["2.0"], "training.versions must be a mapping of names to version text"),  # loaded
    (("privacy",), {}, r"privacy must be null \(params.dp_epsilon is null\)"),  # loaded
    (("provenance",), 0, "provenance must be a mapping of text to text"),  # loaded
    (("encoder",), None, "encoder must be a mapping"),  # TypeError
    (("encoder", "params"), [1], "encoder.params must be a mapping"),  # TypeError
    (("encoder", "columns"), True, "encoder.columns must be a non-empty list"),  # TypeError
    (("tuple_params",), "betas", "tuple_params must be a list of parameter names"),
    (("column_labels",), {"age": 1}, "column_labels must be a mapping of column names to the numbers"),
]


@pytest.mark.parametrize(("path", "value", "message"), TAMPERED, ids=lambda v: repr(v)[:30])
def test_a_tampered_field_is_a_model_file_error_naming_it(table_model, tmp_path, path, value, message):
    folder = tampered(table_model, tmp_path, path, value)
    with pytest.raises(ModelFileError, match=message) as info:
        synthaug.load(folder).sample_frame(n=5, random_state=0)
    said = str(info.value)
    assert said.startswith(f"{folder}: model.json: ") or said.startswith(f"{folder}: generator 0"), said
    assert "\n" not in said


@pytest.mark.parametrize(("key", "value", "message"), [
    ("lo", "x", "column 'age': state lo must be a finite number; got 'x'"),  # UFuncTypeError when sampling
    ("hi", [1], "column 'age': state hi must be a finite number"),  # loaded, clipped to [1]
    ("has_missing", None, "column 'age': state has_missing must be true or false"),  # TypeError
    ("lo", ..., "column 'age': state key 'lo' is missing"),  # KeyError
])
def test_a_tampered_column_state_names_the_column_and_key(table_model, tmp_path, key, value, message):
    folder = tampered(table_model, tmp_path, ("encoder", "columns", 0, "state", key), value)
    with pytest.raises(ModelFileError, match=f"model.json: encoder.columns: {message}"):
        synthaug.load(folder)


@pytest.mark.parametrize(("column", "dtype"), [(0, "x"), (4, "float64")])  # 'city' holds text
def test_a_column_dtype_that_cannot_decode_is_refused_on_loading(table_model, tmp_path, column, dtype):
    folder = tampered(table_model, tmp_path, ("encoder", "columns", column, "spec", "dtype"), dtype)
    with pytest.raises(ModelFileError, match=f"encoder.columns: column '.+': its stored dtype '{dtype}' and state "
                                             "cannot be decoded"):
        synthaug.load(folder)  # a TypeError or ValueError when sampling


def test_sample_on_a_tampered_model_is_one_line_exit_2_and_no_file(table_model, tmp_path):
    folder = tampered(table_model, tmp_path, ("seed",), "x")
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(app, ["sample", str(folder), "--n", "10", "-o", str(out)])
    assert result.exit_code == 2, result.output
    assert result.output.strip().splitlines() == [
        f"error: {folder}: model.json: seed must be a whole number from 0 to 2**64 - 1 (as text above 2**53 - 1); "
        "got 'x'"]
    assert not out.exists()


@pytest.mark.parametrize(("option", "message"), [
    ({"epochs": "x"}, "epochs must be a whole number >= 1; got 'x'"),  # ValueError from int()
    ({"dropout": None}, r"dropout must be in \[0, 1\); got None"),  # TypeError from float()
    ({"random_state": "x"}, "random_state: must be a whole number"),  # TypeError
    ({"device": "x"}, "device must be 'cpu', 'cuda', 'auto' or another torch device name; got 'x'"),  # RuntimeError
    ({"categorical": None}, "categorical must be a list of column names; got None"),  # TypeError
    ({"privacy_filter": "0.5"}, "privacy_filter must be a positive factor or None; got '0.5'"),  # taken as 0.5
    ({"weight_decay": -1}, "weight_decay must be a finite number >= 0; got -1"),  # trained
])
def test_the_load_checks_are_fits_checks(option, message):
    """One checker for both: what load refuses, fit refuses before reading the data."""
    with pytest.raises(DataError, match=f"^{message}"):
        TabularCGAN(**option).fit(None, None)


def test_whole_numbers_written_as_floats_still_load_and_fit(table_model, tmp_path):
    # the strict check refused "epochs": 1.0, which fit had taken and saved before it (and --set epochs=5.0)
    folder = tampered(table_model, tmp_path, ("params", "epochs"), 2.0)
    assert synthaug.load(folder).epochs == 2.0
    with pytest.raises(ModelFileError, match="params: epochs must be a whole number >= 1; got 2.5"):
        synthaug.load(tampered(table_model, tmp_path / "b", ("params", "epochs"), 2.5))


@pytest.mark.parametrize("path", [("network", "new_field"), ("encoder", "params", "new_param"),
                                  ("params", "new_param")])
def test_an_unknown_key_from_a_newer_writer_is_warned_about_and_ignored(table_model, tmp_path, path):
    # network and encoder.params refused what params only warns about: a newer synthaug of the same format
    from synthaug import SynthaugWarning

    with pytest.warns(SynthaugWarning, match="new_.* unknown to this synthaug"):
        model = synthaug.load(tampered(table_model, tmp_path, path, 1))
    assert len(model.sample(n=4, random_state=0)[0]) == 4


def test_the_number_of_processes_is_recorded_and_older_files_without_it_load(table_model, tmp_path):
    """A seeded fit reproduces only with as many processes; files written before it was recorded load as 1."""
    import json
    import shutil

    shutil.copytree(table_model / "m", tmp_path / "m")
    meta = json.loads((tmp_path / "m" / "model.json").read_text())
    assert meta["training"]["processes"] == 1
    del meta["training"]["processes"]
    (tmp_path / "m" / "model.json").write_text(json.dumps(meta))
    assert synthaug.load(tmp_path / "m").n_processes_ == 1


def test_loaded_params_keep_their_tuples_and_lists(mixed_table, fast_params, tmp_path):
    """JSON has arrays only: betas, generator_dims and categorical=() came back as lists, so
    ``load(path).get_params() != model.get_params()``."""
    model = TabularCGAN(random_state=0, **{**fast_params, "generator_dims": [16, 16]}, categorical=("colour",))
    model.fit(mixed_table, y="label").save(tmp_path / "m")
    loaded = synthaug.load(tmp_path / "m")
    assert loaded.get_params() == model.get_params()
    assert isinstance(loaded.betas, tuple) and isinstance(loaded.generator_dims, list)
    assert isinstance(loaded.categorical, tuple) and isinstance(loaded.drop, tuple)


def test_a_model_file_from_before_tuple_params_gets_the_constructors_tuples(table_model, tmp_path):
    folder = tampered(table_model, tmp_path, ("tuple_params",), ...)
    loaded = synthaug.load(folder)
    assert loaded.betas == (0.5, 0.9) and loaded.generator_dims == (32,) and loaded.drop == ()


def with_weights(table_model, tmp_path, edit):
    """A copy of the fixture's model directory whose tensors ``edit`` changed, with model.json's
    weights_sha256 updated to match: what a hand edit of both files looks like."""
    from tests.conftest import edited_weights

    folder = tmp_path / "w"
    shutil.copytree(table_model / "m", folder)
    return edited_weights(folder, edit)


FC = "generator.0.blocks.0.fc.weight"
WEIGHT_EDITS = [  # (edit, message) -- before: all loaded
    (lambda t: t[FC].view(-1)[3].fill_(float("nan")), f"tensor '{FC}' holds NaN or infinite values"),  # NaN cells
    (lambda t: t["encoder.0.knots"].fill_(float("inf")), "tensor 'encoder.0.knots' holds NaN or infinite values"),
    (lambda t: t.__setitem__("encoder.0.knots", t["encoder.0.knots"].flip(0)),
     r"tensor 'encoder.0.knots' \(the knots of column 'age'\) is not in ascending order"),  # wrong values
    (lambda t: t.__setitem__("encoder.2.z_knots", t["encoder.2.z_knots"].flip(0)),
     r"tensor 'encoder.2.z_knots' \(the z_knots of column 'gain'\) is not in ascending order"),
    (lambda t: t.__setitem__(FC, t[FC].half()), f"tensor '{FC}' is float16; the model reads it as float32"),
    (lambda t: t.__setitem__(FC, t[FC].long()), f"tensor '{FC}' is int64; the model reads it as float32"),
    (lambda t: t.__setitem__("encoder.0.knots", t["encoder.0.knots"].long()),
     "tensor 'encoder.0.knots' is int64; the model reads it as float64"),
    (lambda t: t.__setitem__("evil.tensor", torch.zeros(10)), "tensor 'evil.tensor' is not one this model reads"),
    (lambda t: t.__setitem__("generator.1." + FC[len("generator.0."):], t[FC].clone()),  # a 2nd generator
     "tensor 'generator.1.blocks.0.fc.weight' is not one this model reads"),
]


@pytest.mark.parametrize(("edit", "message"), WEIGHT_EDITS, ids=lambda v: v if isinstance(v, str) else "")
def test_weights_that_pass_the_checksum_are_checked_too(table_model, tmp_path, edit, message):
    folder = with_weights(table_model, tmp_path, edit)
    with pytest.raises(ModelFileError, match=f"^{folder}: weights.safetensors: {message}") as info:
        synthaug.load(folder)
    assert "\n" not in str(info.value)
