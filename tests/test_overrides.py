import pytest

from synthaug import DataError, TabularCGAN
from synthaug._overrides import parse_overrides


def test_a_union_annotation_accepts_each_of_its_kinds():
    # label_filter: float | str | None = "auto" takes a number, a word or null, not only text
    assert parse_overrides(["label_filter=0.3"], TabularCGAN) == {"label_filter": 0.3}
    assert parse_overrides(["label_filter=auto"], TabularCGAN) == {"label_filter": "auto"}
    assert parse_overrides(["label_filter=null"], TabularCGAN) == {"label_filter": None}
    with pytest.raises(DataError, match=r"^--set: label_filter expects a number or text or null, got \[1, 2\]"):
        parse_overrides(["label_filter=[1, 2]"], TabularCGAN)


def test_other_parameters_keep_the_kind_of_their_default():
    assert parse_overrides(["epochs=3", "privacy_filter=null"], TabularCGAN) == {"epochs": 3, "privacy_filter": None}
    with pytest.raises(DataError, match="epochs expects a number, got 'many'"):
        parse_overrides(["epochs=many"], TabularCGAN)
    with pytest.raises(DataError, match="loss expects text, got 2"):
        parse_overrides(["loss=2"], TabularCGAN)
