from collections.abc import Sequence

import pytest

from synthaug import DataError, ImageCGAN, TabularCGAN
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
    with pytest.raises(DataError, match=r"epochs expects a number \(an integer\), got 'many'"):
        parse_overrides(["epochs=many"], TabularCGAN)
    with pytest.raises(DataError, match="loss expects text, got 2"):
        parse_overrides(["loss=2"], TabularCGAN)


@pytest.mark.parametrize(("item", "option"), [("random_state=3", "--seed"), ("verbose=true", "--quiet")])
def test_parameters_the_commands_set_themselves_are_refused(item, option):
    # the CLI passes random_state and verbose itself: --set gave "got multiple values" TypeErrors
    with pytest.raises(DataError, match=f"is set by {option}"):
        parse_overrides([item], TabularCGAN)


@pytest.mark.parametrize(("item", "message"), [
    ("pac=abc", r"pac expects a number \(an integer\) or null, got 'abc'"),  # was int('abc') at fit
    ("pac=1.5", r"pac expects a number \(an integer\) or null, got 1.5"),
    ("betas=['a', 'b']", r"betas expects a list of 2 numbers, got \['a', 'b'\]"),  # was float('a') at fit
    ("drop=[['a']]", r"drop expects a list of text, got \[\['a'\]\]"),  # was unhashable type: 'list'
    ("generator_dims=[64, 'wide']", r"generator_dims expects a list of integers"),
    ("epochs=2.5", r"epochs expects a number \(an integer\), got 2.5"),
])
def test_optional_kinds_and_list_items_are_checked(item, message):
    # `X | None` with a None default accepted anything, and list items were never looked at
    with pytest.raises(DataError, match=f"^--set: {message}"):
        parse_overrides([item], TabularCGAN)


@pytest.mark.parametrize(("item", "message"), [
    ("truncation=x", "truncation expects a number or null, got 'x'"),
    ("apa_target=[1]", r"apa_target expects a number or null, got \[1\]"),
    ("grid_dir=5", "grid_dir expects text or null, got 5"),
])
def test_image_parameters_with_a_none_default_are_checked(item, message):
    with pytest.raises(DataError, match=f"^--set: {message}"):
        parse_overrides([item], ImageCGAN)


def test_well_typed_values_still_pass():
    items = ["pac=null", "pac=4", "betas=[0.5, 0.99]", "generator_dims=[64]", "drop=['a']", "real_label=1",
             "public_schema=schema.json", "public_schema={format_version = 1}"]
    assert parse_overrides(items, TabularCGAN)["public_schema"] == {"format_version": 1}
    assert parse_overrides(["truncation=0.7", "grid_dir=null"], ImageCGAN) == {"truncation": 0.7, "grid_dir": None}


class _FixedPair:
    def __init__(self, *, betas: tuple[float, float] = (0.5, 0.9), dims: Sequence[int] = (8, 8)) -> None:
        self.betas, self.dims = betas, dims


def test_a_fixed_length_tuple_annotation_fixes_the_length():
    assert parse_overrides(["betas=[0.1, 0.2]", "dims=[1, 2, 3]"], _FixedPair) == {"betas": [0.1, 0.2],
                                                                                  "dims": [1, 2, 3]}
    with pytest.raises(DataError, match=r"^--set: betas expects a list of 2 numbers, got \[0.5\]"):
        parse_overrides(["betas=[0.5]"], _FixedPair)
