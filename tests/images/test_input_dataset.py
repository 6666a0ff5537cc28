"""AugmentedDataset given a path or images of different sizes (image-user trial findings)."""

import numpy as np
import pytest

from synthaug import AugmentedDataset, DataError, ImageCGAN


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
