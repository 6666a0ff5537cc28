import json
import os
import stat

import numpy as np
import pytest
import torch

import synthaug
from synthaug import ModelFileError, TabularCGAN


@pytest.fixture
def saved(mixed_table, fast_params, tmp_path):
    TabularCGAN(random_state=0, **fast_params).fit(mixed_table, y="label").save(tmp_path / "m")
    return tmp_path / "m"


def test_model_directory_is_json_and_safetensors(saved):
    assert sorted(p.name for p in saved.iterdir()) == ["model.json", "weights.safetensors"]
    meta = json.loads((saved / "model.json").read_text())
    assert meta["format_version"] == 1 and meta["model_type"] == "TabularCGAN"
    assert meta["params"]["strategy"] == "conditional" and meta["classes"] == ["no", "yes"]


def test_newer_format_is_refused(saved):
    meta = json.loads((saved / "model.json").read_text())
    meta["format_version"] = 99
    (saved / "model.json").write_text(json.dumps(meta))
    with pytest.raises(ModelFileError, match="format version 99 is newer"):
        synthaug.load(saved)


def test_tampered_weights_are_refused(saved):
    weights = saved / "weights.safetensors"
    blob = bytearray(weights.read_bytes())
    blob[-1] ^= 0xFF
    weights.write_bytes(bytes(blob))
    with pytest.raises(ModelFileError, match="checksum does not match"):
        synthaug.load(saved)


def test_not_a_model_directory(tmp_path):
    with pytest.raises(ModelFileError, match="not a synthaug model directory"):
        synthaug.load(tmp_path)
    (tmp_path / "model.json").write_text("{not json")
    with pytest.raises(ModelFileError, match="not valid JSON"):
        synthaug.load(tmp_path)


def test_save_refuses_to_overwrite_other_folders(saved, mixed_table, fast_params, tmp_path):
    other = tmp_path / "photos"
    other.mkdir()
    (other / "a.jpg").write_bytes(b"x")
    model = synthaug.load(saved)
    with pytest.raises(ModelFileError, match="not a synthaug model directory"):
        model.save(other)
    model.save(saved)  # overwriting a model directory is fine
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_save_refuses_a_model_folder_holding_a_file_it_did_not_write(saved):
    """A refit replaced the whole folder and deleted a note the user had put beside the weights."""
    (saved / "my_notes.txt").write_text("precious")
    model = synthaug.load(saved)
    with pytest.raises(ModelFileError, match="holds my_notes.txt, which synthaug did not write there"):
        model.save(saved)
    assert (saved / "my_notes.txt").read_text() == "precious"
    (saved / "my_notes.txt").unlink()
    model.save(saved)


def test_zero_dimensional_arrays_keep_their_shape(tmp_path):
    import numpy as np

    from synthaug.persist import load_model, save_model

    save_model(tmp_path / "m", "Test", {"format_version": 1}, {"scalar": np.array(3.0), "view": np.arange(6.0)[::2]})
    _, tensors = load_model(tmp_path / "m")
    assert tuple(tensors["scalar"].shape) == () and tensors["view"].tolist() == [0.0, 2.0, 4.0]


def test_unknown_params_are_named_in_a_warning_and_ignored(saved):
    before = synthaug.load(saved).sample_frame(n=5, random_state=1)
    meta = json.loads((saved / "model.json").read_text())
    meta["params"]["zz_future_option"] = 3
    (saved / "model.json").write_text(json.dumps(meta))
    with pytest.warns(synthaug.SynthaugWarning, match="zz_future_option unknown to this synthaug"):
        model = synthaug.load(saved)
    assert "zz_future_option" not in model.get_params()
    assert model.sample_frame(n=5, random_state=1).equals(before)


def test_params_that_are_not_a_mapping_are_a_model_file_error(saved):
    meta = json.loads((saved / "model.json").read_text())
    meta["params"] = [1, 2]
    (saved / "model.json").write_text(json.dumps(meta))
    with pytest.raises(ModelFileError, match="'params' is not a mapping"):
        synthaug.load(saved)


def test_save_model_takes_numpy_views_as_it_takes_torch_ones(tmp_path):
    # a transposed or strided numpy array failed in safetensors ("non contiguous tensor"), a
    # torch one did not
    from synthaug.persist import load_model, save_model

    strided = np.arange(12.0).reshape(3, 4).T[::2]
    save_model(tmp_path / "m", "Test", {}, {"a": strided, "b": torch.arange(6.0).reshape(2, 3).T})
    _, tensors = load_model(tmp_path / "m")
    np.testing.assert_array_equal(tensors["a"].numpy(), strided)


@pytest.mark.parametrize("umask", [0o022, 0o027])
def test_every_file_of_a_model_directory_gets_the_umasks_usual_mode(saved, tmp_path, umask):
    # safetensors wrote weights.safetensors 0600 while model.json was 0644: colleagues could read a
    # shared model folder's model.json, not its weights
    previous = os.umask(umask)
    try:
        synthaug.load(saved).save(tmp_path / "shared")
    finally:
        os.umask(previous)
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in [tmp_path / "shared", *(tmp_path / "shared").iterdir()]}
    assert modes == {"shared": 0o777 & ~umask, "model.json": 0o666 & ~umask, "weights.safetensors": 0o666 & ~umask}


def test_a_seed_is_a_json_integer_unless_a_double_would_round_it(mixed_table, fast_params, tmp_path):
    """``"seed": "5"`` was text for every seed; drawn seeds (63 bits) stay text: jq or JavaScript would
    read 2**53 + 1 as 2**53 and reproduce another model."""
    from synthaug.persist import json_seed

    assert (json_seed(5), json_seed(2**53 - 1), json_seed(2**53 + 1)) == (5, 2**53 - 1, str(2**53 + 1))
    TabularCGAN(random_state=5, **fast_params).fit(mixed_table, y="label").save(tmp_path / "m")
    meta = json.loads((tmp_path / "m" / "model.json").read_text())
    assert meta["seed"] == 5 and synthaug.load(tmp_path / "m").seed_ == 5
    meta["seed"] = "5"  # as files before wrote it
    (tmp_path / "m" / "model.json").write_text(json.dumps(meta))
    old = synthaug.load(tmp_path / "m")
    assert old.seed_ == 5
    old.save(tmp_path / "big")
    old.seed_ = 2**63 - 25
    old.save(tmp_path / "big")
    assert json.loads((tmp_path / "big" / "model.json").read_text())["seed"] == str(2**63 - 25)
    assert synthaug.load(tmp_path / "big").seed_ == 2**63 - 25


def test_the_torch_thread_count_of_training_is_recorded(saved, tmp_path):
    """The weights depend on it (the README says so), but model.json did not say what it was."""
    meta = json.loads((saved / "model.json").read_text())
    assert meta["training"]["threads"] == torch.get_num_threads() == 1  # conftest sets one thread
    assert synthaug.load(saved).n_threads_ == 1
    del meta["training"]["threads"]  # a file from before
    (saved / "model.json").write_text(json.dumps(meta))
    assert synthaug.load(saved).n_threads_ is None


def test_a_cut_short_model_json_says_where(saved):
    text = (saved / "model.json").read_text()
    (saved / "model.json").write_text(text[: text.index('"seed"') + 4])
    line = text[: text.index('"seed"')].count("\n") + 1
    with pytest.raises(ModelFileError, match=rf"model.json: not valid JSON \(Unterminated string starting at at line "
                                             rf"{line} column 2; a file cut short, or edited by hand\?\)$"):
        synthaug.load(saved)


def test_a_full_disk_while_writing_the_weights_names_the_model_folder(tmp_path, monkeypatch):
    # a verification trial: fit onto a full tmpfs ended in safetensors' traceback, naming no path
    import safetensors
    import safetensors.torch

    from synthaug.cli import _os_error_text
    from synthaug.persist import save_model

    def full(*args, **kwargs):
        raise safetensors.SafetensorError("Error while serializing: IoError(Os { code: 28, kind: StorageFull, "
                                          'message: "No space left on device" }) No space left on device (os error 28)')

    monkeypatch.setattr(safetensors.torch, "save_file", full)
    with pytest.raises(OSError) as caught:
        save_model(tmp_path / "m", "TabularCGAN", {}, {"w": np.zeros(2, np.float32)})
    assert _os_error_text(caught.value) == f"{tmp_path / 'm'}: disk full (No space left on device)"
    assert list(tmp_path.iterdir()) == []  # no model folder, no temporary one


def test_a_tilde_in_save_load_and_write_sample_paths_is_the_home_folder(table_model, image_model, tmp_path,
                                                                       monkeypatch):
    # model.save("~/m") made a folder named "~" in the current one, and synthaug.load("~/m") looked there
    home, work = tmp_path / "home", tmp_path / "work"
    home.mkdir(), work.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(work)
    table, images = synthaug.load(table_model / "m"), image_model[2]
    for name, model, out in (("table", table, "rows.csv"), ("images", images, "images.npz")):
        assert model.save(f"~/{name}") == home / name
        assert type(synthaug.load(f"~/{name}")) is type(model)
        assert model.write_sample(f"~/{out}", n=4) == 4 and (home / out).is_file()
    assert list(work.iterdir()) == []  # no folder named "~"
    assert synthaug.persist.user_path("~nosuchuser_synthaug/m").as_posix() == "~nosuchuser_synthaug/m"
    # read_images (so ImageCGAN().fit("~/folder")) and a public schema file read "~/..." as not found
    x, y = synthaug.read_images("~/images.npz")
    assert len(x) == len(y) == 4
    from synthaug.tabular.public_schema import read_public_schema

    (home / "schema.json").write_text("{}")
    with pytest.raises(synthaug.DataError) as caught:
        read_public_schema("~/schema.json")
    assert "not found" not in str(caught.value)


VERSION_KEYS = ["numpy", "pandas", "python", "scikit-learn", "synthaug", "torch"]


def test_model_json_records_which_data_and_library_versions_made_the_model(saved, mixed_table, fast_params,
                                                                           tmp_path):
    """Shuffled training rows changed the weights, yet model.json differed only in weights_sha256."""
    from synthaug._provenance import library_versions, table_digest

    meta = json.loads((saved / "model.json").read_text())
    assert meta["training"]["data_sha256"] == table_digest(mixed_table)  # the table as given: label in its place
    assert sorted(meta["training"]["versions"]) == VERSION_KEYS and meta["training"]["versions"] == library_versions()
    shuffled = mixed_table.sample(frac=1.0, random_state=1)
    TabularCGAN(random_state=0, **fast_params).fit(shuffled, y="label").save(tmp_path / "shuffled")
    other = json.loads((tmp_path / "shuffled" / "model.json").read_text())
    assert other["training"]["data_sha256"] != meta["training"]["data_sha256"]
    # before --drop, and the labels given apart as y are a last column named as the model names it
    dropped = TabularCGAN(random_state=0, drop=["city"], **fast_params).fit(mixed_table, y="label")
    apart = TabularCGAN(random_state=0, **fast_params).fit(mixed_table.drop(columns="label"), mixed_table["label"])
    moved = mixed_table[[c for c in mixed_table if c != "label"] + ["label"]]
    assert (dropped.data_sha256_, apart.data_sha256_) == (table_digest(mixed_table), table_digest(moved))
    loaded = synthaug.load(saved)
    assert (loaded.data_sha256_, loaded.versions_) == (meta["training"]["data_sha256"], meta["training"]["versions"])
    loaded.save(tmp_path / "again")  # a re-saved model keeps what its fit recorded
    assert json.loads((tmp_path / "again" / "model.json").read_text())["training"]["data_sha256"] == \
        meta["training"]["data_sha256"]
    for key in ("data_sha256", "versions"):  # a file from before
        del meta["training"][key]
    (saved / "model.json").write_text(json.dumps(meta))
    old = synthaug.load(saved)
    assert (old.data_sha256_, old.versions_) == (None, None)
    old.save(tmp_path / "old")
    assert not {"data_sha256", "versions"} & set(json.loads((tmp_path / "old" / "model.json").read_text())["training"])


@pytest.mark.filterwarnings("ignore:X. 18 of 18 images resized")
def test_an_image_model_json_records_the_images_digest_and_library_versions(image_model, tmp_path):
    from synthaug import ImageCGAN
    from synthaug._provenance import images_digest, library_versions
    from tests.images.conftest import TINY

    x, y, model = image_model
    model.save(tmp_path / "m")
    training = json.loads((tmp_path / "m" / "model.json").read_text())["training"]
    prepared = model._read(x, y)[0]  # as the model trained on them: 8x8, from 12x12
    assert training["data_sha256"] == images_digest(prepared, y) and training["versions"] == library_versions()
    order = np.random.default_rng(1).permutation(len(y))
    shuffled = ImageCGAN(random_state=0, image_size=8, **TINY).fit(x[order], y[order])
    assert shuffled.data_sha256_ != training["data_sha256"]
    assert synthaug.load(tmp_path / "m").data_sha256_ == training["data_sha256"]


def test_a_model_is_pinned_by_one_sha256_of_both_files(saved, tmp_path):
    # the weights' SHA-256 in model.json shows corruption only: an edit of model.json (a category made a
    # spreadsheet formula), or of both files with the digest rewritten, loaded as if nothing had changed
    import hashlib

    digest = synthaug.model_sha256(saved)
    lines = b"".join(name.encode() + b"\0" + hashlib.sha256((saved / name).read_bytes()).hexdigest().encode() + b"\n"
                     for name in ("model.json", "weights.safetensors"))
    assert digest == hashlib.sha256(lines).hexdigest()  # what the README's shell line computes
    assert synthaug.load(saved, sha256=digest.upper()).classes_ == ["no", "yes"]
    meta = json.loads((saved / "model.json").read_text())
    city = next(c for c in meta["encoder"]["columns"] if c["spec"]["name"] == "city")
    city["state"]["categories"][0] = '=HYPERLINK("http://example.invalid","x")'
    (saved / "model.json").write_text(json.dumps(meta))
    synthaug.load(saved)  # no pin: a consistent edit still loads (the README says so)
    changed = rf"^{saved}: its SHA-256 \(model.json and weights\) is [0-9a-f]{{12}}\.\.\., not the {digest[:12]}"
    with pytest.raises(ModelFileError, match=changed + r"\.\.\. given; the model changed"):
        synthaug.load(saved, sha256=digest)
    with pytest.raises(synthaug.DataError, match="sha256 must be the model's SHA-256 as text"):
        synthaug.load(saved, sha256=b"00")
    with pytest.raises(synthaug.DataError, match="sha256 must be the model's SHA-256 as text"):
        synthaug.load(saved, sha256="abc")  # not a digest: it said "the model changed"
    with pytest.raises(synthaug.DataError, match="that is the weights' SHA-256 .model.json's weights_sha256."):
        synthaug.load(saved, sha256=meta["weights_sha256"])


def test_a_pinned_load_checks_the_bytes_it_loaded_not_the_files_after(saved, tmp_path, monkeypatch):
    # load(sha256=) hashed the files again after reading them: a model swapped in for the read and swapped
    # back before the check loaded as the pinned one
    import shutil

    import safetensors.torch

    good = tmp_path / "good"
    shutil.copytree(saved, good)
    pin = synthaug.model_sha256(good)
    meta = json.loads((saved / "model.json").read_text())
    meta["classes"] = ["evil", "yes"]
    (saved / "model.json").write_text(json.dumps(meta))

    def put_back(read):
        def reading(*args, **kwargs):
            tensors = read(*args, **kwargs)
            for name in ("model.json", "weights.safetensors"):  # the swap back, once the weights are read
                shutil.copyfile(good / name, saved / name)
            return tensors
        return reading

    for name in ("load", "load_file"):
        monkeypatch.setattr(safetensors.torch, name, put_back(getattr(safetensors.torch, name)))
    with pytest.raises(ModelFileError, match="the model changed since that digest was recorded"):
        synthaug.load(saved, sha256=pin)
    assert synthaug.load(saved, sha256=pin).classes_ == ["no", "yes"]  # the files are good again


def test_a_large_random_state_is_written_as_text_and_read_back_as_the_same_integer(mixed_table, fast_params,
                                                                                     tmp_path):
    # params.random_state was a bare integer above 2**53 - 1, which jq and JavaScript read as another seed
    big = 2**60 + 1
    TabularCGAN(random_state=big, **fast_params).fit(mixed_table, y="label").save(tmp_path / "m")
    meta = json.loads((tmp_path / "m" / "model.json").read_text())
    assert meta["params"]["random_state"] == str(big) == meta["seed"]
    assert synthaug.load(tmp_path / "m").random_state == big
