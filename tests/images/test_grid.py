import numpy as np
import pytest

from synthaug.images.grid import GRID_MARKER, image_grid, remove_step_grids, step_grid_path


def test_step_grid_path_names_the_step_with_seven_digits(tmp_path):
    assert step_grid_path(tmp_path, 500) == tmp_path / "step_0000500.png"
    assert step_grid_path(tmp_path, 12_345_678).name == "step_12345678.png"


def test_remove_step_grids_deletes_only_the_grids_synthaug_writes(tmp_path):
    ours = ["step_0000002.png", "step_12345678.png", ".step_0000004.png.ab_c12x9.tmp"]
    others = ["notes.txt", "step_2.png", "step_0000002.png.bak", "my_step_0000002.png", "step_0000002.jpg"]
    for name in ours + others:
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "step_0000008.png").mkdir()  # a folder, even with a grid's name, is not a grid
    assert remove_step_grids(tmp_path) == 0  # not a folder synthaug made for grids: nothing is deleted
    (tmp_path / GRID_MARKER).write_text("")
    assert remove_step_grids(tmp_path) == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*others, "step_0000008.png", GRID_MARKER])


def test_remove_step_grids_deletes_in_an_earlier_synthaugs_grid_folder_alone(tmp_path):
    # grid folders from before the marker: named *.grids and holding nothing but grids
    legacy, named = tmp_path / "model.grids", tmp_path / "grids"
    for folder in (legacy, named):
        folder.mkdir()
        (folder / "step_0000500.png").write_bytes(b"x")
    assert remove_step_grids(legacy) == 1 and remove_step_grids(named) == 0


def test_remove_step_grids_on_a_missing_folder_does_nothing(tmp_path):
    assert remove_step_grids(tmp_path / "absent") == 0
    assert not (tmp_path / "absent").exists()


@pytest.mark.parametrize("channels", [1, 3])
def test_a_grid_with_a_row_per_class_names_each_row_in_a_margin(channels):
    # the grids (training steps, the model's grid.png, the report) showed rows of images with no class names
    rows = np.full((3, 4, 8, 8, channels), 200, np.uint8)  # (classes, columns, S, S, C)
    plain = image_grid(rows)
    labelled = image_grid(rows, ["crack line", "rüst", "螺丝"])  # text the default font may lack drawn as '?'
    assert labelled.shape[0] == plain.shape[0] and labelled.shape[2] == channels
    width = labelled.shape[1] - plain.shape[1]
    assert 10 < width < 200
    np.testing.assert_array_equal(labelled[:, width:], plain)
    margin = labelled[:, :width, 0]
    row = (plain.shape[0] - 1) // 3
    for i in range(3):  # dark pixels (text) within each row's band only
        band = margin[1 + i * row: 1 + (i + 1) * row]
        assert (band < 100).sum() > 5
    assert (margin[0] == 255).all()


def _row_margins(labels):
    rows = np.full((len(labels), 2, 8, 8, 1), 200, np.uint8)
    labelled, plain = image_grid(rows, labels), image_grid(rows)
    margin, row = labelled[:, : labelled.shape[1] - plain.shape[1], 0], (plain.shape[0] - 1) // len(labels)
    return [margin[1 + i * row: 1 + (i + 1) * row] for i in range(len(labels))]


def test_grid_labels_stay_distinct_when_cut_and_lacking_glyphs_are_spelled_in_ascii():
    # two classes were both labelled "adenocarcinoma g", and é, Ü, ß drawn as boxes by Pillow's default font
    first, second = _row_margins(["adenocarcinoma grade 1", "adenocarcinoma grade 2"])
    assert not np.array_equal(first, second)
    accented, plain = _row_margins(["Überfärbt ß é", "x"])[0], _row_margins(["Uberfarbt ss e", "x"])[0]
    np.testing.assert_array_equal(accented, plain)


def test_grid_labels_the_font_cannot_tell_apart_are_numbered_by_row():
    # café and cafe were both drawn "cafe"; 细胞 and 組織 both "??"
    from PIL import ImageFont

    from synthaug.images.grid import drawable_labels

    font = ImageFont.load_default(size=12)
    assert drawable_labels(["café", "cafe", "x"], font) == ["0: cafe", "1: cafe", "2: x"]
    assert drawable_labels(["细胞", "組織"], font) == ["0: ??", "1: ??"]
    assert drawable_labels(["Straße", "normal?"], font) == ["Strasse", "normal?"]  # distinct: as spelled
    first, second = _row_margins(["细胞", "組織"])
    assert not np.array_equal(first, second)


def test_short_labels_cut_in_the_middle_and_widen_until_distinct():
    from synthaug.images.grid import short_labels

    assert short_labels(["adenocarcinoma grade 1", "adenocarcinoma grade 2", "normal"]) == [
        "adenocar…grade 1", "adenocar…grade 2", "normal"]
    assert short_labels(["a" * 9 + "1" + "b" * 9, "a" * 9 + "2" + "b" * 9], width=16) == [
        "a" * 9 + "1" + "b" * 9, "a" * 9 + "2" + "b" * 9]
    assert short_labels(["abcdefgh", "abcdefgi"], width=5, ellipsis="...") == ["a...h", "a...i"]


def test_a_folder_holding_only_os_metadata_counts_as_empty_for_grids(tmp_path):
    # a grid_dir holding only a Finder's .DS_Store was refused as "files synthaug did not write"
    from synthaug import DataError
    from synthaug.images.grid import check_grid_folder

    (tmp_path / ".DS_Store").write_bytes(b"\0")
    check_grid_folder(tmp_path)
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(DataError, match=r"holds files synthaug did not write there \(notes.txt\)"):
        check_grid_folder(tmp_path)
