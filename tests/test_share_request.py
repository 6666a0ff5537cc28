"""share takes sample's class requests (n, per_class, balance, ratio) in Python, on the command line and in
a recipe's [share]: checked before training, gated on the records released, stated on the card."""

import json

import pytest
from typer.testing import CliRunner

from synthaug import DataError, SynthaugWarning
from synthaug.cli import app
from synthaug.share import share
from tests.conftest import make_mixed_table
from tests.test_share import LOOSE, TINY, _tiny_model
from tests.test_share_memory import MustNotFit


class NeverFits(MustNotFit):
    """Takes every request, as TabularCGAN does; must be refused before it trains."""

    def sample_frame(self, n=None, **request):
        raise AssertionError("sampled")


LOOSE_FLAGS = ["--max-dcr-share", "1", "--max-membership-auc", "1", "--max-exact-copies", "1000"]


def _frame():
    return make_mixed_table().drop(columns="joined")  # 96 training rows


def test_share_releases_the_per_class_counts_asked_and_the_card_says_how(tmp_path):
    # share released n rows at the training prior only: a fraud analyst could not boost the rare class
    outcome = share(_frame(), "label", tmp_path / "r", synthesizer=_tiny_model(), gates=LOOSE,
                    per_class={"no": 0, "yes": 150})
    assert outcome.released
    data = json.loads((tmp_path / "r" / "card.json").read_text())["data"]
    assert data["released_per_class"] == data["requested_per_class"] == {"no": 0, "yes": 150}
    assert data["class_request"] == {"option": "per_class", "value": {"no": 0, "yes": 150}, "default": False,
                                     "chosen": "exact counts per class, as asked"}
    assert data["released_rows"] == 150  # the gates measured these 150, the only records released


def test_balance_and_ratio_follow_samples_counts_and_the_card_names_them(tmp_path):
    from synthaug.sampling import allocate
    from synthaug.share import split_holdout

    train_counts = split_holdout(_frame(), "label", 0.2, 0)[0]["label"].value_counts()  # as share splits
    balanced = share(_frame(), "label", tmp_path / "b", synthesizer=_tiny_model(), gates=LOOSE, balance=True)
    data = balanced.card["data"]
    assert data["requested_per_class"] == {"no": 0, "yes": train_counts["no"] - train_counts["yes"]}
    assert data["class_request"]["option"] == "balance" and "the largest class gets none" in \
        data["class_request"]["chosen"]
    from synthaug._share_lines import released_counts  # it printed "class no: 0, yes: N" for the class asked none of

    shown = data["released_per_class"]["yes"]
    assert released_counts(balanced.card) == (f"{shown} records (class yes: {shown}; balance: every class topped "
                                              "up to the largest)")
    halved = share(_frame(), "label", tmp_path / "h", synthesizer=_tiny_model(), gates=LOOSE, ratio=0.5)
    data = halved.card["data"]
    assert data["requested_per_class"] == dict(zip(["no", "yes"], allocate(48, train_counts[["no", "yes"]] / 96),
                                                        strict=True))
    assert data["class_request"]["value"] == 0.5 and data["class_request"]["chosen"].startswith(
        "0.5 x the 96 training rows, split by the model's class counts")


@pytest.mark.parametrize(("request_", "message"), [
    ({"per_class": {"mabye": 3}}, "per_class: unknown class 'mabye'"),
    ({"n": 5, "balance": True}, "ask for exactly one of n, per_class, balance or ratio; got n, balance"),
    ({"ratio": 0.0}, "ratio must be a positive number, got 0.0"),
    ({"per_class": {"no": 0}}, "per_class must ask for at least 1 row in all"),
    ({"per_class": {"no": 2.5}}, "per_class: count for class 'no' must be a whole number >= 0, got 2.5"),
])
def test_a_bad_request_is_refused_before_training_named_as_python_spells_it(tmp_path, request_, message):
    with pytest.raises(DataError) as info:
        share(_frame(), "label", tmp_path / "r", synthesizer=NeverFits(), **request_)
    assert str(info.value).startswith(message), str(info.value)
    assert not (tmp_path / "r").exists()


def test_a_synthesizer_that_samples_n_only_is_refused_a_per_class_request_before_training(tmp_path):
    # it trained, then raised a TypeError traceback from sample_frame
    with pytest.raises(DataError, match=r"^per_class: MustNotFit.sample_frame takes no 'per_class'; ask for n "
                                        r"instead"):
        share(_frame(), "label", tmp_path / "r", synthesizer=MustNotFit(), per_class=5)


def test_a_recipes_request_is_named_by_its_share_key_not_samples():
    # sample's count checks name sample.per_class in a recipe; a release's are share.per_class
    from synthaug._text import RECIPE, options_named_for

    with options_named_for(RECIPE), pytest.raises(DataError, match=r"^share.per_class: unknown class 'maybe'"):
        share(_frame(), "label", "unused", synthesizer=NeverFits(), per_class={"maybe": 1})
    with options_named_for(RECIPE), pytest.raises(DataError, match=r"^ask for exactly one of share.n, "
                                                                   r"share.per_class, share.balance or share.ratio"):
        share(_frame(), "label", "unused", synthesizer=NeverFits(), n=3, ratio=1.0)


def test_cli_share_takes_per_class_and_prints_the_counts_released(tmp_path):
    _frame().to_csv(tmp_path / "d.csv", index=False)
    result = CliRunner().invoke(app, ["share", str(tmp_path / "d.csv"), "-t", "label", "-o", str(tmp_path / "r"),
                                      "--per-class", "no=10,yes=40", *LOOSE_FLAGS, *TINY])
    assert result.exit_code == 0, result.output
    assert (f"released 50 records (class no: 10, yes: 40; as --per-class asked) to {tmp_path / 'r'}/"
            in " ".join(result.output.split())), result.output
    card = json.loads((tmp_path / "r" / "card.json").read_text())
    assert card["data"]["class_request"]["value"] == {"no": 10, "yes": 40}
    refused = CliRunner().invoke(app, ["share", str(tmp_path / "d.csv"), "-t", "label", "-o", str(tmp_path / "x"),
                                       "--balance", "--ratio", "2"])
    assert refused.exit_code == 2 and refused.output.strip() == (
        "error: ask for exactly one of --n, --per-class, --balance or --ratio; got --ratio, --balance")


def test_a_per_class_release_short_of_a_classs_records_names_the_class(tmp_path, monkeypatch):
    """The shortfall is against the counts asked: 3 of the 10 'no' asked and 1 of the 40 'yes' were dropped."""
    from synthaug import TabularCGAN

    def first_of_each(self, frame):  # the filter still rejects the first 3 'no' records and the first 'yes'
        labels = frame["label"]
        return (((labels == "no") & ((labels == "no").cumsum() <= 3)) |
                ((labels == "yes") & ((labels == "yes").cumsum() <= 1))).to_numpy()

    monkeypatch.setattr(TabularCGAN, "privacy_filter_rejects", first_of_each)
    with pytest.warns(SynthaugWarning, match=r"^release: fewer records than requested for class 'no' 7 of 10 \(3 "
                                             r"short\), 'yes' 39 of 40 \(1 short\): the filters changed"):
        outcome = share(_frame(), "label", tmp_path / "r", synthesizer=_tiny_model(), gates=LOOSE,
                        per_class={"no": 10, "yes": 40})
    assert outcome.card["data"]["released_per_class"] == {"no": 7, "yes": 39}
    with pytest.warns(SynthaugWarning, match=r"^release: fewer records than requested for class 'yes' 39 of 40 \(1 "
                                             r"short\): the filters"):  # a class asked 0 of is not short
        share(_frame(), "label", tmp_path / "r", synthesizer=_tiny_model(), gates=LOOSE,
              per_class={"no": 0, "yes": 40})


def test_a_share_recipe_takes_per_class_and_a_set_of_another_request_replaces_it(tmp_path):
    # `[share] per_class = ...` was 'unknown key share.per_class (did you mean 'filter_close'?)'
    from synthaug.recipe import load_recipe

    _frame().to_csv(tmp_path / "d.csv", index=False)
    recipe = tmp_path / "r.toml"
    recipe.write_text(f'[data]\npath = "{(tmp_path / "d.csv").as_posix()}"\ntarget = "label"\n'
                      '[model]\nepochs = 1\nmin_steps = 20\n'
                      '[share]\nper_class = {no = 5, yes = 30}\nmax_dcr_share = 1.0\nmax_membership_auc = 1.0\n'
                      'max_exact_copies = 1000\n')
    assert load_recipe(recipe, ["share.balance=true"])["share"].get("per_class") is None  # one request at a time
    with pytest.raises(DataError, match=r"share.ratio: must be a positive finite number, got -1"):
        load_recipe(recipe, ["share.ratio=-1"])
    result = CliRunner().invoke(app, ["run", str(recipe), "-o", str(tmp_path / "out"), "-q"])
    assert result.exit_code == 0, result.output
    card = json.loads((tmp_path / "out" / "release" / "card.json").read_text())
    assert card["data"]["released_per_class"] == {"no": 5, "yes": 30}
    assert card["data"]["class_request"]["option"] == "per_class"


def test_a_per_class_release_too_large_for_memory_is_refused_before_training(tmp_path, monkeypatch):
    import synthaug._share_checks as share_checks
    from tests.test_share_memory import table

    monkeypatch.setattr(share_checks, "available_memory", lambda: 480_000_000)  # 1,000,000 cells of 160 bytes
    with pytest.raises(DataError, match=r"^per_class: 2,000,000 records of 3 columns take about 1.0 GB"):
        share(table(), "target", tmp_path / "out", synthesizer=NeverFits(), per_class=1_000_000)


def test_share_takes_n_as_sample_does():
    # share --n 0 said "a positive number of rows" and n=5.0 was refused, where sample takes 5.0
    from synthaug._share_checks import check_options
    from synthaug.share import Gates

    check_options("target", 5.0, Gates(), None)
    with pytest.raises(DataError, match=r"^n must be a whole number of rows >= 1, got 5.5$"):
        check_options("target", 5.5, Gates(), None)
