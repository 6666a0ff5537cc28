import csv
import warnings

import numpy as np
import pytest
from PIL import Image

from synthaug import DataError, SynthaugWarning
from synthaug.images.arrays import convert_channels, prepare_images, resize_batch, to_uint8
from synthaug.images.folder import read_images
from synthaug.images.writer import write_images


def test_reads_class_folders(image_folder, images):
    x, labels = read_images(image_folder)
    assert x.shape == (18, 8, 8, 1) and x.dtype == np.uint8
    assert sorted(set(labels)) == ["class_0", "class_1", "class_2"]
    np.testing.assert_array_equal(np.sort(x.reshape(18, -1), 0), np.sort(images[0].reshape(18, -1), 0))


def test_mixed_sizes_and_channels_are_converted(image_folder):
    Image.new("RGB", (12, 10), (200, 10, 10)).save(image_folder / "class_0" / "red.jpg")
    Image.new("LA", (8, 8), (90, 255)).save(image_folder / "class_1" / "alpha.png")
    x, labels = read_images(image_folder)
    assert x.shape == (20, 8, 8, 3)  # colour anywhere -> RGB; most common size 8
    gray, _ = read_images(image_folder, image_size=16, channels="gray")
    assert gray.shape == (20, 16, 16, 1)


def _mixed_folder(root):
    """Half 8x8 gray, half 32x20 (width x height) colour images, 4 of each in two classes."""
    (root / "a").mkdir(parents=True)
    (root / "b").mkdir()
    for i in range(4):
        Image.new("L", (8, 8), 40 * i).save(root / "a" / f"gray{i}.png")
        Image.new("RGB", (32, 20), (200, 10 * i, 10)).save(root / "b" / f"colour{i}.png")
    return root


def test_resizing_and_channel_conversions_are_summed_up_in_one_warning(tmp_path):
    # half 8x8 gray, half 32x20 RGB were resized, stretched and made gray without a word
    root = _mixed_folder(tmp_path / "mixed")
    with pytest.warns(SynthaugWarning) as record:
        x, _ = read_images(root, image_size=32, channels="gray")
    assert x.shape == (8, 32, 32, 1) and len(record) == 1
    assert str(record[0].message) == (f"{root}: 8 of 8 images resized to 32x32 (4 stretched: their aspect ratio "
                                      "changed); 4 colour images converted to grayscale")
    with pytest.warns(SynthaugWarning, match=r": 4 of 8 images resized to 8x8 \(4 stretched.*\); 4 grayscale images "
                      r"converted to RGB$"):
        read_images(root, image_size=8)


def test_images_taken_as_they_are_raise_no_conversion_warning(image_folder):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        read_images(image_folder)


def test_conversion_summary_by_hand():
    from synthaug.images.arrays import conversion_summary

    shapes = np.array([[8, 8], [8, 8], [16, 16], [10, 12]])
    colour, gray = np.array([False, False, True, True]), np.array([True, True, False, False])
    assert conversion_summary(shapes, colour, gray, 8, 1) == ("2 of 4 images resized to 8x8 (1 stretched: their "
                                                              "aspect ratio changed); 2 colour images converted to "
                                                              "grayscale")
    assert conversion_summary(shapes[:2], colour[:2], gray[:2], 8, 1) is None
    assert conversion_summary(shapes[:2], colour[:2], gray[:2], 8, 3) == "2 grayscale images converted to RGB"
    assert conversion_summary(shapes[2:3], colour[2:3], gray[2:3], 16, 1) == "1 colour image converted to grayscale"


def test_compression_noise_is_not_colour_and_a_few_colour_images_are_named(image_folder, images):
    # a lossy save of a gray image differs by 1 between channels: one such file made a gray folder RGB
    noisy = np.repeat(images[0][0], 3, axis=-1).astype(np.int16)
    noisy[::2, ::2, 1] += 1  # what a WebP of a gray image holds
    Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8)).save(image_folder / "class_0" / "lossy.png")
    with pytest.warns(SynthaugWarning) as record:
        x, _ = read_images(image_folder)
    assert x.shape[-1] == 1
    assert [str(r.message) for r in record] == [f"{image_folder}: 1 RGB image holding gray (equal channels) read as 1 "
                                                'channel (channels="rgb" keeps 3)']
    Image.new("RGB", (8, 8), (200, 10, 10)).save(image_folder / "class_1" / "red.png")
    with pytest.warns(SynthaugWarning) as record:
        x, _ = read_images(image_folder)
    assert x.shape[-1] == 3
    assert str(record[0].message) == (f"{image_folder}: 18 grayscale images converted to RGB, because 1 image of 20 "
                                      'has colour (class_1/red.png); if the images are meant to be gray, read them '
                                      'as gray with channels="gray"')


def test_rgb_files_holding_gray_made_rgb_by_a_few_colour_files_are_named_and_a_chosen_channel_count_is_quiet(
        tmp_path, images):
    # a scanner's RGB exports of gray images with 2 colour files among them became RGB without a word; with
    # channels="gray" chosen, "RGB images holding gray read as 1 channel (channels="rgb" keeps 3)" still came
    from synthaug.images.arrays import size_set_elsewhere

    for i, image in enumerate(images[0][:6]):
        (tmp_path / f"c{i % 2}").mkdir(exist_ok=True)
        Image.fromarray(np.repeat(image, 3, axis=-1)).save(tmp_path / f"c{i % 2}" / f"{i}.png")
    Image.new("RGB", (8, 8), (200, 10, 10)).save(tmp_path / "c1" / "red.png")
    with pytest.warns(SynthaugWarning) as record:
        x, _ = read_images(tmp_path, image_size=8)
    assert x.shape[-1] == 3
    assert [str(r.message) for r in record] == [f"{tmp_path}: 6 images holding gray read as RGB (3 channels), because "
                                                "1 image of 7 has colour (c1/red.png); if the images are meant to be "
                                                'gray, read them as gray with channels="gray"']
    (tmp_path / "c1" / "red.png").unlink()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert read_images(tmp_path, image_size=8, channels="gray")[0].shape[-1] == 1  # chosen: nothing to say
        with size_set_elsewhere():  # evaluate brings a set to the model's channels: it has no channels option
            assert read_images(tmp_path, image_size=8)[0].shape[-1] == 1


def test_non_images_ignored_and_corrupt_images_skipped_with_warning(image_folder):
    (image_folder / "class_0" / "notes.txt").write_text("not an image")
    (image_folder / "README.md").write_text("top-level file")
    (image_folder / "class_1" / "broken.png").write_bytes(b"\x89PNG garbage")
    with pytest.warns(SynthaugWarning, match="broken.png"):
        x, _ = read_images(image_folder)
    assert len(x) == 18


def test_float_tiffs_in_0_1_keep_their_range_and_nan_ones_are_skipped(image_folder):
    ramp = np.linspace(0.0, 1.0, 64, dtype=np.float32).reshape(8, 8)
    Image.fromarray(ramp, mode="F").save(image_folder / "class_1" / "ramp.tif")
    Image.fromarray(np.full((8, 8), np.nan, np.float32), mode="F").save(image_folder / "class_1" / "nan.tif")
    with pytest.warns(SynthaugWarning, match=r"nan.tif: not a readable image"):
        x, labels = read_images(image_folder)
    assert len(x) == 19
    ramp_read = x[np.flatnonzero(labels == "class_1")[-1], ..., 0]  # ramp.tif sorts after the PNGs
    np.testing.assert_array_equal(ramp_read, np.round(ramp * 255).astype(np.uint8))


def test_large_images_are_not_all_held_in_memory_at_full_size(tmp_path, monkeypatch):
    import tracemalloc

    import synthaug.images.folder as folder

    rng = np.random.default_rng(0)
    for i in range(8):  # 8 photos of 600x600 RGB: 1.08 MB of pixels each
        (tmp_path / f"c{i % 2}").mkdir(exist_ok=True)
        Image.fromarray(rng.integers(0, 256, (600, 600, 3), dtype=np.uint8)).save(tmp_path / f"c{i % 2}" / f"{i}.png")
    tracemalloc.start()
    x, labels = read_images(tmp_path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert x.shape == (8, 64, 64, 3) and peak < 4 * 600 * 600 * 3  # was all 8 at once: over 8.6 MB
    monkeypatch.setattr(folder, "KEEP_PIXELS", 10**9)  # small images are kept: the same result
    np.testing.assert_array_equal(read_images(tmp_path)[0], x)


def test_exif_orientation_is_applied(tmp_path):
    pixels = np.zeros((8, 12), np.uint8)
    pixels[0] = 255  # the stored top row is white
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 degrees clockwise to display", as phones write it
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        Image.fromarray(pixels).save(tmp_path / name / "photo.png", exif=exif.tobytes())
    x, _ = read_images(tmp_path)  # upright: 12 high and 8 wide, resized to 12x12
    assert x.shape == (2, 12, 12, 1)
    np.testing.assert_array_equal(x[0, :, -1, 0], np.full(12, 255))  # the white row is now the right column


def test_palette_images_with_transparency_read_without_pillow_warnings(image_folder):
    rgba = np.random.default_rng(0).integers(0, 256, (8, 8, 4), dtype=np.uint8)
    Image.fromarray(rgba, "RGBA").convert("P").save(image_folder / "class_0" / "clear.png")  # tRNS as bytes
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.filterwarnings("ignore", ".*: 18 grayscale images converted to RGB, because .*", SynthaugWarning)
        x, _ = read_images(image_folder)
    assert x.shape == (19, 8, 8, 3)


def test_an_image_over_pillows_pixel_limit_is_skipped_with_a_warning(image_folder, monkeypatch):
    Image.fromarray(np.zeros((64, 64), np.uint8)).save(image_folder / "class_0" / "huge.png")
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)  # 4096 pixels is over twice the limit: a "bomb"
    with pytest.warns(SynthaugWarning) as record:
        x, _ = read_images(image_folder)
    assert len(x) == 18
    assert str(record[0].message) == (f"{image_folder / 'class_0' / 'huge.png'}: too large to read (4,096 pixels, "
                                      "over twice Pillow's limit of 1,000, PIL.Image.MAX_IMAGE_PIXELS); skipped: "
                                      "downscale it (images are trained at 8 to 64 px)")


def test_an_image_between_pillows_limits_is_read_with_one_warning_naming_it(image_folder, monkeypatch):
    # Pillow's DecompressionBombWarning came twice (read, then re-read to resize) and named no file
    from synthaug.images import folder

    Image.fromarray(np.zeros((64, 64), np.uint8)).save(image_folder / "class_0" / "large.png")
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 3000)
    monkeypatch.setattr(folder, "KEEP_PIXELS", 100)  # re-read when resized, as a large file is
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        x, _ = read_images(image_folder, image_size=8)
    assert len(x) == 19
    assert [str(r.message) for r in record] == [
        f"{image_folder / 'class_0' / 'large.png'}: a large image (4,096 pixels, over Pillow's limit of 3,000, "
        "PIL.Image.MAX_IMAGE_PIXELS); read anyway, slowly: downscale it (images are trained at 8 to 64 px)",
        f"{image_folder}: 1 of 19 images resized to 8x8"]


def test_pillow_is_a_declared_dependency():
    import tomllib
    from pathlib import Path

    project = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())["project"]
    # folder.py, writer.py and grid.py import PIL; 9.4 has Image.Resampling and exif_transpose(in_place=True)
    assert "pillow>=9.4" in [d.lower().replace(" ", "") for d in project["dependencies"]]


def test_empty_class_folder_warns_and_is_skipped(image_folder):
    (image_folder / "empty").mkdir()
    with pytest.warns(SynthaugWarning, match="empty"):
        _, labels = read_images(image_folder)
    assert "empty" not in set(labels)


def test_no_images_at_all_is_an_error(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.txt").write_text("hello")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(DataError, match="no readable images"):
            read_images(tmp_path)


def test_npz_round_trip_without_pickle(tmp_path, images):
    x, codes = images
    labels = np.array(["cat", "dog", "owl"])[codes]
    write_images(tmp_path / "set.npz", x, labels)
    back_x, back_y = read_images(tmp_path / "set.npz")
    np.testing.assert_array_equal(back_x, x)
    assert back_y.tolist() == labels.tolist()


def test_a_file_that_is_neither_folder_nor_npz_is_not_called_missing(tmp_path):
    (tmp_path / "table.csv").write_text("a,b\n1,2\n")
    with pytest.raises(DataError, match="table.csv: is not a folder or an .npz file; expected"):
        read_images(tmp_path / "table.csv")
    with pytest.raises(DataError, match="nothing: not found; expected"):
        read_images(tmp_path / "nothing")


def test_npz_missing_arrays_named(tmp_path):
    np.savez(tmp_path / "bad.npz", images=np.zeros((2, 8, 8)))
    with pytest.raises(DataError, match="missing x, y"):
        read_images(tmp_path / "bad.npz")


@pytest.mark.parametrize("damage", ["not a zip", "truncated", "flipped bytes"])
def test_corrupt_npz_is_a_data_error_naming_the_file(tmp_path, images, damage):
    good = tmp_path / "good.npz"
    np.savez_compressed(good, x=images[0], y=images[1])
    data = bytearray(good.read_bytes())
    if damage == "not a zip":
        data = bytearray(b"PK\x03\x04garbage")
    elif damage == "truncated":
        data = data[: len(data) // 2]
    else:
        data[100:200] = bytes(b ^ 0xFF for b in data[100:200])
    bad = tmp_path / "bad.npz"
    bad.write_bytes(bytes(data))
    with pytest.raises(DataError, match="bad.npz: cannot be read as .npz"):
        read_images(bad)


def test_npz_with_missing_labels_is_refused(tmp_path, images):
    x, codes = images
    np.savez(tmp_path / "nan.npz", x=x, y=np.where(codes == 2, np.nan, codes))
    with pytest.raises(DataError, match=r"nan.npz: 'y': 6 of 18 labels are missing"):
        read_images(tmp_path / "nan.npz")


def test_write_folder_and_manifest(tmp_path, images):
    x, codes = images
    out = write_images(tmp_path / "out", x, codes)
    rows = list(csv.DictReader((out / "manifest.csv").read_text().splitlines()))
    assert len(rows) == 18 and rows[0]["synthetic"] == "true"
    assert all((out / r["file"]).is_file() and r["file"].startswith(f"{r['label']}/") for r in rows)
    back, labels = read_images(out)
    assert back.shape == x.shape and sorted(labels.tolist()) == sorted(map(str, codes))


def test_array_layouts_and_ranges():
    assert to_uint8(np.ones((2, 3, 8, 8), np.float32)).shape == (2, 8, 8, 3)  # channels first
    assert to_uint8(np.full((1, 8, 8), 0.5)).max() == 128
    with pytest.raises(DataError, match=r"range 16\.\.16 .*x / 16"):
        to_uint8(np.full((1, 8, 8), 16.0))
    with pytest.raises(DataError, match=r"range 0\.\.255 \(divide by the maximum, e\.g\. x / 255 for values"):
        to_uint8(np.linspace(0, 255, 64).reshape(1, 8, 8))  # was told "x / 16 for scikit-learn digits"
    with pytest.raises(DataError, match=r"values 0\.\.200: use x.astype.*the maximum \(e\.g\. x / x\.max\(\)\)"):
        to_uint8(np.linspace(0, 200, 64).astype(np.int32).reshape(1, 8, 8))
    # not x / x.max(), which scaled a 12-bit training and test file differently
    with pytest.raises(DataError, match=r"range 0\.\.4095 \(divide by the full scale of the data's bit depth, e\.g\. "
                                        r"x / 4095 for 12-bit data, as a folder of 16-bit images is read\)"):
        to_uint8(np.linspace(0, 4095, 64).reshape(1, 8, 8))
    with pytest.raises(DataError, match="NaN"):
        to_uint8(np.full((1, 8, 8), np.nan))
    with pytest.raises(DataError, match="shape"):
        prepare_images(np.zeros((8, 8)))
    with pytest.raises(DataError, match=r"X: holds no images \(shape \(0, 8, 8, 1\)\)"):
        prepare_images(np.zeros((0, 8, 8), np.uint8))
    with pytest.raises(DataError, match=r"must have dtype uint8; got int64 with values 0\.\.255: use x.astype"):
        to_uint8(np.arange(256, dtype=np.int64).reshape(1, 16, 16))


def test_convert_and_resize_by_hand():
    rgb = np.zeros((1, 2, 2, 3), np.uint8)
    rgb[..., 0] = 100
    assert convert_channels(rgb, 1)[0, 0, 0, 0] == 30  # 0.299 * 100 = 29.9
    flat = np.full((1, 4, 4, 1), 77, np.uint8)
    assert (resize_batch(flat, 8) == 77).all()


def test_writer_refuses_to_replace_a_foreign_folder(tmp_path, images):
    x, codes = images
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "thesis.txt").write_text("precious")
    with pytest.raises(DataError, match="not a synthaug sample folder"):
        write_images(tmp_path / "mine", x, codes)
    assert (tmp_path / "mine" / "thesis.txt").read_text() == "precious"
    write_images(tmp_path / "ours", x, codes)
    write_images(tmp_path / "ours", x[:3], codes[:3])  # a previous sample folder is replaced
    assert len((tmp_path / "ours" / "manifest.csv").read_text().splitlines()) == 4
    (tmp_path / "notes").write_text("precious")
    for path in (tmp_path / "notes", tmp_path / "notes" / "out"):  # a file, or a file where a parent folder goes
        with pytest.raises(DataError, match="notes"):
            write_images(path, x, codes)
    assert (tmp_path / "notes").read_text() == "precious"


@pytest.mark.parametrize("manifest", ["filename,class\ntwo/x.png,two\n", "file,label,synthetic\ntwo/x.png,two,false\n"],
                         ids=["own-format", "synthaug-format-real-images"])
def test_writer_refuses_a_folder_with_a_users_manifest_or_a_file_synthaug_did_not_write(tmp_path, images, manifest):
    """A folder of real images with the user's own manifest.csv (even in synthaug's format, its
    images marked synthetic false) was deleted by a sample, and so was a file the user added to an
    earlier sample folder."""
    x, codes = images
    real = tmp_path / "realdata"
    (real / "two").mkdir(parents=True)
    (real / "two" / "x.png").write_bytes(b"png")
    (real / "manifest.csv").write_text(manifest)
    with pytest.raises(DataError, match="not a synthaug sample folder"):
        write_images(real, x, codes)
    assert (real / "two" / "x.png").read_bytes() == b"png"
    ours = tmp_path / "ours"
    write_images(ours, x, codes)
    first = sorted(p.relative_to(ours).as_posix() for p in ours.rglob("*.png"))[0]
    (ours / first).with_name("extra.png").write_bytes(b"mine")
    with pytest.raises(DataError, match="holds .*extra.png, which synthaug did not write there"):
        write_images(ours, x[:3], codes[:3])
    assert (ours / first).with_name("extra.png").read_bytes() == b"mine"


@pytest.mark.parametrize("label", ["x" * 300, "manifest.csv"], ids=["too-long", "manifest"])
def test_a_label_that_cannot_be_a_folder_is_a_data_error_and_nothing_is_left(tmp_path, images, label):
    x, codes = images
    with pytest.raises(DataError, match="cannot write the images of class .*; write an .npz instead"):
        write_images(tmp_path / "out", x[:2], np.array([label, "b"]))
    assert list(tmp_path.iterdir()) == []


def test_a_failed_npz_write_is_a_data_error_and_leaves_no_file(tmp_path, images, monkeypatch):
    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(np, "savez_compressed", full_disk)
    with pytest.raises(DataError, match=r"out.npz: cannot be written \(No space left on device\)"):
        write_images(tmp_path / "out.npz", *images)
    assert list(tmp_path.iterdir()) == []


def test_writer_refuses_a_table_path(tmp_path, images):
    x, codes = images
    with pytest.raises(DataError, match="not a .csv table"):
        write_images(tmp_path / "out.csv", x, codes)
    assert not (tmp_path / "out.csv").exists()


@pytest.mark.parametrize("name", ["foo.png", "foo.JPG"])
def test_writer_refuses_an_image_files_name_for_its_folder(tmp_path, images, name):
    # -o foo.png made a folder named foo.png without a word
    with pytest.raises(DataError, match=rf"{name}: images are written to a folder or an .npz file, and "
                                        rf"{name[3:]} names one image; choose a folder name \(e.g. .*foo\) or "
                                        r".*foo.npz$"):
        write_images(tmp_path / name, *images)
    assert list(tmp_path.iterdir()) == []


def test_a_model_folder_and_its_grids_inside_the_data_are_skipped_with_a_warning(image_folder, images):
    # `synthaug fit data -o data/model` then `synthaug fit data ...` learned classes 'model' and 'model.grids'
    for folder, picture in (("model", "samples.png"), ("model.grids", "step_0000002.png"),
                            ("old.grids", "step_0000500.png")):  # old.grids: grids whose model went elsewhere
        (image_folder / folder).mkdir()
        Image.fromarray(images[0][0][..., 0]).save(image_folder / folder / picture)
    (image_folder / "model" / "model.json").write_text("{}")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _, labels = read_images(image_folder)
    assert sorted(set(labels)) == ["class_0", "class_1", "class_2"]
    messages = [str(w.message) for w in caught]
    assert messages == [f"{image_folder / 'model'}: a synthaug model folder, not a class; skipped",
                        f"{image_folder / 'model.grids'}: a synthaug training-grid folder, not a class; skipped",
                        f"{image_folder / 'old.grids'}: a synthaug training-grid folder, not a class; skipped"]


def test_a_grids_folder_with_other_files_is_a_class(image_folder, images):
    (image_folder / "cells.grids").mkdir()
    for name in ("a.png", "b.png"):
        Image.fromarray(images[0][0][..., 0]).save(image_folder / "cells.grids" / name)
    assert "cells.grids" in read_images(image_folder)[1]


def test_classes_with_a_single_image_are_named_in_one_warning(image_folder, images):
    for name in ("lonely", "stray"):
        (image_folder / name).mkdir()
        Image.fromarray(images[0][0][..., 0]).save(image_folder / name / "only.png")
    with pytest.warns(SynthaugWarning, match=r"2 classes \('lonely', 'stray'\) have a single image \(a stray folder\? "
                                             r"too few to learn or measure a class by\)$"):
        read_images(image_folder)


def test_a_sample_folder_inside_the_data_is_not_read_as_a_class(tmp_path, images):
    """`sample DATA/model -o DATA/samples` then `fit DATA` trained on the samples as a class."""
    x, codes = images
    write_images(tmp_path / "data", x, codes)  # a class-folder tree of its own
    (tmp_path / "data" / "manifest.csv").unlink()
    write_images(tmp_path / "data" / "samples", x[:4], codes[:4])
    with pytest.warns(SynthaugWarning, match="samples: a synthaug sample folder, not a class; skipped"):
        _, labels = read_images(tmp_path / "data")
    assert "samples" not in set(labels.tolist()) and len(labels) == len(x)


def test_whole_number_float_labels_are_read_as_integers(tmp_path):
    # y.astype(float) in an .npz: fit made classes '0.0', '1.0', and evaluate refused test labels 0, 1
    from synthaug.images.arrays import check_labels
    from synthaug.images.folder import read_npz
    from synthaug.images.synthesizer import ImageCGAN

    from .conftest import TINY, make_images

    x, codes = make_images(3)
    np.savez(tmp_path / "d.npz", x=x, y=codes.astype(float))
    labels = read_npz(tmp_path / "d.npz")[1]
    assert labels.dtype == np.int64 and labels.tolist() == codes.tolist()
    assert check_labels(np.array([0.5, 1.0])).dtype.kind == "f"  # not whole: kept as they are
    model = ImageCGAN(**TINY, random_state=0).fit(tmp_path / "d.npz")
    assert [str(c) for c in model.classes_] == ["0", "1", "2"]


def _deep_folder(root, peaks, suffix=".png", dtype=np.uint16):
    """One 8x8 ramp image per peak (its largest value), alternating between classes a and b."""
    for i, peak in enumerate(peaks):
        (root / "ab"[i % 2]).mkdir(parents=True, exist_ok=True)
        ramp = np.round(np.linspace(0, peak, 64)).astype(dtype).reshape(8, 8)
        Image.fromarray(ramp).save(root / "ab"[i % 2] / f"{i}{suffix}")
    return root


def test_16_bit_images_of_a_folder_share_one_scale_set_by_its_bit_depth(tmp_path):
    # each image was scaled on its own: peak 200 read as 200/255, peak 300 as 300/65535 (max pixel 1)
    root = _deep_folder(tmp_path / "b16", [200, 300, 3900, 200])
    with pytest.warns(SynthaugWarning) as record:
        x, _ = read_images(root)
    assert [str(r.message) for r in record] == [
        f"{root}: 4 16-bit images read as 12-bit (largest value 3900): divided by 4095; a folder read on its own "
        "(a test set) gets the same scale when its largest value is in 1024..4095 too"]
    peaks = (200, 3900, 300, 200)  # a/0, a/2, b/1, b/3
    assert x[:, ..., 0].max(axis=(1, 2)).tolist() == [round(p * 255 / 4095) for p in peaks]
    test = _deep_folder(tmp_path / "t16", [2500, 3000], suffix=".tif")  # a 12-bit test folder: the same scale
    with pytest.warns(SynthaugWarning, match="divided by 4095"):
        x_test, _ = read_images(test)
    assert x_test[:, ..., 0].max(axis=(1, 2)).tolist() == [round(p * 255 / 4095) for p in (2500, 3000)]


def test_evaluate_reads_a_dark_test_folder_at_the_training_folder_s_bit_depth(tmp_path):
    # a 12-bit sensor's dark test folder (largest 675) read as 10-bit: four times brighter than training, silently
    from synthaug.images.evaluate import load_sets

    train = _deep_folder(tmp_path / "train", [4000, 3000, 2000, 1000])
    dark = _deep_folder(tmp_path / "dark", [675, 400])
    with pytest.warns(SynthaugWarning) as record:
        _, (x_test, _), _, _ = load_sets(train, dark, train)
    said = [str(r.message) for r in record]
    assert f"{dark}: 2 deep images read at {train}'s 12-bit scale (divided by 4095) so both sets are scaled alike; " \
           "on its own its largest value 675 would read as 10-bit" in said
    assert x_test[:, ..., 0].max(axis=(1, 2)).tolist() == [round(p * 255 / 4095) for p in (675, 400)]
    with pytest.warns(SynthaugWarning, match="read as 10-bit"):  # read on its own, outside evaluate: its own depth
        alone, _ = read_images(dark)
    assert alone[..., 0].max() == round(675 * 255 / 1023)


def test_full_range_16_bit_images_are_divided_by_65535_without_a_warning_and_8_bit_ones_are_never_rescaled(tmp_path):
    root = _deep_folder(tmp_path / "d", [65535, 40000, 30000, 20000])
    Image.fromarray(np.full((8, 8), 100, np.uint8)).save(root / "a" / "dim8bit.png")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        x, labels = read_images(root)
    assert x[..., 0].max(axis=(1, 2)).tolist() == [255] + [round(p * 255 / 65535) for p in (30000,)] + [100] + [
        round(p * 255 / 65535) for p in (40000, 20000)]  # a/0, a/2, a/dim8bit, b/1, b/3


def test_pillow_modes_of_deep_images_are_read_alike(tmp_path):
    """I;16 (PNG, TIFF), I;16B (big-endian TIFF) and I (32-bit TIFF) give the same pixels."""
    ramp = np.round(np.linspace(0, 4000, 64)).reshape(8, 8)
    (tmp_path / "c").mkdir()
    Image.fromarray(ramp.astype(np.uint16)).save(tmp_path / "c" / "a.png")
    Image.fromarray(ramp.astype(np.uint16)).save(tmp_path / "c" / "b.tif")
    Image.frombytes("I;16B", (8, 8), ramp.astype(">u2").tobytes()).save(tmp_path / "c" / "c.tif")
    Image.fromarray(ramp.astype(np.int32)).save(tmp_path / "c" / "d.tif")
    assert [Image.open(tmp_path / "c" / f).mode for f in ("a.png", "b.tif", "c.tif", "d.tif")] == [
        "I;16", "I;16", "I;16B", "I"]
    with pytest.warns(SynthaugWarning):
        x, _ = read_images(tmp_path)
    for image in x[1:]:
        np.testing.assert_array_equal(image, x[0])
    np.testing.assert_array_equal(x[0, ..., 0], np.round(ramp * 255 / 4095).astype(np.uint8))


def test_float_tiffs_outside_0_1_are_refused_with_the_fix(image_folder):
    # a float TIFF of 0..3780 was divided by its own maximum
    Image.fromarray(np.linspace(0, 3780, 64, dtype=np.float32).reshape(8, 8), mode="F").save(
        image_folder / "class_0" / "sem.tif")
    with pytest.raises(DataError, match=r"sem.tif: a float image with values 0..3780; float images are read as 0..1 "
                                        r"\(1 white\): save them divided by the full scale of their bit depth "
                                        r"\(e.g. x / 4095 for 12-bit data\), or as 16-bit integers \(np.uint16\)$"):
        read_images(image_folder)


def test_32_bit_integer_images_with_negative_values_are_refused(image_folder):
    Image.fromarray(np.arange(-32, 32, dtype=np.int32).reshape(8, 8)).save(image_folder / "class_0" / "signed.tif")
    with pytest.raises(DataError, match=r"signed.tif: a 32-bit integer image with negative values \(-32\)"):
        read_images(image_folder)


def test_images_at_the_top_of_the_folder_are_named_in_one_warning(image_folder):
    # odd/stray_top.png was dropped without a word
    Image.new("L", (8, 8), 9).save(image_folder / "stray_top.png")
    with pytest.warns(SynthaugWarning) as record:
        x, _ = read_images(image_folder)
    assert len(x) == 18 and [str(r.message) for r in record] == [
        f"{image_folder}: stray_top.png is outside every class folder, so it has no class; skipped (move it into "
        "a class folder to read it)"]
    Image.new("L", (8, 8), 9).save(image_folder / "another.png")
    with pytest.warns(SynthaugWarning, match=r": 2 images \(first: another.png\) are outside every class folder"):
        read_images(image_folder)


def test_formats_pillow_cannot_read_here_and_extra_frames_are_named_once(image_folder, monkeypatch):
    # HEIC photos were skipped as "not images", and a GIF's or TIFF's later frames dropped, without a word
    from synthaug.images import formats

    monkeypatch.setitem(formats.FORMATS, ".heic", ("HEIC/HEIF", None, "pillow-heif"))
    monkeypatch.setattr(formats, "_register_plugins", lambda: None)
    monkeypatch.setattr(Image, "registered_extensions", lambda: {})  # as without pillow-heif
    for i in range(5):
        (image_folder / "class_0" / f"IMG_{i}.HEIC").write_bytes(b"\0\0\0\x18ftypheic")
    frames = [Image.new("L", (8, 8), 60 * i) for i in range(3)]
    frames[0].save(image_folder / "class_1" / "anim.gif", save_all=True, append_images=frames[1:])
    with pytest.warns(SynthaugWarning) as record:
        x, _ = read_images(image_folder)
    assert len(x) == 19
    assert [str(r.message) for r in record] == [
        f"{image_folder}: 5 files skipped: HEIC/HEIF is not readable without pillow-heif: class_0/IMG_0.HEIC, "
        "class_0/IMG_1.HEIC, class_0/IMG_2.HEIC, … and 2 more; convert them to PNG to use them",
        f"{image_folder}: only the first frame was read of 1 file holding several: class_1/anim.gif (3 frames); "
        "save each frame as its own image to use them all"]


def test_class_folder_names_are_read_in_unicode_nfc(image_folder):
    # macOS writes "é" decomposed (NFD): evaluate said the test labels were not among the training classes
    (image_folder / "class_0").rename(image_folder / "cafe\u0301")
    (image_folder / "class_1").rename(image_folder / "Zu\u0308rich")
    _, labels = read_images(image_folder)
    assert sorted(set(labels)) == ["Z\u00fcrich", "caf\u00e9", "class_2"]


def test_a_link_to_a_folder_inside_a_class_folder_is_named_and_not_followed(image_folder):
    # class_0/sib -> ../class_1 was ignored without a word (a linked class folder is followed)
    (image_folder / "class_0" / "sib").symlink_to(image_folder / "class_1", target_is_directory=True)
    with pytest.warns(SynthaugWarning) as record:
        x, labels = read_images(image_folder)
    assert len(x) == 18 and list(labels).count("class_0") == 6
    assert [str(r.message) for r in record] == [
        f"{image_folder}: 1 link to a folder inside a class folder not followed (class_0/sib): its images would "
        "take the class folder's name; copy the images in, or link the class folder itself"]


def test_a_link_to_a_missing_image_is_named(image_folder):
    # class_0/x.png -> gone.png was skipped without a word; the README says unreadable images are named
    (image_folder / "class_0" / "x.png").symlink_to(image_folder / "gone.png")
    with pytest.warns(SynthaugWarning) as record:
        x, _ = read_images(image_folder)
    assert len(x) == 18
    assert [str(r.message) for r in record] == [
        f"{image_folder}: 1 link to a missing image skipped (class_0/x.png -> {image_folder / 'gone.png'})"]


def test_a_folder_of_tables_read_as_images_says_to_give_the_tables_path(tmp_path):
    # fit runs/bc (a run folder: train.csv, test.csv) said only "no readable images found"
    (tmp_path / "train.csv").write_text("a,b\n1,2\n")
    (tmp_path / "model").mkdir()
    with pytest.raises(DataError, match=r"no readable images found; .* files; it holds train.csv: give the table's "
                                        r"path to read a table$"):
        read_images(tmp_path)


def test_a_palette_image_of_near_gray_colours_is_read_as_gray(tmp_path, images):
    # its palette's channels 2 apart made it RGB, then "1 RGB image holding gray (equal channels)" was said
    for c in ("a", "b"):
        (tmp_path / c).mkdir()
        for i, image in enumerate(images[0][:2]):
            Image.fromarray(image[..., 0]).save(tmp_path / c / f"{i}.png")
    gray = np.arange(0, 256, 16, dtype=np.uint8)
    palette = np.stack([gray, np.clip(gray.astype(int) + 2, 0, 255), gray], axis=1).astype(np.uint8)
    picture = Image.fromarray((np.arange(64, dtype=np.uint8) % 16).reshape(8, 8), mode="P")
    picture.putpalette(palette.ravel().tolist())
    picture.save(tmp_path / "a" / "p.png")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        x, _ = read_images(tmp_path, image_size=8)
    assert x.shape == (5, 8, 8, 1)
