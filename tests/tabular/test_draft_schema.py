"""Drafted schemas: marked as drafts until reviewed (never called public), deterministic, and DP
warnings on the private data's fit against a schema give counts only to their order of magnitude."""

import json
import warnings

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import synthaug
from synthaug import DataError, TabularCGAN
from synthaug._release_card import dp_headline
from synthaug._text import coarse_count
from synthaug.cli import app
from synthaug.tabular.draft_schema import DRAFT_NOTE, draft_public_schema
from synthaug.tabular.public_schema import parse_public_schema
from synthaug.tabular.schema_conform import conform, public_labels
from synthaug.tabular.schema_provenance import DRAFT, PUBLIC, DraftSchemaWarning
from tests.tabular.test_public_schema import FIT, TINY, private_table, schema_doc, share_with_schema, write


def reviewed(doc: dict) -> dict:
    """``doc`` with its draft marker deleted, as a reviewer does."""
    return {k: v for k, v in doc.items() if k != "draft"}


def fitted(doc, **kw) -> tuple[TabularCGAN, list[str]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = TabularCGAN(public_schema=doc, random_state=0, **{**TINY, **kw}).fit(private_table(0), y="label")
    return model, [str(w.message) for w in caught]


# ---------------------------------------------------------------- the draft marker
def test_a_draft_carries_the_marker_and_reading_it_says_so(mixed_table):
    doc = draft_public_schema(mixed_table, "label")
    assert doc["draft"] == DRAFT_NOTE and 'delete this "draft" key' in DRAFT_NOTE
    assert doc["format_version"] == 3  # the marker is no new field of a reviewed schema
    assert parse_public_schema(doc).draft
    assert not parse_public_schema(reviewed(doc)).draft
    assert not parse_public_schema({**doc, "draft": False}).draft
    assert parse_public_schema({**schema_doc(), "draft": True}).draft  # any format version


def test_a_draft_marker_of_another_type_is_refused():
    with pytest.raises(DataError, match=r"^public schema: 'draft' must be a note \(text\), true or false; got 1"):
        parse_public_schema({**schema_doc(), "draft": 1})


def test_a_draft_is_not_called_public_and_deleting_the_marker_makes_it_public():
    model, messages = fitted({**schema_doc(), "draft": DRAFT_NOTE})
    assert model.provenance_ == {"schema": DRAFT, "class_counts": "exact, from the training data"}
    said = [m for m in messages if "draft" in m]
    assert len(said) == 1 and said[0].startswith('public_schema: the schema still has its "draft" key')
    assert "epsilon" not in said[0]  # no DP, no word about it
    model, messages = fitted(schema_doc())
    assert model.provenance_["schema"] == PUBLIC and not any("draft" in m for m in messages)


def test_a_draft_schema_file_is_named_in_the_warning(tmp_path):
    path = tmp_path / "drafted.json"
    path.write_text(json.dumps({**schema_doc(), "draft": True}))
    with pytest.warns(DraftSchemaWarning, match=f"^{path}: the schema still has"):
        TabularCGAN(public_schema=str(path), random_state=0, **TINY).fit(private_table(0), y="label")


def test_without_dp_a_drafts_given_class_counts_stay_public():
    # a draft never writes counts: any it has were typed in by a person; without DP no epsilon depends on them
    doc = {**schema_doc(), "draft": True}
    doc["target"] = {**doc["target"], "counts": {"no": 30, "yes": 30}}
    model, _ = fitted(doc)
    assert model.provenance_ == {"schema": DRAFT, "class_counts": PUBLIC}


def with_counts(doc: dict) -> dict:
    """``doc`` with target.counts typed in (a draft never writes them); not the data's 0.4/0.6 split."""
    return {**doc, "target": {**doc["target"], "counts": {"no": 30, "yes": 30}}}


def test_under_dp_a_drafts_class_counts_are_not_public_and_cost_epsilon():
    # a draft is data-derived until reviewed: its counts spent no epsilon under DP, as if published
    pytest.importorskip("opacus")
    model, messages = fitted(with_counts({**schema_doc(), "draft": True}), dp_epsilon=1.0, batch_size=8)
    assert model.privacy_["count_epsilon"] == pytest.approx(0.05)
    assert model.privacy_["scope"]["class_counts"].startswith("Laplace mechanism")
    assert model.provenance_["class_counts"].startswith("Laplace-noised")
    said = [m for m in messages if "target.counts" in m]
    assert said == ['public_schema: target.counts are not taken as public while the schema still has its "draft" '
                    "key: epsilon is spent on noisy class counts as without them; delete the key once the counts "
                    "are reviewed as public (or remove the counts)"]
    model, messages = fitted(reviewed(with_counts(schema_doc())), dp_epsilon=1.0, batch_size=8)
    assert model.privacy_["count_epsilon"] == 0 and model.class_counts_.tolist() == [30, 30]
    assert not any("target.counts" in m for m in messages)


def test_under_dp_the_drafts_public_labels_are_the_datas_counts_and_without_dp_the_given_ones():
    labels = private_table(0)["label"]
    schema = parse_public_schema(with_counts({**schema_doc(), "draft": True}))
    data = labels.value_counts()[["no", "yes"]].tolist()
    assert data != [30, 30]
    assert public_labels(labels, schema, coarse=True)[2].tolist() == data
    assert public_labels(labels, schema)[2].tolist() == [30, 30]


def test_cli_fit_with_a_drafts_class_counts_says_they_are_not_public(tmp_path):
    pytest.importorskip("opacus")  # the CLI silences repeats of the draft warning: not this one
    data, schema = write(tmp_path, private_table(0), with_counts({**schema_doc(), "draft": DRAFT_NOTE}))
    result = CliRunner().invoke(app, ["fit", data, "--target", "label", "--schema", schema, "-o",
                                      str(tmp_path / "m"), *FIT[:-1], "--dp-epsilon", "1", "--batch-size", "8"])
    assert result.exit_code == 0, result.output
    assert "--schema: target.counts are not taken as public" in " ".join(result.output.split())
    card = json.loads((tmp_path / "m" / "model.json").read_text())
    assert card["privacy"]["count_epsilon"] == pytest.approx(0.05)


def test_under_dp_a_draft_covers_training_only_and_a_reviewed_schema_the_records(tmp_path):
    pytest.importorskip("opacus")
    model, messages = fitted({**schema_doc(), "draft": True}, dp_epsilon=1.0, batch_size=8)
    scope = model.privacy_["scope"]["schema"]
    assert scope.startswith("NOT covered: the schema given is an unreviewed draft")
    assert [m for m in messages if "draft" in m][0].endswith(
        "epsilon does not cover them, so the DP guarantee is for training only; replace them with public values "
        "and delete the key")
    assert not any("without public_schema" in m for m in messages)  # a schema was given: not that warning
    model.save(tmp_path / "m")
    out = CliRunner().invoke(app, ["inspect", str(tmp_path / "m")])
    assert out.exit_code == 0 and "schema: unreviewed draft (data-derived)" in out.output
    assert "public (given)" not in out.output
    model, _ = fitted(schema_doc(), dp_epsilon=1.0, batch_size=8)
    assert model.privacy_["scope"]["schema"].startswith("public (given)")


def test_the_release_headline_of_a_draft_says_training_only():
    guarantee = {"epsilon": 1.0, "delta": 1e-5}
    headline = {origin: dp_headline({"guarantee": guarantee, "schema": {"schema": origin}})
                for origin in (PUBLIC, DRAFT, "inferred from the training data")}
    assert "for the synthetic records" in headline[PUBLIC]
    assert "for training only" in headline[DRAFT] and "for the synthetic records" not in headline[DRAFT]
    assert "unreviewed draft" in headline[DRAFT] and 'delete its "draft" key' in headline[DRAFT]


def test_cli_fit_with_a_draft_warns_once_naming_the_file_and_says_training_only(tmp_path):
    pytest.importorskip("opacus")
    data, schema = write(tmp_path, private_table(0), {**schema_doc(), "draft": DRAFT_NOTE})
    runner, dp = CliRunner(), ["--dp-epsilon", "1", "--batch-size", "8"]
    result = runner.invoke(app, ["fit", data, "--target", "label", "--schema", schema, "-o",
                                 str(tmp_path / "draft"), *FIT[:-1], *dp])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert text.count('the schema still has its "draft" key') == 1 and f"{schema}: the schema still has" in text
    assert "for training only: the --schema file is an unreviewed draft" in text
    assert "for the synthetic records" not in text
    card = json.loads((tmp_path / "draft" / "model.json").read_text())
    assert card["provenance"]["schema"] == DRAFT
    with open(schema) as f:
        doc = reviewed(json.load(f))
    with open(schema, "w") as f:
        json.dump(doc, f)
    result = runner.invoke(app, ["fit", data, "--target", "label", "--schema", schema, "-o",
                                 str(tmp_path / "reviewed"), *FIT[:-1], *dp])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "for the synthetic records (training, with a public schema)" in text
    assert "unreviewed draft" not in text and '"draft" key' not in text


def test_share_card_of_a_draft_does_not_say_public(tmp_path):
    result = share_with_schema(tmp_path, {**schema_doc(), "draft": True})
    assert result.exit_code == 0, result.output
    assert "schema: unreviewed draft (data-derived)" in result.output and "public (given)" not in result.output
    card = json.loads((tmp_path / "release" / "card.json").read_text())
    assert card["schema"]["schema"] == DRAFT
    report = json.loads((tmp_path / "release" / "report.json").read_text())
    assert any("schema: unreviewed draft" in note for note in report["notes"])


# ---------------------------------------------------------------- category order
def test_draft_category_order_is_count_then_value_whatever_the_row_order():
    rng = np.random.default_rng(0)
    colour = ["red"] * 5 + ["blue"] * 3 + ["green"] * 3 + ["amber"] * 3 + ["teal"] * 2
    frame = pd.DataFrame({"colour": colour, "label": ["no", "yes"] * 8})
    drafts = []
    for seed in range(6):
        shuffled = frame.sample(frac=1.0, random_state=int(rng.integers(1 << 30)) + seed).reset_index(drop=True)
        drafts.append(draft_public_schema(shuffled, "label")["columns"][0]["categories"])
    assert all(d == ["red", "amber", "blue", "green", "teal"] for d in drafts), drafts


def test_draft_category_order_breaks_ties_between_types_by_type_name():
    frame = pd.DataFrame({"code": pd.Series(["x", 2, "x", 2, 1, 1, "a", "a"], dtype=object),
                          "label": ["no", "yes"] * 4})
    assert draft_public_schema(frame, "label", categorical=["code"])["columns"][0]["categories"] == [1, 2, "a", "x"]


# ---------------------------------------------------------------- DP: coarse counts in warnings
def _conform_messages(frame: pd.DataFrame, coarse: bool) -> list[str]:
    doc = schema_doc()
    doc["columns"].append({"name": "country", "kind": "constant", "value": "NO"})
    doc["columns"][4] = {**doc["columns"][4], "missing": False}  # city: its missing values are set to 'Oslo'
    with pytest.warns(synthaug.SynthaugWarning) as caught:
        conform(frame.drop(columns="label"), parse_public_schema(doc), coarse=coarse)
    return [str(w.message) for w in caught]


def _odd_table() -> pd.DataFrame:
    frame = private_table(0)
    frame.loc[:11, "age"] = 200  # 12 above the bounds
    frame.loc[20, "colour"] = "mauve"  # 1 unknown category
    frame.loc[30:32, "city"] = np.nan  # missing, not allowed
    frame["country"] = ["NO"] * (len(frame) - 2) + ["SE", "SE"]
    return frame


def test_conform_warns_exact_counts_without_dp():
    messages = _conform_messages(_odd_table(), coarse=False)
    assert any("'age': 12 value(s) outside the public bounds" in m for m in messages)
    assert any("'colour': 1 value(s) not among" in m for m in messages)
    assert any("'country': 2 value(s) differ" in m for m in messages)
    assert not any("order of magnitude" in m for m in messages)


def test_conform_under_dp_gives_no_exact_count_of_private_rows():
    frame = _odd_table()
    missing = int(frame["city"].isna().sum())
    messages = _conform_messages(frame, coarse=True)
    assert len(messages) == 5  # and city's one unknown value (private_table's sentinel)
    assert any("'age': 10 to 99 values outside the public bounds" in m for m in messages)
    assert any("'colour': fewer than 10 values not among" in m for m in messages)
    assert any("'country': fewer than 10 values differ" in m for m in messages)
    assert any(f"'city': {coarse_count(missing)} missing values, which" in m for m in messages)
    assert all("order of magnitude; the warning itself is not covered by epsilon" in m for m in messages)
    for exact in ("12", "1 value", "2 value", f"{missing} missing"):
        assert not any(exact in m for m in messages), exact


def test_a_dp_fit_with_a_schema_warns_coarse_counts_and_a_plain_fit_exact_ones():
    pytest.importorskip("opacus")
    _, messages = fitted(schema_doc(), dp_epsilon=1.0, batch_size=8)
    age = [m for m in messages if "outside the public bounds" in m]
    assert age == ["column 'age': fewer than 10 values outside the public bounds were clipped to them (under DP "
                   "the count is rounded to its order of magnitude; the warning itself is not covered by epsilon)"]
    _, messages = fitted(schema_doc())
    assert any("'age': 1 value(s) outside the public bounds" in m for m in messages)


def test_errors_under_dp_give_no_exact_count_of_private_rows():
    """Only the warnings were coarse: the errors that stop a DP fit printed exact counts of private rows."""
    schema = parse_public_schema(schema_doc(), "s")
    labels = pd.Series(["no", "yes"] * 10 + ["maybe"] * 3 + [None] * 2, name="label")
    with pytest.raises(DataError, match=r"has fewer than 10 missing values; drop or fill them \(under DP the "
                                        r"count is rounded to its order of magnitude; the error itself"):
        public_labels(labels, schema, coarse=True)
    with pytest.raises(DataError, match="has 2 missing value"):
        public_labels(labels, schema)
    with pytest.raises(DataError, match=r"'label': fewer than 10 rows have a class the public schema does not list"):
        public_labels(labels.dropna(), schema, coarse=True)
    frame = private_table(0).drop(columns="label").astype({"age": object})
    frame.loc[[0, 1, 2], "age"] = "n/a"
    with pytest.raises(DataError, match=r"'age' is declared integer in the public schema but fewer than 10 values "
                                        "are not numbers"):
        conform(frame, schema, coarse=True)
    with pytest.raises(DataError, match=r"but 3 value\(s\) are not numbers"):
        conform(frame, schema)
