"""AugmentedDataset given a path or images of different sizes (image-user trial findings)."""

import warnings

import numpy as np
import pytest
import torch

from synthaug import AugmentedDataset, DataError, ImageCGAN, SynthaugWarning


def test_a_path_as_x_is_refused_naming_x_and_the_reader_that_works(image_folder, images):
    x, y = images
    with pytest.raises(DataError) as info:
        AugmentedDataset(str(image_folder), None, synthetic=(x, y))
    assert str(info.value) == (f"X: got the path {str(image_folder)!r}; AugmentedDataset takes images (or a table) "
                               f"as an array with labels y: read an image folder or .npz with "
                               f"X, y = synthaug.read_images({str(image_folder)!r})")
    from synthaug.images.folder import read_images

    real_x, real_y = read_images(image_folder)  # the advice works
    data = AugmentedDataset(real_x, real_y, synthetic=(x, np.char.add("class_", y.astype(str))))
    assert len(data) == 2 * len(y)
    with pytest.raises(DataError, match=r"^synthetic X: got the path"):
        AugmentedDataset(x, y, synthetic=(image_folder, None))


def test_images_of_different_sizes_are_refused_naming_x_and_the_sizes(images):
    x, y = images
    mixed = [x[0, ..., 0], np.zeros((16, 16), np.uint8), *x[2:4, ..., 0]]
    with pytest.raises(DataError) as info:
        AugmentedDataset(mixed, y[:4], synthetic=(x, y))
    assert str(info.value) == ("X: the images differ in size ((8, 8) and (16, 16)); resize them to one size first "
                               "(synthaug.read_images reads a folder at one size)")
    with pytest.raises(DataError, match=r"^X: the images differ in size"):
        ImageCGAN().fit(mixed, y[:4])


@pytest.mark.parametrize("as_path", [str, lambda p: p])
def test_a_path_as_synthetic_is_refused_naming_synthetic_and_the_reader(tmp_path, images, as_path):
    # the path's text was unpacked as (X, y): "check_lengths() takes 4 positional arguments but 26 were given"
    x, y = images
    path = tmp_path / "out.npz"
    with pytest.raises(DataError) as info:
        AugmentedDataset(x, y, synthetic=as_path(path))
    assert str(info.value) == (f"synthetic: got the path {str(path)!r}; AugmentedDataset takes the synthetic images "
                               f"and labels as a pair (X, y): synthetic=synthaug.read_images({str(path)!r})")


@pytest.mark.parametrize(("real", "read_back", "message"), [
    (np.array([0, 1, 2]), np.array(["0", "1", "2"]), "label '0', which is not a class of y (classes are 0, 1, 2); "
                                                     "its labels are y's classes as text: "
                                                     "pass synthetic=(X, Y.astype(int))"),
    (np.array(["0", "1", "2"]), np.array([0, 1, 2]), "label 0, which is not a class of y (classes are '0', '1', "
                                                     "'2'); its labels are y's classes as numbers: "
                                                     "pass synthetic=(X, Y.astype(str))"),
    # '7' is no class's text: no conversion helps
    (np.array([0, 1, 2]), np.array(["0", "7", "2"]), "label '0', which is not a class of y (classes are 0, 1, 2)"),
])
def test_synthetic_labels_that_are_ys_classes_as_text_get_the_conversion(images, real, read_back, message):
    # labels read back from a write_sample folder are text: '0' for 0, refused with no hint
    x, codes = images
    with pytest.raises(DataError) as info:
        AugmentedDataset(x, real[codes], synthetic=(x, read_back[codes]))
    assert str(info.value) == f"synthetic y has {message}"
    if "astype" in message:  # the conversion works
        assert len(AugmentedDataset(x, real[codes], synthetic=(x, read_back[codes].astype(real.dtype)))) == 2 * len(x)


def test_balance_on_balanced_data_warns_that_it_adds_nothing(images):
    x, y = images  # 6 images in each class; it added 0 synthetic items silently
    with pytest.warns(SynthaugWarning) as caught:
        data = AugmentedDataset(x, y, synthetic=(x, y), balance=True)
    assert len(data) == len(x) and len(caught) == 1
    assert str(caught[0].message) == ("AugmentedDataset: balance=True adds no synthetic items: every class already "
                                      "has 6 items; pass per_class=N or synthetic_ratio=R for some")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(AugmentedDataset(x[1:], y[1:], synthetic=(x, y), balance=True)) == len(x)  # tops class 0 up


def test_one_image_with_one_label_is_told_to_pass_a_batch(images):
    x, y = images  # it said "X has 8 items but y has 1"
    for one in (x[0], np.repeat(x[0], 3, axis=-1), np.repeat(x[0], 3, axis=-1).transpose(2, 0, 1)):
        with pytest.raises(DataError) as info:
            AugmentedDataset(one, y[:1], synthetic=(x, y))
        assert str(info.value) == (f"X looks like one image of shape {one.shape}; pass a batch of images "
                                   "(X[None] for one)")
    assert len(AugmentedDataset(x[0][None], y[:1], synthetic=(x, y), per_class=0)) == 1


def test_a_tensor_that_requires_grad_becomes_items(images):
    x, y = images  # numpy() refused it: "Can't call numpy() on Tensor that requires grad"
    floats = torch.from_numpy(x / 255.0).float().requires_grad_()
    data = AugmentedDataset(floats, y, synthetic=(floats, y), per_class=1)
    assert len(data) == len(x) + 3 and data[0][0].shape == (1, 8, 8)
