"""Sample folders keep every class label: unique folder names, labels read back from manifest.csv."""

import csv
import warnings

import numpy as np
import pytest

from synthaug import SynthaugWarning
from synthaug.images.folder import read_images
from synthaug.images.writer import write_images


def _images(n: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, size=(n, 8, 8, 1), dtype=np.uint8)


def test_labels_with_the_same_safe_name_get_their_own_folders(tmp_path):
    labels = np.array(["a/b", "a_b", "A_b", "a/b", ".x", "x"])
    out = write_images(tmp_path / "out", _images(6), labels)
    folders = sorted(p.name for p in out.iterdir() if p.is_dir())
    assert folders == ["A_b~3", "a_b", "a_b~2", "x", "x~2"]
    with open(out / "manifest.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    by_folder = {}
    for row in rows:
        by_folder.setdefault(row["file"].split("/")[0], set()).add(row["label"])
    assert all(len(v) == 1 for v in by_folder.values())  # one label per folder
    assert by_folder["a_b"] == {"a/b"} and by_folder["a_b~2"] == {"a_b"}


def test_reading_a_sample_folder_gives_the_sampled_labels(tmp_path):
    labels = np.array(["a/b", "a_b", " c", "a/b", ".d"])
    images = _images(5, seed=1)
    out = write_images(tmp_path / "out", images, labels)
    read_x, read_y = read_images(out)
    order = np.argsort([f"{y}|{x.tobytes()!r}" for x, y in zip(read_x, read_y, strict=True)])
    expected = np.argsort([f"{y}|{x.tobytes()!r}" for x, y in zip(images, labels, strict=True)])
    assert sorted(read_y.tolist()) == sorted(labels.tolist())
    np.testing.assert_array_equal(read_x[order], images[expected])


def test_without_a_manifest_the_folder_names_are_the_labels(tmp_path):
    out = write_images(tmp_path / "out", _images(4), np.array(["a/b", "a/b", "c", "c"]))
    (out / "manifest.csv").unlink()
    _, labels = read_images(out)
    assert sorted(labels.tolist()) == ["a_b", "a_b", "c", "c"]


@pytest.mark.filterwarnings("ignore:.*not in it and are read with their folder")
def test_files_the_manifest_does_not_list_keep_their_folder_label(tmp_path):
    out = write_images(tmp_path / "out", _images(2), np.array(["a/b", "a/b"]))
    extra = out / "a_b" / "added.png"
    extra.write_bytes((out / "a_b" / "0000000.png").read_bytes())
    _, labels = read_images(out)
    assert sorted(labels.tolist()) == ["a/b", "a/b", "a_b"]


def test_a_sample_folder_that_differs_from_its_manifest_is_a_warning(tmp_path):
    # 20 listed files deleted and 10 real images added: 280 + 10 read as 300 synthetic images, silently
    out = write_images(tmp_path / "out", _images(6), np.array(["a", "a", "a", "b", "b", "b"]))
    (out / "a" / "0000001.png").unlink()
    (out / "b" / "0000004.png").unlink()
    (out / "b" / "real.png").write_bytes((out / "b" / "0000003.png").read_bytes())
    with pytest.warns(SynthaugWarning, match=r"manifest.csv: 2 files it lists are missing \(first: a/0000001.png\); "
                                             r"1 image files are not in it and are read with their folder's name as "
                                             r"the label \(first: b/real.png\); the folder is not the sample as "
                                             r"written"):
        x, labels = read_images(out)
    assert len(x) == 5
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        read_images(write_images(tmp_path / "whole", _images(4), np.array(["a", "a", "b", "b"])))  # no warning
