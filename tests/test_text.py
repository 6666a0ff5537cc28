"""Helpers for user-facing messages."""

import numpy as np
import pytest

from synthaug._text import (
    CLI,
    PYTHON,
    RECIPE,
    closest_name,
    coarse_count,
    column_hint,
    columns_option,
    counted,
    option_name,
    options_named_for,
    param_name,
    quoted,
)


def test_quoted_says_how_many_it_leaves_out():
    assert quoted(["a", np.int64(7)]) == "'a', 7"
    assert quoted([f"c{i}" for i in range(8)], 3) == "'c0', 'c1', 'c2', … and 5 more"
    assert quoted(range(5), 5) == "0, 1, 2, 3, 4"


def test_counted_is_singular_for_one_only():
    assert [counted(n, "seed") for n in (0, 1, 3)] == ["0 seeds", "1 seed", "3 seeds"]


def test_options_are_named_as_the_surface_in_use_spells_them():
    spelled = {}
    for surface in (PYTHON, CLI, RECIPE):
        with options_named_for(surface):
            spelled[surface] = (option_name("per_class", recipe="sample.per_class"),
                                option_name("filter_quantile", "--filter-close", "share.filter_close"),
                                option_name("dp_epsilon"), columns_option("drop", ["my col"]))
    assert spelled[PYTHON] == ("per_class", "filter_quantile", "dp_epsilon", "drop=['my col']")
    assert spelled[CLI] == ("--per-class", "--filter-close", "--dp-epsilon", "--drop 'my col'")
    assert spelled[RECIPE][:3] == ("sample.per_class", "share.filter_close", "model.dp_epsilon")
    assert spelled[RECIPE][3].startswith('model.drop = ["my col"] in the recipe')
    assert option_name("per_class") == "per_class"  # outside any: the Python API
    with pytest.raises(ValueError, match="surface must be"), options_named_for("shell"):
        pass


def test_a_command_names_its_options_and_python_its_arguments(tmp_path):
    """share's messages said 'n (--n)' to both; each now hears its own spelling, from one mechanism."""
    import pandas as pd
    from typer.testing import CliRunner

    from synthaug._errors import DataError
    from synthaug.cli import app
    from synthaug.share import share

    table = tmp_path / "t.csv"
    pd.DataFrame({"x": np.arange(40.0), "y": np.resize(["a", "b"], 40)}).to_csv(table, index=False)
    said = CliRunner().invoke(app, ["share", str(table), "-t", "y", "-o", str(tmp_path / "r"), "--n", "0"]).output
    assert said.strip() == "error: --n must be a whole number of rows >= 1, got 0", said
    with pytest.raises(DataError, match=r"^n must be a whole number of rows >= 1, got 0$"):
        share(pd.read_csv(table), "y", tmp_path / "r", n=0)
    assert not (tmp_path / "r").exists()


def test_a_model_parameter_is_named_by_the_running_commands_own_option_or_its_set_key(tmp_path):
    """share has no --epochs: its errors told users to fix an option it refuses ('No such option')."""
    import pandas as pd
    from typer.testing import CliRunner

    from synthaug.cli import app

    table = tmp_path / "t.csv"
    pd.DataFrame({"x": np.arange(40.0), "y": np.resize(["a", "b"], 40)}).to_csv(table, index=False)
    said = {command: CliRunner().invoke(app, [command, str(table), "-t", "y", "-o", str(tmp_path / command),
                                              "--set", "epochs=0"]).output.strip()
            for command in ("fit", "share")}
    assert said == {"fit": "error: --set epochs must be a whole number >= 1; got 0",  # was --epochs: not used
                    "share": "error: --set epochs must be a whole number >= 1; got 0"}, said


def test_a_parameter_without_an_option_is_named_as_set_takes_it():
    spelled = {}
    for surface in (PYTHON, CLI, RECIPE):
        with options_named_for(surface, {"dp_epsilon"} if surface == CLI else ()):  # as fit's options
            spelled[surface] = (param_name("dp_epsilon"), param_name("gumbel_tau"))
    assert spelled == {PYTHON: ("dp_epsilon", "gumbel_tau"), CLI: ("--dp-epsilon", "gumbel_tau"),
                       RECIPE: ("model.dp_epsilon", "model.gumbel_tau")}
    with options_named_for(CLI, {"dp_epsilon", "set_"}):  # a command that takes --set
        assert (param_name("dp_epsilon"), param_name("gumbel_tau")) == ("--dp-epsilon", "--set gumbel_tau")


def test_fit_setup_says_what_the_seed_seeds():
    from synthaug._text import fit_setup

    plain = {"seed": 4, "training": {"processes": 2, "threads": 1}}
    assert fit_setup(plain) == "seed 4, 2 processes, 1 torch thread"
    # a DP model's inspect said "seed 0" as if the seed reproduced its fit; its noise was secret-seeded
    dp = {"seed": 0, "training": {"n_images": 10}, "privacy": {"epsilon": 1.0}}
    assert fit_setup(dp) == "seed 0 (sampling only: the DP fit's noise was secret-seeded), 1 process"


@pytest.mark.parametrize("n, text", [(1, "fewer than 10"), (9, "fewer than 10"), (10, "10 to 99"),
                                     (999, "100 to 999"), (1000, "1,000 to 9,999"), (123456, "100,000 to 999,999")])
def test_coarse_count(n, text):
    assert coarse_count(n) == text


def test_coarse_count_takes_positive_counts_only():
    with pytest.raises(ValueError, match="positive count, got 0"):
        coarse_count(0)


def test_column_hint_names_the_closest_column_else_lists_them():
    """`target column 'diagnosis' not found` gave no list of columns when no name was close."""
    assert column_hint("diagnosys", ["age", "diagnosis"]) == " (did you mean 'diagnosis'?)"
    assert column_hint("diagnosis", ["age", "outcome"]) == "; the columns are 'age', 'outcome'"
    many = [f"feature_{i}" for i in range(12)] + ["x" * 50]
    hint = column_hint("diagnosis", many, limit=3)
    assert hint == "; the columns are 'feature_0', 'feature_1', 'feature_2', … and 10 more"
    assert len(column_hint("q", ["y" * 500])) < 60  # a long header name is cut
    assert column_hint("q", []) == ""


def test_a_suggestion_is_offered_only_for_a_near_spelling():
    # at difflib's 0.5 an unknown class 'maybe' got "did you mean 'yes'?" and share.per_class 'filter_close'
    assert closest_name("maybe", ["yes", "no"]) == ""
    assert closest_name("per_class", ["holdout", "n", "filter_close", "seeds"]) == ""
    assert closest_name("min_step", ["min_steps", "epochs"]) == " (did you mean 'min_steps'?)"
    assert closest_name("isfraud", ["is_fraud", "age"]) == " (did you mean 'is_fraud'?)"
