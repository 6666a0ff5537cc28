"""What `share` and `run` print for a refused release: the same lines, on stderr, and a hint on a gate
failed by its interval alone that is true with and without DP."""

import pandas as pd
import pytest
from typer.testing import CliRunner

import synthaug.share as share_module
from synthaug.cli import app
from synthaug.share import GateResult, ShareOutcome
from tests.test_run_output import SHARE, flat, invoke, patients


def unproven_outcome(dp: bool) -> ShareOutcome:
    """A refusal by dcr_share's 95% upper bound alone (estimate 0.5 under the limit 0.55, bound 0.87)."""
    guarantee = {"epsilon": 1.0, "delta": 1e-5} if dp else "none: the model was trained without differential privacy"
    card = {"data": {"holdout_rows": 600, "released_rows": 0}, "guarantee": guarantee, "released": False,
            "schema": {"schema": "inferred from the training data", "class_counts": "exact"}}
    gates = [GateResult("dcr_share", 0.5, 0.87, 0.55, False), GateResult("membership_auc", 0.5, 0.55, 0.6, True)]
    return ShareOutcome(False, gates, card, 0)


@pytest.fixture
def refused(monkeypatch):
    def use(dp: bool) -> None:
        monkeypatch.setattr(share_module, "share", lambda *args, **kwargs: unproven_outcome(dp))
    return use


@pytest.mark.parametrize("dp", [False, True])
def test_share_says_what_could_narrow_an_interval_that_failed_a_gate(tmp_path, refused, dp):
    # under DP a 600-row holdout gave a DCR upper bound of 0.87 (0.53 without DP): records piled up near few
    # real rows, and "a larger --holdout narrows the interval" misled
    refused(dp)
    patients(tmp_path / "p.csv")
    result = CliRunner().invoke(app, ["share", str(tmp_path / "p.csv"), "-t", "outcome", "-o", str(tmp_path / "r"),
                                      "-q"])
    assert result.exit_code == 3 and result.stdout == ""
    said = flat(result.stderr)
    assert "refused: gate(s) dcr_share failed; no synthetic data written" in said
    assert "dcr_share: the estimate is under the limit but its 95% upper bound is not;" in said
    if dp:
        assert "under DP, records piled up near few real rows widen the DCR interval" in said
        assert "a larger --dp-epsilon or more training rows can spread them, and a larger --holdout narrows the " \
               "interval only when they are spread" in said
    else:
        assert "600 holdout rows cannot show it (a larger --holdout narrows the interval)" in said


def test_run_prints_the_refusal_share_prints_naming_recipe_keys(tmp_path, refused):
    # `run` printed "refused:" on stdout and no hint on a gate failed by its interval alone
    refused(True)
    path = patients(tmp_path / "p.csv").as_posix()
    result = invoke(SHARE.format(path=path, limit=0.55).replace("[model]\n", "[model]\ndp_epsilon = 1.0\n"),
                    tmp_path)
    assert result.exit_code == 3, result.output
    assert "refused" not in result.stdout
    said = flat(result.stderr)
    assert f"refused: gate(s) dcr_share failed; no synthetic data written; gates.json (the measures) and " \
           f"recipe.toml in {tmp_path / 'out'}/" in said
    assert "a larger model.dp_epsilon or more training rows can spread them, and a larger share.holdout" in said
    assert not (tmp_path / "out" / "release").exists()
    assert pd.read_json(tmp_path / "out" / "gates.json", typ="series")["released"] is False


def test_a_class_the_filter_emptied_gets_the_class_size_advice_first_when_it_is_tiny():
    # a clinical trial's 4-row class: "every one of the 3 records of class 0 was still inside ... (train longer,
    # give the class more rows, or drop it)"; training longer left 48 of 52 rows inside at 9,000 steps
    from synthaug._errors import DataError
    from synthaug._share_checks import check_every_class_left

    sampled = pd.Series({0: 3, 1: 50})
    why = "still inside a training row's radius after the filter's tries"
    with pytest.raises(DataError) as caught:
        check_every_class_left(sampled, pd.Series([1] * 50), "privacy filter", why, pd.Series({0: 4, 1: 56}))
    assert str(caught.value) == (
        "privacy filter: every one of the 3 records of class 0 was still inside a training row's radius after the "
        "filter's tries; a release without the class would mislead whoever trains on it: class 0 (4 training rows) "
        "has too few rows to be synthesised without copying them: give it more rows or drop the class (training "
        "longer does not help)")
    with pytest.raises(DataError, match=r"trains on it \(train longer, give the class more rows, or drop it\)$"):
        check_every_class_left(sampled, pd.Series([1] * 50), "privacy filter", why, pd.Series({0: 6, 1: 56}))
    with pytest.raises(DataError, match=r"nothing to release: class 0 \(4 training rows\) has too few rows .*; "
                                        r"for the others, train longer, or give the classes more rows$"):
        check_every_class_left(sampled, pd.Series([], dtype=int), "privacy filter", why, pd.Series({0: 4, 1: 56}))
