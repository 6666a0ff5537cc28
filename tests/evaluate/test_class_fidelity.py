"""Within-class fidelity: a fake that keeps every pooled figure but swaps the classes' patterns is
caught, a copy scores 0, and class weighting by hand; report.json keys, HTML and the CLI line."""

import dataclasses
import re

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from synthaug import SynthaugWarning
from synthaug._cli_evaluate import _print_summary
from synthaug.evaluate import class_fidelity, evaluate, fidelity, marginals, render_html
from synthaug.evaluate.canonical import canonical
from synthaug.evaluate.results import WithinClassFidelity, _plain
from synthaug.evaluate.tables import check_tables


def trial_draw(n: int, seed: int) -> pd.DataFrame:
    """Classes 0/1; x2 correlates +0.8 with x1 in class 0 and -0.8 in class 1 (about 0 pooled);
    m is missing in half of class 1 and never in class 0."""
    rng = np.random.default_rng(seed)
    label = (rng.random(n) < 0.5).astype(int)
    x1 = rng.normal(size=n)
    x2 = np.where(label == 0, 0.8, -0.8) * x1 + 0.6 * rng.normal(size=n)
    m = rng.normal(size=n)
    m[(label == 1) & (rng.random(n) < 0.5)] = np.nan
    colour = rng.choice(["red", "green", "blue"], n)
    return pd.DataFrame({"x1": x1, "x2": x2, "m": m, "colour": colour, "label": label.astype(str)})


def trial_fake(n: int, seed: int) -> pd.DataFrame:
    """The fresh-user trial's fake: a real draw with m's missingness moved to class 0 (same pooled
    share) and x2 shuffled within each class (each class's correlation gone, the pooled one kept)."""
    rng = np.random.default_rng(seed)
    frame = trial_draw(n, seed)
    label = frame["label"].to_numpy()
    m = np.where(frame["m"].isna(), rng.normal(size=n), frame["m"])
    m[(label == "0") & (rng.random(n) < 0.5)] = np.nan
    x2 = frame["x2"].to_numpy().copy()
    for k in ("0", "1"):  # two whole-class permutations
        rows = np.flatnonzero(label == k)
        x2[rows] = x2[rng.permutation(rows)]
    return frame.assign(m=m, x2=x2)


def _fidelity(real: pd.DataFrame, synthetic: pd.DataFrame):
    schema = check_tables(real, "label", {"synthetic": synthetic})
    return fidelity.run_fidelity(canonical(real, schema), canonical(synthetic, schema), schema, seed=0)


@pytest.fixture(scope="module")
def trial():
    real = trial_draw(200, 1)
    return {name: _fidelity(real, other) for name, other in
            (("fresh", trial_draw(200, 2)), ("fake", trial_fake(200, 3)), ("copy", real))}


def test_the_trials_fake_is_caught_within_classes(trial):
    fresh, fake = trial["fresh"], trial["fake"]
    # pooled, the fake looks no worse than a fresh real draw: the blind spot the trial found
    assert fake.association_difference < fresh.association_difference + 0.03
    pooled_m = {m.column: m.value for m in fake.marginals}["m"]
    assert pooled_m < 0.2
    # within classes it is clearly worse: x1-x2 lost +-0.8, m's missing values moved between classes
    assert fake.within_class.association_difference > fresh.within_class.association_difference + 0.07
    missing = {m.column: m for m in fake.within_class.missing}
    assert list(missing) == ["m"] and missing["m"].difference > 0.4
    assert fresh.within_class.missing[0].difference < 0.1
    assert missing["m"].synthetic["1"] == 0.0 and missing["m"].real["0"] == 0.0
    m = next(c for c in fake.within_class.columns if c.column == "m")
    assert m.within_class > 0.4 and m.within_class > 2 * m.pooled  # the KS counts the missing-share gap
    assert fake.within_class.association_columns == ["x1", "x2", "m", "colour", "m (missing)"]


def test_a_copy_scores_zero_within_classes(trial):
    w = trial["copy"].within_class
    assert w.association_difference == 0.0 and w.marginal_mean == 0.0
    assert set(w.association_per_class.values()) == {0.0}
    assert all(c.within_class == 0.0 and set(c.per_class.values()) == {0.0} for c in w.columns)
    assert [m.difference for m in w.missing] == [0.0]


def test_class_weights_by_hand():
    # real: 30 rows of a, 20 of b, 5 of c (too few); synthetic: 20 of a, 40 of b, 30 of c
    real = pd.DataFrame({
        "x": [1.0] * 30 + [1.0] * 15 + [np.nan] * 5 + [1.0] * 5,  # b: a quarter missing
        "k": ["u"] * 30 + ["u"] * 20 + ["u"] * 5,
        "label": ["a"] * 30 + ["b"] * 20 + ["c"] * 5,
    })
    synthetic = pd.DataFrame({
        "x": [1.0] * 10 + [np.nan] * 10 + [1.0] * 40 + [1.0] * 30,  # a: half missing; b: never
        "k": ["u"] * 10 + ["v"] * 10 + ["u"] * 40 + ["v"] * 30,  # a: half v (tv 0.5); b: all u (0)
        "label": ["a"] * 20 + ["b"] * 40 + ["c"] * 30,
    })
    schema = check_tables(real, "label", {"synthetic": synthetic})
    r, s = canonical(real, schema), canonical(synthetic, schema)
    pooled = [marginals.marginal(c, r[c], s[c], c in schema.numeric) for c in schema.features]
    w, notes = class_fidelity.class_fidelity(r, s, schema, pooled)
    assert w.class_weights == pytest.approx({"a": 0.6, "b": 0.4})  # real counts 30:20; synthetic's 20:40 ignored
    assert w.skipped == ["c"] and "'c'" in notes[0] and "fewer than 20" in notes[0]
    x, k = w.columns
    assert x.per_class == pytest.approx({"a": 0.5, "b": 0.25})  # the missing-share gaps
    assert x.within_class == pytest.approx(0.6 * 0.5 + 0.4 * 0.25)
    assert k.per_class == pytest.approx({"a": 0.5, "b": 0.0}) and k.within_class == pytest.approx(0.3)
    assert w.marginal_mean == pytest.approx((0.4 + 0.3) / 2)
    (missing,) = w.missing
    assert missing.real == pytest.approx({"a": 0.0, "b": 0.25}) and missing.synthetic == {"a": 0.5, "b": 0.0}
    assert missing.difference == pytest.approx(0.6 * 0.5 + 0.4 * 0.25)
    per_class = w.association_per_class
    assert w.association_difference == pytest.approx(0.6 * per_class["a"] + 0.4 * per_class["b"])
    assert per_class["a"] > 0  # in a, k = v exactly where x is missing in the synthetic rows; not in the real


def test_every_key_is_there_when_no_class_is_compared():
    frame = trial_draw(30, 4)  # about 15 rows per class
    result = _fidelity(frame, frame)
    full = _plain(dataclasses.asdict(_fidelity(trial_draw(200, 1), trial_draw(200, 2)).within_class))
    empty = _plain(dataclasses.asdict(result.within_class))
    assert empty.keys() == full.keys() == _plain(dataclasses.asdict(WithinClassFidelity())).keys()
    assert empty["skipped"] == ["0", "1"] and empty["columns"] == [] and empty["association_per_class"] == {}
    assert empty["association_difference"] is None and empty["missing"] == []
    assert any("fewer than 20 real or synthetic rows" in n for n in result.notes)


@pytest.fixture(scope="module")
def evaluation():
    frame = trial_draw(240, 5)
    train, test, synthetic = frame.iloc[:120], frame.iloc[120:].reset_index(drop=True), trial_fake(120, 7)
    with pytest.warns(SynthaugWarning, match="one seed"):
        return evaluate(train, test, synthetic, "label", classifiers={"lr": LogisticRegression()}, n_seeds=1,
                        n_boot=100, baselines=(), random_state=0)


def test_report_json_html_and_terminal_line(evaluation, capsys, tmp_path):
    data = evaluation.to_dict()
    assert data["version"] == 4  # keys added; 4: seeds above 2**53 - 1 as text
    w = data["fidelity"]["within_class"]
    assert set(w["class_weights"]) == {"0", "1"} and w["missing"][0]["column"] == "m"
    html = render_html(evaluation)
    section = html.split("<h3>Within each class</h3>")[1]
    assert "Mean absolute association difference within classes" in section
    assert "0: real / synthetic" in section and "<h4>Missing values per class</h4>" in section
    assert "weighted by their share of the training rows" in section
    assert re.search(r"<td class='l'>m</td><td class=''>0\.000 / 0\.\d+</td>", section)
    _print_summary(evaluation, tmp_path / "report.json", tmp_path / "report.html")
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("fidelity:"))
    assert f"within-class association difference {w['association_difference']:.3f}; " in line
    # the swapped missing values show on the terminal too (the association difference alone hid them)
    gap = max(w["missing"], key=lambda m: m["difference"])
    assert line.endswith(f"largest within-class missing-share gap {gap['column']!r} {gap['difference']:.3f}")
    assert gap["column"] == "m" and gap["difference"] > 0.2
