"""Every recipe value out of range fails before training, in one line naming its recipe key.

``sample.per_class = -5`` failed after 47 s of training (naming ``per_class (--per-class)``), and
``evaluate.seeds = 0`` after training and sampling (naming ``n_seeds``)."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from synthaug.cli import app
from synthaug.images.synthesizer import ImageCGAN
from synthaug.tabular.synthesizer import TabularCGAN

RECIPES = {
    "table": '[data]\ndataset = "sklearn:iris"\nrows_per_class = 10\n[model]\nepochs = 1\n',
    "image": '[data]\ndataset = "sklearn:digits"\nrows_per_class = 5\n[model]\nsteps = 2\n',
    "share": '[data]\ndataset = "sklearn:iris"\n[model]\nepochs = 1\n[share]\nholdout = 0.2\n',
}
BAD = {  # recipe: (--set, what the one line says)
    "table": [
        ("sample.n=0", "sample.n: must be a whole number >= 1, got 0"),
        ("sample.n=-3", "sample.n: must be a whole number >= 1, got -3"),
        ("sample.n=9007199254740993", "sample.n: at most 9007199254740992 rows can be generated"),
        ("sample.per_class=-5", "sample.per_class: must be a whole number >= 0, got -5"),
        ("sample.per_class={setosa=-5}", "sample.per_class: count for class 'setosa' must be a whole number >= 0"),
        ("sample.per_class=0", "sample.per_class: asks for no synthetic rows at all"),
        ("sample.per_class={setsa=5}", "sample.per_class: unknown class 'setsa' (did you mean 'setosa'?)"),
        ("sample.ratio=0", "sample.ratio: must be a positive finite number, got 0"),
        ("sample.ratio=-1.5", "sample.ratio: must be a positive finite number"),
        ("sample.ratio=inf", "sample.ratio: must be a positive finite number, got inf"),
        ("sample.ratio=nan", "sample.ratio: must be a positive finite number, got nan"),
        ("sample.ratio=0.001", "sample.ratio 0.001 of 30 training rows is 0 rows"),
        ("sample.balance=true", "sample.balance must generate at least 1 row; every class already has 10"),
        ("sample.balance=false", "[sample] takes exactly one of"),
        ("evaluate.seeds=0", "evaluate.seeds: must be a whole number >= 1, got 0"),
        ("evaluate.max_synthetic=50", "evaluate.max_synthetic: must be a whole number >= 100, got 50"),
        ("evaluate.seeds=-2", "evaluate.seeds: must be a whole number >= 1, got -2"),
        ("evaluate.seeds=1.5", "evaluate.seeds expects int"),
        ("evaluate.ratios=[]", "evaluate.ratios: must list at least one ratio"),
        ("evaluate.ratios=[0]", "evaluate.ratios: must be a positive finite number, got 0"),
        ("evaluate.ratios=[-1.0]", "evaluate.ratios: must be a positive finite number, got -1.0"),
        ('evaluate.ratios=["a"]', "evaluate.ratios: must be a positive finite number, got 'a'"),
        ("evaluate.ratios=[1, 1.0]", "evaluate.ratios: 1 is given more than once"),
        ("evaluate.ratios=[0.001]", "evaluate.ratios: 0.001 of 30 training rows adds no synthetic record"),
        ('evaluate.baselines=["smot"]', "evaluate.baselines: unknown baseline 'smot' (did you mean 'smote'?)"),
        ('evaluate.baselines=["ros", "ros"]', "evaluate.baselines: 'ros' is given more than once"),
        ("evaluate.steps=5", "evaluate.steps is not used by a table recipe"),
        ("model.epochs=-5", "model.epochs must be a whole number >= 1; got -5"),
        ("model.dropout=1.0", "model.dropout must be in [0, 1)"),
        ("model.loss='hinj'", "model.loss"),
        ("model.dp_delta=0.5", "model.dp_delta"),
        ("model.epoch=3", "model: unknown parameter 'epoch'"),
        ("data.test_size=1.5", "data.test_size: must be a share between 0 and 1"),
        ("data.rows_per_class=-5", "data.rows_per_class: must be at least 1, got -5"),
        ("data.rows_per_class=1000", "data.rows_per_class: class"),
        ("data.seed=-1", "data.seed: must be a whole number"),
        ("data.modality='tabel'", "data.modality must be 'table' or 'image'"),
        ("data.dataset='sklearn:irs'", "data.dataset: unknown 'sklearn:irs'"),
        ("data.target='species'", "data.target: column 'species' not found"),
        ("data.path='missing.csv'", "data.target: the class label column is required with data.path"),
    ],
    "image": [
        ("evaluate.steps=0", "evaluate.steps: must be a whole number >= 1, got 0"),
        ("evaluate.seeds=0", "evaluate.seeds: must be a whole number >= 1, got 0"),
        ("sample.per_class={11=2}", "sample.per_class: unknown class '11'"),
        ("sample.n=0", "sample.n: must be a whole number >= 1, got 0"),
        ("model.steps=0", "model.steps must be a whole number >= 1; got 0"),
        ("evaluate.ratios=[1.0]", "evaluate.ratios is not used by an image recipe"),
        ("evaluate.max_synthetic=1000", "evaluate.max_synthetic is not used by an image recipe"),
    ],
    "share": [
        ("share.max_dcr_share=inf", "share.max_dcr_share: must be a finite number, got inf"),
        ("share.max_membership_auc=nan", "share.max_membership_auc: must be a finite number, got nan"),
        ("share.max_exact_copies=-1", "share.max_exact_copies: must be a whole number >= 0, got -1"),
        ("share.gates={near_copie=1.0}", "share.gates: unknown measure 'near_copie' (did you mean 'near_copies'?)"),
        ("share.gates={near_copies=inf}", "share.gates: 'near_copies': the limit must be a finite number"),
        ("share.filter_close=1.5", "share.filter_close: must be a number between 0 and 1 (exclusive), got 1.5"),
        ("share.filter_close=0", "share.filter_close: must be a number between 0 and 1"),
        ("share.holdout=0", "share.holdout: must be a number between 0 and 1 (exclusive), got 0"),
        ("share.holdout=1.0", "share.holdout: must be a number between 0 and 1"),
        ("share.holdout=0.005", "share.holdout 0.005 holds out 1 of 150 rows; the holdout and the training rows each "
                                "need a row of each of the 3 classes: for 150 rows, use a fraction from 0.02 to 0.98"),
        ("share.n=0", "share.n: must be a whole number >= 1, got 0"),
        ("share.n=9007199254740993", "share.n: at most 9007199254740992 rows can be generated"),
        ("share.seeds=0", "share.seeds: must be a whole number >= 1, got 0"),
        # a limit outside the measure's range: 6 released ("limit 6, margin +5.498"), -1 trained, then refused
        ("share.max_membership_auc=6", "share.max_membership_auc: must be from 0 to 1 (membership_auc is an AUC), "
                                       "got 6"),
        ("share.max_dcr_share=-1", "share.max_dcr_share: must be from 0 to 1 (dcr_share is a share), got -1"),
        ("share.gates={near_copies=2.0}", "share.gates: 'near_copies': the limit must be from -1 to 1"),
        ("share.gates={mia_distance=-0.5}", "share.gates: 'mia_distance': the limit must be from 0 to 1"),
    ],
}


@pytest.fixture
def fits(monkeypatch) -> list:
    """The models' fit, replaced: it records the call and stops the run."""
    calls = []

    def fit(self, *args, **kwargs):
        calls.append(type(self).__name__)
        raise KeyboardInterrupt  # the CLI reports it as exit 130

    monkeypatch.setattr(TabularCGAN, "fit", fit)
    monkeypatch.setattr(ImageCGAN, "fit", fit)
    return calls


def _run(kind: str, override: str, tmp_path: Path):
    recipe = tmp_path / "r.toml"
    recipe.write_text(RECIPES[kind])
    return CliRunner().invoke(app, ["run", str(recipe), "-o", str(tmp_path / "out"), "-q", "--set", override])


@pytest.mark.parametrize(("kind", "override", "message"),
                         [(kind, *case) for kind, cases in BAD.items() for case in cases],
                         ids=[f"{kind}:{case[0]}" for kind, cases in BAD.items() for case in cases])
def test_a_bad_recipe_value_fails_before_training_naming_its_key(kind, override, message, tmp_path, fits,
                                                                 monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = _run(kind, override, tmp_path)
    said = " ".join(result.output.split())
    assert result.exit_code == 2 and message in said, result.output
    assert len(result.output.strip().splitlines()) == 1 and "Traceback" not in result.output, result.output
    assert "9007199254740992" not in said or "at most" in said  # the bound only when it was hit
    assert fits == [] and not (tmp_path / "out").exists()


@pytest.mark.parametrize(("kind", "override"), [("table", "sample.per_class={setosa=3}"),
                                                ("image", "sample.per_class=2"), ("share", "share.n=20")])
def test_good_values_reach_training(kind, override, tmp_path, fits):
    """The check above stops at fit: so a run that passes every check gets there."""
    result = _run(kind, override, tmp_path)
    assert result.exit_code == 130 and len(fits) == 1, result.output


@pytest.mark.parametrize(("override", "suggestion"), [
    ("evaluate.classifier_steps=5", "did you mean 'evaluate.steps'?"),  # evaluate --classifier-steps
    ("evaluate.classifier-steps=5", "did you mean 'evaluate.steps'?"),
    ("evaluate.ratio=2", "did you mean 'evaluate.ratios'?"),  # evaluate --ratio, repeatable
    ("evaluate.n_seeds=2", "did you mean 'evaluate.seeds'?"),  # evaluate(n_seeds=...)
    ("evaluate.seed=2", "did you mean 'data.seed'?"),  # not 'seeds'
    ("share.filter-close=0.1", "did you mean 'filter_close'?"),
    ("share.filter_quantile=0.1", "did you mean 'share.filter_close'?"),  # share(filter_quantile=...)
    ("sample.per-class=3", "did you mean 'per_class'?"),
])
def test_an_unknown_key_spelt_as_the_cli_or_python_names_it_suggests_the_recipe_key(override, suggestion, tmp_path,
                                                                                    fits):
    result = _run("table", override, tmp_path)
    assert result.exit_code == 2 and "unknown key" in result.output and suggestion in result.output, result.output


def test_share_seeds_reaches_the_release_evaluation(tmp_path, monkeypatch):
    # [share] had no seeds key: every recipe release evaluated one seed and warned "use 3 or more seeds"
    import synthaug.share

    calls = []

    def fake_share(*args, **kwargs):
        calls.append(kwargs["n_seeds"])
        raise KeyboardInterrupt

    monkeypatch.setattr(synthaug.share, "share", fake_share)
    result = _run("share", "share.seeds=3", tmp_path)
    assert calls == [3], result.output


def test_a_csv_gz_data_path_is_a_table_before_it_exists():
    # "data.path: later.csv.gz: not found (a table file, an image folder or an .npz)"
    from synthaug.recipe import modality

    assert modality({"data": {"path": "later.CSV.GZ"}}) == "table"


@pytest.mark.parametrize(("override", "message"), [
    ("model.epochs=-1", "model.epochs must be a whole number >= 1; got -1"),  # "r.toml: model.epochs ..."
    ("model.epochs=2.5", "model: epochs expects a number (an integer), got 2.5"),
    ("model.epoch=3", "model: unknown parameter 'epoch'"),
    ("model.dp_delta=0.5", "model.dp_delta=0.5 is set but model.dp_epsilon is not"),
    ("sample.n=0", "sample.n: must be a whole number >= 1, got 0"),
    ("sample.balance=false", "[sample] takes exactly one of"),
    ("evaluate.seeds=1.5", "evaluate.seeds expects int, got 1.5"),
    ("evaluate.steps=5", "evaluate.steps is not used by a table recipe"),
    ("data.seed=3.0", "data.seed expects int, got 3.0"),
    ("data.seed=-1", "data.seed: must be a whole number from 0 to 2**64 - 1, got -1"),
    ("data.modality=tabel", "data.modality must be 'table' or 'image', got 'tabel'"),
    # data.path=null removed the recipe's data.dataset too (a null removes its own key only now)
    ("data.dataset=null", "[data] needs path or dataset"),
    ("data.holdout=null", None),  # valid: reaches training
    ("modle.epochs=1", "unknown table [modle]"),
    # these failed only when the run read the data, naming neither the file nor the --set
    ("data.test_size=1.5", "data.test_size: must be a share between 0 and 1 (exclusive), got 1.5"),
    ("data.rows_per_class=0", "data.rows_per_class: must be at least 1, got 0"),
    ("data.dataset=sklearn:irs", "data.dataset: unknown 'sklearn:irs'"),
    ("data.path=mine.csv", "data.target: the class label column is required with data.path"),
])
def test_an_error_caused_by_a_set_value_names_the_set_not_the_recipe(override, message, tmp_path, fits):
    result = _run("table", override, tmp_path)
    if message is None:
        assert result.exit_code == 130 and fits, result.output
        return
    said = " ".join(result.output.split())
    assert result.exit_code == 2 and said.startswith(f"error: --set {override}: {message}"), result.output
    assert "r.toml" not in said and fits == []


@pytest.mark.parametrize(("line", "overrides", "message"), [
    ('loss = "wgan-gp"', ["model.dp_epsilon=1"], "model.loss: wgan-gp's gradient penalty is not supported with DP"),
    ("r1_weight = 1.0", ["model.loss=wgan-gp"], "model.r1_weight: not with loss wgan-gp"),
    ("r1_weight = 1.0", ["model.epochs=2", "model.loss=wgan-gp"], "model.r1_weight: not with loss wgan-gp"),
])
def test_a_model_error_a_set_brings_about_names_the_set_though_the_key_it_names_is_the_files(line, overrides, message,
                                                                                           tmp_path, fits):
    """The file alone passes the estimator's checks, the --set makes them fail: the message names a key of the
    file's ("r.toml: model.loss: ... not supported with DP" blamed the file for the --set model.dp_epsilon=1)."""
    recipe = tmp_path / "r.toml"
    recipe.write_text(RECIPES["table"].replace("epochs = 1", line))
    args = ["run", str(recipe), "-o", str(tmp_path / "out"), "-q"]
    for item in overrides:
        args += ["--set", item]
    result = CliRunner().invoke(app, args)
    said = " ".join(result.output.split())
    assert result.exit_code == 2 and said.startswith(f"error: --set {overrides[-1]}: {message}"), result.output
    assert "r.toml" not in said and fits == []


@pytest.mark.parametrize(("line", "override", "message"), [
    ("epochs = -1", "model.min_steps=5", "model.epochs must be a whole number >= 1; got -1"),
    ("epochs = 1\ndp_delta = 0.5", "model.epochs=2", "model.dp_delta=0.5 is set but model.dp_epsilon is not"),
    ('loss = "wgan-gp"\ndp_epsilon = 1.0', "model.epochs=2", "model.loss: wgan-gp's gradient penalty is not"),
    ('loss = "wgan-gp"\ndp_epsilon = 1.0', "model.dp_epsilon=2.0", "model.loss: wgan-gp's gradient penalty is not"),
])
def test_an_error_in_the_recipe_file_still_names_the_file(line, override, message, tmp_path, fits):
    recipe = tmp_path / "r.toml"
    recipe.write_text(RECIPES["table"].replace("epochs = 1", line))
    result = CliRunner().invoke(app, ["run", str(recipe), "-o", str(tmp_path / "out"), "-q", "--set", override])
    said = " ".join(result.output.split())
    assert result.exit_code == 2 and said.startswith(f"error: {recipe}: {message}"), result.output
