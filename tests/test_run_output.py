"""What ``synthaug run`` prints: the summary ``synthaug evaluate`` (tables, images) or ``synthaug share``
prints, naming the run's folder (not its temporary one), and a line of what it wrote; ``-q`` hides it.
A user trial found image runs printed nothing and table runs printed verdicts without numbers."""

import json
import re
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from synthaug.cli import app

TABLE = ("[data]\npath = \"{path}\"\ntarget = \"outcome\"\nrows_per_class = 20\n"
         "[model]\nepochs = 1\nmin_steps = 2\ngenerator_dims = [8]\ndiscriminator_dims = [8]\nlatent_dim = 4\n"
         "[sample]\nper_class = 20\n[evaluate]\nseeds = 1\nratios = [1.0]\n")
DIGITS = ('[data]\ndataset = "sklearn:digits"\nrows_per_class = 3\nholdout = false\n[model]\nsteps = 2\nwidth = 8\n'
          "[sample]\nper_class = 1\n[evaluate]\nseeds = 1\nsteps = 2\n")
SHARE = ("[data]\npath = \"{path}\"\ntarget = \"outcome\"\n"
         "[model]\nepochs = 1\nmin_steps = 2\ngenerator_dims = [8]\ndiscriminator_dims = [8]\nlatent_dim = 4\n"
         "[share]\nmax_membership_auc = 1.0\nmax_exact_copies = 1000\nmax_dcr_share = {limit}\n")


def patients(path: Path, n: int = 140) -> Path:
    rng = np.random.default_rng(0)
    pd.DataFrame({"pulse": rng.normal(70, 5, n).round(1), "age": rng.integers(20, 90, n),
                  "outcome": np.repeat(["well", "ill"], n // 2)}).to_csv(path, index=False)
    return path


def invoke(recipe_text: str, tmp_path: Path, *extra: str):
    recipe = tmp_path / "r.toml"
    recipe.write_text(recipe_text)
    return CliRunner().invoke(app, ["run", str(recipe), "-o", str(tmp_path / "out"), *extra])


def flat(text: str) -> str:
    """The output with rich's line wrapping undone."""
    return " ".join(text.split())


def test_a_table_run_prints_what_synthaug_evaluate_prints_for_its_files(tmp_path):
    path = patients(tmp_path / "p.csv").as_posix()
    result = invoke(TABLE.format(path=path), tmp_path)
    assert result.exit_code == 0, result.output
    out = tmp_path / "out"
    shown = flat(result.stdout)
    assert f"wrote {out}/report.json and {out}/report.html" in shown, shown  # the run's folder, not its temporary one
    assert f"wrote model, train.csv, test.csv, holdout.csv, synthetic.csv and recipe.toml to {out}/" in shown
    evaluated = CliRunner().invoke(app, [
        "evaluate", "--train", str(out / "train.csv"), "--test", str(out / "test.csv"), "--synthetic",
        str(out / "synthetic.csv"), "--holdout", str(out / "holdout.csv"), "--target", "outcome",
        "--seeds", "1", "--ratio", "1", "--seed", "0", "-o", str(tmp_path / "ev")])
    assert evaluated.exit_code == 0, evaluated.output
    summary = flat(evaluated.stdout).split(" wrote ")[0]  # the same numbers, intervals, verdicts and privacy lines
    assert summary.startswith("utility (macro_f1 vs real only, 95% interval):") and "DCR share" in summary
    assert shown.startswith(summary), (shown, summary)


def test_an_image_run_prints_the_image_evaluation_and_what_it_wrote(tmp_path):
    result = invoke(DIGITS, tmp_path)
    assert result.exit_code == 0, result.output
    out = tmp_path / "out"
    shown = flat(result.stdout)
    report = json.loads((out / "report.json").read_text())
    for name, accuracy in report["accuracy"].items():
        assert flat(f"{name} {100 * accuracy['mean']:5.1f}%") in shown, shown
    up = report["uplift"]
    assert f"uplift of {up['best_with_synthetic']} over {up['baseline']}: {up['points']:+.2f} points [" in shown
    assert f"]: {up['verdict']}; CAS" in shown
    assert f"wrote {out}/report.html" in shown
    assert shown.endswith(f"wrote model, synthetic.npz and recipe.toml to {out}/"), shown


@pytest.mark.parametrize(("limit", "request_", "code", "line"), [
    # it said "released 112 records to ...", not which classes, as `synthaug share` says it
    (1.0, "", 0, "released 112 records (class ill: 56, well: 56; the training size at its class prior) to "
                 "{out}/release/ (synthetic.csv, report.html, report.json, card.json); gates.json and recipe.toml "
                 "in {out}/"),
    (1.0, "per_class = {ill = 10, well = 30}", 0, "released 40 records (class ill: 10, well: 30; as "
                                                  "share.per_class asked) to {out}/release/ (synthetic.csv, "),
    (0.0, "", 3, "refused: gate(s) dcr_share failed; no synthetic data written; gates.json (the measures) and "
                 "recipe.toml in {out}/"),
])
def test_a_share_run_says_what_it_released_or_refused_and_where(limit, request_, code, line, tmp_path):
    """It printed the gates only: a refusal was an exit code of 3 and nothing more."""
    path = patients(tmp_path / "p.csv").as_posix()
    result = invoke(SHARE.format(path=path, limit=limit) + request_, tmp_path)
    out = tmp_path / "out"
    assert result.exit_code == code, result.output
    shown = flat(result.stdout)
    said = flat(result.stdout if code == 0 else result.stderr)  # refused on stderr, as `synthaug share` says it
    assert line.format(out=out) in said and said.endswith(f"in {out}/"), said
    assert code == 0 or "refused" not in shown  # `run` printed it on stdout
    assert "schema: inferred from the training data" in shown  # as `synthaug share` prints it
    written = {p.relative_to(out).as_posix() for p in out.rglob("*")}
    release = {"release", "release/card.json", "release/report.html", "release/report.json", "release/synthetic.csv"}
    assert written == {"gates.json", "recipe.toml", *(release if code == 0 else ())}
    card = json.loads((out / "gates.json").read_text())
    assert [g["name"] for g in card["gates"]][0] == "dcr_share"
    assert card["released"] is (code == 0)  # a refused card said only "released_rows", as if they were
    recipe = tomllib.loads((out / "recipe.toml").read_text())  # the card names the file the recipe records
    assert card["inputs"]["data"] == {"path": recipe["data"]["path"], "sha256": recipe["sha256"]["data.path"]}


@pytest.mark.parametrize("kind", ["table", "image", "share"])
def test_quiet_runs_print_no_summary(kind, tmp_path):
    path = patients(tmp_path / "p.csv").as_posix()
    text = {"table": TABLE.format(path=path), "image": DIGITS, "share": SHARE.format(path=path, limit=1.0)}[kind]
    result = invoke(text, tmp_path, "-q")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""


def test_a_recipe_sets_the_cap_on_synthetic_records_measured(tmp_path):
    """evaluate.max_synthetic reaches evaluate (recipes could not set it: always 50,000)."""
    path = patients(tmp_path / "p.csv").as_posix()
    recipe = TABLE.format(path=path).replace("\nper_class = 20", "\nn = 300") + "max_synthetic = 100\n"
    result = invoke(recipe, tmp_path, "-q")
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert report["sizes"]["synthetic_measured"] == 100 and report["options"]["max_synthetic"] == 100


def test_a_quiet_refused_share_run_still_names_the_failed_gate_on_stderr(tmp_path):
    """`synthaug share -q` prints failed gates on stderr; `synthaug run -q` printed nothing, only exit 3."""
    path = patients(tmp_path / "p.csv").as_posix()
    result = invoke(SHARE.format(path=path, limit=0.0), tmp_path, "-q")
    assert result.exit_code == 3 and result.stdout == ""
    assert re.search(r"^gate dcr_share = .* FAILS", result.stderr, re.M), result.stderr
    # the README said "-q prints none of it" (a newcomer trial saw the gate line and took it for a bug), and
    # `run --help` "Hide progress bars and summaries"
    recipes = " ".join((Path(__file__).parents[1] / "README.md").read_text().split("### Recipes")[1].split())
    assert "`-q` prints none of it but a failed gate's line (`gate dcr_share = ... FAILS`), on standard" in recipes
    run_help = CliRunner().invoke(app, ["run", "--help"], env={"COLUMNS": "400"}).output
    assert "a share recipe's failed gate is still named on stderr" in " ".join(run_help.split())


@pytest.mark.parametrize("kind", ["table", "share", "share-command"])
def test_a_signal_while_the_summary_prints_says_the_run_folder_is_complete(kind, tmp_path, monkeypatch):
    """run and share did not record their folder: a signal between the folder's rename and the exit (while the
    summary printed) said "no output was written"."""
    from synthaug.cli import Terminated, console

    printed = console.print

    def signalled(*objects, **kwargs) -> None:
        if str(objects[0]).startswith(("wrote model", "released ")):  # once the folder is in place
            raise Terminated
        printed(*objects, **kwargs)

    monkeypatch.setattr(console, "print", signalled)
    path = patients(tmp_path / "p.csv").as_posix()
    out = tmp_path / "out"
    if kind == "share-command":
        model = [f"--set={key}={value}" for key, value in (("epochs", 1), ("min_steps", 2), ("generator_dims", "[8]"),
                                                            ("discriminator_dims", "[8]"), ("latent_dim", 4))]
        result = CliRunner().invoke(app, ["share", path, "--target", "outcome", "-o", str(out), "--max-dcr-share", "1",
                                          "--max-membership-auc", "1", "--max-exact-copies", "1000", *model])
    else:
        result = invoke(TABLE.format(path=path) if kind == "table" else SHARE.format(path=path, limit=1.0), tmp_path)
    assert result.exit_code == 143, result.output
    assert result.output.strip().splitlines()[-1] == (f"error: terminated; the output {out} was written before the "
                                                      "signal and is complete")
    assert (out / ("card.json" if kind == "share-command" else "recipe.toml")).is_file()


def test_an_image_run_takes_the_image_evaluations_n_pairs_and_judge(tmp_path):
    """evaluate.n_pairs and evaluate.judge were unknown keys: a run's report.html always showed real
    training images, which `synthaug evaluate --no-real-images` leaves out."""
    result = invoke(DIGITS + "n_pairs = 0\njudge = \"train\"\n", tmp_path, "-q")
    assert result.exit_code == 0, result.output
    out = tmp_path / "out"
    assert "Closest pairs" not in (out / "report.html").read_text()
    assert json.loads((out / "report.json").read_text())["quality"]["judge"]["measured_on"] == "test"
    assert tomllib.loads((out / "recipe.toml").read_text())["evaluate"]["n_pairs"] == 0
