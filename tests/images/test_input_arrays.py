"""Image arrays from PyTorch users: normalised, single, mixed-channel or grad-tracking images, and .npy
outputs (PyTorch-practitioner trial findings)."""

import numpy as np
import pytest
import torch

from synthaug import DataError
from synthaug.images.arrays import check_label_count, check_labels, prepare_images
from synthaug.images.synthesizer import ImageCGAN
from synthaug.images.writer import write_images


def test_images_in_minus_one_to_one_are_told_to_undo_normalize(images):
    x, _ = images  # it said "divide by the maximum, e.g. x / 16 for scikit-learn digits"
    normalised = x / 127.5 - 1.0
    with pytest.raises(DataError) as info:
        prepare_images(normalised)
    assert str(info.value) == ("X: image values must be uint8 (0..255) or floats in 0..1; got range -1..0.803922 "
                               "(use (x + 1) / 2 for values in -1..1, which undoes torchvision's Normalize(0.5, 0.5))")
    assert prepare_images((normalised + 1) / 2).shape == x.shape
    with pytest.raises(DataError, match=r"\(divide by the maximum, e\.g\. x / 16 for scikit-learn digits\)$"):
        prepare_images(x / 255.0 * 16)


def test_images_that_differ_in_channels_are_named_so(images):
    x, _ = images  # it said "the images differ in size ((8, 8, 3) and (8, 8))"
    mixed = [np.repeat(x[0], 3, axis=-1), x[1, ..., 0], x[2, ..., 0]]
    with pytest.raises(DataError) as info:
        prepare_images(mixed)
    assert str(info.value) == ("X: the images differ in channels ((8, 8, 3) and (8, 8)); convert them to one, e.g. "
                               "gray to RGB with np.stack([im] * 3, axis=-1), or write them to a folder and read it "
                               "with synthaug.read_images, which converts gray images to RGB beside colour ones")
    fixed = [np.stack([im] * 3, axis=-1) if im.ndim == 2 else im for im in mixed]  # the advice works
    assert prepare_images(fixed, channels="rgb").shape == (3, 8, 8, 3)
    with pytest.raises(DataError, match=r"^X: the images differ in size \(\(8, 8\) and \(16, 16\)\)"):
        prepare_images([x[0, ..., 0], np.zeros((16, 16), np.uint8)])


def test_a_tensor_that_requires_grad_is_detached(images):
    x, _ = images  # "Can't call numpy() on Tensor that requires grad"
    floats = torch.from_numpy(x / 255.0).float().permute(0, 3, 1, 2).requires_grad_()
    np.testing.assert_array_equal(prepare_images(floats), prepare_images(x))


def test_one_image_with_one_label_is_told_to_pass_a_batch(images):
    x, y = images  # it said "y: expected one label per image (8); got shape (1,)"
    for one in (x[0, ..., 0], x[0], np.repeat(x[0], 3, axis=-1)):
        with pytest.raises(DataError) as info:
            check_label_count(one, y[:1])
        assert str(info.value) == (f"X looks like one image of shape {one.shape}; pass a batch of images "
                                   "(X[None] for one)")
    assert check_label_count(x[0][None], y[:1]).tolist() == [0]
    with pytest.raises(DataError, match=r"^X looks like one image of shape \(8, 8, 1\)"):  # as fit reads it
        ImageCGAN(steps=1).fit(x[0], y[:1])
    with pytest.raises(DataError, match=r"^y: expected one label per image \(18\); got shape \(2,\)$"):
        check_label_count(x, y[:2])


@pytest.mark.parametrize("name", ["o.npy", "o.pt"])
def test_a_one_array_file_name_is_refused_not_made_a_folder(tmp_path, images, name):
    x, y = images  # write_sample("o.npy") wrote a folder named o.npy
    path = tmp_path / name
    with pytest.raises(DataError) as info:
        write_images(path, x, y)
    suffix = path.suffix
    assert str(info.value) == (f"{path}: images are written to a folder or an .npz file, and a {suffix} holds one "
                               f"array; write images and labels together to {tmp_path / 'o.npz'}, or a folder "
                               f"(e.g. {tmp_path / 'o'})")
    assert not path.exists()


def test_colour_images_become_gray_without_a_float_copy_of_them_all():
    # 50,000 blank 64x64 RGB images (a 0.6 MB .npz) peaked at 3.3 GB: one float32 copy of all of them
    import tracemalloc

    from synthaug.images.arrays import convert_channels

    x = np.random.default_rng(0).integers(0, 256, (20_000, 16, 16, 3), dtype=np.uint8)  # 15 MB; float32: 61 MB
    whole = np.clip(np.round(x[:50].astype(np.float32) @ np.array([0.299, 0.587, 0.114], np.float32)), 0, 255)
    tracemalloc.start()
    try:
        gray = convert_channels(x, 1)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert gray.shape == (20_000, 16, 16, 1) and gray.dtype == np.uint8
    np.testing.assert_array_equal(gray[:50, ..., 0], whole.astype(np.uint8))
    assert peak < 40e6, peak  # a chunk at a time; all at once: over 61 MB


def test_a_column_of_labels_is_taken_as_one_label_per_image(images, tmp_path):
    # y of shape (N, 1) was refused: "y: expected one label per image (60); got shape (60, 1)"
    from synthaug.images.folder import read_images

    x, y = images
    assert check_label_count(x, y[:, None]).tolist() == y.tolist()
    with pytest.raises(DataError, match=r"got shape \(18, 2\)$"):
        check_label_count(x, np.stack([y, y], axis=1))
    np.savez(tmp_path / "col.npz", x=x, y=y[:, None])
    assert read_images(tmp_path / "col.npz")[1].tolist() == y.tolist()
    from synthaug.images.evaluate import load_sets

    assert load_sets((x, y[:, None]), (x, y), (x, y))[0][1].tolist() == y.tolist()


def test_text_labels_of_arrays_and_npz_files_are_read_in_nfc_as_folder_names_are(images, tmp_path):
    # an .npz made on a Mac held 'café' decomposed: evaluate said "labels not among the training classes:
    # 'café' (the training classes: 'café', ...)"
    from synthaug.images.folder import read_images

    x, codes = images
    decomposed = np.array(["cafe\u0301", "one", "U\u0308mlaut"])[codes % 3]
    np.savez(tmp_path / "nfd.npz", x=x, y=decomposed)
    composed = ["caf\u00e9", "one", "\u00dcmlaut"]
    assert sorted(set(read_images(tmp_path / "nfd.npz")[1].tolist())) == sorted(composed)
    assert set(check_labels(decomposed.astype(object)).tolist()) == set(composed)  # object arrays too
    assert check_labels(np.array([1, 2])).tolist() == [1, 2]


def test_rgba_and_gray_rgb_arrays_made_one_channel_say_so(images, tmp_path):
    # an RGBA .npz and a gray 3-channel NCHW one became 1 channel without a word
    from synthaug import SynthaugWarning
    from synthaug.images.folder import read_images

    x, y = images
    rgba = np.concatenate([np.repeat(x, 3, axis=-1), np.full_like(x, 255)], axis=-1)  # (N, 8, 8, 4)
    rgba[:2, 0, 0, 3] = 0
    np.savez(tmp_path / "rgba.npz", x=rgba, y=y)
    with pytest.warns(SynthaugWarning) as record:
        assert read_images(tmp_path / "rgba.npz")[0].shape == (18, 8, 8, 1)
    assert [str(r.message) for r in record] == [
        f"{tmp_path / 'rgba.npz'}: the alpha channel (transparency) of 2 images dropped; 18 RGB images holding gray "
        '(equal channels) read as 1 channel (channels="rgb" keeps 3)']
    nchw = np.repeat(x, 3, axis=-1).transpose(0, 3, 1, 2) / 255.0
    with pytest.warns(SynthaugWarning, match=r"^X: 18 RGB images holding gray \(equal channels\) read as 1 channel"):
        assert prepare_images(nchw).shape == (18, 8, 8, 1)
