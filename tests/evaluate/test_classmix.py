"""Class weights that give the real rows the synthetic class mix, by hand."""

import pandas as pd
import pytest

from synthaug import DataError
from synthaug.evaluate import classmix


def test_weights_are_synthetic_over_real_shares():
    real = pd.Series(["a"] * 6 + ["b"] * 2)  # 3/4, 1/4
    weights = classmix.class_weights(real, pd.Series(["a", "b"] * 5))  # 1/2, 1/2
    assert weights.to_dict() == pytest.approx({"a": 2 / 3, "b": 2.0})
    assert real.map(weights).mean() == pytest.approx(1.0)


def test_equal_mixes_need_no_weights():
    real = pd.Series(["a"] * 60 + ["b"] * 40)
    assert classmix.class_weights(real, pd.Series(["b"] * 20 + ["a"] * 30)) is None
    assert classmix.class_weights(real, pd.Series(["a"] * 33 + ["b"] * 17)) is not None  # 3 rows off the mix


def test_mixes_equal_up_to_whole_rows_need_no_weights():
    # sample --n 1000 at a 1333/667 prior gives 667/333 (666.7/333.3 rounded): weighting it by
    # 1.0008/0.9985 put a "measured at the synthetic class mix" note on every such report
    real = pd.Series(["a"] * 1333 + ["b"] * 667)
    assert classmix.class_weights(real, pd.Series(["a"] * 667 + ["b"] * 333)) is None
    assert classmix.class_weights(pd.Series(["a"] * 60 + ["b"] * 40), pd.Series(["a"] * 31 + ["b"] * 20)) is None
    assert classmix.class_weights(real, pd.Series(["a"] * 669 + ["b"] * 331)) is not None


def test_a_class_without_synthetic_records_weighs_nothing():
    real = pd.Series(["a"] * 6 + ["b"] * 2 + ["c"] * 2)
    weights = classmix.class_weights(real, pd.Series(["b", "c", "c"]))
    # 'a' weighs 0; 'b' and 'c' are 1/2 each of the kept real rows, 1/3 and 2/3 of the synthetic ones
    assert weights.to_dict() == pytest.approx({"a": 0.0, "b": 2 / 3, "c": 4 / 3})
    classes = ("a", "b", "c")
    shares = {"real": classmix.class_shares(real, classes),
              "synthetic": classmix.class_shares(pd.Series(["b", "c", "c"]), classes)}
    assert shares["synthetic"] == pytest.approx({"a": 0.0, "b": 1 / 3, "c": 2 / 3})
    notes = classmix.class_mix_notes(shares["real"], shares["synthetic"], 0.6)
    assert "differ by 0.600" in notes[0] and "class(es) 'a'" in notes[1]


def test_a_synthetic_class_without_real_rows_is_refused():
    with pytest.raises(DataError, match="class\\(es\\) 'z' have no real rows"):
        classmix.class_weights(pd.Series(["a", "b"]), pd.Series(["a", "z"]))
    weights = classmix.class_weights(pd.Series([1, 2, 2]), pd.Series([1, 1, 1, 2]))
    assert weights.to_dict() == pytest.approx({1: 2.25, 2: 0.375})
