"""card.json built from stand-ins (no training): what ties it to its inputs, its units, and what it says
when the gates pass while the privacy verdict does not."""

import json
import re
from types import SimpleNamespace

from synthaug._release_card import CARD_VERSION, release_card
from synthaug.evaluate.results import RiskMeasure
from synthaug.share import Gates, check_gates

SCHEMA = {"format": "synthaug-public-schema", "format_version": 3, "target": {"name": "y", "classes": ["a", "b"]},
          "columns": [{"name": "x", "kind": "continuous", "bounds": [0, 10]}]}


class Model:
    def __init__(self, schema=None, origin="inferred from the training data"):
        self.params = {"epochs": 1, "public_schema": schema, "verbose": True}
        self.provenance_ = {"schema": origin, "class_counts": "exact, from the training data"}

    def get_params(self):
        return dict(self.params)


def _measure(name, value, low, high, verdict, null=0.5, method="DeLong"):
    return RiskMeasure(name, name, value, low, high, null, 0.05, verdict, method, {"records_rate": 0.0})


MEASURES = {"dcr_share": (0.48, 0.43, 0.53, "no measurable leak"),
            "exact_copies": (0.0, -0.006, 0.002, "no measurable leak"),
            "mia_distance": (0.526, 0.50, 0.552, "inconclusive"), "mia_density": (0.51, 0.48, 0.56, "inconclusive"),
            "near_copies": (-0.05, -0.07, -0.03, "no measurable leak")}


def _result(**changed):
    measures = [_measure(name, *(changed.get(name) or figures), null=0.0 if "copies" in name else 0.5)
                for name, figures in MEASURES.items()]
    verdicts = [m.verdict for m in measures]
    verdict = "leaks" if "leaks" in verdicts else "inconclusive" if "inconclusive" in verdicts else "no measurable leak"
    leakage = SimpleNamespace(source="synthetic", n_records=100, measures=measures, verdict=verdict)
    return SimpleNamespace(privacy=[leakage], target="y", classes=["a", "b"], utility=SimpleNamespace(verdicts={}))


def _card(model=None, result=None, gates=Gates(), **kwargs):
    result = result or _result()
    checks = check_gates(result.privacy[0], gates)
    return release_card(model or Model(), result, checks, gates, 80, 20, 0, 0, **kwargs)


def test_the_card_says_when_it_was_written_and_which_inputs_and_holdout_it_describes(monkeypatch):
    card = _card(inputs={"data": {"path": "adult.csv", "sha256": "ab" * 32}})
    assert card["card_version"] == CARD_VERSION == 9
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", card["created_at"])
    assert card["inputs"] == {"data": {"path": "adult.csv", "sha256": "ab" * 32}}
    assert card["data"]["holdout_fraction"] == 0.2 and _card()["inputs"] == {}
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")  # two runs can write the same bytes
    assert _card()["created_at"] == "1970-01-01T00:00:00Z"


def test_the_card_records_the_torch_threads_and_processes_the_model_trained_with():
    """A release differed with OMP_NUM_THREADS 1 and 2, and the card did not say which had made it."""
    model = Model()
    assert _card(model)["model"]["training"] == {"threads": None, "processes": None}  # a model that does not say
    model.n_threads_, model.n_processes_ = 2, 1
    assert _card(model)["model"]["training"] == {"threads": 2, "processes": 1}  # as model.json's training


def test_a_public_schema_given_as_a_dict_is_kept_on_the_card_with_its_digest(tmp_path):
    # _plain_params dropped a dict public_schema: the card said only "schema": "public (given)"
    card = _card(Model(SCHEMA, "public (given)"))
    digest = card["public_schema"]["canonical_sha256"]
    assert card["public_schema"] == {"origin": "public (given)", "source": "given as a dict",
                                     "canonical_sha256": digest, "document": SCHEMA}
    assert card["model"]["params"]["public_schema"] == {"moved_to": "public_schema", "canonical_sha256": digest}
    path = tmp_path / "s.json"
    path.write_text(json.dumps(SCHEMA, indent=4))  # another layout, the same schema: the same digest
    draft = _card(Model(str(path), "unreviewed draft (data-derived)"))["public_schema"]
    assert draft["canonical_sha256"] == digest and draft["source"] == str(path) and "left out" in draft["document"]
    read = _card(Model(SCHEMA, "public (given)"), inputs={"schema": {"path": str(path), "sha256": "f" * 64}})
    assert read["public_schema"]["source"] == str(path)  # `share --schema FILE` reads it into a dict
    assert _card()["public_schema"] is None and json.dumps(card, allow_nan=False)


def test_each_gate_says_its_unit_its_bound_and_which_attack_gave_it():
    # the gate exact_copies (a count) and the measure exact_copies (an excess share) had one name and no unit;
    # membership_auc took its estimate and bound from different attacks without saying so; a limit of 1 is off
    card = _card(gates=Gates(max_membership_auc=1.0))
    gates = {g["name"]: g for g in card["gates"]}
    assert gates["exact_copies"]["unit"].startswith("a count of released records") and not gates["exact_copies"]["off"]
    assert gates["dcr_share"]["upper_is"] == "the 95% upper bound (DeLong)" and not gates["dcr_share"]["off"]
    auc = gates["membership_auc"]
    assert (auc["value_from"], auc["upper_from"], auc["off"]) == ("mia_distance", "mia_density", True)
    assert card["measures"]["exact_copies"]["method"] == "DeLong" and card["measures"]["dcr_share"]["null"] == 0.5


def test_gates_that_pass_beside_an_unclear_privacy_verdict_are_said_so():
    # a trial printed "released" while the report's verdict was "inconclusive" (membership AUC bound 0.552, over
    # the verdict's 0.55, under the gate's 0.6) or, with --max-dcr-share 0.99, "leaks"
    from synthaug._release_card import verdict_mismatch_warning

    card = _card()
    assert card["privacy_verdict"] == "inconclusive" and set(card["verdict_mismatch"]["measures"]) == {
        "mia_distance", "mia_density"}
    distance = card["verdict_mismatch"]["measures"]["mia_distance"]
    assert (distance["gate"], distance["gate_limit"], distance["verdict_limit"]) == ("membership_auc", 0.6, 0.55)
    warning = verdict_mismatch_warning(card)
    assert warning.startswith("release: released although the privacy verdict is 'inconclusive': mia_distance "
                              "inconclusive (95% upper bound 0.552 above 0.55; gated at 0.6, a looser limit")
    leaky = _card(result=_result(near_copies=(0.2, 0.1, 0.3, "leaks")), gates=Gates(max_membership_auc=0.6))
    assert ("near_copies leaks (95% interval [0.1, 0.3], its lower bound above 0.05; not gated"
            in verdict_mismatch_warning(leaky))  # a leak is set by its lower bound, not by its upper one
    forced = _card(result=_result(near_copies=(-0.02, -0.04, -0.00936, "inconclusive")),
                   gates=Gates(max_membership_auc=0.6))
    assert ("near_copies inconclusive (95% upper bound -0.00936, within 0.05, but a note of the report makes every "
            "privacy verdict inconclusive; not gated" in verdict_mismatch_warning(forced))  # was "-0.00936 above 0.05"
    off = _card(gates=Gates(max_membership_auc=1.0))["verdict_mismatch"]["measures"]["mia_distance"]["why"]
    assert off == "its gate membership_auc is off (limit 1, the top of the measure's range)"  # not "a looser limit"
    refused = _card(gates=Gates(max_membership_auc=0.55))  # a refusal is no mismatch: nothing is released
    assert refused["verdict_mismatch"] is None and verdict_mismatch_warning(refused) is None
    clear = _card(result=_result(mia_distance=(0.5, 0.45, 0.55, "no measurable leak"),
                                 mia_density=(0.5, 0.45, 0.55, "no measurable leak")))
    assert clear["privacy_verdict"] == "no measurable leak" and verdict_mismatch_warning(clear) is None


def test_a_dp_card_says_every_attempt_on_the_rows_spends_epsilon_again():
    # rerunning until the gates pass spent epsilon each time; the card showed the passing run's epsilon only
    from synthaug._release_card import dp_headline

    model = Model()
    model.privacy_ = {"epsilon": 0.997, "delta": 1e-5, "scope": {"schema": "NOT covered"}}
    card = _card(model)
    assert "N attempts compose to at most N x epsilon (basic composition)" in card["guarantee"]["scope"]["attempts"]
    assert "cannot see earlier ones" in card["guarantee"]["scope"]["attempts"]
    assert dp_headline(card).endswith("every attempt on these rows spends epsilon again (N attempts: up to N x "
                                      "epsilon)")
    assert "attempts" not in model.privacy_["scope"]  # the model's own record is left as the accountant wrote it


def test_the_dp_line_names_the_extremes_and_the_row_count_it_does_not_cover():
    # with a public schema the line said the synthetic records were covered, while their number is the training rows'
    from synthaug._release_card import dp_headline

    card = {"guarantee": {"epsilon": 1.0, "delta": 1e-5}, "schema": {"schema": "public (given)"}}
    said = "NOT covered: the gate decision, report.json/report.html and the number of training rows"
    assert said in dp_headline(card)
    card["schema"]["schema"] = "inferred from the training data"
    assert "the trained model holds each numeric column's exact minimum and maximum" in dp_headline(card)


def test_a_release_cards_scope_speaks_of_the_release_not_of_a_model_file():
    """A share card said "this file holds them" and "the number of training rows is in the model file
    (training.n_rows)", of a file that is no model file and holds neither."""
    from synthaug.privacy.dp import guarantee_scope, release_scope

    scope = release_scope(guarantee_scope(public_schema=False, count_epsilon=0.05))
    assert "this file holds them" not in scope["schema"]
    assert "the trained model holds them (not released by share" in scope["schema"]
    assert scope["row_count"].startswith("NOT covered: the exact number of training rows (data.train_rows on this card")
    assert scope["covers"] == guarantee_scope(public_schema=False, count_epsilon=0.05)["covers"]


def test_a_drawn_seed_is_written_as_text_as_model_json_and_report_json_write_it():
    # a 63-bit seed as a JSON integer reads back rounded in jq and JavaScript: another seed
    import json

    from synthaug._release_card import release_card

    big = 2**63 - 25
    result = _result()
    card = release_card(Model(), result, check_gates(result.privacy[0], Gates()), Gates(), 80, 20, 0, big)
    assert json.loads(json.dumps(card))["seed"] == str(big)
    model = Model()
    model.params = {**model.params, "random_state": big}
    assert _card(model)["model"]["params"]["random_state"] == str(big)
    assert _card()["seed"] == 0  # a small one stays a number
