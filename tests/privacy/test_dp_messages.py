"""What DP fits and releases say about their guarantee: the schema it does not cover, a large or tiny
delta, a membership AUC far below 0.5, and null on the command line."""

import json
import warnings
from types import SimpleNamespace

import numpy as np
import pytest
from typer.testing import CliRunner

from synthaug import DataError, SynthaugWarning, TabularCGAN
from synthaug._text import epsilon_text
from synthaug.cli import app
from tests.conftest import make_mixed_table

runner = CliRunner()
CLI_TINY = ["--set", "epochs=1", "--set", "min_steps=2", "--set", "generator_dims=[8]", "--set",
            "discriminator_dims=[8]", "--set", "latent_dim=4", "--set", "batch_size=32"]


def _text(result) -> str:
    return " ".join(result.output.split())


def test_a_delta_above_one_over_ten_n_warns_naming_the_value_and_n():
    # --dp-delta 0.002 with 480 training rows (0.96/n) was accepted silently; only delta >= 1/n warned
    from synthaug.privacy.dp import plan_budget

    counts, rng = np.array([240, 240]), np.random.default_rng(0)
    with pytest.warns(SynthaugWarning, match=r"dp_delta=0.002 is above 1/\(10 n\) = 0.000208 \(480 training "
                                             r"rows\): .*publishing about 0.96 of the 480 rows on average"):
        plan, _ = plan_budget(1.0, 0.002, 1.0, counts, 480, rng)
    assert plan.config.delta == 0.002  # the user's choice stands, with the warning
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        plan_budget(1.0, 1 / 4800, 1.0, counts, 480, rng)  # exactly 1/(10 n): the default's rule, no warning
        plan_budget(1.0, None, 1.0, counts, 480, rng)


def test_a_tiny_delta_names_dp_delta_and_the_accountant_not_the_noise():
    # --dp-delta 1e-300 said "it would need a noise multiplier above 1e+06": no noise reaches it at all
    pytest.importorskip("opacus")
    from opacus.accountants import RDPAccountant

    from synthaug.privacy.dp import ALPHAS, delta_floor, noise_multiplier

    assert set(RDPAccountant.DEFAULT_ALPHAS) <= set(ALPHAS) and max(ALPHAS) == 1024
    assert delta_floor(1e-300) == pytest.approx(0.6675, abs=1e-3) and delta_floor(1e-5) < 0.004
    with pytest.raises(DataError, match=r"^dp_delta 1e-300 is too small for the RDP accountant: .* costs epsilon "
                                        r"0.667 for that delta alone, however much noise is added \(a limit of the "
                                        r"accountant's orders, alpha up to 1024, not of DP\), above the DP-SGD share "
                                        r"0.5 of dp_epsilon") as info:
        noise_multiplier(0.5, 1e-300, 0.25, 12)
    assert "noise multiplier" not in str(info.value) and "whatever the noise" not in str(info.value)
    # an epsilon no delta worth having reaches: the epsilon is named
    with pytest.raises(DataError, match=r"^dp_epsilon: its DP-SGD share 0.0001 is below epsilon 0.0035, the least "
                                        r"the RDP accountant reports at dp_delta 1e-05 however much noise is added "
                                        r"\(a limit of the accountant's orders"):
        noise_multiplier(1e-4, 1e-5, 0.25, 10)


def test_the_accountant_agrees_with_opacus_at_the_same_orders():
    """The noise search's epsilon (Opacus' code up to order 63, a vectorised sum above) is Opacus'
    RDPAccountant.get_epsilon with the same alphas; at these settings the old orders (up to 63) gave more."""
    pytest.importorskip("opacus")
    from opacus.accountants import RDPAccountant

    from synthaug.privacy.accountant import ALPHAS, sgd_epsilon

    for sigma, q, steps in ((30.0, 1.0, 50), (22.5, 0.125, 20), (200.0, 0.25, 10), (1.08, 0.1, 3000),
                            (5.0, 0.3, 7)):
        accountant = RDPAccountant()
        accountant.history = [(sigma, q, steps)]
        assert sgd_epsilon(sigma, q, steps, 1e-5) == pytest.approx(accountant.get_epsilon(1e-5, alphas=list(ALPHAS)),
                                                                     rel=1e-9)
    assert sgd_epsilon(30.0, 1.0, 50, 1e-5) == pytest.approx(0.9497, abs=1e-4)  # the trial's check
    accountant.history = [(22.5, 0.125, 20)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Opacus: the optimal order is its largest (63)
        old = accountant.get_epsilon(1e-5)
    assert sgd_epsilon(22.5, 0.125, 20, 1e-5) == pytest.approx(0.0847, abs=1e-4)
    assert old == pytest.approx(0.1226, abs=1e-4)


def test_a_budget_of_0_1_is_reached_where_the_old_orders_stopped_at_0_103():
    # --dp-epsilon 0.1 (DP-SGD share 0.095, rate 0.125, 20 steps) was refused: "below epsilon 0.103, the least
    # the RDP accountant reports ... whatever the noise"; Opacus' PRV accountant gave 22.5 for it
    pytest.importorskip("opacus")
    from opacus.accountants import RDPAccountant

    from synthaug.privacy.dp import ALPHAS, noise_multiplier

    sigma = noise_multiplier(0.095, 1e-5, 0.125, 20, 0.05)
    accountant = RDPAccountant()
    accountant.history = [(sigma, 0.125, 20)]
    assert 0.094 <= accountant.get_epsilon(1e-5, alphas=list(ALPHAS)) <= 0.095  # within 1% below the target
    assert sigma < 22.5


def test_fit_without_a_public_schema_warns_and_says_training_only(tmp_path):
    # `fit --set dp_epsilon=1` printed only "differential privacy: spent epsilon 0.9955"
    pytest.importorskip("opacus")
    make_mixed_table(64).drop(columns="joined").to_csv(tmp_path / "t.csv", index=False)
    result = runner.invoke(app, ["fit", str(tmp_path / "t.csv"), "--target", "label", "-o", str(tmp_path / "m"),
                                 "--dp-epsilon", "0.5", "--dp-delta", "1e-300", *CLI_TINY])
    assert result.exit_code == 2 and "error: --dp-delta 1e-300 is too small for the RDP accountant" in _text(result)
    result = runner.invoke(app, ["fit", str(tmp_path / "t.csv"), "--target", "label", "-o", str(tmp_path / "m"),
                                 "--set", "dp_epsilon=1", *CLI_TINY])
    text = _text(result)
    assert result.exit_code == 0, text
    assert ("--set dp_epsilon without --schema: the category lists, numeric bounds, decimals and the class list come "
            "from the private data and are not covered by epsilon") in text
    assert "a rare category can appear in the released records" in text and "`synthaug schema` drafts one" in text
    assert "differential privacy: spent epsilon" in text and "; for training only: the schema" in text


def test_python_fit_without_a_public_schema_warns_with_python_names():
    pytest.importorskip("opacus")
    with pytest.warns(SynthaugWarning, match="^dp_epsilon without public_schema: "):
        TabularCGAN(dp_epsilon=1.0, epochs=1, min_steps=2, generator_dims=(8,), discriminator_dims=(8,),
                    latent_dim=4, random_state=0).fit(make_mixed_table(64), y="label")


def test_share_without_a_public_schema_says_the_guarantee_covers_training_only(tmp_path):
    # `share rare.csv --dp-epsilon 1` released records of a category 3 real rows held while the console said
    # "epsilon 1, delta 1e-05 for the synthetic records"
    pytest.importorskip("opacus")
    frame = make_mixed_table(80).drop(columns="joined")
    frame.to_csv(tmp_path / "t.csv", index=False)
    result = runner.invoke(app, ["share", str(tmp_path / "t.csv"), "--target", "label", "-o", str(tmp_path / "r"),
                                 "--dp-epsilon", "1", "--max-dcr-share", "1", "--max-membership-auc", "1",
                                 "--max-exact-copies", "1000", *CLI_TINY])
    text = _text(result)
    assert result.exit_code == 0, text
    assert "--dp-epsilon without --schema: the category lists" in text
    assert "for training only (DP-SGD and the class counts); NOT covered: the schema" in text
    assert "for the synthetic records" not in text
    epsilon = json.loads((tmp_path / "r" / "card.json").read_text())["guarantee"]["epsilon"]
    assert f"differential privacy: epsilon {epsilon_text(epsilon)}," in text  # 3 decimals: 0.9993 was shown as 1


def test_spent_epsilon_is_rounded_down_to_3_decimals_everywhere():
    # a verification trial: fit printed 0.9997, share 1.000 and inspect 1 for a spend below the budget of 1
    assert [epsilon_text(e) for e in (0.99974, 0.9996, 1.0, 2.71828, 4.35)] == [
        "0.999", "0.999", "1.000", "2.718", "4.350"]  # 4.35 * 1000 is 4349.999... in floating point


def test_the_headline_says_synthetic_records_only_with_a_public_schema():
    from synthaug._release_card import dp_headline

    card = {"guarantee": {"epsilon": 0.9993, "delta": 1e-5}, "schema": {"schema": "public (given)"}}
    assert dp_headline(card).startswith("differential privacy: epsilon 0.999, delta 1e-05 for the synthetic records")
    card["schema"]["schema"] = "inferred from the training data"
    assert "for training only" in dp_headline(card)
    assert dp_headline({"guarantee": "none", "schema": {}}) is None


@pytest.mark.parametrize(("value", "low", "high", "flipped"), [
    (0.443, 0.386, 0.500, (0.557, 0.500, 0.614)),  # the trial's mia_distance: flipped upper bound 0.614 > 0.6
    (0.45, 0.41, 0.49, None),  # 1 - 0.41 = 0.59: under the limit
    (0.55, 0.35, 0.75, None),  # above 0.5: the gate sees it as it is
])
def test_an_auc_far_below_one_half_is_flipped_for_a_note(value, low, high, flipped):
    from synthaug._gates import flipped_auc

    flip = flipped_auc(value, low, high, 0.6)
    if flipped is None:
        assert flip is None
    else:
        assert (flip["flipped"], flip["flipped_low"], flip["flipped_high"]) == pytest.approx(flipped)


def test_share_warns_and_notes_a_flipped_membership_auc_without_changing_the_gate(tmp_path, monkeypatch):
    # mia_distance 0.443 [0.386, 0.500]: the gate used the larger AUC (0.497) and passed; read the other way
    # round (a filter that keeps records away from training rows makes members farther) it is 0.557, up to 0.614
    from sklearn.datasets import load_breast_cancer

    import synthaug.share as share_module
    from synthaug.share import MEMBERSHIP_MEASURES, Gates, flipped_membership, share
    from tests.test_share import IndependentGaussians

    leakage = SimpleNamespace(measures=[SimpleNamespace(name="mia_distance", value=0.443, low=0.386, high=0.5),
                                        SimpleNamespace(name="mia_density", value=0.497, low=0.44, high=0.55)])
    ((name, flip),) = flipped_membership(leakage, Gates()).items()
    assert name == "mia_distance" and flip["flipped_high"] == pytest.approx(0.614)
    monkeypatch.setattr(share_module, "flipped_membership", lambda measured, gates: {"mia_distance": flip})
    frame = load_breast_cancer(as_frame=True).frame.iloc[:150, [0, 1, 2, -1]]
    with pytest.warns(SynthaugWarning, match=r"mia_distance AUC 0.443 \[0.386, 0.500\] sits below 0.5: an attacker "
                                             r"who inverts the score .* reaches AUC 0.557 \[0.500, 0.614\]"):
        outcome = share(frame, "target", tmp_path / "r", synthesizer=IndependentGaussians(),
                        gates=Gates(max_dcr_share=1, max_membership_auc=0.99, max_exact_copies=1000))
    assert outcome.card["membership_flipped"] == {"mia_distance": flip}
    measures = outcome.card["measures"]  # the gate as before: on the AUCs as measured
    membership = next(g for g in outcome.gates if g.name == "membership_auc")
    assert membership.value == max(measures[m]["value"] for m in MEMBERSHIP_MEASURES)
    assert membership.upper == max(measures[m]["high"] for m in MEMBERSHIP_MEASURES)
    assert outcome.released
    notes = json.loads((tmp_path / "r" / "report.json").read_text())["notes"]
    assert any(note.startswith("mia_distance AUC 0.443 [0.386, 0.500] sits below 0.5") for note in notes)


def test_privacy_filter_zero_says_null_on_the_command_line_and_none_in_python(tmp_path):
    # "--set privacy_filter=0" said "a positive factor or None", but "--set privacy_filter=None" is refused
    make_mixed_table(40).to_csv(tmp_path / "t.csv", index=False)
    for option, value in (("privacy_filter", "0"), ("privacy_filter_pinning", "1.5"), ("label_filter", "2")):
        result = runner.invoke(app, ["fit", str(tmp_path / "t.csv"), "--target", "label", "-o",
                                     str(tmp_path / "m"), "--set", f"{option}={value}", *CLI_TINY])
        assert result.exit_code == 2 and " or null; got " in _text(result), _text(result)
        assert f"error: --set {option} must be" in _text(result)  # named as it was given
    with pytest.raises(DataError, match=r"^privacy_filter must be a positive factor or None; got 0$"):
        TabularCGAN(privacy_filter=0).fit(make_mixed_table(40), y="label")
