from synthaug.images.grid import remove_step_grids, step_grid_path


def test_step_grid_path_names_the_step_with_seven_digits(tmp_path):
    assert step_grid_path(tmp_path, 500) == tmp_path / "step_0000500.png"
    assert step_grid_path(tmp_path, 12_345_678).name == "step_12345678.png"


def test_remove_step_grids_deletes_only_the_grids_synthaug_writes(tmp_path):
    ours = ["step_0000002.png", "step_12345678.png", ".step_0000004.png.ab_c12x9.tmp"]
    others = ["notes.txt", "step_2.png", "step_0000002.png.bak", "my_step_0000002.png", "step_0000002.jpg"]
    for name in ours + others:
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "step_0000008.png").mkdir()  # a folder, even with a grid's name, is not a grid
    assert remove_step_grids(tmp_path) == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*others, "step_0000008.png"])


def test_remove_step_grids_on_a_missing_folder_does_nothing(tmp_path):
    assert remove_step_grids(tmp_path / "absent") == 0
    assert not (tmp_path / "absent").exists()
