"""``synthaug evaluate`` through typer's CliRunner."""

import json
import re

import pandas as pd
import pytest
from typer.testing import CliRunner

from synthaug.cli import app


@pytest.fixture(scope="module")
def files(tmp_path_factory, make_frame):
    folder = tmp_path_factory.mktemp("tables")
    frame = make_frame(360, seed=7)
    paths = {}
    for i, name in enumerate(["train", "test", "synthetic"]):
        paths[name] = folder / f"{name}.csv"
        frame.iloc[i * 120 : (i + 1) * 120].to_csv(paths[name], index=False)
    last = frame.iloc[240:]
    paths["balanced"] = folder / "balanced.csv"  # 47 rows of each class, as sample --per-class 47 makes
    last.groupby("label").head(47).to_csv(paths["balanced"], index=False)
    return paths


def _args(files, out, *extra):
    return [
        "evaluate",
        "--train",
        str(files["train"]),
        "--test",
        str(files["test"]),
        "--synthetic",
        str(files["synthetic"]),
        "--target",
        "label",
        "-o",
        str(out),
        *extra,
    ]


def test_evaluate_writes_both_reports(files, tmp_path):
    result = CliRunner().invoke(app, _args(files, tmp_path / "r", "--seeds", "1", "--seed", "4"))
    assert result.exit_code == 0, result.output
    assert "DCR share" in result.output and "wrote" in result.output
    # the DCR share with its own verdict, the overall verdict with the measures that set it
    verdict = "(no measurable leak|inconclusive|leaks)"
    assert re.search(rf"synthetic +DCR share [\d.]+ \({verdict}\); membership AUC [\d.]+; overall {verdict} \(.+\)",
                     result.output)  # the larger membership AUC, as demo prints it
    assert "detection AUC" in result.output and "class mix" not in result.output  # train's mix: 73 no, 47 yes
    assert re.search(r"; label total variation 0\.\d{3} \(class shares\)", result.output)
    report = json.loads((tmp_path / "r" / "report.json").read_text())
    assert report["seed"] == 4
    assert report["options"]["n_seeds"] == 1
    assert (tmp_path / "r" / "report.html").stat().st_size > 10_000



def test_a_report_names_the_training_table_as_the_models_file_does(files, tmp_path):
    """report.json's data_sha256.train is model.json's training.data_sha256 for the table fit read."""
    fit = ["fit", str(files["train"]), "--target", "label", "-o", str(tmp_path / "m"), "-q", "--epochs", "1",
           "--min-steps", "5", "--set", "generator_dims=[8]", "--set", "discriminator_dims=[8]"]
    assert CliRunner().invoke(app, fit).exit_code == 0
    result = CliRunner().invoke(app, _args(files, tmp_path / "r", "--seeds", "1", "-q", "--baselines", "none"))
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "r" / "report.json").read_text())
    training = json.loads((tmp_path / "m" / "model.json").read_text())["training"]
    assert report["data_sha256"]["train"] == training["data_sha256"]
    assert report["data_sha256"]["test"] != training["data_sha256"]
    assert report["versions"] == training["versions"]


def test_the_seed_defaults_to_0_for_tables_as_for_images(files, tmp_path):
    # tables drew fresh entropy and images used 0; like every command's --seed it is 0, and recorded
    result = CliRunner().invoke(app, _args(files, tmp_path / "d", "--seeds", "1", "-q"))
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "d" / "report.json").read_text())["seed"] == 0


def test_a_chosen_class_mix_is_named_in_the_summary(files, tmp_path):
    balanced = {**files, "synthetic": files["balanced"]}
    result = CliRunner().invoke(app, _args(balanced, tmp_path / "b", "--seeds", "1"))
    assert result.exit_code == 0, result.output
    assert "(at the synthetic class mix)" in result.output
    report = json.loads((tmp_path / "b" / "report.json").read_text())
    assert report["fidelity"]["class_mix"]["synthetic"] == {"no": 0.5, "yes": 0.5}

def test_quiet_prints_nothing(files, tmp_path):
    args = _args(files, tmp_path / "q", "--seeds", "2", "--quiet", "--ratio", "0.5", "--jobs", "1")
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0
    assert result.output == ""
    assert json.loads((tmp_path / "q" / "report.json").read_text())["options"]["ratios"] == [0.5]


def test_known_errors_are_one_line_with_exit_2(files, tmp_path):
    result = CliRunner().invoke(app, _args(files, tmp_path / "e", "--target", "nope"))
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [f"error: {files['train']} (train): target column 'nope' not found; "
                                                "the columns are 'x', 'z', 'colour', 'label'"]
    assert not (tmp_path / "e").exists()


def test_errors_name_the_file(files, tmp_path):
    bad = tmp_path / "bad.csv"
    pd.read_csv(files["synthetic"]).drop(columns="z").to_csv(bad, index=False)
    args = _args(files, tmp_path / "b")
    args[args.index("--synthetic") + 1] = str(bad)
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert f"{bad} (synthetic): lacks column 'z' that train has" in " ".join(result.output.split())
    assert "identifier-like" not in result.output  # z is a measurement: the hint said a model leaves such out


def test_tables_need_a_target(files, tmp_path):
    args = _args(files, tmp_path / "t")
    del args[args.index("--target") : args.index("--target") + 2]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert "--target" in result.output


def test_missing_file_is_a_usage_error(files, tmp_path):
    args = _args(files, tmp_path / "m")
    args[args.index("--test") + 1] = str(tmp_path / "absent.csv")
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2


def test_output_below_a_file_fails_before_evaluating(files, tmp_path, monkeypatch):
    import synthaug.evaluate

    def never(*a, **k):
        raise AssertionError("evaluated although the reports cannot be written")

    monkeypatch.setattr(synthaug.evaluate, "evaluate", never)  # the command imports it when it runs
    result = CliRunner().invoke(app, _args(files, files["train"] / "reports"))
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        f"error: {files['train'] / 'reports'}: cannot create this folder: {files['train']} is a file"
    ]


def test_unwritable_output_fails_before_evaluating(files, tmp_path, monkeypatch):
    """-o /sys/synthaug-out failed only after the whole evaluation (~70 s on adult)."""
    import tempfile

    import synthaug.evaluate

    def refused(*args, **kwargs):
        raise PermissionError(1, "Operation not permitted")

    def never(*a, **k):
        raise AssertionError("evaluated although the reports cannot be written")

    monkeypatch.setattr(synthaug.evaluate, "evaluate", never)
    monkeypatch.setattr(tempfile, "mkdtemp", refused)  # what creating anything in /sys does
    result = CliRunner().invoke(app, _args(files, tmp_path / "new" / "out"))
    assert result.exit_code == 2
    assert result.output.strip() == f"error: {tmp_path / 'new' / 'out'}: cannot write in {tmp_path} (Operation not " \
        "permitted)"


def test_the_writability_probe_leaves_nothing_behind(tmp_path):
    from synthaug.evaluate.report import check_report_dir

    assert check_report_dir(tmp_path / "a" / "b") == tmp_path / "a" / "b"
    assert list(tmp_path.iterdir()) == []


def test_an_output_folder_that_is_a_symbolic_link_is_refused_as_fits_is(files, tmp_path, monkeypatch):
    # evaluate -o LINK wrote through the link, where fit -o LINK refused it
    import synthaug.evaluate

    target, link = tmp_path / "elsewhere", tmp_path / "link"
    target.mkdir()
    link.symlink_to(target, target_is_directory=True)
    monkeypatch.setattr(synthaug.evaluate, "evaluate", lambda *a, **k: pytest.fail("evaluated"))
    result = CliRunner().invoke(app, _args(files, link, "--seeds", "1"))
    assert result.exit_code == 2
    assert result.output.strip() == f"error: {link}: is a symbolic link; give the folder it points to ({target}) or " \
        "a new one"
    assert list(target.iterdir()) == []


def test_an_empty_output_is_refused(files, tmp_path, monkeypatch):
    """-o '' exited 0 and wrote report.json and report.html into the current folder."""
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, _args(files, "", "--seeds", "1"))
    assert result.exit_code == 2 and "give a folder for" in result.output  # a usage error, in click's box here
    assert list(tmp_path.iterdir()) == []


def test_negative_seed_is_a_usage_error(files, tmp_path):
    result = CliRunner().invoke(app, _args(files, tmp_path / "s", "--seed", "-5"))
    assert result.exit_code == 2
    assert "Traceback" not in result.output and "--seed" in result.output
    assert not (tmp_path / "s").exists()


@pytest.mark.parametrize("option", [["--target", "label"], ["--ratio", "2"], ["--holdout", "{npz}"],
                                    ["--categorical", "zip"], ["--continuous", "x"], ["--max-synthetic", "100"],
                                    ["--baselines", "none"], ["--sensitive", "x"]])
def test_image_inputs_refuse_the_table_options_they_would_ignore(option, tmp_path):
    import numpy as np

    np.savez(tmp_path / "i.npz", x=np.zeros((4, 8, 8), np.uint8), y=np.array([0, 0, 1, 1]))
    npz = str(tmp_path / "i.npz")
    option = [o.replace("{npz}", npz) for o in option]
    result = CliRunner().invoke(app, ["evaluate", "--train", npz, "--test", npz, "--synthetic", npz,
                                      "-o", str(tmp_path / "out"), *option, "--seeds", "1",
                                      "--classifier-steps", "1", "-q"])
    said = " ".join(result.output.split())
    assert result.exit_code == 2 and f"{option[0]}: options of the table evaluation" in said, said
    assert not (tmp_path / "out").exists()


def test_a_misspelled_target_suggests_the_column_and_prints_only_the_error(files, tmp_path):
    result = CliRunner().invoke(app, _args(files, tmp_path / "c", "--target", "Label"))  # no --quiet: a bar may start
    assert result.exit_code == 2
    assert result.output.splitlines() == [
        f"error: {files['train']} (train): target column 'Label' not found (did you mean 'label'?)"
    ]


def test_a_folder_without_images_is_named(files, tmp_path):
    folder = tmp_path / "adir"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "model.json").write_text("{}")
    args = _args(files, tmp_path / "o")
    args[args.index("--synthetic") + 1] = str(folder)
    result = CliRunner().invoke(app, args)
    said = " ".join(result.output.split())
    assert result.exit_code == 2
    assert said.startswith(f"error: {folder} (synthetic): not a table file") and "a folder with no images" in said, said
    assert not (tmp_path / "o").exists()


def test_caveats_are_warning_lines_also_when_quiet(files, tmp_path):
    train = pd.read_csv(files["train"])
    train.loc[:5, "label"] = "rare"
    path = tmp_path / "train3.csv"
    train.to_csv(path, index=False)
    args = _args(files, tmp_path / "w", "--seeds", "1", "--quiet")
    args[args.index("--train") + 1] = str(path)
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "warning: class(es) 'rare' have no test rows and are left out of the macro averages" in lines
    assert any(line.startswith("warning: the synthetic table has no records of class(es) 'rare'") for line in lines)
    # fidelity's note on the missing class was in report.json's fidelity.notes only, beside perfect-looking figures
    assert any("'rare': their real rows get weight 0, so fidelity describes the other classes only" in line
               for line in lines if line.startswith("warning: "))


def test_drop_leaves_out_a_column_the_model_left_out(files, tmp_path):
    paths = {}
    for name in ("train", "test"):
        paths[name] = tmp_path / f"{name}.csv"
        pd.read_csv(files[name]).assign(**{"patient id": range(120)}).to_csv(paths[name], index=False)
    paths["synthetic"] = files["synthetic"]
    result = CliRunner().invoke(app, _args(paths, tmp_path / "d", "--seeds", "1", "-q"))
    said = " ".join(result.output.split())
    assert result.exit_code == 2
    assert "lacks column 'patient id' that train has; a model leaves out identifier-like columns" in said
    assert "--drop 'patient id'" in said
    result = CliRunner().invoke(app, _args(paths, tmp_path / "d", "--seeds", "1", "-q", "--drop", "patient id"))
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "d" / "report.json").read_text())["options"]["drop"] == ["patient id"]


def test_repeated_drop_options_add_up(files, tmp_path):
    # a text option kept only the last --drop: 'patient id' came back as missing, with a hint to drop it
    paths = {}
    for name in ("train", "test"):
        paths[name] = tmp_path / f"{name}.csv"
        pd.read_csv(files[name]).assign(**{"patient id": range(120), "ward": 1}).to_csv(paths[name], index=False)
    paths["synthetic"] = files["synthetic"]
    args = _args(paths, tmp_path / "d", "--seeds", "1", "-q", "--drop", "patient id", "--drop", "ward")
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "d" / "report.json").read_text())["options"]["drop"] == ["patient id", "ward"]


def test_drop_of_an_unknown_column_is_an_error(files, tmp_path):
    result = CliRunner().invoke(app, _args(files, tmp_path / "u", "--drop", "x,Colour"))
    assert result.exit_code == 2
    assert result.output.splitlines() == ["error: --drop: no column 'Colour' in any table (did you mean 'colour'?)"]
    assert not (tmp_path / "u").exists()


@pytest.mark.parametrize(("extra", "message"), [
    (["--ratio", "0"], "error: --ratio must be positive finite numbers, got [0.0]"),  # was "ratios must be ..."
    (["--ratio", "0.001"], "error: --ratio: 0.001 of 120 training rows adds no synthetic record; use a ratio above "
                           "0.00417"),
    (["--ratio", "1", "--ratio", "1"], "error: --ratio: 1 is given more than once, got [1.0, 1.0]"),
])
def test_ratio_errors_name_the_ratio_option(files, tmp_path, extra, message):
    result = CliRunner().invoke(app, _args(files, tmp_path / "r", *extra))
    assert result.exit_code == 2 and result.output.splitlines() == [message], result.output


def test_the_one_seed_note_names_the_seeds_option_on_the_command_line(tmp_path):
    """It said 'one seed (n_seeds=1)', an argument the command line has not got."""
    from synthaug._text import CLI, RECIPE, options_named_for
    from synthaug.evaluate.core import one_seed_note

    assert one_seed_note().startswith("one seed (n_seeds=1): ")
    with options_named_for(CLI):
        assert one_seed_note().startswith("one seed (--seeds 1): ")
    with options_named_for(RECIPE):
        assert one_seed_note().startswith("one seed (evaluate.seeds = 1): ")  # a [share] run names share.seeds


def test_max_synthetic_measures_a_noted_sample(files, tmp_path):
    result = CliRunner().invoke(app, _args(files, tmp_path / "m", "--seeds", "1", "--max-synthetic", "100", "-q"))
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "measured on a random 100 of 120 synthetic records" in said and "--max-synthetic sets the cap" in said
    report = json.loads((tmp_path / "m" / "report.json").read_text())
    assert report["sizes"]["synthetic"] == 120 and report["sizes"]["synthetic_measured"] == 100
    assert report["options"]["max_synthetic"] == 100


def test_max_synthetic_below_100_is_a_usage_error(files, tmp_path):
    result = CliRunner().invoke(app, _args(files, tmp_path / "m", "--max-synthetic", "99"))
    assert result.exit_code == 2 and "--max-synthetic" in result.output


def test_sensitive_baselines_and_comma_ratios(files, tmp_path):
    """--sensitive and --baselines were Python-only; --ratio took one number per option, unlike --drop."""
    args = _args(files, tmp_path / "o", "--seeds", "1", "-q", "--sensitive", "colour", "--baselines", "ros",
                 "--ratio", "0.5,1")
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "o" / "report.json").read_text())
    assert report["options"]["sensitive"] == ["colour"] and report["options"]["baselines"] == ["ros"]
    assert report["options"]["ratios"] == [0.5, 1.0]
    assert [p["source"] for p in report["privacy"]] == ["synthetic", "random oversampling"]
    result = CliRunner().invoke(app, _args(files, tmp_path / "n", "--seeds", "1", "-q", "--baselines", "none"))
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "n" / "report.json").read_text())["options"]["baselines"] == []


@pytest.mark.parametrize(("extra", "message"), [
    (["--baselines", "smote,gan"], "error: --baselines: unknown baseline 'gan'; use any of ['smote', 'ros']"),
    (["--baselines", "none,ros"], "error: --baselines: 'none' means no baseline; give it alone, got 'none,ros'"),
    (["--ratio", "1,x"], "error: --ratio: 'x' is not a number"),
    (["--classifier-steps", "5"], "error: --classifier-steps: an option of the image evaluation (its CNN "
                                  "classifiers); table inputs do not use it"),
])
def test_bad_table_options_are_one_line(files, tmp_path, extra, message):
    result = CliRunner().invoke(app, _args(files, tmp_path / "b", *extra))
    assert result.exit_code == 2 and result.output.splitlines() == [message], result.output


def test_stages_are_lines_with_their_time_when_stderr_is_not_a_terminal(files, tmp_path):
    # in a log, CI or nohup the bar was off and a 200,000-row evaluation printed nothing for minutes
    result = CliRunner().invoke(app, _args(files, tmp_path / "o", "--seeds", "1", "--baselines", "ros"))
    assert result.exit_code == 0, result.output
    stages = [line for line in result.output.splitlines() if re.fullmatch(r".+ \(at \d:\d\d:\d\d\)", line)]
    assert [line.rsplit(" (at ", 1)[0] for line in stages] == [
        "utility: seed 1 of 1", "fidelity", "privacy: reference distances", "privacy: synthetic records",
        "privacy: random oversampling records"]
    quiet = CliRunner().invoke(app, _args(files, tmp_path / "q", "--seeds", "1", "--baselines", "ros", "--quiet"))
    assert not any(" (at 0:" in line for line in quiet.output.splitlines())
