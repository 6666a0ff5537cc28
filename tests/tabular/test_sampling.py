import numpy as np
import pytest

from synthaug import DataError
from synthaug._text import CLI, RECIPE, options_named_for
from synthaug.sampling import allocate, chunk_labels, parse_per_class, resolve_class_counts

CLASSES, COUNTS = [" <=50K", " >50K"], [75, 25]
AB_CLASSES, AB_COUNTS = ["a", "b"], [30, 10]  # for the request checks below


def test_n_follows_the_prior_exactly():
    assert list(resolve_class_counts(CLASSES, COUNTS, n=10)) == [8, 2]
    assert allocate(7, np.array([1 / 3, 1 / 3, 1 / 3])).sum() == 7


def test_balance_ratio_and_per_class():
    assert list(resolve_class_counts(CLASSES, COUNTS, balance=True)) == [0, 50]
    assert list(resolve_class_counts(CLASSES, COUNTS, ratio=0.5)) == [38, 12]
    assert list(resolve_class_counts(CLASSES, COUNTS, per_class={">50K": 3, " <=50K": 4})) == [4, 3]


def test_one_request_exactly():
    with pytest.raises(DataError, match="exactly one"):
        resolve_class_counts(CLASSES, COUNTS, n=5, balance=True)
    with pytest.raises(DataError, match="exactly one"):
        resolve_class_counts(CLASSES, COUNTS)


def test_unknown_class_is_named():
    with pytest.raises(DataError, match=r"unknown class '>50k'.*did you mean ' >50K'"):
        resolve_class_counts(CLASSES, COUNTS, per_class={">50k": 3})


def test_an_unknown_integer_class_is_suggested_as_an_integer():
    """per_class={11: 2} on classes 0, 1, 2 said "did you mean '1'?", quoting the integer as text."""
    with pytest.raises(DataError, match=r"unknown class 11 \(did you mean 1\?\); classes are 0, 1, 2$"):
        resolve_class_counts(np.array([0, 1, 2]), [5, 5, 5], per_class={11: 2})


def test_parse_per_class():
    assert parse_per_class("A=100, B=5") == {"A": 100, "B": 5}
    assert parse_per_class("a=b=2") == {"a=b": 2}
    assert parse_per_class("100") == 100  # that many of every class, as in `sample --per-class 100 -o out/`
    for bad in ("A", "A=x", "", "-3", "A=1,A=2", "²", "A=3_0", "A=1e2", "A=²"):  # int() took 3_0 as 30; '²'.isdigit()
        with pytest.raises(DataError, match="--per-class"):
            parse_per_class(bad)


def test_one_count_for_every_class_and_a_class_named_twice():
    assert list(resolve_class_counts(CLASSES, COUNTS, per_class=7)) == [7, 7]
    with pytest.raises(DataError, match="a count for every class must be a whole number"):
        resolve_class_counts(CLASSES, COUNTS, per_class=2.5)
    with pytest.raises(DataError, match="class ' >50K' is given twice"):  # '>50K' is how ' >50K' is typed
        resolve_class_counts(CLASSES, COUNTS, per_class={">50K": 3, " >50K": 4})


def test_chunks_have_exact_totals_and_bounded_size():
    chunks = list(chunk_labels(np.array([1000, 10, 0]), 128, np.random.default_rng(0)))
    assert max(len(c) for c in chunks) == 128
    assert np.bincount(np.concatenate(chunks), minlength=3).tolist() == [1000, 10, 0]


def test_a_ratio_too_small_for_one_row_names_the_ratio():
    with pytest.raises(DataError, match=r"^ratio 0.001 of 100 training rows is 0 rows"):
        resolve_class_counts(["a", "b"], [50, 50], ratio=0.001)


@pytest.mark.parametrize(("request_", "message"), [
    ({"ratio": float("inf")}, r"^ratio must be a positive number"),
    ({"ratio": float("nan")}, r"^ratio must be a positive number"),
    ({"ratio": 1e300}, r"^ratio 1e\+300 of 40 training rows is more than 9007199254740992 rows"),
    ({"n": 10**20}, r"^n: at most 9007199254740992 rows can be generated"),
    ({"n": float("inf")}, r"^n must be a whole number of rows"),
    ({"per_class": {"a": 10**20}}, "count for class 'a': at most 9007199254740992 rows can be generated"),
    ({"per_class": {"a": 2**53, "b": 2**53}}, "rows in all; at most"),
])
def test_requests_too_large_or_not_finite_are_one_line_errors(request_, message):
    # --ratio inf raised OverflowError and --n 10**20 numpy's ValueError, both as tracebacks
    with pytest.raises(DataError, match=message):
        resolve_class_counts(AB_CLASSES, AB_COUNTS, **request_)


@pytest.mark.parametrize("chunk_size", [0, -3])
def test_a_chunk_size_below_one_is_refused_not_looped_on(chunk_size):
    # chunk_size=0 drew empty chunks forever (model.write_sample(path, 10, chunk_size=0) hung)
    with pytest.raises(DataError, match="chunk_size must be a whole number of rows >= 1"):
        chunk_labels(np.array([3, 2]), chunk_size, np.random.default_rng(0))  # at the call, not at next()


@pytest.mark.parametrize("count", [2.5, "3", True])
def test_per_class_counts_must_be_whole_numbers(count):
    # model.sample(per_class={"a": 2.5}) gave 2 rows, "3" gave 3
    with pytest.raises(DataError, match="count for class 'a' must be a whole number"):
        resolve_class_counts(AB_CLASSES, AB_COUNTS, per_class={"a": count})
    assert resolve_class_counts(AB_CLASSES, AB_COUNTS, per_class={"a": np.int64(2)}).tolist() == [2, 0]


@pytest.mark.parametrize("n", [10.5, "7", True])
def test_n_must_be_a_whole_number(n):
    # model.sample(n=10.5) gave 10 rows, a recipe's n = "7" 7
    with pytest.raises(DataError, match=r"^n must be a whole number of rows"):
        resolve_class_counts(AB_CLASSES, AB_COUNTS, n=n)
    assert resolve_class_counts(AB_CLASSES, AB_COUNTS, n=np.int64(4)).tolist() == [3, 1]


def test_counts_may_be_floats_that_are_whole_numbers_as_in_a_sampling_strategy_dict():
    # model.sample(n=5.0) was refused ("got 5.0") while SynthOverSampler's {1: 100.0} was taken
    from synthaug.augment import oversampling_targets

    assert resolve_class_counts(AB_CLASSES, AB_COUNTS, n=4.0).tolist() == [3, 1]
    assert resolve_class_counts(AB_CLASSES, AB_COUNTS, n=np.float32(4)).tolist() == [3, 1]
    assert resolve_class_counts(AB_CLASSES, AB_COUNTS, per_class=2.0).tolist() == [2, 2]
    assert resolve_class_counts(AB_CLASSES, AB_COUNTS, per_class={"a": 2.0, "b": np.float64(0)}).tolist() == [2, 0]
    assert [len(c) for c in chunk_labels(np.array([3, 2]), 2.0, np.random.default_rng(0))] == [2, 2, 1]
    assert oversampling_targets(np.array(["a"] * 30 + ["b"] * 10), {"b": 30.0}) == {"b": 20}
    for request_ in ({"n": 4.5}, {"per_class": 2.5}, {"per_class": {"a": 2.5}}, {"n": float("nan")}):
        with pytest.raises(DataError, match="whole number"):
            resolve_class_counts(AB_CLASSES, AB_COUNTS, **request_)


@pytest.mark.parametrize(("request_", "message"), [
    ({"n": 5, "balance": True}, "ask for exactly one of n, per_class, balance or "
                                "ratio; got n, balance"),
    ({}, "ask for exactly one of n, per_class, balance or ratio"),
    ({"n": 0}, "n must be a whole number of rows >= 1, got 0"),
    ({"ratio": -1.0}, "ratio must be a positive number"),
    ({"per_class": {"c": 1}}, "per_class: unknown class 'c'"),
    ({"per_class": 2.5}, "per_class: a count for every class must be a whole number"),
    # the bound 2**53 was in the message although -1 is far from it
    ({"per_class": {"a": -1}}, "per_class: count for class 'a' must be a whole number >= 0, got -1"),
    ({"per_class": {"a": 1, " a": 2}}, "per_class: class 'a' is given twice"),
    # 0 rows in all was an empty sample (a header-only file), where n=0 is refused
    ({"per_class": {"a": 0, "b": 0}}, "per_class must ask for at least 1 row in all, got {'a': 0"),
    ({"per_class": {"a": 0}}, "per_class must ask for at least 1 row in all"),
    ({"per_class": 0}, "per_class must ask for at least 1 row in all, got 0"),
    ({"ratio": 0.01}, "ratio 0.01 of 40 training rows is 0 rows; ask for more"),
])
def test_sampling_errors_name_the_argument_as_the_caller_spells_it(request_, message):
    # model.sample(per_class={"c": 1}) said "per_class (--per-class): unknown class", an option a Python
    # caller has not got (and AugmentedDataset's users got it about a request they never made)
    with pytest.raises(DataError) as info:
        resolve_class_counts(AB_CLASSES, AB_COUNTS, **request_)
    assert str(info.value).startswith(message) and "--" not in str(info.value), str(info.value)


@pytest.mark.parametrize(("request_", "message"), [
    ({"n": 5, "balance": True}, "ask for exactly one of --n, --per-class, --balance or --ratio; got --n, --balance"),
    ({"per_class": {"c": 1}}, "--per-class: unknown class 'c'"),
    ({"per_class": 0}, "--per-class must ask for at least 1 row in all, got 0"),
    ({"ratio": 0.01}, "--ratio 0.01 of 40 training rows is 0 rows; ask for more"),
])
def test_the_cli_has_sampling_errors_name_its_options(request_, message):
    with options_named_for(CLI), pytest.raises(DataError) as info:
        resolve_class_counts(AB_CLASSES, AB_COUNTS, **request_)
    assert str(info.value).startswith(message), str(info.value)
    with pytest.raises(DataError, match="^per_class: unknown class"):  # and only within options_named_for(CLI)
        resolve_class_counts(AB_CLASSES, AB_COUNTS, per_class={"c": 1})
    with options_named_for(RECIPE), pytest.raises(DataError, match="^sample.per_class: unknown class"):
        resolve_class_counts(AB_CLASSES, AB_COUNTS, per_class={"c": 1})


def test_balance_of_equal_classes_is_refused_and_a_zero_beside_positive_counts_is_not():
    with pytest.raises(DataError, match=r"^balance must generate at least 1 row; every class already has 20 "
                                        r"training rows, so ask for n, per_class or ratio$"):
        resolve_class_counts(AB_CLASSES, [20, 20], balance=True)
    assert resolve_class_counts(AB_CLASSES, AB_COUNTS, per_class={"a": 0, "b": 2}).tolist() == [0, 2]


def test_a_fitted_model_names_its_sampling_arguments(table_model):
    import synthaug

    model = synthaug.load(table_model / "m")
    with pytest.raises(DataError, match=r"^per_class: unknown class 'maybe'"):
        model.sample(per_class={"maybe": 3})
    with pytest.raises(DataError, match=r"^ratio must be a positive number"):
        model.sample_frame(ratio=float("nan"))


def test_a_fitted_model_refuses_zero_rows_in_every_api(table_model, tmp_path):
    # per_class={"yes": 0, "no": 0} gave an empty frame and write_sample a header-only file; n=0 was refused
    import synthaug

    model = synthaug.load(table_model / "m")
    zero = r"^per_class must ask for at least 1 row in all"
    with pytest.raises(DataError, match=zero):
        model.sample(per_class={"yes": 0, "no": 0})
    with pytest.raises(DataError, match=zero):
        model.sample_frame(per_class=0)
    with pytest.raises(DataError, match=zero):
        model.write_sample(tmp_path / "s.csv", per_class={"yes": 0})
    assert not list(tmp_path.iterdir())
    assert model.sample_frame(per_class={"yes": 0, "no": 2}, random_state=0)["label"].tolist() == ["no", "no"]


def test_a_class_given_twice_is_named_as_a_plain_value():
    """It said 'class np.int64(0) is given twice' for integer labels."""
    with pytest.raises(DataError, match=r"^per_class: class 0 is given twice \(as 0 and '0'\)$"):
        resolve_class_counts(np.array([0, 1]), [5, 5], per_class={0: 1, "0": 2})


def test_a_billion_rows_are_drawn_in_exact_chunks():
    """numpy's multivariate hypergeometric refuses 10**9 rows in all: `sample --n 1000000000` was a traceback."""
    from synthaug.sampling import _draw_chunk

    counts = np.array([10**9, 3, 2 * 10**9])
    first = next(chunk_labels(counts, 50_000, np.random.default_rng(0)))
    assert len(first) == 50_000 and set(np.unique(first)) <= {0, 1, 2}
    again = next(chunk_labels(counts, 50_000, np.random.default_rng(0)))
    assert np.array_equal(first, again)
    remaining = np.array([10**9, 5])  # a chunk of everything: every class's rows exactly, never more
    assert np.array_equal(_draw_chunk(remaining, int(remaining.sum()), np.random.default_rng(1)), remaining)


def test_n_or_ratio_that_gives_a_class_no_rows_warns_naming_the_classes_and_a_request_that_would_not():
    # on a 6-class table --ratio 0.01 gave {0: 1} and --n 7 nothing for two classes, without a word
    import warnings

    from synthaug import SynthaugWarning

    classes, counts = [0, 1, 2, 3, 4, 5], [20, 15, 10, 5, 5, 5]
    with options_named_for(CLI), pytest.warns(SynthaugWarning) as caught:
        assert resolve_class_counts(classes, counts, ratio=0.01, warn_empty=True).tolist() == [1, 0, 0, 0, 0, 0]
        assert resolve_class_counts(classes, counts, n=7, warn_empty=True).tolist() == [2, 2, 1, 1, 1, 0]
    assert [str(w.message) for w in caught] == [
        "--ratio 0.01 gives classes 1, 2, 3, 4, 5 no rows (1 row in all, at the training class prior); --ratio 0.2 "
        "or more gives every class at least one, or ask for each class's count with --per-class",
        "--n 7 gives class 5 no rows (7 rows in all, at the training class prior); --n 12 or more gives every "
        "class at least one, or ask for each class's count with --per-class"]
    assert resolve_class_counts(classes, counts, n=12).min() >= 1 and resolve_class_counts(classes, counts,
                                                                                          ratio=0.2).min() >= 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        resolve_class_counts(classes, counts, per_class={0: 3}, warn_empty=True)  # the user chose
        resolve_class_counts(classes, counts, n=7)  # the models' checks before sampling: once, at sampling
        resolve_class_counts(classes, counts, n=12, warn_empty=True)
    with options_named_for(RECIPE), pytest.warns(SynthaugWarning, match=r"^sample\.n = 1 gives classes 1, .* "
                                                                        r"sample\.n = 12 or more"):
        resolve_class_counts(classes, counts, n=1, warn_empty=True)


def test_a_fitted_model_warns_once_when_n_leaves_a_class_out(table_model):
    import warnings

    import synthaug

    model = synthaug.load(table_model / "m")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.sample_frame(n=1, random_state=0)
    said = [str(w.message) for w in caught if "gives class" in str(w.message)]
    assert len(said) == 1 and said[0].startswith("n=1 gives class "), said


def test_the_cli_hint_for_an_unknown_class_is_a_per_class_value_that_can_be_pasted():
    # `--per-class "' 中 等'=4"` said (did you mean ' 中 等'?): pasted back with its quotes, unknown again
    import shlex

    classes = [" 中 等", "高"]
    with options_named_for(CLI), pytest.raises(DataError) as info:
        resolve_class_counts(classes, [5, 5], per_class=parse_per_class("' 中 等'=4"))
    assert str(info.value) == ("--per-class: unknown class \"' 中 等'\" (did you mean --per-class ' 中 等=4'?); "
                               "classes are ' 中 等', '高'")
    typed = shlex.split(str(info.value).split("did you mean ")[1].split("?)")[0])
    assert typed[0] == "--per-class"
    assert resolve_class_counts(classes, [5, 5], per_class=parse_per_class(typed[1])).tolist() == [4, 0]
    with pytest.raises(DataError, match=r"unknown class '中等' \(did you mean ' 中 等'\?\)"):  # Python: its repr
        resolve_class_counts(classes, [5, 5], per_class={"中等": 4})


def test_the_cli_hint_keeps_the_other_classes_counts_and_matches_a_class_that_differs_in_case():
    # `--per-class '>50k=5,<=50K=3'` suggested `--per-class ' >50K=5'`, dropping <=50K=3; 'A' got no hint for 'a'
    classes = [" >50K", "<=50K"]
    with options_named_for(CLI), pytest.raises(DataError, match=r"did you mean --per-class ' >50K=5,<=50K=3'\?"):
        resolve_class_counts(classes, [5, 5], per_class=parse_per_class(">50k=5,<=50K=3"))
    with pytest.raises(DataError, match=r"unknown class 'A' \(did you mean 'a'\?\)"):
        resolve_class_counts(["a", "b", "c"], [5, 5, 5], per_class={"A": 5})
