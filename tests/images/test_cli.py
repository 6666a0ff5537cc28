import csv
import json

import numpy as np
import pytest
import torch
from typer.testing import CliRunner

import synthaug
from synthaug.cli import app

runner = CliRunner()
SET = ["--set", "steps=4", "--set", "batch_size=8", "--set", "width=4", "--set", "latent_dim=8",
       "--set", "grid_every=2"]


def test_fit_then_sample_a_folder(image_folder, tmp_path):
    model = tmp_path / "model"
    result = runner.invoke(app, ["fit", str(image_folder), "-o", str(model), *SET, "--quiet"])
    assert result.exit_code == 0, result.output
    assert (model / "samples.png").is_file() and (tmp_path / "model.grids" / "step_0000004.png").is_file()
    out = tmp_path / "out"
    result = runner.invoke(app, ["sample", str(model), "-o", str(out), "--per-class", "class_0=3,class_2=1",
                                 "--quiet"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader((out / "manifest.csv").read_text().splitlines()))
    assert sorted(r["label"] for r in rows) == ["class_0", "class_0", "class_0", "class_2"]


def test_a_refit_replaces_the_earlier_fits_grids_and_keeps_other_files(image_folder, tmp_path):
    model, grids = tmp_path / "model", tmp_path / "model.grids"
    result = runner.invoke(app, ["fit", str(image_folder), "-o", str(model), *SET, "--set", "steps=6", "-q"])
    assert result.exit_code == 0, result.output
    (grids / "notes.txt").write_text("mine")
    result = runner.invoke(app, ["fit", str(image_folder), "-o", str(model), *SET, "-q"])  # 4 steps
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in grids.iterdir()) == [".synthaug-grids", "notes.txt", "step_0000002.png",
                                                       "step_0000004.png"]


def test_a_grid_dir_holding_files_synthaug_did_not_write_is_refused_before_training(image_folder, tmp_path):
    # its step_*.png files were deleted: a recipe's or --set grid_dir could name any writable folder
    mine = tmp_path / "photos"
    mine.mkdir()
    for name in ("step_0000002.png", "holiday.jpg"):
        (mine / name).write_bytes(b"mine")
    model = tmp_path / "model"
    result = runner.invoke(app, ["fit", str(image_folder), "-o", str(model), *SET, "--set", f"grid_dir={mine}"])
    assert result.exit_code == 2 and not model.exists()
    assert result.output.strip().splitlines() == [
        f"error: --set grid_dir: {mine} holds files synthaug did not write there (holiday.jpg); training grids go to a "
        "new or empty folder, or one synthaug made for them (it holds .synthaug-grids), where a refit deletes the "
        "earlier grids: give another folder"]
    assert sorted(p.name for p in mine.iterdir()) == ["holiday.jpg", "step_0000002.png"]
    empty = tmp_path / "empty"
    empty.mkdir()
    result = runner.invoke(app, ["fit", str(image_folder), "-o", str(model), *SET, "--set", f"grid_dir={empty}", "-q"])
    assert result.exit_code == 0, result.output  # an empty folder is taken, and marked as the grids' folder
    assert sorted(p.name for p in empty.iterdir()) == [".synthaug-grids", "step_0000002.png", "step_0000004.png"]


def test_two_seeded_fits_into_other_folders_differ_in_seconds_and_grid_dir_only(image_folder, tmp_path):
    """The README said such model.json files differ only in training.seconds (and params.verbose with -q);
    params.grid_dir follows -o too. The data's digest and the library versions are the same."""
    import json

    metas = []
    for name in ("a", "b"):
        result = runner.invoke(app, ["fit", str(image_folder), "-o", str(tmp_path / name), *SET, "-q"])
        assert result.exit_code == 0, result.output
        metas.append(json.loads((tmp_path / name / "model.json").read_text()))

    def flat(node, prefix=""):
        if not isinstance(node, dict):
            return {prefix: node}
        return {k: v for key, value in node.items() for k, v in flat(value, f"{prefix}{key}.").items()}

    a, b = flat(metas[0]), flat(metas[1])
    differing = {key for key in a.keys() | b.keys() if a.get(key) != b.get(key)}
    assert differing <= {"training.seconds.", "params.grid_dir."} and "params.grid_dir." in differing
    assert a["training.data_sha256."] == b["training.data_sha256."]


def test_fit_npz_with_image_size_and_summary(tmp_path, images):
    import numpy as np

    x, codes = images
    np.savez(tmp_path / "d.npz", x=x, y=codes)
    result = runner.invoke(app, ["fit", str(tmp_path / "d.npz"), "-o", str(tmp_path / "m"), *SET,
                                 "--set", "image_size=12"])
    assert result.exit_code == 0, result.output
    assert "trained on 18 images (12x12" in result.output
    # the ratio came as "diversity ratio \n\n1.2727;" (wrapped at 80 columns, 4 decimals; inspect shows 2)
    summary = next(line for line in result.output.splitlines() if line.startswith("trained on"))
    diversity = synthaug.load(tmp_path / "m").history_[-1]["diversity"]
    assert f"; pixel diversity ratio {diversity:.2f}; wrote {tmp_path / 'm'} (sample grid" in summary
    result = runner.invoke(app, ["sample", str(tmp_path / "m"), "-o", str(tmp_path / "s.npz"), "--n", "5", "-q"])
    assert result.exit_code == 0 and np.load(tmp_path / "s.npz")["x"].shape == (5, 12, 12, 1)
    # image model.json recorded no thread count (the weights' bytes depend on it), and inspect showed neither
    # the data's digest nor the library versions
    meta = json.loads((tmp_path / "m" / "model.json").read_text())
    assert meta["training"]["processes"] == 1 and meta["training"]["threads"] == torch.get_num_threads()
    shown = runner.invoke(app, ["inspect", str(tmp_path / "m")]).output
    assert f"(seed {meta['seed']}, 1 process, {meta['training']['threads']} torch thread" in shown
    assert f"training data SHA-256: {meta['training']['data_sha256']}\n" in shown
    assert f"fitted with synthaug {meta['synthaug_version']}, python " in shown


def test_one_class_is_a_clear_error(tmp_path, images):
    from PIL import Image

    folder = tmp_path / "one" / "only"
    folder.mkdir(parents=True)
    for i, img in enumerate(images[0][:4]):
        Image.fromarray(img[..., 0]).save(folder / f"{i}.png")
    result = runner.invoke(app, ["fit", str(tmp_path / "one"), "-o", str(tmp_path / "m"), *SET, "-q"])
    assert result.exit_code == 2
    # "a conditional GAN needs at least 2 classes; got only 'only' (4 images)" named no file
    assert f"{tmp_path / 'one'}: a conditional GAN needs at least 2 classes; every one of the 4 images has label " \
           "'only'" in " ".join(result.output.split())
    np.savez(tmp_path / "onecls.npz", x=images[0][:15], y=np.zeros(15, np.int64))
    result = runner.invoke(app, ["fit", str(tmp_path / "onecls.npz"), "-o", str(tmp_path / "m"), *SET, "-q"])
    assert result.exit_code == 2  # "got only 0 (15 images)": the label unquoted
    assert "onecls.npz: a conditional GAN needs at least 2 classes; every one of the 15 images has label '0'" in \
        " ".join(result.output.split())


def test_unknown_set_parameter(image_folder, tmp_path):
    args = ["fit", str(image_folder), "-o", str(tmp_path / "m"), "--set", "stepz=3"]
    result = runner.invoke(app, args)
    assert result.exit_code == 2 and "did you mean 'steps'" in result.output


def test_evaluate_images_cli(tmp_path, images):
    from rich.console import Console

    from synthaug._cli_image import evaluate_images_cli
    from synthaug.images.writer import write_images

    x, codes = images
    write_images(tmp_path / "train.npz", x, codes)
    write_images(tmp_path / "syn", x[::-1], codes[::-1])
    console = Console(record=True, width=200)
    evaluate_images_cli(tmp_path / "train.npz", tmp_path / "train.npz", tmp_path / "syn", tmp_path / "rep",
                        seeds=1, seed=0, quiet=False, console=console, steps=2)
    assert (tmp_path / "rep" / "report.html").is_file()
    text = console.export_text()
    # next to CAS; the default judge trained on the test images, so its accuracy is cross-validated
    assert "uplift of real+synthetic" in text
    assert "judge's accuracy on real test images it did not train on (3-fold" in text


def test_no_real_images_leaves_the_closest_pairs_out_of_the_report(tmp_path, images):
    from synthaug.images.writer import write_images

    x, codes = images
    write_images(tmp_path / "train.npz", x, codes)
    write_images(tmp_path / "syn", x[::-1], codes[::-1])
    pages = {}
    for flags in ([], ["--no-real-images"]):
        out = tmp_path / f"rep{len(flags)}"
        result = runner.invoke(app, ["evaluate", "--train", str(tmp_path / "train.npz"), "--test",
                                     str(tmp_path / "train.npz"), "--synthetic", str(tmp_path / "syn"), "-o", str(out),
                                     "--seeds", "1", "--classifier-steps", "2", "-q", *flags])
        assert result.exit_code == 0, result.output
        pages[len(flags)] = (out / "report.html").read_text()
    assert "Closest pairs" in pages[0] and pages[0].count("data:image/png;base64,") == 2
    assert "Closest pairs" not in pages[1] and pages[1].count("data:image/png;base64,") == 1  # the synthetic grid


def test_no_real_images_is_refused_for_tables(tmp_path):
    table = tmp_path / "t.csv"
    table.write_text("x,y\n1,a\n2,b\n")
    result = runner.invoke(app, ["evaluate", "--train", str(table), "--test", str(table), "--synthetic", str(table),
                                 "--target", "y", "-o", str(tmp_path / "rep"), "--no-real-images"])
    assert result.exit_code == 2 and not (tmp_path / "rep").exists(), result.output
    assert "--no-real-images: an option of the image evaluation" in " ".join(result.output.split())


def test_judge_option_chooses_the_cas_judges_images_and_is_checked(tmp_path, images):
    """The judge was a Python-only choice; the CLI always trained it on train+test."""
    import json

    from synthaug.images.writer import write_images

    x, codes = images
    write_images(tmp_path / "train.npz", x, codes)
    write_images(tmp_path / "syn", x[::-1], codes[::-1])
    common = ["evaluate", "--train", str(tmp_path / "train.npz"), "--test", str(tmp_path / "train.npz"),
              "--synthetic", str(tmp_path / "syn"), "--seeds", "1", "--classifier-steps", "2", "-q"]
    measured = {}
    for judge in ("train", "train+test"):
        result = runner.invoke(app, [*common, "-o", str(tmp_path / judge), "--judge", judge])
        assert result.exit_code == 0, result.output
        report = json.loads((tmp_path / judge / "report.json").read_text())
        measured[judge] = (report["settings"]["judge"], report["quality"]["judge"]["measured_on"])
    assert measured == {"train": ("train", "test"), "train+test": ("train+test", "cross-validation")}
    bad = runner.invoke(app, [*common, "-o", str(tmp_path / "bad"), "--judge", "test"])
    assert bad.exit_code == 2 and not (tmp_path / "bad").exists(), bad.output
    assert "Invalid value for '--judge'" in bad.output, bad.output  # typer lists the choices
    table = tmp_path / "t.csv"
    table.write_text("x,y\n1,a\n2,b\n")
    refused = runner.invoke(app, ["evaluate", "--train", str(table), "--test", str(table), "--synthetic", str(table),
                                  "--target", "y", "-o", str(tmp_path / "rep"), "--judge", "train"])
    assert refused.exit_code == 2 and "--judge: an option of the image evaluation" in refused.output


def test_describe_image_model(tmp_path, images):
    from rich.console import Console

    from synthaug._cli_image import describe_image_model
    from synthaug.images.synthesizer import ImageCGAN
    from synthaug.persist import load_model

    from .conftest import TINY

    x, codes = images
    ImageCGAN(**TINY, random_state=0).fit(x, codes).save(tmp_path / "m")
    console = Console(record=True, width=120)
    describe_image_model(load_model(tmp_path / "m")[0], console)
    text = console.export_text()
    assert "8x8 px" in text and "4 steps on 18 images" in text and "pixel diversity ratio" in text


def test_a_public_schema_is_refused_for_images(image_folder, tmp_path):
    schema = tmp_path / "schema.json"
    schema.write_text("{}")
    result = runner.invoke(app, ["fit", str(image_folder), "-o", str(tmp_path / "m"), "--schema", str(schema), *SET])
    assert result.exit_code == 2 and "--schema: a public schema describes table columns" in result.output
    assert not (tmp_path / "m").exists()


@pytest.mark.parametrize("setting, message", [
    ("steps=0", "error: --set steps must be a whole number >= 1; got 0"),
    ("augment=flip", "augment: unknown operation 'flip'"),
    ("augment_p=2", "error: --set augment_p must be in [0, 1]"),
    ("ema_decay=1", "error: --set ema_decay must be in (0, 1)"),
    ("loss=foo", "loss must be one of"),
    ("betas=[0.5]", "betas expects a list of 2 numbers"),
    ("betas=[0.5, 2]", "error: --set betas must be two numbers in [0, 1)"),
    ("generator_lr=-1", "error: --set generator_lr must be > 0"),
    ("device=tpu", "device must be auto, cpu, cuda or another torch device; got 'tpu'"),
])
def test_bad_constructor_settings_are_one_line_errors(image_folder, tmp_path, setting, message):
    result = runner.invoke(app, ["fit", str(image_folder), "-o", str(tmp_path / "m"), *SET, "--set", setting, "-q"])
    assert result.exit_code == 2, result.output
    assert message in " ".join(result.output.split()) and "Traceback" not in result.output
    assert not (tmp_path / "m").exists()


def test_loss_and_batch_size_options_reach_the_image_model(image_folder, tmp_path):
    import json

    args = ["fit", str(image_folder), "-o", str(tmp_path / "m"), *SET, "--loss", "non-saturating", "--batch-size", "6",
            "-q"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    params = json.loads((tmp_path / "m" / "model.json").read_text())["params"]
    assert params["loss"] == "non-saturating" and params["batch_size"] == 6  # were hinge and 8, silently


def test_table_options_are_refused_for_images(image_folder, tmp_path):
    args = ["fit", str(image_folder), "-o", str(tmp_path / "m"), *SET, "--epochs", "3", "--categorical", "a", "-q"]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "--categorical, --epochs: table options" in " ".join(result.output.split())
    assert not (tmp_path / "m").exists()


def test_target_is_refused_for_images(image_folder, tmp_path):
    """--target was silently ignored: image labels come from the class subfolders."""
    result = runner.invoke(app, ["fit", str(image_folder), "--target", "label", "-o", str(tmp_path / "m"), *SET, "-q"])
    assert result.exit_code == 2 and not (tmp_path / "m").exists(), result.output
    assert " ".join(result.output.split()) == (
        "error: --target: a table option; for images, labels come from the class folders or the .npz's y")


@pytest.mark.parametrize(("option", "reason"), [
    (["--strategy", "per-class"], "--strategy: a table option; for images, one conditional model learns every class"),
    (["--min-steps", "5", "--keep", "a"], "--keep, --min-steps: table options; for images, labels come from the "
                                          "class folders or the .npz's y, and the training length is --set steps=N"),
])
def test_a_refused_table_option_is_told_what_images_have_instead(image_folder, tmp_path, option, reason):
    """--strategy per-class was told where labels come from and the training length, not what was wrong."""
    result = runner.invoke(app, ["fit", str(image_folder), *option, "-o", str(tmp_path / "m"), *SET, "-q"])
    assert result.exit_code == 2 and " ".join(result.output.split()) == f"error: {reason}", result.output


def test_sample_replaces_an_earlier_sample_folder_but_an_npz_file_only_with_overwrite(tmp_path, images):
    import numpy as np

    from synthaug import ImageCGAN
    from tests.images.conftest import TINY

    x, codes = images
    ImageCGAN(random_state=0, **TINY).fit(x, codes).save(tmp_path / "m")
    for _ in range(2):  # a folder with synthaug's manifest is an earlier sample: replaced, as before
        result = runner.invoke(app, ["sample", str(tmp_path / "m"), "-o", str(tmp_path / "out"), "--n", "3", "-q"])
        assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["sample", str(tmp_path / "m"), "-o", str(tmp_path / "o.npy"), "--n", "3", "-q"])
    assert result.exit_code == 2 and "o.npy: images are written to a folder or an .npz file, and a .npy holds " \
        "one array" in " ".join(result.output.split()) and not (tmp_path / "o.npy").exists(), result.output
    np.savez(tmp_path / "train.npz", x=x, y=codes)  # a file carries no such mark: refused
    before = (tmp_path / "train.npz").read_bytes()
    result = runner.invoke(app, ["sample", str(tmp_path / "m"), "-o", str(tmp_path / "train.npz"), "--n", "3", "-q"])
    assert result.exit_code == 2 and "exists; choose another path, or pass --overwrite" in result.output
    assert (tmp_path / "train.npz").read_bytes() == before
    result = runner.invoke(app, ["sample", str(tmp_path / "m"), "-o", str(tmp_path / "train.npz"), "--n", "3",
                                 "--overwrite", "-q"])
    assert result.exit_code == 0 and np.load(tmp_path / "train.npz")["x"].shape[0] == 3


def test_evaluate_warns_when_the_synthetic_images_lack_classes(tmp_path, images):
    # exit 0 and no word: the synthetic-only score covered fewer classes than the test set has
    from synthaug.images.writer import write_images

    x, codes = images
    write_images(tmp_path / "train.npz", x, codes)
    write_images(tmp_path / "syn", x[codes != 1], codes[codes != 1])
    result = runner.invoke(app, ["evaluate", "--train", str(tmp_path / "train.npz"), "--test",
                                 str(tmp_path / "train.npz"), "--synthetic", str(tmp_path / "syn"), "-o",
                                 str(tmp_path / "rep"), "--seeds", "1", "--classifier-steps", "2", "-q"])
    assert result.exit_code == 0, result.output
    assert "warning: the synthetic set has no images of class(es) '1'" in " ".join(result.output.split())


def test_fit_prints_one_line_on_the_images_it_resized_and_converted(tmp_path):
    from PIL import Image

    root = tmp_path / "mixed"
    for label in "ab":
        (root / label).mkdir(parents=True)
        for i in range(3):
            Image.new("L", (8, 8), 40 * i).save(root / label / f"gray{i}.png")
            Image.new("RGB", (32, 20), (200, 10 * i, 10)).save(root / label / f"colour{i}.png")
    result = runner.invoke(app, ["fit", str(root), "-o", str(tmp_path / "model"), *SET, "--set", "image_size=32",
                                 "--set", "channels=gray", "--quiet"])
    assert result.exit_code == 0, result.output
    output = " ".join(result.output.split())
    assert output.count("warning:") == 1
    assert "12 of 12 images resized to 32x32 (6 stretched: their aspect ratio changed); 6 colour images converted " \
           "to grayscale" in output


def _help(command):
    return " ".join(runner.invoke(app, [command, "--help"], env={"COLUMNS": "400"}).output.split())


def test_fit_and_sample_help_describe_the_image_forms_too():
    # DATA was a "Training table (.csv or .parquet)" and sample wrote "to a CSV or Parquet file"
    fit_help, sample_help = _help("fit"), _help("sample")
    assert "Training table (.csv or .parquet)" not in fit_help
    assert "a folder with one subfolder of images per class, or an .npz" in fit_help
    assert "to a CSV or Parquet file" not in sample_help
    assert "a folder of PNGs (one subfolder per class, plus manifest.csv) or an .npz" in sample_help


def test_sample_counts_images_not_rows(tmp_path, images):
    from synthaug.images.writer import write_images

    x, codes = images
    write_images(tmp_path / "train.npz", x, codes)
    result = runner.invoke(app, ["fit", str(tmp_path / "train.npz"), "-o", str(tmp_path / "m"), *SET, "-q"])
    assert result.exit_code == 0, result.output
    for n, text in ((5, "wrote 5 images to"), (1, "wrote 1 image to")):
        result = runner.invoke(app, ["sample", str(tmp_path / "m"), "-o", str(tmp_path / f"s{n}"), "--n", str(n)])
        assert result.exit_code == 0, result.output
        assert text in " ".join(result.output.split())



def test_a_grid_dir_inside_the_model_folder_is_refused_before_training(image_folder, tmp_path):
    """It trained fully, then the save refused the folder the grids had been written to."""
    for grid_dir in ("m", "m/grids"):
        result = runner.invoke(app, ["fit", str(image_folder), "-o", str(tmp_path / "m"), *SET,
                                     "--set", f"grid_dir={tmp_path / grid_dir}", "-q"])
        assert result.exit_code == 2 and "grid_dir:" in result.output and "is inside the model folder" in result.output
        assert not (tmp_path / "m").exists()



@pytest.mark.parametrize("suffix", [None, ".npz", ".npy"])
def test_share_on_images_says_what_it_is_for_before_asking_for_target(image_folder, tmp_path, suffix):
    # an image folder got "Missing option '--target'", then "is a folder; give a table file"; an .npz
    # "unknown table extension '.npz'"; an .npy still asked for --target
    data = image_folder
    if suffix == ".npz":
        data = tmp_path / "images.npz"
        np.savez(data, x=np.zeros((4, 8, 8), np.uint8), y=np.arange(4))
    elif suffix == ".npy":
        data = tmp_path / "images.npy"
        np.save(data, np.zeros((4, 8, 8), np.uint8))
    result = runner.invoke(app, ["share", str(data), "-o", str(tmp_path / "release")])
    assert result.exit_code == 2 and "--target" not in result.output
    text = " ".join(result.output.replace("│", " ").split())
    assert "share releases synthetic tables (.csv, .parquet); for images, train with privacy (synthaug fit DATA -o " \
           "MODEL --dp-epsilon EPS), then run synthaug sample and synthaug evaluate" in text
    assert not (tmp_path / "release").exists()
