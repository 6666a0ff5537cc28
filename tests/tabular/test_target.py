"""The class label: split from the table and checked."""

import pandas as pd
import pytest

from synthaug import DataError, TabularCGAN


@pytest.mark.parametrize("dtype", [object, "category"])
def test_labels_of_mixed_types_are_a_data_error(mixed_table, dtype):
    """They used to end in numpy's TypeError from sorting 1 against 'a'."""
    labels = pd.Series([1, "a"] * (len(mixed_table) // 2), dtype=dtype, name="label")
    with pytest.raises(DataError, match=r"target column 'label' mixes label types \(int, str\)"):
        TabularCGAN(min_steps=1, epochs=1).fit(mixed_table.drop(columns="label"), labels)
