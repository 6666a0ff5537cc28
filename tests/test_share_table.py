"""share checks the user's whole table before its split: the public schema's checks first (no private
label, counts to their order of magnitude under DP), rows numbered as in the user's file, and the
column kinds the user gave."""

import numpy as np
import pandas as pd
import pytest

from synthaug import DataError, TabularCGAN
from synthaug.share import share


class TrainedError(Exception):
    pass


class NoTraining(TabularCGAN):
    """A TabularCGAN that stops where training would start: share's checks before it passed."""

    def fit(self, X, y):
        raise TrainedError


def schema(numeric_kind: str = "continuous") -> dict:
    return {"format": "synthaug-public-schema", "format_version": 1,
            "target": {"name": "target", "classes": ["a", "b"]},
            "columns": [{"name": "x", "kind": numeric_kind, "bounds": [0, 100]}]}


def table(n: int = 40) -> pd.DataFrame:
    return pd.DataFrame({"x": np.arange(n, dtype=float), "target": ["a", "b"] * (n // 2)})


def refused(frame: pd.DataFrame, tmp_path, **params) -> str:
    with pytest.raises(DataError) as info:
        share(frame, "target", tmp_path / "out", synthesizer=NoTraining(**params))
    assert not (tmp_path / "out").exists()
    return str(info.value)


def test_under_dp_a_label_the_schema_does_not_list_is_refused_by_the_schema_without_the_label(tmp_path):
    # the trial's 'SENTINELCLASS' was printed by the class-size check that ran before the schema's
    frame = table()
    frame.loc[3, "target"] = "SENTINELCLASS"
    message = refused(frame, tmp_path, public_schema=schema(), dp_epsilon=1.0)
    assert "SENTINELCLASS" not in message
    assert "fewer than 10 rows have a class the public schema does not list" in message


def test_under_dp_missing_labels_are_counted_to_their_order_of_magnitude(tmp_path):
    frame = table()
    frame.loc[3, "target"] = None
    for params in ({"public_schema": schema()}, {}):
        message = refused(frame, tmp_path, dp_epsilon=1.0, **params)
        assert message.startswith("target column 'target' has fewer than 10 missing values; drop or fill them")
    assert "has 1 missing value(s); drop or fill them" in refused(frame, tmp_path)  # exact without DP, not "train:"


def test_under_dp_text_in_a_declared_number_column_is_the_schemas_coarse_error(tmp_path):
    frame = table()
    frame["x"] = frame["x"].astype(object)
    frame.loc[3, "x"] = "STRAY"
    message = refused(frame, tmp_path, public_schema=schema(), dp_epsilon=1.0)
    assert message.startswith("column 'x' is declared continuous in the public schema but fewer than 10 values")
    assert "--categorical" not in message


@pytest.mark.parametrize("params", [{"dp_epsilon": 1.0}, {"dp_epsilon": 1.0, "public_schema": schema()}])
def test_under_dp_a_class_too_small_is_counted_to_its_order_of_magnitude(tmp_path, params):
    frame = pd.concat([table(), pd.DataFrame({"x": [1.0], "target": ["b"]})], ignore_index=True)
    frame.loc[:39, "target"] = "a"  # 'b' (listed in the schema: public) has one row
    message = refused(frame, tmp_path, **params)
    assert message.startswith("class 'b' of 'target' has fewer than 10 rows, fewer than 2 left to train on")
    assert "under DP the count is rounded to its order of magnitude" in message


def test_a_stray_value_is_numbered_by_its_row_in_the_users_file(tmp_path):
    # after the shuffled split the trial's '?' at data row 11 was reported at row 165
    frame = table(200)
    frame["x"] = frame["x"].astype(str)
    frame.loc[10, "x"] = "?"
    message = refused(frame, tmp_path)
    assert "(first at .iloc[10]: '?')" in message  # share(frame) in Python: the frame's row; the CLI: the file's


def test_the_column_kinds_given_are_the_ones_share_checks(tmp_path):
    # --categorical 'x', as the error suggested, gave the same error: share checked without it
    frame = table(200)
    frame["x"] = frame["x"].astype(str)
    frame.loc[10, "x"] = "?"
    with pytest.raises(TrainedError):
        share(frame, "target", tmp_path / "out", synthesizer=NoTraining(categorical=["x"]))


def test_with_a_schema_its_column_kinds_are_the_ones_share_checks(tmp_path):
    # a column the schema declares categorical was refused as numbers, with a hint to pass --categorical,
    # which is refused alongside a schema
    frame = table(200)
    frame["x"] = (frame.index % 3).astype(str)
    frame.loc[10, "x"] = "?"
    doc = schema()
    doc["columns"] = [{"name": "x", "kind": "categorical", "categories": ["0", "1", "2", "?"]}]
    with pytest.raises(TrainedError):
        share(frame, "target", tmp_path / "out", synthesizer=NoTraining(public_schema=doc))
