"""share measures what the model generated as fit read it: a Decimal column (read_sql's NUMERIC, a Parquet
decimal) is numbers, a column named 7 is column "7"; both failed after the whole fit."""

import decimal
import json

import numpy as np
import pandas as pd
import pytest

from synthaug import DataError, TabularCGAN
from synthaug.share import Gates, share

OPEN = Gates(max_dcr_share=1, max_membership_auc=1, max_exact_copies=1000)


def _model() -> TabularCGAN:
    return TabularCGAN(epochs=1, min_steps=5, generator_dims=(8,), discriminator_dims=(8,), latent_dim=4,
                       random_state=0)


def _table(n: int = 100) -> pd.DataFrame:
    """A number named 7, a cost in Decimals among ints, a label."""
    rng = np.random.default_rng(0)
    y = np.resize(["a", "b"], n)
    cost = [decimal.Decimal(f"{v:.2f}") if i % 3 else int(v) for i, v in enumerate(rng.gamma(2, 500, n))]
    return pd.DataFrame({7: rng.normal(size=n) + (y == "b"), "cost": pd.Series(cost, dtype=object), "y": y})


@pytest.mark.parametrize("alone", ["named 7", "decimals"])
def test_a_decimal_column_and_a_column_named_7_are_released_and_measured_as_numbers(tmp_path, alone):
    table = _table()  # each alone: the name was refused before training, the Decimals after it
    table = table.assign(cost=table["cost"].astype(float)) if alone == "named 7" else table.rename(columns={7: "7"})
    outcome = share(table, "y", tmp_path / "release", synthesizer=_model(), gates=OPEN)
    assert outcome.released and outcome.left_out == []
    report = json.loads((tmp_path / "release" / "report.json").read_text())
    assert {m["column"]: m["kind"] for m in report["fidelity"]["marginals"]} == {
        "7": "numeric", "cost": "numeric", "y": "categorical"}
    assert list(pd.read_csv(tmp_path / "release" / "synthetic.csv").columns) == ["7", "cost", "y"]


def test_two_names_equal_as_text_are_refused_before_training(tmp_path):
    with pytest.raises(DataError, match="names that are equal as text"):  # fit's own words, before the split
        share(_table().assign(**{"7": 1.0}), "y", tmp_path / "release", synthesizer=_model(), gates=OPEN)
