"""Public schemas: the encoder takes nothing from the data, the guarantee says so, bad files fail in one line."""

import json
import re
import warnings

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import synthaug
from synthaug import DataError, TabularCGAN
from synthaug.cli import app
from synthaug.tabular.draft_schema import draft_public_schema, outward
from synthaug.tabular.encoder import TableEncoder
from synthaug.tabular.public_schema import parse_public_schema
from synthaug.tabular.schema import infer_schema

SENTINEL_AGE = 987654
SENTINEL_CITY = "SENTINEL-Xq7"


def schema_doc() -> dict:
    return {
        "format": "synthaug-public-schema", "format_version": 1,
        "target": {"name": "label", "classes": ["no", "yes"]},
        "columns": [
            {"name": "age", "kind": "integer", "bounds": [0, 100]},
            {"name": "score", "kind": "continuous", "bounds": [-20, 20], "missing": True},
            {"name": "gain", "kind": "integer", "bounds": [0, 10000], "point_masses": [0]},
            {"name": "colour", "kind": "categorical", "categories": ["red", "green", "blue"]},
            {"name": "city", "kind": "categorical", "categories": ["Oslo", "Lima"], "missing": True},
            {"name": "member", "kind": "boolean"},
            {"name": "visits", "kind": "categorical", "categories": [0, 1, 2, 3]},
            {"name": "joined", "kind": "datetime", "bounds": ["2019-01-01", "2024-01-01"]},
        ],
    }


def private_table(seed: int) -> pd.DataFrame:
    from tests.conftest import make_mixed_table

    frame = make_mixed_table(n=60, seed=seed)
    frame.loc[3, "age"] = SENTINEL_AGE  # an extreme outside the public bounds
    frame.loc[5, "city"] = SENTINEL_CITY  # a rare category the schema does not list
    return frame


TINY = {"epochs": 1, "min_steps": 5, "batch_size": 32, "generator_dims": (8,), "discriminator_dims": (8,),
        "latent_dim": 4}


def fit(frame, doc=None, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return TabularCGAN(public_schema=doc or schema_doc(), random_state=0, **{**TINY, **kw}).fit(frame, y="label")


def test_encoder_is_the_schema_whatever_the_private_data(tmp_path):
    a, b = fit(private_table(0)), fit(private_table(1))
    state_a, arrays_a = a.encoder_.state()
    state_b, arrays_b = b.encoder_.state()
    assert json.dumps(state_a) == json.dumps(state_b)
    assert arrays_a.keys() == arrays_b.keys() and all(np.array_equal(arrays_a[k], arrays_b[k]) for k in arrays_a)
    age = a.encoder_.codecs_[0]
    assert (age.lo_, age.hi_) == (0, 100) and list(age.knots_) == [-0.5, 100.5]
    a.save(tmp_path / "m")
    saved = b"".join(p.read_bytes() for p in (tmp_path / "m").iterdir())
    assert str(SENTINEL_AGE).encode() not in saved and SENTINEL_CITY.encode() not in saved
    sample = a.sample_frame(n=200, random_state=0)
    assert sample["age"].between(0, 100).all() and set(sample["city"].dropna()) <= {"Oslo", "Lima"}


def test_outliers_and_unknown_categories_warn_with_counts_not_values():
    with pytest.warns(synthaug.SynthaugWarning) as caught:
        TabularCGAN(public_schema=schema_doc(), random_state=0, **TINY).fit(private_table(0), y="label")
    messages = [str(w.message) for w in caught]
    assert any("'age': 1 value(s) outside the public bounds" in m for m in messages)
    assert any("'city': 1 value(s) not among the public schema's categories were set to missing" in m
               for m in messages)
    assert not any(str(SENTINEL_AGE) in m or SENTINEL_CITY in m for m in messages)


@pytest.mark.parametrize("counts", [None, {"no": 30, "yes": 30}])
def test_guarantee_says_public_only_with_a_public_schema(counts, tmp_path):
    pytest.importorskip("opacus")
    doc = schema_doc()
    doc["target"]["counts"] = counts
    model = fit(private_table(0), doc, dp_epsilon=1.0, batch_size=8)  # small batches: a fast accountant
    scope = model.privacy_["scope"]
    assert scope["schema"].startswith("public (given)")
    if counts:
        assert model.privacy_["count_epsilon"] == 0 and scope["class_counts"] == "public (given)"
        assert model.class_counts_.tolist() == [30, 30] and model.privacy_["sgd_epsilon"] > 0.9
    else:
        assert model.privacy_["count_epsilon"] == pytest.approx(0.05)
    model.save(tmp_path / "m")
    out = CliRunner().invoke(app, ["inspect", str(tmp_path / "m")])
    assert out.exit_code == 0 and "schema: public (given)" in out.output
    assert ("Laplace-noised (epsilon 0.05)" in " ".join(out.output.split())) != counts  # public counts are exact
    data_model = TabularCGAN(dp_epsilon=1.0, random_state=0, **{**TINY, "batch_size": 8})
    data_model.fit(private_table(0), y="label")
    assert "NOT covered" in data_model.privacy_["scope"]["schema"]
    assert data_model.provenance_["schema"] == "inferred from the training data"


def test_non_dp_fit_with_a_public_schema_round_trips(tmp_path):
    model = fit(private_table(0))
    assert model.privacy_ is None and model.provenance_["schema"] == "public (given)"
    model.save(tmp_path / "m")
    loaded = synthaug.load(tmp_path / "m")
    assert loaded.get_params()["public_schema"] == schema_doc() and loaded.provenance_ == model.provenance_
    assert json.dumps(loaded.encoder_.state()[0]) == json.dumps(model.encoder_.state()[0])
    again = synthaug.load(tmp_path / "m")
    pd.testing.assert_frame_equal(loaded.sample_frame(n=20, random_state=3), again.sample_frame(n=20, random_state=3))


def test_a_schema_given_as_a_path_is_saved_in_the_model_file_and_loading_opens_no_path(tmp_path, monkeypatch):
    # model.json held the path: `sample --train` and `share` opened it later, resolved against the folder they
    # ran in, so "../../etc/shadow" was read, and another JSON file there was silently taken for the schema
    _, path = write(tmp_path, private_table(0))
    model = fit(private_table(0), doc=path)
    assert model.get_params()["public_schema"] == path and model.public_schema_ == schema_doc()
    folder = model.save(tmp_path / "m")
    stored = json.loads((folder / "model.json").read_text())["params"]["public_schema"]
    assert stored == schema_doc()
    (tmp_path / "schema.json").write_text("{}")  # changed after the fit: neither the model nor its file follow it
    monkeypatch.chdir(tmp_path)
    loaded = synthaug.load(folder)
    assert loaded.public_schema_ == schema_doc() == loaded.get_params()["public_schema"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        loaded.attach_privacy_filter(private_table(0), "label")  # conformed to the fitted schema, not to {}
        model.attach_privacy_filter(private_table(0), "label")


def test_a_model_file_naming_its_schema_file_is_refused_without_opening_it(tmp_path):
    folder = fit(private_table(0)).save(tmp_path / "m")
    meta = json.loads((folder / "model.json").read_text())
    meta["params"]["public_schema"] = "../../../../etc/shadow"  # as files from before held a path
    (folder / "model.json").write_text(json.dumps(meta))
    with pytest.raises(synthaug.ModelFileError, match=re.escape(
            f"{folder}: model.json: params: public_schema names a file ('../../../../etc/shadow'), which loading "
            "does not open: a model file holds its schema; replace the path in model.json with that file's JSON "
            "object, or refit the model")):
        synthaug.load(folder)


@pytest.mark.parametrize("edit, message", [
    (lambda d: d.update(format_version=4), "unknown schema format"),
    (lambda d: d.update(omitted=["id"]), "'omitted' needs format_version 2 (the file says 1)"),
    (lambda d: d.update(format_version=2, omitted="id"), "'omitted' must be a list of column names"),
    (lambda d: d.update(format_version=2, omitted=["id", "id"]), "omitted: column 'id' is listed twice"),
    (lambda d: d.update(format_version=2, omitted=["age"]), "omitted: column 'age' is declared as a column"),
    (lambda d: d.update(format_version=2, omitted=["label"]), "omitted: column 'label' is the target"),
    (lambda d: d["columns"][0].update(kind="number"), "unknown kind 'number'"),
    (lambda d: d["columns"][0].update(bounds=[5, 1]), "low < high"),
    (lambda d: d["columns"][0].update(bounds=[0]), "needs 'bounds'"),
    (lambda d: d["columns"][2].update(point_masses=[-1]), "within the bounds"),
    (lambda d: d["columns"][3].update(categories=[]), "column 'colour': 'categories' is empty; fill in"),
    (lambda d: d["columns"][3].update(categories="red"), "non-empty 'categories'"),
    (lambda d: d["columns"][0].update(bound=[0, 1]), "unknown key 'bound'"),
    (lambda d: d["target"].update(count={"no": 3, "yes": 4}), "target 'label': unknown key 'count' (did you mean"),
    (lambda d: d.update(format_version=True), "unknown schema format"),
    (lambda d: d["columns"][2].update(point_masses=[0, 2.5]), "point masses must be whole numbers"),
    (lambda d: d["target"].update(classes=["no"]), "at least two"),
    (lambda d: d["target"].update(classes=[["no"], {"yes": 1}]), "classes must be text, numbers or true/false"),
    (lambda d: d["target"].update(counts={"no": 3}), "every class"),
    # dtypes are what sampling casts to: a bad one used to fit fine, then crash every sample call
    (lambda d: d["columns"][0].update(dtype="nonsense"), "unknown dtype 'nonsense'"),
    (lambda d: d["target"].update(dtype="int64"), "dtype 'int64' cannot hold the schema's values ['no', 'yes']"),
    (lambda d: d["columns"][3].update(dtype="float64"), "dtype 'float64' cannot hold"),
    # 1, 1.0 and true are one value to pandas: these lists passed, then fitting raised InvalidIndexError
    (lambda d: d["columns"][6].update(categories=[1, 1.0, 2]), "column 'visits': categories must be distinct"),
    (lambda d: d["columns"][6].update(categories=[True, 1, 2]), "column 'visits': categories must be distinct"),
    (lambda d: d["target"].update(classes=[0, False]), "target 'label': classes must be distinct"),
    (lambda d: d["columns"][6].update(categories=[1, 2, float("nan")]), 'use "missing": true'),
    # a datetime dtype that cannot hold dates fitted, then every sample failed (int64) or was True (bool)
    (lambda d: d["columns"][7].update(dtype="int64"), "column 'joined': a datetime column's dtype must be"),
    (lambda d: d["columns"][7].update(dtype="bool"), "column 'joined': a datetime column's dtype must be"),
    # dates pandas cannot hold in nanoseconds: OutOfBoundsDatetime at fit
    (lambda d: d["columns"][7].update(bounds=["1000-01-01", "2024-01-01"]),
     "column 'joined': bounds must be dates within 1677-09-22..2262-04-11"),
    (lambda d: d["columns"][7].update(point_masses=["9999-12-31"]), "point_masses must be dates within"),
    (lambda d: d["columns"][1].update(decimals=1.5), "'decimals' must be a whole number from 0 to 14, got 1.5"),
    (lambda d: d["columns"][1].update(decimals=True), "'decimals' must be a whole number from 0 to 14"),
    (lambda d: d["columns"][1].update(decimals=15), "'decimals' must be a whole number from 0 to 14"),
    (lambda d: d["columns"][1].update(decimals=1, bounds=[-20, 20.25]), "bounds and point masses must have at most 1"),
    (lambda d: d["columns"][0].update(decimals=0), "column 'age': 'decimals' is for continuous columns only"),
    # a datetime column's text format: directives and separators, as a model file's is checked
    (lambda d: d["columns"][7].update(text_format="%d-%b-%Y"),
     "'text_format' needs format_version 3 (the file says 1)"),
    (lambda d: d.update(format_version=3) or d["columns"][7].update(text_format="%b Smith %Y", dtype="str"),
     "column 'joined': 'text_format' must be strftime directives (%Y %y %m"),
    (lambda d: d.update(format_version=3) or d["columns"][7].update(text_format="%b %d %Y", text_case="title"),
     "column 'joined': 'text_case' must be one of upper, lower or null, got 'title'"),
    (lambda d: d.update(format_version=3) or d["columns"][7].update(text_case="upper"),
     "column 'joined': 'text_case' needs a 'text_format'"),
    (lambda d: d.update(format_version=3) or d["columns"][7].update(text_format="%b %d %Y"),
     "column 'joined': 'text_format' is for dates sampled as text, but the dtype is 'datetime64[ns]'"),
    (lambda d: d.update(format_version=3) or d["columns"][0].update(text_format="%Y"),
     "column 'age': 'text_format' and 'text_case' are for datetime columns only"),
])
def test_bad_schemas_are_refused_in_one_line(edit, message):
    doc = schema_doc()
    edit(doc)
    with pytest.raises(DataError, match=re.escape(message)):
        parse_public_schema(doc)


def test_samples_are_rounded_to_the_schemas_decimals_and_never_to_the_datas():
    """With a public schema nothing is learned from the rows: the private scores carry 1 decimal,
    but samples are rounded only when the schema gives ``decimals``."""
    private = private_table(0).assign(score=lambda f: f["score"].round(1))
    plain = fit(private)
    assert plain.encoder_.codecs_[1].decimals_ is None
    score = plain.sample_frame(n=100, random_state=0)["score"].dropna()
    assert (score != score.round(1)).mean() > 0.9
    doc = schema_doc()
    doc["columns"][1]["decimals"] = 2
    model = fit(private, doc)
    assert model.encoder_.state()[0]["columns"][1]["state"]["decimals"] == 2
    score = model.sample_frame(n=100, random_state=0)["score"].dropna()
    assert (score == score.round(2)).all() and (score != score.round(1)).any()


@pytest.mark.parametrize("dtype", ["datetime64[ns]", "datetime64[s]", "datetime64[ns, UTC]", "str", "object"])
def test_datetime_columns_take_datetime_or_text_dtypes(dtype):
    doc = schema_doc()
    doc["columns"][7]["dtype"] = dtype
    assert parse_public_schema(doc).columns[7].dtype == dtype


@pytest.mark.parametrize("change, message", [
    (lambda f: f.rename(columns={"colour": "color"}), "data column 'color' is not declared (did you mean 'colour'?)"),
    (lambda f: f.drop(columns="visits"), "column 'visits' is not in the data"),
    # one column per run: each fit named the next undeclared (or absent) column only
    (lambda f: f.assign(id=1, notes="x"), "data columns 'id', 'notes' are not declared; add them to the schema, "
     "list them under \"omitted\", or leave them out: drop=['id', 'notes']"),
    (lambda f: f.drop(columns=["visits", "city"]), "columns 'city', 'visits' are not in the data"),
    # both at once (a trial met 'ward' first, 'capital-loss' on the next run), and no suggestion of a column
    # that is declared and present ('capital-gain' for an absent 'capital-loss')
    (lambda f: f.drop(columns="gain").assign(ward="A"), "public schema: data column 'ward' is not declared; add it "
     "to the schema, list it under \"omitted\", or leave it out: drop=['ward']; and column 'gain' is not in the data"),
    (lambda f: f.assign(**{"patient id": 1}), "out: drop=['patient id']"),
    (lambda f: f.assign(age=["x"] * len(f)), "declared integer in the public schema but 60 value(s) are not numbers"),
    (lambda f: f.assign(gain=f["gain"] + 0.5), "fractional"),
    (lambda f: f.assign(member="maybe"), "declared boolean"),
    (lambda f: f.assign(visits=f["visits"].astype(str)), "none of its values are among the public schema's categories"),
    (lambda f: f.assign(label="other"), "class the public schema does not list (it lists 'no', 'yes'); add the "
     "class to target.classes or drop those rows"),
    # adult's ' <=50K' against a schema's '<=50K': the message named neither, nor the spaces
    (lambda f: f.assign(label=" " + f["label"]), "row(s) have a class the public schema does not list (it lists "
     "'no', 'yes'); the data's labels differ from the schema's by leading or trailing spaces: strip them"),
])
def test_data_that_does_not_match_the_schema_is_refused(change, message):
    with pytest.raises(DataError, match=re.escape(message)):
        fit(change(private_table(0)))


def test_a_schema_class_with_spaces_the_data_lacks_is_named_and_no_data_label_is_printed():
    doc = schema_doc()
    doc["target"]["classes"] = [" no", " yes"]
    with pytest.raises(DataError) as caught:
        fit(private_table(0).assign(label=lambda f: f["label"].replace("no", "rare-secret")), doc)
    assert "it lists ' no', ' yes'); add the class" in str(caught.value) and "secret" not in str(caught.value)
    with pytest.raises(DataError, match="the schema's classes differ from the data's labels by leading or trailing "
                                        "spaces: remove the spaces from target.classes"):
        fit(private_table(0), doc)


def write(tmp_path, frame, doc=None):
    data, schema = tmp_path / "data.csv", tmp_path / "schema.json"
    frame.to_csv(data, index=False)
    schema.write_text(json.dumps(doc if doc is not None else schema_doc()))
    return str(data), str(schema)


FIT = ["--min-steps", "5", "--epochs", "1", "--set", "generator_dims=[8]", "--set", "discriminator_dims=[8]", "-q"]


@pytest.mark.parametrize("setup, message", [
    (lambda p: p.unlink(), "schema file not found"),
    (lambda p: p.write_text("{not json"), "schema is not valid JSON (line 1"),
    (lambda p: p.write_text(json.dumps({**schema_doc(), "format_version": 9})), "unknown schema format"),
    (lambda p: p.write_text(json.dumps({**schema_doc(), "columns": schema_doc()["columns"][1:]})),
     "data column 'age' is not declared"),
])
def test_cli_schema_errors_exit_2_and_write_nothing(tmp_path, setup, message):
    data, schema = write(tmp_path, private_table(0))
    setup(tmp_path / "schema.json")
    result = CliRunner().invoke(app, ["fit", data, "--target", "label", "--schema", schema, "-o",
                                      str(tmp_path / "model"), *FIT])
    assert result.exit_code == 2, result.output
    assert message in result.output and len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "model").exists()


def test_draft_round_trips_through_fit(tmp_path):
    frame = private_table(0)
    data = tmp_path / "data.csv"
    frame.to_csv(data, index=False)
    out = tmp_path / "schema.json"
    drafted = CliRunner().invoke(app, ["schema", str(data), "--target", "label", "-o", str(out)])
    assert drafted.exit_code == 0, drafted.output
    assert "NOT public until you have replaced them" in drafted.output
    assert "constant columns' values" in drafted.output  # a constant's value is a record's value too
    doc = json.loads(out.read_text())
    parse_public_schema(doc)
    assert SENTINEL_CITY not in out.read_text()  # seen once: left out of the draft
    age = next(c for c in doc["columns"] if c["name"] == "age")
    assert age["bounds"] == [0, 1000000]  # rounded outward
    fitted = CliRunner().invoke(app, ["fit", str(data), "--target", "label", "--schema", str(out), "-o",
                                      str(tmp_path / "model"), *FIT])
    assert fitted.exit_code == 0, fitted.output
    meta = json.loads((tmp_path / "model" / "model.json").read_text())
    assert meta["provenance"]["schema"] == "unreviewed draft (data-derived)"  # until the "draft" key is deleted
    out.write_text(json.dumps({k: v for k, v in doc.items() if k != "draft"}))
    reviewed = CliRunner().invoke(app, ["fit", str(data), "--target", "label", "--schema", str(out), "-o",
                                        str(tmp_path / "reviewed"), *FIT])
    assert reviewed.exit_code == 0, reviewed.output
    meta = json.loads((tmp_path / "reviewed" / "model.json").read_text())
    assert meta["provenance"]["schema"] == "public (given)"


def test_month_name_dates_fitted_with_a_drafted_schema_sample_in_the_columns_format(tmp_path):
    # schema -> fit --schema -> sample wrote ISO text (2020-12-01 19:30:14.650631680) for a column of 03-MAR-2021
    rng = np.random.default_rng(0)
    days = pd.Series(pd.Timestamp("2021-01-01") + pd.to_timedelta(rng.integers(0, 365, 80), unit="D"))
    frame = pd.DataFrame({"when": days.dt.strftime("%d-%b-%Y").str.upper(), "label": np.repeat(["no", "yes"], 40)})
    data, schema, sampled = tmp_path / "data.csv", tmp_path / "schema.json", tmp_path / "sampled.csv"
    frame.to_csv(data, index=False)
    runner = CliRunner()
    for args in (["schema", data, "--target", "label", "-o", schema],
                 ["fit", data, "--target", "label", "--schema", schema, "-o", tmp_path / "model", *FIT],
                 ["sample", tmp_path / "model", "--n", "50", "-o", sampled, "-q"]):
        result = runner.invoke(app, [str(a) for a in args])
        assert result.exit_code == 0, result.output
    when = next(c for c in json.loads(schema.read_text())["columns"] if c["name"] == "when")
    assert (when["text_format"], when["text_case"]) == ("%d-%b-%Y", "upper")
    out = pd.read_csv(sampled)["when"]
    assert out.str.fullmatch(r"\d{2}-[A-Z]{3}-20\d{2}").all(), out.head()  # 01-DEC-2020


def test_a_schema_text_format_is_the_models_and_older_schemas_write_iso():
    doc = {**schema_doc(), "format_version": 3}
    doc["columns"][7] = {**doc["columns"][7], "dtype": "str", "text_format": "%b %-d %Y", "text_case": "lower"}
    model = fit(private_table(0), doc)
    assert model.encoder_.state()[0]["columns"][7]["state"]["text_format"] == ["%b %-d %Y", "lower"]
    assert model.sample_frame(n=30, random_state=0)["joined"].str.fullmatch(r"[a-z]{3} [1-9]\d? 20\d{2}").all()
    older = schema_doc()  # format_version 1: no text format, dates written as ISO text as before
    older["columns"][7]["dtype"] = "str"
    iso = fit(private_table(0), older).sample_frame(n=30, random_state=0)["joined"]
    assert iso.str.match(r"\d{4}-\d{2}-\d{2} ").all(), iso.head()


def _priced(n: int = 120) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    return pd.DataFrame({"price": rng.gamma(3, 10, n).round(2), "rate": rng.uniform(0, 1, n).round(1),
                         "noise": rng.normal(size=n), "weight": rng.normal(70, 9, n).round(2).astype("float32"),
                         "label": ["no", "yes"] * (n // 2)})


def test_a_draft_proposes_the_decimals_fit_learns_from_the_data():
    # drafts wrote no decimals, so a fit with a drafted schema sampled 7.318264519837465 where a fit
    # from the same data sampled 7.32
    frame = _priced()
    doc = draft_public_schema(frame, "label")
    drafted = {c["name"]: c["decimals"] for c in doc["columns"]}
    specs, _ = infer_schema(frame.drop(columns="label"))
    encoder = TableEncoder().fit(frame.drop(columns="label"), specs, np.random.default_rng(0))
    assert drafted == {c.spec.name: c.decimals_ for c in encoder.codecs_} == {"price": 2, "rate": 1, "noise": None,
                                                                              "weight": 2}
    exact = draft_public_schema(frame, "label", round_bounds=False)  # float32 3.99 is 3.990000009536743
    assert parse_public_schema(exact).columns[3].decimals == 2


def test_schema_fit_sample_rounds_as_a_fit_from_the_data_does(tmp_path):
    data, schema = tmp_path / "data.csv", tmp_path / "schema.json"
    _priced().to_csv(data, index=False)
    runner = CliRunner()
    for args in (["schema", data, "--target", "label", "-o", schema],
                 ["fit", data, "--target", "label", "--schema", schema, "-o", tmp_path / "public", *FIT],
                 ["fit", data, "--target", "label", "-o", tmp_path / "private", *FIT]):
        result = runner.invoke(app, [str(a) for a in args])
        assert result.exit_code == 0, result.output
    for model in ("public", "private"):
        out = tmp_path / f"{model}.csv"
        result = runner.invoke(app, ["sample", str(tmp_path / model), "--n", "200", "-o", str(out), "-q"])
        assert result.exit_code == 0, result.output
        sampled = pd.read_csv(out)
        for name, decimals in (("price", 2), ("rate", 1), ("weight", 2)):
            column = sampled[name].dropna()
            assert (column == column.round(decimals)).all(), (model, name, column.head())
            assert (column != column.round(decimals - 1)).any(), (model, name)  # not rounded coarser


def test_a_draft_lists_the_columns_it_left_out_and_fit_and_share_leave_them_out(tmp_path):
    # the draft quietly left identifier-like columns out; fit with it then refused them, one per run
    frame = private_table(0).drop(columns="joined")  # the evaluation (share) takes no dates
    frame.insert(0, "patient id", [f"P{i:03d}" for i in range(len(frame))])
    data, out = tmp_path / "data.csv", tmp_path / "schema.json"
    frame.to_csv(data, index=False)
    drafted = CliRunner().invoke(app, ["schema", str(data), "--target", "label", "-o", str(out), "--drop", "gain"])
    assert drafted.exit_code == 0, drafted.output
    assert "listed as omitted: 'gain', 'patient id'" in " ".join(drafted.output.split())
    doc = json.loads(out.read_text())
    assert doc["format_version"] == 3 and doc["omitted"] == ["gain", "patient id"]
    assert parse_public_schema(doc).omitted == ("gain", "patient id")
    fitted = CliRunner().invoke(app, ["fit", str(data), "--target", "label", "--schema", str(out), "-o",
                                      str(tmp_path / "model"), *FIT])
    assert fitted.exit_code == 0, fitted.output
    assert "leaving out column(s) 'patient id', 'gain': the public schema lists them as omitted" in " ".join(
        fitted.output.split())
    model = synthaug.load(tmp_path / "model")
    assert "patient id" not in model.columns_ and "gain" not in model.columns_ and "age" in model.columns_
    model.attach_privacy_filter(frame, "label")  # the same table, its omitted columns included
    shared = CliRunner().invoke(app, ["share", str(data), "--target", "label", "--schema", str(out), "-o",
                                      str(tmp_path / "release"), "--max-dcr-share", "1", "--max-membership-auc", "1",
                                      "--max-exact-copies", "1000", "-q", "--set", "min_steps=5", "--set", "epochs=1",
                                      "--set", "generator_dims=[8]", "--set", "discriminator_dims=[8]"])
    assert shared.exit_code == 0, shared.output
    assert "patient id" not in pd.read_csv(tmp_path / "release" / "synthetic.csv")


def test_draft_from_python_and_outward_rounding(mixed_table):
    doc = draft_public_schema(mixed_table, "label", round_bounds=False)
    age = next(c for c in doc["columns"] if c["name"] == "age")
    assert age["bounds"] == [int(mixed_table["age"].min()), int(mixed_table["age"].max())]
    assert doc["target"]["counts"] is None and doc["target"]["classes"] == ["no", "yes"]
    assert outward(17, 90) == (10, 100) and outward(0.12, 0.87) == (0.1, 0.9) and outward(-3.5, 4.2) == (-4, 5)
    assert outward(0.3, 0.7) == (0.2, 0.8)  # 0.3 / 0.1 is 2.9999999999999996: still a multiple
    assert outward(-13, -2) == (-20, 0) and outward(2, 13) == (0, 20)  # not across 0
    assert outward(0, 7, np.arange(8)) == (0, 10) and outward(0, 900, np.arange(10) * 100) == (0, 1000)


@pytest.mark.parametrize(("ranges", "bounds"), [
    ([(0, 10), (0, 12), (5, 16), (9, 19)], [0, 20]),  # 0..10 was drafted as exactly [0, 10]
    ([(10, 20), (1, 20), (10, 29)], [0, 30]),  # 10..20 as exactly [10, 20]
    ([(17, 90), (11, 99), (20, 95)], [10, 100]),  # 17..90 as [10, 90], 90 itself
    ([(-20, -10), (-29, -10), (-21, -10)], [-30, 0]),  # -20..-10 as exactly [-20, -10]
])
def test_drafted_integer_bounds_do_not_give_the_extremes_away(ranges, bounds):
    # Rounding outward to the step kept an extreme that is a multiple of it, and when the range was
    # one step wide (0..10 by 10) both bounds were the exact minimum and maximum. Now tables whose
    # extremes lie within the same steps draft the same bounds, none of them a record's value but 0.
    for low, high in ranges:
        frame = pd.DataFrame({"n": np.resize(np.arange(low, high + 1), 150), "label": ["a", "b"] * 75})
        column = draft_public_schema(frame, "label")["columns"][0]
        assert column["kind"] == "integer" and column["bounds"] == bounds, (low, high, column)
        assert (bounds[0] < low or bounds[0] == 0 <= low) and (bounds[1] > high or bounds[1] == 0 >= high)


def test_draft_writes_no_value_that_fewer_than_min_count_rows_hold():
    """Point masses and a constant's value need min_count rows, as categories do (and as in a model file)."""
    rng = np.random.default_rng(0)
    n = 60
    frame = pd.DataFrame({"income": np.where(np.arange(n) < 15, rng.normal(50, 10, n).round(3), np.nan),
                          "note": [None] * (n - 1) + [SENTINEL_CITY], "gain": np.r_[np.zeros(10), rng.normal(9, 1, 50)],
                          "label": ["a", "b"] * (n // 2)})
    doc = draft_public_schema(frame, "label")
    text = json.dumps(doc)
    income, note, gain = doc["columns"]
    assert income["point_masses"] == []  # 15 values, each 1/15 of them: each is one row's
    for value in frame["income"].dropna():
        assert str(value) not in text
    assert note["value"] is None and note["missing"] and SENTINEL_CITY not in text
    assert gain["point_masses"] == [0.0]  # ten rows share it: kept
    parse_public_schema(doc)


@pytest.mark.parametrize("min_count", [2, 20])
def test_draft_lists_no_category_below_min_count_and_fit_refuses_the_empty_list(tmp_path, min_count):
    # the draft used to list the most frequent category when none reached min_count: a record's
    # value for a column of singletons, and a 16-row category under --min-count 20
    n = 40
    common = 16 if min_count == 20 else 0  # 16 rows share one category, fewer than 20
    diagnosis = [f"SECRET diagnosis {i}" for i in range(n - common)] + ["common"] * common
    frame = pd.DataFrame({"diagnosis": diagnosis, "ward": ["W1", "W2"] * (n // 2), "label": ["a", "b"] * (n // 2)})
    data, out = tmp_path / "data.csv", tmp_path / "schema.json"
    frame.to_csv(data, index=False)
    drafted = CliRunner().invoke(app, ["schema", str(data), "--target", "label", "-o", str(out), "--keep",
                                       "diagnosis", "--min-count", str(min_count)])
    assert drafted.exit_code == 0, drafted.output
    assert f"'diagnosis': no category was seen at least {min_count} times" in drafted.output
    text = out.read_text()
    assert "SECRET" not in text and "common" not in text
    columns = {c["name"]: c for c in json.loads(text)["columns"]}
    assert columns["diagnosis"]["categories"] == [] and columns["ward"]["categories"] == ["W1", "W2"]
    fitted = CliRunner().invoke(app, ["fit", str(data), "--target", "label", "--schema", str(out), "-o",
                                      str(tmp_path / "model"), *FIT])
    assert fitted.exit_code == 2 and "column 'diagnosis': 'categories' is empty; fill in" in fitted.output
    assert len(fitted.output.strip().splitlines()) == 1 and not (tmp_path / "model").exists()


def test_share_card_and_report_name_the_schema(tmp_path):
    from synthaug.share import share

    frame = pd.concat([private_table(0), private_table(1)], ignore_index=True).drop(columns="joined")
    doc = schema_doc()
    doc["columns"] = [c for c in doc["columns"] if c["name"] != "joined"]  # the evaluator refuses dates
    model = TabularCGAN(public_schema=doc, random_state=0, **TINY)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        outcome = share(frame, "label", tmp_path / "release", synthesizer=model,
                        gates=synthaug.share.Gates(max_dcr_share=1, max_membership_auc=1, max_exact_copies=10**6))
    assert outcome.card["schema"]["schema"] == "public (given)"
    report = json.loads((tmp_path / "release" / "report.json").read_text())
    assert any("schema: public (given)" in note for note in report["notes"])


def test_a_recipe_may_name_the_schema_file(tmp_path):
    from synthaug.recipe import load_recipe

    data, schema = write(tmp_path, private_table(0))
    recipe = tmp_path / "r.toml"
    recipe.write_text(f'[data]\npath = "{data}"\ntarget = "label"\n[model]\npublic_schema = "{schema}"\n')
    params = load_recipe(recipe, ["model.min_steps=5", "model.epochs=1"])["model"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = TabularCGAN(**params, random_state=0).fit(private_table(0), y="label")
    assert model.provenance_["schema"] == "public (given)" and model.get_params()["public_schema"] == schema


def test_schema_command_errors_exit_2_and_write_nothing(tmp_path):
    data, _ = write(tmp_path, private_table(0))
    out = tmp_path / "drafted.json"
    result = CliRunner().invoke(app, ["schema", data, "--target", "lable", "-o", str(out)])
    assert result.exit_code == 2 and "did you mean 'label'?" in result.output and not out.exists()


def test_balance_with_equal_public_counts_is_refused():
    # it sampled an empty table, where n=0 is refused
    doc = schema_doc()
    doc["target"]["counts"] = {"no": 40, "yes": 40}
    model = fit(private_table(0), doc, strategy="per-class")
    assert model.class_counts_.tolist() == [40, 40]
    with pytest.raises(DataError, match=r"^balance must generate at least 1 row; every class "
                                        "already has 40 training rows"):
        model.sample_frame(balance=True)
    assert model.sample_frame(ratio=0.5)["label"].value_counts().to_dict() == {"no": 20, "yes": 20}


def share_with_schema(tmp_path, doc: dict):
    """``synthaug share`` of two private tables under ``doc`` (its date column left out: the evaluator
    refuses dates), with gates that always pass and a tiny budget; the CliRunner result."""
    doc["columns"] = [c for c in doc["columns"] if c["name"] != "joined"]
    frame = pd.concat([private_table(0), private_table(1)], ignore_index=True).drop(columns="joined")
    data, schema = write(tmp_path, frame, doc)
    return CliRunner().invoke(app, ["share", data, "--target", "label", "--schema", schema, "-o",
                                    str(tmp_path / "release"), "--max-dcr-share", "1", "--max-membership-auc", "1",
                                    "--max-exact-copies", "1000", "--set", "min_steps=5", "--set", "epochs=1",
                                    "--set", "generator_dims=[8]", "--set", "discriminator_dims=[8]"])


def test_share_cli_takes_the_schema(tmp_path):
    result = share_with_schema(tmp_path, schema_doc())
    assert result.exit_code == 0, result.output
    assert "schema: public (given)" in result.output
    card = json.loads((tmp_path / "release" / "card.json").read_text())
    assert card["schema"] == {"schema": "public (given)", "class_counts": "exact, from the training data"}


def test_a_declared_constant_with_missing_values_samples_missing_values():
    # the schema's "missing": true on a constant was not passed to its codec: 0% missing
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"a": rng.normal(size=100), "k": np.where(rng.random(100) < 0.3, None, "X"),
                          "label": rng.choice(["p", "q"], 100)})
    doc = {"format_version": 1, "target": {"name": "label", "classes": ["p", "q"]},
           "columns": [{"name": "a", "kind": "continuous", "bounds": [-5, 5]},
                       {"name": "k", "kind": "constant", "value": "X", "missing": True}]}
    sample = fit(frame, doc).sample_frame(n=200, random_state=0)
    assert 0 < sample["k"].isna().mean() < 1 and set(sample["k"].dropna()) == {"X"}


@pytest.mark.parametrize(("low", "high"), [(1e-14, 4e-13), (-4e-13, -1e-14), (1e-300, 2e-300)])
def test_drafted_bounds_of_tiny_numbers_stay_apart(low, high):
    # round(bound, 12) collapsed them to [0.0, 0.0]: 'bounds must be finite with low < high'
    below, above = outward(low, high)
    assert below <= low < high <= above and below < above


def test_a_draft_refuses_contradicting_options_as_fit_does(mixed_table):
    # the draft said "keep: no column 'age'" for a column that exists (drop had removed it first)
    with pytest.raises(DataError, match=r"column 'age' is in both drop and keep"):
        draft_public_schema(mixed_table, "label", drop=["age"], keep=["age"])
    with pytest.raises(DataError, match=r"column 'age' is in both drop and continuous"):
        draft_public_schema(mixed_table, "label", drop=iter(["age"]), continuous=iter(["age"]))


def test_a_listed_class_without_training_rows_is_refused_saying_what_removing_it_reveals():
    # a privacy-officer trial: the refusal said only "remove them from target.classes", which makes a public
    # class list depend on the private table without a word
    doc = schema_doc()
    doc["target"]["classes"] = ["no", "yes", "maybe"]
    with pytest.raises(DataError, match="class\\(es\\) 'maybe' of the public schema have no training rows, and a "
                       "model cannot generate a class it never saw; .*a released model shows which listed classes"):
        TabularCGAN(public_schema=doc, random_state=0, **TINY).fit(private_table(0), y="label")


def test_a_constant_column_that_the_data_contradicts_is_warned_with_a_count():
    # a data-steward trial: race declared constant 'White' replaced 232 other values without a word
    doc = schema_doc()
    doc["columns"][3] = {"name": "colour", "kind": "constant", "value": "red"}
    frame = private_table(0)
    n_other = int((frame["colour"] != "red").sum())
    with pytest.warns(synthaug.SynthaugWarning, match=f"column 'colour': {n_other} value\\(s\\) differ from the public "
                      "schema's constant 'red'; the synthetic records all hold 'red'"):
        TabularCGAN(public_schema=doc, random_state=0, **TINY).fit(frame, y="label")
    assert 0 < n_other < len(frame)


def test_inspect_heads_public_class_counts_as_the_schemas_not_training_rows():
    # a data-steward trial: counts of 1000 and 300 from the schema were headed "training rows" (the data held 1155, 345)
    from synthaug._cli_tabular import _counts_heading

    public = {"provenance": {"class_counts": "public (given)"}, "privacy": {"count_epsilon": 0}}
    assert _counts_heading(public) == "class counts (the public schema's)"
    assert _counts_heading({"privacy": {"count_epsilon": 0.05}}) == "training rows, Laplace-noised (epsilon 0.05)"
    assert _counts_heading({}) == "training rows"
