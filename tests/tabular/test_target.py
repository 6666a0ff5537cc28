"""The class label: split from the table and checked."""

import numpy as np
import pandas as pd
import pytest

from synthaug import DataError, SynthaugWarning, TabularCGAN


@pytest.mark.parametrize("dtype", [object, "category"])
def test_labels_of_mixed_types_are_a_data_error(mixed_table, dtype):
    """They used to end in numpy's TypeError from sorting 1 against 'a'."""
    labels = pd.Series([1, "a"] * (len(mixed_table) // 2), dtype=dtype, name="label")
    with pytest.raises(DataError, match=r"target column 'label' mixes label types \(int, str\)"):
        TabularCGAN(min_steps=1, epochs=1).fit(mixed_table.drop(columns="label"), labels)


def test_many_single_row_classes_are_counted_not_all_listed(fast_params):
    """A warning used to quote every single-row class: ~700 names on one line for an ID-like target."""
    labels = ["a", "b"] * 20 + [f"m{i:03d}" for i in range(30)]
    frame = pd.DataFrame({"x": np.random.default_rng(0).normal(size=70), "t": labels})
    with pytest.warns(SynthaugWarning) as caught:
        TabularCGAN(random_state=0, **fast_params).fit(frame, y="t")
    said = [str(w.message) for w in caught if "single row" in str(w.message)]
    assert said == ["target column 't': 30 of 32 classes ('m000', 'm001', 'm002', 'm003', 'm004', … and 25 more) "
                    "have a single row; the model will likely copy or ignore them"]
