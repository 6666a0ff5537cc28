"""Reading image input: the training size, its warning, and the .npz / .npy / folder inputs refused or
skipped (image-user trial findings)."""

import warnings

import numpy as np
import pytest
from PIL import Image
from typer.testing import CliRunner

from synthaug import DataError, SynthaugWarning
from synthaug._text import CLI, RECIPE, options_named_for
from synthaug.cli import app
from synthaug.images.arrays import default_size, prepare_images
from synthaug.images.folder import read_images

runner = CliRunner()


def test_default_size_of_tied_sizes_is_the_smaller_whatever_the_order():
    assert default_size([(16, 16), (8, 8)]) == default_size([(8, 8), (16, 16)]) == 8
    assert default_size([(30, 20), (40, 40), (20, 30), (10, 10), (10, 10)]) == 10  # 30 and 10 twice: 10
    assert default_size([(30, 20), (20, 30), (8, 8)]) == 30  # longer sides: 30, 30, 8
    assert default_size([(4, 4)]) == 8 and default_size([(128, 100)]) == 64  # clipped to 8..64


def _folder(root, sizes):
    """Class folders a, b, ... of two gray images each, at ``sizes[i]`` pixels for class i."""
    for name, size in zip("abcd", sizes, strict=False):
        (root / name).mkdir(parents=True)
        for i in range(2):
            Image.new("L", (size, size), 60 * i + 30).save(root / name / f"{i}.png")
    return root


def test_a_folder_of_tied_sizes_trains_at_the_smaller_and_says_how_to_choose(tmp_path):
    root = _folder(tmp_path / "data", [16, 8])  # 'a' (16 px) is read first: it decided the size
    with pytest.warns(SynthaugWarning) as record:
        x, _ = read_images(root)
    assert x.shape == (4, 8, 8, 1)
    assert [str(w.message) for w in record] == [
        f"{root}: 2 of 4 images resized to 8x8; to choose, pass image_size=N (8 to 64)"]


def test_the_way_to_choose_is_spelt_for_the_command_line_and_recipes_and_absent_when_chosen(tmp_path):
    root = _folder(tmp_path / "data", [16, 8])
    with pytest.warns(SynthaugWarning, match=r"resized to 8x8; to choose, fit with --set image_size=N \(8 to 64\)$"), \
            options_named_for(CLI, {"set_"}):
        read_images(root)
    with pytest.warns(SynthaugWarning, match=r"; to choose, set model.image_size = N \(8 to 64\)$"), \
            options_named_for(RECIPE):
        read_images(root)
    with pytest.warns(SynthaugWarning) as record:
        read_images(root, image_size=16)  # the user chose it: no advice to choose
    assert [str(w.message) for w in record] == [f"{root}: 2 of 4 images resized to 16x16"]


@pytest.mark.parametrize("shape, size, summary", [
    ((4, 128, 128), 64, "4 of 4 images resized to 64x64"),
    ((4, 4, 4), 8, "4 of 4 images resized to 8x8"),
    ((4, 20, 30), 30, "4 of 4 images resized to 30x30 (4 stretched: their aspect ratio changed)"),
])
def test_a_resized_npz_or_array_warns_as_a_folder_does(tmp_path, shape, size, summary):
    x = (np.arange(np.prod(shape)) % 200).astype(np.uint8).reshape(shape)
    path = tmp_path / "data.npz"
    np.savez(path, x=x, y=[0, 1, 0, 1])
    with pytest.warns(SynthaugWarning) as record:
        images, _ = read_images(path)
    assert images.shape == (4, size, size, 1)
    assert [str(w.message) for w in record] == [f"{path}: {summary}; to choose, pass image_size=N (8 to 64)"]
    with pytest.warns(SynthaugWarning, match=rf"^X: {summary.replace('(', '[(]').replace(')', '[)]')}; to choose"):
        prepare_images(x, source="X")


def test_arrays_taken_as_they_are_raise_no_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        prepare_images(np.zeros((4, 8, 8), np.uint8))
        prepare_images(np.zeros((4, 16, 16), np.uint8), image_size=16)


def test_an_npz_of_pandas_text_labels_names_y_and_how_to_save_it(tmp_path):
    import pandas as pd

    x = np.zeros((4, 8, 8), np.uint8)
    labels = pd.Series(["a", "b", "a", "b"]).values  # an object array, as pandas gives it
    np.savez(tmp_path / "obj.npz", x=x, y=labels)
    with pytest.raises(DataError) as info:
        read_images(tmp_path / "obj.npz")
    assert str(info.value) == (f"{tmp_path / 'obj.npz'}: 'y' is an object array, which synthaug does not load (it "
                               "would need pickle); save it with y=np.asarray(y, dtype=str)")
    np.savez(tmp_path / "fixed.npz", x=x, y=np.asarray(labels, dtype=str))  # the fix works
    assert list(read_images(tmp_path / "fixed.npz")[1]) == ["a", "b", "a", "b"]
    np.savez(tmp_path / "objx.npz", x=np.array(list(x), dtype=object), y=[0, 1, 0, 1])
    with pytest.raises(DataError, match=r"objx.npz: 'x' is an object array, .*; save it with x=np.stack\(x\)$"):
        read_images(tmp_path / "objx.npz")


@pytest.mark.parametrize("content, what", [
    (b"hello\n", "an .npz is a zip archive written by np.savez"),
    (None, "a .npy holds one array"),  # np.save's bytes, named .npz
])
def test_a_file_named_npz_that_is_not_one_is_said_so_without_advice_to_unpickle(tmp_path, content, what):
    path = tmp_path / "data.npz"
    if content is None:
        with open(path, "wb") as handle:
            np.save(handle, np.zeros((4, 8, 8), np.uint8))
    else:
        path.write_bytes(content)
    with pytest.raises(DataError) as info:
        read_images(path)
    assert str(info.value) == (f"{path}: not an .npz file ({what}); save images and labels together with "
                               f"np.savez({str(path)!r}, x=..., y=...)")
    assert "pickle" not in str(info.value)


def test_an_npz_whose_images_are_large_uncompressed_is_warned_of_before_loading(tmp_path, monkeypatch):
    # a 0.6 MB .npz of blank images held 614 MB of them, and a fit peaked at 5.4 GB without a word
    import synthaug.images.folder as folder
    import synthaug.images.npz as npz

    path = tmp_path / "blank.npz"
    np.savez_compressed(path, x=np.zeros((200, 8, 8), np.uint8), y=np.repeat([0, 1], 100))
    monkeypatch.setattr(npz, "LARGE_NPZ", 10_000)
    monkeypatch.setattr(npz.np, "load", lambda *a, **k: pytest.fail("loaded before the warning"))
    said = rf"^{path}: 'x' holds 0\.0 GB of images uncompressed \([\d,]+ times the file's size\); training on them "
    with pytest.warns(SynthaugWarning, match=said + "needs about five times that in memory"), \
            pytest.raises(pytest.fail.Exception):
        folder.read_npz(path)
    monkeypatch.undo()  # at the real limit: no warning
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert read_images(path)[0].shape == (200, 8, 8, 1)


def test_a_npy_file_is_refused_with_how_to_save_an_npz(tmp_path):
    path = tmp_path / "plain.npy"
    np.save(path, np.zeros((4, 8, 8), np.uint8))
    message = (f"{path}: a .npy holds one array; save images and labels together with "
               f"np.savez({str(tmp_path / 'plain.npz')!r}, x=..., y=...)")
    with pytest.raises(DataError) as info:
        read_images(path)
    assert str(info.value) == message
    result = runner.invoke(app, ["fit", str(path), "-o", str(tmp_path / "m")])  # was asked for --target
    assert result.exit_code == 2 and " ".join(result.output.split()) == f"error: {message}"


def test_macos_zip_residue_is_skipped_silently(tmp_path):
    root = _folder(tmp_path / "data", [8, 8])
    (root / "__MACOSX" / "a").mkdir(parents=True)
    (root / "__MACOSX" / "a" / "._0.png").write_bytes(b"\x00\x05\x16\x07 AppleDouble")
    Image.new("L", (8, 8), 9).save(root / "__MACOSX" / "stray.png")
    (root / "b" / "__MACOSX").mkdir()
    Image.new("L", (8, 8), 9).save(root / "b" / "__MACOSX" / "1.png")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # it was read as a class, with a warning
        x, labels = read_images(root)
    assert sorted(labels) == ["a", "a", "b", "b"] and len(x) == 4


def test_evaluate_reads_its_training_images_without_advice_it_cannot_act_on(tmp_path):
    """evaluate brings every set to the training images' size and has no option for it: its resize
    warning does not tell the user to choose a size."""
    from synthaug.images.evaluate import load_sets

    root = _folder(tmp_path / "data", [16, 8])
    with pytest.warns(SynthaugWarning) as record:
        (x_tr, _), *_ = load_sets(root, root, root)
    assert x_tr.shape[1] == 8
    messages = [str(w.message) for w in record]
    assert f"{root}: 2 of 4 images resized to 8x8" in messages
    assert not [m for m in messages if "to choose" in m]


def test_a_recipe_reads_its_folder_at_the_models_image_size_once(tmp_path):
    """A recipe's model.image_size reads the folder at that size (read at the automatic size first, the
    model resized every image a second time)."""
    from synthaug._run import load_images

    root = _folder(tmp_path / "data", [16, 8])
    with pytest.warns(SynthaugWarning, match="4 of 4 images resized to 12x12; 4 grayscale images converted to RGB$"):
        x, y = load_images({"path": str(root)}, {"image_size": 12, "channels": "rgb"})
    assert x.shape == (4, 12, 12, 3) and sorted(y) == ["a", "a", "b", "b"]


def test_evaluate_given_only_npy_files_says_how_to_save_an_npz(tmp_path):
    """Every input a .npy: evaluate took them for tables and asked for --target."""
    np.save(tmp_path / "plain.npy", np.zeros((4, 8, 8), np.uint8))
    npy = str(tmp_path / "plain.npy")
    result = runner.invoke(app, ["evaluate", "--train", npy, "--test", npy, "--synthetic", npy,
                                 "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "plain.npy: a .npy holds one array; save images and labels together with np.savez(" in result.output
    assert not (tmp_path / "out").exists()


def test_an_image_evaluation_refuses_an_unwritable_output_before_any_work(tmp_path):
    """-o was checked only on the table path: an image evaluation trained every classifier first."""
    root = _folder(tmp_path / "data", [8, 8])
    blocker = tmp_path / "afile"
    blocker.write_text("x")
    dangling = tmp_path / "dangling"
    dangling.symlink_to(tmp_path / "nowhere")
    for out, said in ((blocker / "sub", "is a file"), (dangling, "a symbolic link to")):
        result = runner.invoke(app, ["evaluate", "--train", str(root), "--test", str(root), "--synthetic", str(root),
                                     "-o", str(out), "--seeds", "1", "--classifier-steps", "1"])
        assert result.exit_code == 2 and said in result.output, result.output
        assert "evaluating" not in result.output and "warning" not in result.output  # before any work
