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


@pytest.mark.parametrize(("item", "option"), [("random_state=3", "--seed"), ("verbose=true", "--quiet")])
def test_parameters_the_commands_set_themselves_are_refused(item, option):
    # the CLI passes random_state and verbose itself: --set gave "got multiple values" TypeErrors
    with pytest.raises(DataError, match=f"is set by {option}"):
        parse_overrides([item], TabularCGAN)
