"""synthaug share: refuses a memorising generator (exit 3, nothing written), releases a clean
one, and no real record reaches the release folder or the console."""

import json
import re
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator
from sklearn.datasets import load_breast_cancer
from typer.testing import CliRunner

from synthaug import DataError, SynthaugWarning
from synthaug.cli import app
from synthaug.share import Gates, share

TINY = ["--set", "min_steps=40", "--set", "epochs=1", "--set", "generator_dims=[32]",
        "--set", "discriminator_dims=[32]", "--set", "latent_dim=8"]


class Memoriser(BaseEstimator):
    """Returns training rows: the worst possible generator."""

    def __init__(self, random_state=None):
        self.random_state = random_state

    def fit(self, X, y):
        self.rows_ = X.copy()
        return self

    def sample_frame(self, n=None, random_state=None):
        return self.rows_.sample(n=n, replace=True, random_state=0).reset_index(drop=True)


class IndependentGaussians(Memoriser):
    """Per-class Gaussian noise around the class means: nothing row-specific survives."""

    def sample_frame(self, n=None, random_state=None):
        rng = np.random.default_rng(0)
        labels = self.rows_["target"].sample(n=n, replace=True, random_state=1).to_numpy()
        features = self.rows_.drop(columns="target")
        out = pd.DataFrame({c: rng.normal(features[c].mean(), features[c].std(), n) for c in features})
        out["target"] = labels
        return out


@pytest.fixture(scope="module")
def cancer():
    return load_breast_cancer(as_frame=True).frame


def test_memorising_generator_is_refused_and_nothing_is_written(cancer, tmp_path):
    outcome = share(cancer, "target", tmp_path / "release", synthesizer=Memoriser())
    assert not outcome.released
    failed = {g.name for g in outcome.gates if not g.passed}
    assert failed == {"dcr_share", "membership_auc", "exact_copies"}
    assert not (tmp_path / "release").exists() and list(tmp_path.iterdir()) == []


def test_clean_generator_is_released_with_a_card(cancer, tmp_path):
    # 114 holdout rows leave the DCR share's 95% interval about +-0.2 wide: the default 0.55 cannot be shown
    default = share(cancer, "target", tmp_path / "release", synthesizer=IndependentGaussians())
    assert not default.released and [g.name for g in default.gates if g.unproven] == ["dcr_share"]
    assert not (tmp_path / "release").exists()
    with pytest.warns(SynthaugWarning, match=r"^release: released although the privacy verdict is 'inconclusive': "
                                             r"dcr_share inconclusive \(95% upper bound 0.72\d above 0.55; gated at "
                                             r"0.75, a looser limit than the verdict's 0.55\)"):  # "released" beside it
        outcome = share(cancer, "target", tmp_path / "release", synthesizer=IndependentGaussians(),
                        gates=Gates(max_dcr_share=0.75, extra={"near_copies": 0.05}))
    assert outcome.released, [g.describe() for g in outcome.gates]
    files = sorted(p.name for p in (tmp_path / "release").iterdir())
    assert files == ["card.json", "report.html", "report.json", "synthetic.csv"]
    card = json.loads((tmp_path / "release" / "card.json").read_text())
    assert card["guarantee"].startswith("none") and card["data"]["released_rows"] == 455
    assert {g["name"] for g in card["gates"]} == {"dcr_share", "membership_auc", "exact_copies", "near_copies"}
    assert card["thresholds"]["max_dcr_share"] == 0.75 and card["versions"]["synthaug"]
    assert card["model"]["training"] == {"threads": None, "processes": None}  # a stand-in records neither
    assert card["gates"][0]["upper"] == pytest.approx(card["measures"]["dcr_share"]["high"])
    assert card["card_version"] == 9  # 8: no model.training; 7: no privacy_filter.regenerated; 6: no class_request;
    # 5: no created_at, inputs, verdict_mismatch, gate units; 4: no requested_per_class; 3: no label_filter entry;
    # 2: no privacy_filter; 1: gates on the estimate
    assert card["data"]["class_request"] == {  # nothing asked: the training size at its class prior
        "option": "n", "value": 455, "default": True, "chosen": "as many records as training rows (455, the "
        "default), split by the model's class counts (the training class prior; card: schema.class_counts), "
        "largest remainder"}
    assert list(card["inputs"]) == ["table"] and len(card["inputs"]["table"]["content_sha256"]) == 64  # no file
    assert card["privacy_filter"] == {"applied": False, "reason": "IndependentGaussians has no privacy filter"}
    assert card["label_filter"] == {"applied": False, "reason": "IndependentGaussians has no label filter"}
    # the gates were only in card.json; the report said "no holdout given" although share split one off
    report = json.loads((tmp_path / "release" / "report.json").read_text())
    gates_note = next(note for note in report["notes"] if note.startswith("release gates (all passed): "))
    assert "dcr_share = " in gates_note and "near_copies = " in gates_note and "(limit 0.75" in gates_note
    assert not any("no holdout given" in note for note in report["notes"])
    holdout = ("holdout: share split off a stratified holdout the model never trained on; 114 of its rows are the "
               "utility test set and the privacy reference")
    assert any(note.startswith(holdout) for note in report["notes"])
    assert any("no privacy filter (IndependentGaussians has no privacy filter)" in note for note in report["notes"])
    assert "release gates (all passed)" in (tmp_path / "release" / "report.html").read_text()


def test_cli_refusal_exits_3_and_names_the_gate(cancer, tmp_path):
    data = tmp_path / "data.csv"
    cancer.to_csv(data, index=False)
    result = CliRunner().invoke(app, ["share", str(data), "--target", "target", "-o", str(tmp_path / "out"),
                                      "--max-dcr-share", "0.0", "-q", *TINY])
    assert result.exit_code == 3, result.output
    assert "dcr_share" in result.output and "FAILS" in result.output and "no synthetic data written" in result.output
    assert not (tmp_path / "out").exists()
    assert "passes" not in result.output and "schema:" not in result.output  # --quiet: failed gates only


def test_unknown_gate_is_a_one_line_error(cancer, tmp_path):
    data = tmp_path / "data.csv"
    cancer.to_csv(data, index=False)
    result = CliRunner().invoke(app, ["share", str(data), "--target", "target", "-o", str(tmp_path / "out"),
                                      "--gate", "near_copy=0.1", "-q", *TINY])
    assert result.exit_code == 2 and "did you mean 'near_copies'" in result.output


def test_release_and_console_hold_no_real_record(tmp_path):
    rng = np.random.default_rng(0)
    n = 300
    frame = pd.DataFrame({"x": rng.normal(size=n).round(3), "y": rng.integers(0, 100, n),
                          "c": rng.choice(["a", "b", "c"], n), "label": rng.choice(["p", "q"], n)})
    frame.loc[7, "c"] = "SENTINEL-QX"
    frame.loc[11, "x"] = 987.654321
    data = tmp_path / "data.csv"
    frame.to_csv(data, index=False)
    out = tmp_path / "release"
    result = CliRunner().invoke(app, ["share", str(data), "--target", "label", "-o", str(out),
                                      "--max-dcr-share", "1", "--max-membership-auc", "1",
                                      "--max-exact-copies", "1000", *TINY])
    assert result.exit_code == 0, result.output
    assert "SENTINEL-QX" not in result.output and "987.654" not in result.output
    for path in out.iterdir():
        blob = path.read_bytes()
        assert b"SENTINEL-QX" not in blob and b"987.654" not in blob, path.name


def test_filter_drops_records_closer_than_the_holdout_quantile(cancer, tmp_path):
    with pytest.raises(DataError, match="every one of the 455 synthetic records"):  # all copies go
        share(cancer, "target", tmp_path / "release", synthesizer=Memoriser(), filter_quantile=0.05)
    outcome = share(cancer, "target", tmp_path / "release", synthesizer=IndependentGaussians(), filter_quantile=0.05,
                    gates=Gates(max_dcr_share=1.0, max_membership_auc=1.0))
    assert outcome.released and 0 <= outcome.n_filtered < 100
    assert outcome.card["data"]["released_rows"] == 455 - outcome.n_filtered
    # half of the 114 holdout rows set the threshold, the other half is the gates' reference
    assert (outcome.card["data"]["filter_threshold_rows"], outcome.card["data"]["holdout_rows"]) == (57, 57)


@pytest.mark.parametrize(("options", "message"), [
    (["--filter-close", "2"], "--filter-close must be a quantile"),  # numpy traceback after training
    (["--filter-close", "-0.1"], "--filter-close must be a quantile between 0 and 1"),
    (["--holdout", "0.99"], "--holdout 0.99 leaves 1 of 120 rows to train on; the holdout and the training rows "
                            "each need a row of each of the 2 classes: for 120 rows, use a fraction from 0.0167 to "
                            "0.983"),  # a sklearn traceback, then its own words ("The train_size = 1 should be ...")
    (["--holdout", "0.001"], "--holdout 0.001 holds out 1 of 120 rows; the holdout and the training rows each need "
                             "a row of each of the 2 classes: for 120 rows, use a fraction from 0.0167 to 0.983"),
    (["--n", "0"], "--n must be a whole number of rows >= 1, got 0"),  # 0 silently meant the training size
    (["--max-dcr-share", "nan"], "--max-dcr-share: the limit must be"),  # a gate no value passes
    (["--gate", "near_copies=nan"], "--gate near_copies: the limit must be a finite"),
    # limits outside the measure's range released ("limit 6, margin +5.498") or trained, then failed with exit 3
    (["--max-membership-auc", "6"], "--max-membership-auc: the limit must be from 0 to 1 (membership_auc is an "
                                    "AUC), got 6.0"),
    (["--max-dcr-share", "5.5"], "--max-dcr-share: the limit must be from 0 to 1 (dcr_share is a share), got 5.5"),
    (["--max-dcr-share", "-1"], "--max-dcr-share: the limit must be from 0 to 1"),
    (["--max-exact-copies", "-1"], "--max-exact-copies: the limit must be a whole number of rows >= 0, got -1"),
    (["--gate", "near_copies=2"], "--gate near_copies: the limit must be from -1 to 1 (near_copies is an excess"),
    (["--gate", "attribute_inference[label]=-3"], "--gate attribute_inference[label]: the limit must be from -1 to 1"),
    (["--gate", "mia_density=1.5"], "--gate mia_density: the limit must be from 0 to 1 (mia_density is an AUC)"),
    # a delta of 1/n or more only warned, and the card claimed DP at "delta 0.5"
    (["--dp-epsilon", "1", "--dp-delta", "0.5"], "--dp-delta 0.5 is at least 1/n (1/96 training rows): a mechanism "
                                                 "that publishes a random row meets it"),
    (["--dp-epsilon", "1", "--set", "dp_delta=0.0105"], "--dp-delta 0.0105 is at least 1/n (1/96 training rows)"),
])
def test_odd_options_are_one_line_errors_before_training(tmp_path, options, message):
    from tests.conftest import make_mixed_table

    data = tmp_path / "data.csv"
    make_mixed_table().to_csv(data, index=False)
    result = CliRunner().invoke(app, ["share", str(data), "--target", "label", "-o", str(tmp_path / "out"),
                                      "-q", *options, *TINY])
    assert result.exit_code == 2, result.output
    assert result.output.startswith("error: ") and message in result.output and "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_gate_name_typo_is_refused_before_training():
    # the measure names were only checked after a whole fit; a typo cost the training run
    with pytest.raises(DataError, match=r"unknown measure 'near_copy' \(did you mean 'near_copies'\?\)"):
        share(pd.DataFrame({"x": [1.0, 2.0], "target": [0, 1]}), "target", "unused", synthesizer=Memoriser(),
              gates=Gates(extra={"near_copy": 0.1}))
    with pytest.raises(DataError, match=r"did you mean 'attribute_inference\[target\]'"):
        share(pd.DataFrame({"x": [1.0, 2.0], "target": [0, 1]}), "target", "unused", synthesizer=Memoriser(),
              gates=Gates(extra={"attribute_inference[targt]": 0.1}))


def _leakage(dcr=(0.52, 0.70), auc=(0.55, 0.58), near=(0.01, 0.04), copies_rate=0.0, n=100):
    from types import SimpleNamespace as NS

    def measure(name, value_high, **details):
        return NS(name=name, value=value_high[0], high=value_high[1], details=details)

    return NS(n_records=n, measures=[measure("dcr_share", dcr), measure("exact_copies", (0.0, 0.01),
                                                                        records_rate=copies_rate),
                                     measure("near_copies", near), measure("mia_distance", auc),
                                     measure("mia_density", (0.5, 0.62))])


def test_gates_compare_the_upper_confidence_bound_with_the_limit():
    # an estimate under the limit with an interval reaching over it does not show the risk is under it;
    # the gates compared the point estimate (dcr 0.52 < 0.55 passed with its upper bound at 0.70)
    from synthaug.share import check_gates

    results = {g.name: g for g in check_gates(_leakage(), Gates(extra={"near_copies": 0.05}))}
    assert not results["dcr_share"].passed and results["dcr_share"].unproven
    assert (results["dcr_share"].value, results["dcr_share"].upper) == (0.52, 0.70)
    assert not results["membership_auc"].passed and results["membership_auc"].upper == 0.62  # the higher of two
    assert results["near_copies"].passed and results["near_copies"].upper == 0.04
    assert results["exact_copies"].passed and results["exact_copies"].upper == 0.0  # a count, no interval
    assert "0.52, 95% upper bound 0.7 FAILS (limit 0.55, margin -0.15)" in results["dcr_share"].describe()
    loose = {g.name: g for g in check_gates(_leakage(), Gates(max_dcr_share=0.7, max_membership_auc=0.62))}
    assert loose["dcr_share"].passed and loose["membership_auc"].passed  # at the limit passes
    nan = check_gates(_leakage(dcr=(0.5, float("nan"))), Gates(max_dcr_share=1.0))[0]
    assert not nan.passed  # no bound, no release


def test_filter_close_is_refused_with_dp_before_training():
    # the filter drops records by their distance to training rows: the release would not be post-processing
    pytest.importorskip("opacus")
    from synthaug import TabularCGAN

    frame = pd.DataFrame({"x": np.arange(40.0), "target": [0, 1] * 20})
    with pytest.raises(DataError, match=r"^filter_quantile 0.05: not with differential "
                                        r"privacy \(dp_epsilon=1.0\)"):
        share(frame, "target", "unused", synthesizer=TabularCGAN(dp_epsilon=1.0), filter_quantile=0.05)


def test_dp_release_card_says_the_gates_and_report_are_not_covered(tmp_path):
    pytest.importorskip("opacus")
    from synthaug import TabularCGAN
    from tests.conftest import make_mixed_table

    model = TabularCGAN(dp_epsilon=1.0, epochs=1, min_steps=5, batch_size=32, generator_dims=(8,),
                        discriminator_dims=(8,), latent_dim=4)
    outcome = share(make_mixed_table().drop(columns="joined"), "label", tmp_path / "release", synthesizer=model,
                    gates=Gates(max_dcr_share=1, max_membership_auc=1, max_exact_copies=1000))
    assert outcome.released, [g.describe() for g in outcome.gates]
    card = json.loads((tmp_path / "release" / "card.json").read_text())
    release = card["guarantee"]["scope"]["release"]
    assert release.startswith("NOT covered") and "report.json" in release and "holdout rows" in release
    assert "NOT covered" in card["guarantee"]["scope"]["schema"] and card["guarantee"]["epsilon"] <= 1.0 + 1e-9
    # "Laplace mechanism with epsilon 0.05, added to the total" read as if 0.05 were added to epsilon
    assert card["guarantee"]["scope"]["class_counts"] == "Laplace mechanism; epsilon 0.05 of the total is spent on them"
    assert card["guarantee"]["noise_seed"].startswith("secret: ") and card["seed"] == 0
    # model.params keeps label_filter "auto"; the filter is off under DP, and the card now says so
    assert card["model"]["params"]["label_filter"] == "auto"
    assert card["label_filter"] == {"applied": False, "reason": "off under differential privacy (training rows must "
                                                                "not steer the released records)"}
    notes = json.loads((tmp_path / "release" / "report.json").read_text())["notes"]
    assert any("for training only (DP-SGD and the class counts); NOT covered: the schema" in note and
               "report.json/report.html" in note for note in notes)
    html = (tmp_path / "release" / "report.html").read_text()
    assert "<dt>Differential privacy: epsilon and delta</dt>" in html  # the reader is told what they bound
    # a digest of the real rows would tell someone who knows all rows but one which candidate the last is
    assert card["inputs"]["table"]["content_sha256"].startswith("not recorded: differential privacy")
    digests = json.loads((tmp_path / "release" / "report.json").read_text())["data_sha256"]
    assert all(digests[k].startswith("not recorded: differential privacy") for k in ("train", "test", "holdout"))
    assert re.fullmatch(r"[0-9a-f]{64}", digests["synthetic"])


def test_a_dp_release_names_its_data_file_without_its_digest():
    from synthaug.share import private_digests

    inputs = {"data": {"path": "p.csv", "sha256": "ab" * 32}, "schema": {"path": "s.json", "sha256": "cd" * 32},
              "table": {"content_sha256": "ef" * 32}}
    card, report = private_digests(inputs, {"train": "1" * 64, "synthetic": "2" * 64, "holdout": None})
    assert card["data"] == {"path": "p.csv", "sha256": card["table"]["content_sha256"]}
    assert card["data"]["sha256"].startswith("not recorded") and card["schema"]["sha256"] == "cd" * 32  # public
    assert report["train"].startswith("not recorded") and report["synthetic"] == "2" * 64 and report["holdout"] is None
    assert inputs["data"]["sha256"] == "ab" * 32  # the caller's dict is not changed


def test_columns_the_model_leaves_out_are_not_measured(tmp_path):
    # an identifier-like column (dropped by TabularCGAN with a warning) or drop=[...] made share fail after the
    # whole fit: "synthetic: column 'patient_id' of train is missing"
    from synthaug import TabularCGAN
    from tests.conftest import make_mixed_table

    frame = make_mixed_table().drop(columns="joined")
    frame.insert(0, "patient_id", [f"P{i:04d}" for i in range(len(frame))])
    model = TabularCGAN(epochs=1, min_steps=5, generator_dims=(8,), discriminator_dims=(8,), latent_dim=4,
                        drop=("visits",))
    with pytest.warns(UserWarning, match="patient_id"):
        outcome = share(frame, "label", tmp_path / "release", synthesizer=model,
                        gates=Gates(max_dcr_share=1, max_membership_auc=1, max_exact_copies=1000))
    assert outcome.released
    released = pd.read_csv(tmp_path / "release" / "synthetic.csv")
    assert "patient_id" not in released and "visits" not in released and "age" in released
    # what a seeded release depends on besides the seed, as model.json records it
    card = json.loads((tmp_path / "release" / "card.json").read_text())
    assert card["model"]["training"] == {"threads": 1, "processes": 1}  # conftest: one torch thread


def test_cli_share_takes_drop_and_keep_as_fit_does(tmp_path):
    # share's warning said "pass --keep to model them" and its refusals "--drop", options it lacked
    from tests.conftest import make_mixed_table

    frame = make_mixed_table().drop(columns="joined")
    frame.insert(0, "patient_id", [f"P{i:04d}" for i in range(len(frame))])
    frame.insert(1, "ref", [f"R{i:04d}" for i in range(len(frame))])
    frame.to_csv(tmp_path / "data.csv", index=False)
    result = CliRunner().invoke(app, ["share", str(tmp_path / "data.csv"), "-t", "label", "-o", str(tmp_path / "rel"),
                                      "--drop", "visits", "--keep", "patient_id", "--max-dcr-share", "1",
                                      "--max-membership-auc", "1", "--max-exact-copies", "1000", "-q", *TINY])
    assert result.exit_code == 0, result.output
    released = pd.read_csv(tmp_path / "rel" / "synthetic.csv")
    assert "patient_id" in released and "ref" not in released and "visits" not in released
    assert json.loads((tmp_path / "rel" / "card.json").read_text())["model"]["params"]["drop"] == ["visits"]
    report = json.loads((tmp_path / "rel" / "report.json").read_text())
    assert any("without column(s) 'ref', 'visits'" in note for note in report["notes"])


def test_cli_share_prints_the_note_on_left_out_columns_as_run_does(tmp_path):
    # the note on the identifier-like column left out was only in report.json; `synthaug run` printed it
    from tests.conftest import make_mixed_table

    frame = make_mixed_table().drop(columns="joined")
    frame.insert(0, "ref", [f"R{i:04d}" for i in range(len(frame))])
    frame.to_csv(tmp_path / "data.csv", index=False)
    args = ["share", str(tmp_path / "data.csv"), "-t", "label", "--max-dcr-share", "1", "--max-membership-auc", "1",
            "--max-exact-copies", "1000", *TINY]
    result = CliRunner().invoke(app, [*args, "-o", str(tmp_path / "rel")])
    assert result.exit_code == 0, result.output
    note = "note: evaluated without column(s) 'ref', which the model left out (identifier-like, or its drop)"
    assert result.stdout.count(note) == 1, result.output
    quiet = CliRunner().invoke(app, [*args, "-o", str(tmp_path / "quiet"), "-q"])
    assert quiet.exit_code == 0 and "note:" not in quiet.output  # hidden by --quiet, as run's is


class MustNotFit(Memoriser):
    def fit(self, X, y):
        raise AssertionError("share trained before refusing the table")


def test_a_table_the_evaluation_refuses_is_refused_before_training():
    # a timedelta column trained, then failed in the evaluation
    frame = pd.DataFrame({"x": np.arange(40.0), "wait": pd.to_timedelta(np.arange(40), unit="h"),
                          "target": [0, 1] * 20})
    with pytest.raises(DataError, match="column 'wait' has dtype timedelta64"):
        share(frame, "target", "unused", synthesizer=MustNotFit())


def test_share_under_torchrun_is_refused_before_any_work(tmp_path, monkeypatch):
    # each torchrun process ran the whole release on its own and wrote the same folder
    data = tmp_path / "data.csv"
    pd.DataFrame({"x": np.arange(40.0), "target": [0, 1] * 20}).to_csv(data, index=False)
    monkeypatch.setenv("WORLD_SIZE", "2")
    result = CliRunner().invoke(app, ["share", str(data), "--target", "target", "-o", str(tmp_path / "out"),
                                      "-q", *TINY])
    assert result.exit_code == 2 and "torchrun: share runs in one process" in result.output, result.output
    assert not (tmp_path / "out").exists()


def test_a_refusal_says_an_earlier_release_is_still_in_the_folder(cancer, tmp_path):
    # "no synthetic data written" while -o still held the last run's synthetic.csv read as if nothing was there
    data, out = tmp_path / "data.csv", tmp_path / "out"
    cancer.to_csv(data, index=False)
    out.mkdir()
    (out / "synthetic.csv").write_text("earlier\n")
    (out / "card.json").write_text("{}")
    result = CliRunner().invoke(app, ["share", str(data), "--target", "target", "-o", str(out),
                                      "--max-dcr-share", "0.0", "-q", *TINY])
    assert result.exit_code == 3 and "holds an earlier release, left as it was" in result.output, result.output
    assert (out / "synthetic.csv").read_text() == "earlier\n"
    empty = tmp_path / "empty"
    empty.mkdir()
    result = CliRunner().invoke(app, ["share", str(data), "--target", "target", "-o", str(empty),
                                      "--max-dcr-share", "0.0", "-q", *TINY])
    assert result.exit_code == 3 and "earlier release" not in result.output, result.output


def test_a_folder_that_is_not_a_release_is_not_replaced(tmp_path):
    # share data/d.csv -o data replaced the folder with the release: the sensitive table itself was deleted
    folder = tmp_path / "data"
    folder.mkdir()
    data = folder / "data.csv"
    pd.DataFrame({"x": np.arange(40.0), "target": [0, 1] * 20}).to_csv(data, index=False)
    result = CliRunner().invoke(app, ["share", str(data), "--target", "target", "-o", str(folder), "-q",
                                      "--max-dcr-share", "1", "--max-membership-auc", "1", "--max-exact-copies", "99",
                                      *TINY])
    assert result.exit_code == 2 and "exists and is not a release folder (no card.json)" in result.output
    assert sorted(p.name for p in folder.iterdir()) == ["data.csv"]
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "card.json").write_text("{}")  # an earlier release may be replaced
    (tmp_path / "empty").mkdir()
    for ok in ("old", "empty", "new"):
        share(pd.read_csv(data), "target", tmp_path / ok, synthesizer=IndependentGaussians(),
              gates=Gates(max_dcr_share=1, max_membership_auc=1, max_exact_copies=99))
        assert (tmp_path / ok / "synthetic.csv").exists()
    (tmp_path / "old" / "approval.pdf").write_bytes(b"signed")  # beside an earlier release: not deleted
    with pytest.raises(DataError, match="holds approval.pdf, which synthaug did not write there"):
        share(pd.read_csv(data), "target", tmp_path / "old", synthesizer=IndependentGaussians(),
              gates=Gates(max_dcr_share=1, max_membership_auc=1, max_exact_copies=99))
    assert (tmp_path / "old" / "approval.pdf").read_bytes() == b"signed"


def test_a_holdout_too_small_or_too_large_names_the_argument_and_the_fractions_that_work(tmp_path):
    # "holdout: cannot split 40 rows of 2 classes by 0.001 (The test_size = 1 should be greater or equal to ...)"
    frame = pd.DataFrame({"x": np.arange(40.0), "target": [0, 1] * 20})
    for holdout, part in ((0.001, "holds out 1 of 40 rows"), (0.99, "leaves 0 of 40 rows to train on")):
        with pytest.raises(DataError) as caught:
            share(frame, "target", tmp_path / "out", synthesizer=Memoriser(), holdout=holdout)
        assert str(caught.value) == (f"holdout {holdout} {part}; the holdout and the training rows each need a row of "
                                     "each of the 2 classes: for 40 rows, use a fraction from 0.05 to 0.95")
    assert not (tmp_path / "out").exists()


def test_the_fractions_a_holdout_refusal_offers_are_ones_scikit_learn_splits():
    import re

    from sklearn.model_selection import train_test_split

    from synthaug._holdout import check_split_sizes

    for n, k in [(7, 3), (40, 2), (120, 2), (150, 3), (301, 7), (1000, 3), (99991, 13)]:
        with pytest.raises(DataError) as caught:
            check_split_sizes(n, k, 1e-9, f"{k} classes")
        low, high = map(float, re.search(r"from (\S+) to (\S+)$", str(caught.value)).groups())
        labels = np.arange(n) % k
        for fraction in (low, high):  # scikit-learn raised for fractions outside these
            check_split_sizes(n, k, fraction, f"{k} classes")
            train_test_split(labels, test_size=fraction, stratify=labels, random_state=0)
        assert low <= 1.01 * k / n and high >= 0.99 * (n - k) / n  # and the bounds are near the true ones


def test_too_few_rows_for_any_holdout_and_too_few_to_halve_say_so():
    from synthaug._holdout import check_split_sizes

    # (split_holdout pools single-row classes, so its strata hold 2 rows or more: this is for other callers)
    with pytest.raises(DataError, match=r"^holdout: 5 rows cannot be split so that the holdout and the training rows "
                                        r"each hold a row of each of 3 classes; that takes at least 6 rows$"):
        check_split_sizes(5, 3, 0.5, "3 classes")

    with pytest.raises(DataError, match=r"^--filter-close, halving the holdout: 1 holdout row cannot be halved with "
                                        r"a row of each of 1 class in each half; give a larger holdout$"):
        check_split_sizes(1, 1, 0.5, "1 class", halving="--filter-close, halving the holdout")


def test_any_seed_numpy_and_torch_take_splits_and_others_are_refused_before_work(tmp_path):
    # --seed 4294967296 passed the CLI's check, then failed as '--holdout 0.2: cannot split ... (the
    # 'random_state' parameter of train_test_split must be an int in the range [0, 4294967295] ...)'
    from synthaug.share import split_holdout

    frame = pd.DataFrame({"x": np.arange(40.0), "target": [0, 1] * 20})
    train, holdout = split_holdout(frame, "target", 0.25, 2**64 - 1)
    assert (len(train), len(holdout)) == (30, 10)
    for seed in (-1, 2**64, 1.5):
        with pytest.raises(DataError, match=r"^random_state: must be a whole number from 0 to 2\*\*64"):
            share(frame, "target", tmp_path / "out", synthesizer=Memoriser(), random_state=seed)
    assert not (tmp_path / "out").exists()



@pytest.mark.parametrize(("options", "message"), [
    ({"n": 0}, "n must be a whole number of rows >= 1"),
    ({"filter_quantile": 2}, "filter_quantile must be a quantile between 0 and 1"),
    ({"holdout": 1.5}, "holdout must be a fraction between 0 and 1"),
    ({"gates": Gates(max_membership_auc=float("nan"))}, "gates.max_membership_auc: the limit"),
    ({"gates": Gates(extra={"near_copies": float("inf")})}, "gates.extra['near_copies']: the"),
    ({"gates": Gates(extra={"near_copy": 0.1})}, "gates.extra: unknown measure 'near_copy'"),
    ({"gates": Gates(max_membership_auc=2)}, "gates.max_membership_auc: the limit must be from 0 to 1"),
    ({"gates": Gates(max_exact_copies=1.5)}, "gates.max_exact_copies: the limit must be a whole number of rows"),
    ({"gates": Gates(extra={"low_nndr": -2})}, "gates.extra['low_nndr']: the limit must be from -1 to 1"),
])
def test_share_errors_name_the_argument_as_python_spells_it_and_the_option_beside_it(options, message):
    # share(data, ..., n=0) said '--n must be a positive number of rows', an option Python has not got
    import re

    with pytest.raises(DataError) as info:
        share(pd.DataFrame({"x": [1.0, 2.0] * 10, "target": [0, 1] * 10}), "target", "unused",
              synthesizer=Memoriser(), **options)
    assert str(info.value).startswith(message), str(info.value)
    assert not re.search(r"(?<!\()--[a-z]", str(info.value))


def _tiny_model(**params):
    from synthaug import TabularCGAN

    return TabularCGAN(epochs=1, min_steps=5, generator_dims=(8,), discriminator_dims=(8,), latent_dim=4,
                       random_state=0, **params)


def test_model_kinds_are_the_kinds_the_model_was_given_and_only_those():
    # a fit without categorical/continuous/public schema names none: the evaluation stays as it was, although
    # the model itself infers a 4-value zip as categorical and the evaluator reads it as a number
    from synthaug.share import model_kinds
    from synthaug.tabular.draft_schema import draft_public_schema
    from tests.conftest import make_zip_table

    frame = make_zip_table(60)
    assert model_kinds(_tiny_model().fit(frame, y="y")) == {"categorical": [], "continuous": []}
    given = _tiny_model(categorical=("code",), continuous=("zip",)).fit(frame, y="y")
    assert model_kinds(given) == {"categorical": ["code"], "continuous": ["zip"]}
    schema = draft_public_schema(frame, "y", categorical=["zip", "code"])
    assert model_kinds(_tiny_model(public_schema=schema).fit(frame, y="y")) == {
        "categorical": ["zip", "code"], "continuous": ["x"]}
    assert model_kinds(Memoriser().fit(frame, frame["y"])) == {"categorical": [], "continuous": []}


def test_share_evaluates_and_gates_with_the_kinds_the_model_was_given(tmp_path):
    from tests.conftest import make_zip_table

    model = _tiny_model(categorical=("zip", "code"))
    outcome = share(make_zip_table(100), "y", tmp_path / "release", synthesizer=model,
                    gates=Gates(max_dcr_share=1, max_membership_auc=1, max_exact_copies=1000))
    assert outcome.released
    report = json.loads((tmp_path / "release" / "report.json").read_text())
    assert report["options"]["categorical"] == ["zip", "code"]
    kinds = {m["column"]: (m["kind"], m["statistic"]) for m in report["fidelity"]["marginals"]}
    assert kinds["zip"] == kinds["code"] == ("categorical", "tv") and kinds["x"] == ("numeric", "ks")


def test_the_close_record_filter_measures_with_the_given_kinds():
    from synthaug.share import filter_close_records
    from tests.conftest import make_zip_table

    train, reference = make_zip_table(40, 0), make_zip_table(40, 3)
    records = train.assign(zip=train["zip"] + 1)  # training rows with another zip code, one apart as a number
    assert filter_close_records(train, reference, records, "y", 0.05).empty  # near copies as numbers
    kept = filter_close_records(train, reference, records, "y", 0.05, {"categorical": ["zip"], "continuous": []})
    assert len(kept) == len(records)  # a whole category mismatch from every training row


def test_cli_share_takes_categorical_and_continuous_as_fit_does(tmp_path):
    # fit's hint for a numeric column with a stray string names --categorical, which share lacked
    from tests.conftest import make_zip_table

    make_zip_table(100).to_csv(tmp_path / "data.csv", index=False)
    result = CliRunner().invoke(app, ["share", str(tmp_path / "data.csv"), "-t", "y", "-o", str(tmp_path / "rel"),
                                      "--categorical", "zip", "--categorical", "code", "--max-dcr-share", "1",
                                      "--max-membership-auc", "1", "--max-exact-copies", "1000", "-q", *TINY])
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "rel" / "card.json").read_text())["model"]["params"]["categorical"] == ["zip", "code"]
    report = json.loads((tmp_path / "rel" / "report.json").read_text())
    assert {m["column"]: m["kind"] for m in report["fidelity"]["marginals"]}["zip"] == "categorical"


def test_gate_help_lists_the_measures_the_gates_take():
    # the measure names were only in the error for a wrong one; the help lists them from a light module
    from synthaug._gates import GATE_NAMES, MEASURE_RANGES
    from synthaug._share_checks import gate_measures
    from synthaug.privacy.leakage import TOLERANCES

    assert GATE_NAMES.split(", ") == gate_measures("TARGET") and set(MEASURE_RANGES) == set(TOLERANCES)
    text = " ".join(CliRunner().invoke(app, ["share", "--help"], env={"COLUMNS": "400"}).output.split())
    assert f"measures: {GATE_NAMES}." in text


@pytest.mark.parametrize(("counts", "holdout", "message"), [
    ({"a": 30, "b": 30, "rare": 1}, 0.2, "class 'rare' of 'target' has 1 row, "),
    ({"a": 30, "b": 30, "pair": 2}, 0.5, "class 'pair' of 'target' has 2 rows, 1 left to train on after holdout 0.5"),
    ({"a": 30, "b": 1, "c": 1}, 0.2, "has 1 row, 1 left to train on after holdout 0.2 (too few as well: "),
])
def test_a_class_too_small_to_synthesise_is_refused_before_training(tmp_path, counts, holdout, message):
    # a class of one row was trained on and its row released with two digits changed, every gate passing
    labels = [label for label, n in counts.items() for _ in range(n)]
    frame = pd.DataFrame({"x": np.arange(len(labels), dtype=float), "target": labels})
    with pytest.raises(DataError, match="^class ") as info:
        share(frame, "target", tmp_path / "out", synthesizer=MustNotFit(), holdout=holdout)
    assert message in str(info.value)
    assert "drop the class's rows, merge it into another class, or give it more rows" in str(info.value)
    assert not (tmp_path / "out").exists()


def test_cli_refuses_a_class_of_one_row_in_one_line(tmp_path):
    from tests.conftest import make_mixed_table

    frame = make_mixed_table()
    frame.loc[len(frame)] = {**frame.iloc[0].to_dict(), "label": "rare_syndrome"}
    frame.to_csv(tmp_path / "data.csv", index=False)
    result = CliRunner().invoke(app, ["share", str(tmp_path / "data.csv"), "-t", "label", "-o", str(tmp_path / "out"),
                                      "-q", *TINY])
    assert result.exit_code == 2, result.output
    assert result.output.startswith("error: class 'rare_syndrome' of 'label' has 1 row, ")
    assert "after --holdout 0.2" in result.output
    assert len(result.output.strip().splitlines()) == 1 and not (tmp_path / "out").exists()


def test_the_holdout_stays_stratified_when_a_class_has_a_single_row():
    # one class of one row turned stratification off for every class
    from synthaug.share import split_holdout

    frame = pd.DataFrame({"x": np.arange(41.0), "target": ["a"] * 20 + ["b"] * 20 + ["c"]})
    for seed in range(5):
        train, holdout = split_holdout(frame, "target", 0.5, seed)
        counts = holdout["target"].value_counts()
        assert (counts.get("a", 0), counts.get("b", 0)) in {(10, 10), (10, 11), (11, 10)}, (seed, counts.to_dict())


class MustNotFitDP(MustNotFit):
    def __init__(self, dp_epsilon=None, dp_delta=None, random_state=None):
        self.dp_epsilon, self.dp_delta, self.random_state = dp_epsilon, dp_delta, random_state


def test_a_dp_delta_of_one_over_n_or_more_is_refused_before_training(tmp_path):
    frame = pd.DataFrame({"x": np.arange(100.0), "target": [0, 1] * 50})  # 80 training rows
    with pytest.raises(DataError, match=r"^dp_delta 0.0125 is at least 1/n \(1/80 training rows\)"):
        share(frame, "target", tmp_path / "out", synthesizer=MustNotFitDP(dp_epsilon=1.0, dp_delta=0.0125))
    with pytest.raises(AssertionError, match="share trained"):  # just under 1/n: trains
        share(frame, "target", tmp_path / "out", synthesizer=MustNotFitDP(dp_epsilon=1.0, dp_delta=0.0124))
    with pytest.raises(AssertionError, match="share trained"):  # no DP: the delta means nothing (fit refuses it)
        share(frame, "target", tmp_path / "out", synthesizer=MustNotFitDP(dp_delta=0.5))


LOOSE = Gates(max_dcr_share=1, max_membership_auc=1, max_exact_copies=1000)


def test_rows_the_privacy_filter_still_rejects_are_not_released(tmp_path, monkeypatch):
    # sampling keeps a row the filter still rejects after its tries, with a warning; share released it
    import synthaug.tabular.synthesizer as synthesizer
    from synthaug.share import split_holdout
    from tests.conftest import make_mixed_table

    monkeypatch.setattr(synthesizer, "FILTER_ROUNDS", 1)  # one try: every rejected row is kept
    frame = make_mixed_table().drop(columns="joined")
    with pytest.warns(UserWarning, match="privacy filter: .* were kept"):
        outcome = share(frame, "label", tmp_path / "release", synthesizer=_tiny_model(), gates=LOOSE)
    assert outcome.released
    card = json.loads((tmp_path / "release" / "card.json").read_text())
    screen = card["privacy_filter"]
    assert screen["applied"] and screen["dropped_rows"] > 0 and outcome.privacy_filter == screen
    assert sum(screen["dropped_per_class"].values()) == screen["dropped_rows"]
    assert card["data"]["released_rows"] == card["data"]["train_rows"] - screen["dropped_rows"]
    released = pd.read_csv(tmp_path / "release" / "synthetic.csv")
    assert len(released) == card["data"]["released_rows"]
    train, _ = split_holdout(frame, "label", 0.2, 0)
    model = _tiny_model().fit(train, y="label")  # the same training rows: the same filter
    assert not model.privacy_filter_rejects(released).any()
    notes = json.loads((tmp_path / "release" / "report.json").read_text())["notes"]
    note = next(n for n in notes if n.startswith("privacy filter: dropped "))
    assert f"dropped {screen['dropped_rows']} record(s)" in note and "they are not released" in note


def test_a_release_the_filter_left_without_a_class_is_refused(tmp_path, monkeypatch):
    """Dropping the filter's rejects released a table without class 'no' (exit 0) when 'yes' kept rows."""
    from synthaug import TabularCGAN
    from tests.conftest import make_mixed_table

    frame = make_mixed_table().drop(columns="joined")
    close = {"no": True, "yes": False}
    monkeypatch.setattr(TabularCGAN, "privacy_filter_rejects", lambda self, f: f["label"].map(close).to_numpy())
    with pytest.raises(DataError, match=r"^privacy filter: every one of the \d+ records of class 'no' was still "
                                        r"inside a training row's radius .*; a release without the class would"):
        share(frame, "label", tmp_path / "r", synthesizer=_tiny_model(), gates=LOOSE)
    assert not (tmp_path / "r").exists()
    close["no"] = False  # nothing dropped: released, and the card counts each class's records
    outcome = share(frame, "label", tmp_path / "r", synthesizer=_tiny_model(), gates=LOOSE)
    counts = outcome.card["data"]["released_per_class"]
    assert outcome.card["data"]["requested_per_class"] == counts  # nothing dropped: nothing short, no warning
    assert set(counts) == {"no", "yes"} and min(counts.values()) > 0
    assert sum(counts.values()) == outcome.card["data"]["released_rows"]


def test_a_release_short_of_a_classs_requested_records_names_the_class_and_the_shortfall(tmp_path, monkeypatch):
    """--set privacy_filter=2 released 59 of the 63 'no' records sampled: card.json counted the released ones
    only and the console warned of the total row count alone."""
    from synthaug import TabularCGAN
    from tests.conftest import make_mixed_table

    def first_of_each(self, frame):  # the filter still rejects the first 3 'no' records and the first 'yes'
        labels = frame["label"]
        return (((labels == "no") & ((labels == "no").cumsum() <= 3)) |
                ((labels == "yes") & ((labels == "yes").cumsum() <= 1))).to_numpy()

    monkeypatch.setattr(TabularCGAN, "privacy_filter_rejects", first_of_each)
    make_mixed_table().drop(columns="joined").to_csv(tmp_path / "data.csv", index=False)
    result = CliRunner().invoke(app, ["share", str(tmp_path / "data.csv"), "-t", "label", "-o", str(tmp_path / "r"),
                                      "--max-dcr-share", "1", "--max-membership-auc", "1", "--max-exact-copies",
                                      "1000", *TINY])
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "r" / "card.json").read_text())["data"]
    requested, released = data["requested_per_class"], data["released_per_class"]
    assert sum(requested.values()) == data["train_rows"] and sum(released.values()) == data["released_rows"]
    assert {k: requested[k] - released[k] for k in requested} == {"no": 3, "yes": 1}
    warning = (f"warning: release: fewer records than requested for class 'no' {requested['no'] - 3} of "
               f"{requested['no']} (3 short), 'yes' {requested['yes'] - 1} of {requested['yes']} (1 short): the "
               "filters changed the class balance (card.json: data.requested_per_class, data.released_per_class)")
    assert warning in result.output.splitlines(), result.output
    notes = json.loads((tmp_path / "r" / "report.json").read_text())["notes"]
    assert warning.removeprefix("warning: ") in notes


def test_the_card_says_when_no_privacy_filter_screened_the_records(tmp_path):
    from tests.conftest import make_mixed_table

    frame = make_mixed_table().drop(columns="joined")
    outcome = share(frame, "label", tmp_path / "off", synthesizer=_tiny_model(privacy_filter=None, label_filter=None),
                    gates=LOOSE)
    assert outcome.card["privacy_filter"] == {"applied": False, "reason": "privacy_filter is None (off)"}
    assert outcome.card["label_filter"] == {"applied": False, "reason": "label_filter is None (off)"}
    notes = json.loads((tmp_path / "off" / "report.json").read_text())["notes"]
    assert any(n.startswith("no privacy filter (privacy_filter is None (off)): the released records were not "
                            "screened") for n in notes)
    on = share(frame, "label", tmp_path / "on", synthesizer=_tiny_model(), gates=LOOSE)
    assert on.card["privacy_filter"]["applied"] is True and on.card["label_filter"] == {"applied": True}


def test_quiet_changes_no_byte_of_the_release(tmp_path, monkeypatch):
    # card.json held params.verbose, so -q changed its bytes
    from synthaug._provenance import file_sha256
    from tests.conftest import make_mixed_table

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")  # card.json's created_at
    make_mixed_table().drop(columns="joined").to_csv(tmp_path / "data.csv", index=False)
    args = ["share", str(tmp_path / "data.csv"), "-t", "label", "--max-dcr-share", "1", "--max-membership-auc", "1",
            "--max-exact-copies", "1000", *TINY]
    for name, quiet in (("loud", []), ("quiet", ["-q"])):
        result = CliRunner().invoke(app, [*args, "-o", str(tmp_path / name), *quiet])
        assert result.exit_code == 0, result.output
    for file in ("card.json", "synthetic.csv"):
        assert (tmp_path / "loud" / file).read_bytes() == (tmp_path / "quiet" / file).read_bytes(), file
    card = json.loads((tmp_path / "quiet" / "card.json").read_text())
    assert "verbose" not in card["model"]["params"] and card["created_at"] == "1970-01-01T00:00:00Z"
    assert card["inputs"]["data"] == {"path": str((tmp_path / "data.csv").resolve()),
                                      "sha256": file_sha256(tmp_path / "data.csv")}  # the file the release is of


def test_a_gate_at_the_top_of_its_measures_range_is_warned_about_as_off():
    """--max-membership-auc 1 passed whatever the records were, silently."""
    from synthaug._text import CLI, options_named_for
    from synthaug.share import check_options

    off = r"^--max-membership-auc 1: the measure never exceeds 1, so this gate is off"
    with pytest.warns(SynthaugWarning, match=off), options_named_for(CLI):
        check_options("y", None, Gates(max_membership_auc=1), None)
    with pytest.warns(SynthaugWarning, match=r"^gates.extra\['near_copies'\] 1.0: .* this gate is off"):
        check_options("y", None, Gates(extra={"near_copies": 1.0}), None)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check_options("y", None, Gates(max_dcr_share=0.99, max_membership_auc=0.6), None)


def test_the_gates_measure_every_released_record_not_a_sample(monkeypatch, tmp_path):
    """evaluate measures a random 50,000 of a larger table; a release's exact-copies gate must count them all."""
    import synthaug.evaluate as evaluate_module
    from tests.conftest import make_mixed_table

    seen = {}
    real = evaluate_module.evaluate

    def spy(*args, **kwargs):
        seen.update(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(evaluate_module, "evaluate", spy)
    share(make_mixed_table().drop(columns="joined"), "label", tmp_path / "r", synthesizer=_tiny_model(), gates=LOOSE)
    assert "max_synthetic" in seen and seen["max_synthetic"] is None


def test_a_misspelt_target_gets_the_closest_column_name(tmp_path):
    # a privacy-officer trial asked for fit's hint in share too: share's holdout split gives it (one line, exit 2)
    from tests.conftest import make_mixed_table

    make_mixed_table(40).to_csv(tmp_path / "t.csv", index=False)
    result = CliRunner().invoke(app, ["share", str(tmp_path / "t.csv"), "--target", "lable", "-o",
                                      str(tmp_path / "r")])
    assert result.exit_code == 2
    assert result.output.strip() == "error: target column 'lable' not found (did you mean 'label'?)"


def test_a_share_runs_one_seed_note_names_share_seeds_in_the_report_without_a_warning(tmp_path):
    """A [share] recipe run warned 'one seed (evaluate.seeds = 1, or share.seeds in a [share] run)': evaluate.seeds
    first, a key the release never reads. And share warned 'one seed (--seeds 1): ... use 3 or more seeds' at its
    own default, on every run: the note stays in the release's report, and is not warned."""
    import warnings

    from synthaug._text import RECIPE, options_named_for
    from tests.conftest import make_mixed_table

    with options_named_for(RECIPE), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        share(make_mixed_table().drop(columns="joined"), "label", tmp_path / "r", synthesizer=_tiny_model(),
              gates=LOOSE, n_seeds=1)
    assert not [w for w in caught if "one seed" in str(w.message)]
    notes = json.loads((tmp_path / "r" / "report.json").read_text())["notes"]
    seeds = [note for note in notes if note.startswith("one seed")]
    assert len(seeds) == 1 and seeds[0].startswith("one seed (share.seeds = 1): "), seeds
    assert not any("evaluate.seeds" in note for note in notes)


def test_cli_share_names_a_killed_release_left_beside_its_folder(tmp_path):
    # sample, fit and run named a .NAME.XXXXXXXX.tmp a kill -9 left; share, which writes its folder alike, did not
    (tmp_path / ".rel.a1b2c3d4.tmp").mkdir()
    result = CliRunner().invoke(app, ["share", str(tmp_path / "missing.csv"), "--target", "label", "-o",
                                      str(tmp_path / "rel")])
    assert result.exit_code == 2 and "file not found" in result.output, result.output
    assert f"warning: {tmp_path / '.rel.a1b2c3d4.tmp'} (0.0 MB) beside {tmp_path / 'rel'}: left by a write" in \
        result.output.replace("\n", " ")
    assert (tmp_path / ".rel.a1b2c3d4.tmp").is_dir()


def test_the_copies_gate_does_not_count_copies_of_a_combination_five_training_rows_share():
    # the filter lets such copies through (k-anonymity); the gate counted them and refused every release
    # of a categorical table whose common combinations the model reproduced
    from synthaug.privacy.leakage import assess_leakage
    from synthaug.share import check_gates

    rng = np.random.default_rng(0)
    def make(n, first):
        return pd.DataFrame({"a": rng.choice(list("pqrstuvw"), n), "b": rng.choice(list("xyz"), n),
                             "c": np.arange(first, first + n), "label": rng.choice(["0", "1"], n)})

    train, holdout = make(120, 1000), make(120, 2000)  # every row unique, fresh records too
    common = pd.DataFrame({"a": ["p"] * 5, "b": ["x"] * 5, "c": [7] * 5, "label": ["0"] * 5})
    train = pd.concat([train, common, common.iloc[:4].assign(label="1")], ignore_index=True)  # 5 of class 0, 4 of 1
    holdout = pd.concat([holdout, common.iloc[:2]], ignore_index=True)  # people outside training hold it too
    copies = pd.concat([common.iloc[:1]] * 30 + [common.iloc[:1].assign(label="1")] * 2 + [train.iloc[:3]],
                       ignore_index=True)
    leakage = assess_leakage(train, holdout, pd.concat([make(165, 3000), copies], ignore_index=True), "label",
                             random_state=0, n_boot=200, categorical=["c"])
    gate = next(g for g in check_gates(leakage, Gates()) if g.name == "exact_copies")
    assert gate.value == 5.0  # 2 copies of the 4-row combination of class 1 and 3 of unique rows; not the 30
    exact = next(m for m in leakage.measures if m.name == "exact_copies")
    assert exact.details["records_rate"] * leakage.n_records == pytest.approx(35)  # the measure counts every copy
    assert exact.details["shared_rate"] * leakage.n_records == pytest.approx(30)
    from synthaug.evaluate.report_guide import DETAIL_LABELS, detail_notes

    assert f"<i>{DETAIL_LABELS['shared_rate']}</i>: the share of records identical" in detail_notes([leakage])
    # one record given five times (a table oversampled before fitting) is no combination many people share
    repeated = pd.concat([train] + [train.iloc[:3]] * 4, ignore_index=True)
    leakage = assess_leakage(repeated, holdout, pd.concat([make(165, 4000), copies], ignore_index=True), "label",
                             random_state=0, n_boot=200, categorical=["c"])
    assert next(g for g in check_gates(leakage, Gates()) if g.name == "exact_copies").value == 5.0
