import csv
import json

import numpy as np
import pytest
import torch
from safetensors.torch import load_file
from sklearn.exceptions import NotFittedError

import synthaug
from synthaug import DataError
from synthaug.images.synthesizer import ImageCGAN
from tests.conftest import edited_weights

from .conftest import TINY


@pytest.fixture(scope="module")
def fitted(tmp_path_factory):
    from .conftest import make_images

    x, codes = make_images()
    labels = np.array(["a", "b", "c"])[codes]
    grids = tmp_path_factory.mktemp("grids")
    return ImageCGAN(**TINY, grid_dir=str(grids), random_state=0).fit(x, labels), grids


def test_fit_records_history_and_writes_grids(fitted):
    model, grids = fitted
    assert model.classes_.tolist() == ["a", "b", "c"]
    assert model.image_size_ == 8 and model.channels_ == 1
    assert [h["step"] for h in model.history_] == [1, 2, 3, 4]
    assert "diversity" in model.history_[1] and "diversity" in model.history_[-1]
    assert sorted(p.name for p in grids.iterdir()) == [".synthaug-grids", "step_0000002.png", "step_0000004.png"]


def test_same_seed_same_model(images):
    x, codes = images
    a = ImageCGAN(**TINY, random_state=3).fit(x, codes).sample(n=9, random_state=1)
    b = ImageCGAN(**TINY, random_state=3).fit(x, codes).sample(n=9, random_state=1)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])


def test_save_load_sample_identical(fitted, tmp_path):
    model, _ = fitted
    path = model.save(tmp_path / "model")
    loaded = synthaug.load(path)
    x1, y1 = model.sample(per_class={"a": 2, "c": 3}, random_state=7)
    x2, y2 = loaded.sample(per_class={"a": 2, "c": 3}, random_state=7)
    np.testing.assert_array_equal(x1, x2)
    assert y1.tolist() == y2.tolist() and sorted(y1.tolist()) == ["a", "a", "c", "c", "c"]
    assert x1.shape == (5, 8, 8, 1) and x1.dtype == np.uint8
    assert loaded.get_params() == model.get_params()  # betas a tuple again (model.json: tuple_params)


def test_a_path_grid_dir_is_saved_as_text(images, tmp_path):
    # "Object of type PosixPath is not JSON serializable": the table model wrote paths as text, images did not
    x, codes = images
    model = ImageCGAN(**TINY, grid_dir=tmp_path / "grids", random_state=0).fit(x, codes)
    loaded = synthaug.load(model.save(tmp_path / "model"))
    assert loaded.get_params()["grid_dir"] == str(tmp_path / "grids")


def test_unknown_params_warn_and_old_files_default_new_ones(fitted, tmp_path):
    model, _ = fitted
    path = model.save(tmp_path / "model")
    meta = json.loads((path / "model.json").read_text())
    meta["params"]["zz_future_option"] = 1
    del meta["params"]["class_weight"]  # a file from before class_weight: trained without it
    (path / "model.json").write_text(json.dumps(meta))
    with pytest.warns(synthaug.SynthaugWarning, match="zz_future_option unknown"):
        loaded = synthaug.load(path)
    assert loaded.class_weight == 0.0 and "zz_future_option" not in loaded.get_params()


def test_model_directory_holds_weights_not_images(fitted, tmp_path):
    model, _ = fitted
    path = model.save(tmp_path / "model")
    assert sorted(p.name for p in path.iterdir()) == ["model.json", "samples.png", "weights.safetensors"]
    assert all(k.startswith("generator.") for k in load_file(str(path / "weights.safetensors")))


def test_write_sample_folder_and_manifest(fitted, tmp_path):
    model, _ = fitted
    n = model.write_sample(tmp_path / "out", per_class={"a": 2, "b": 1}, chunk_size=2, random_state=0)
    rows = list(csv.DictReader((tmp_path / "out" / "manifest.csv").read_text().splitlines()))
    assert n == 3 and len(rows) == 3
    assert sorted(r["label"] for r in rows) == ["a", "a", "b"]
    assert all(r["synthetic"] == "true" and (tmp_path / "out" / r["file"]).is_file() for r in rows)
    assert not list(tmp_path.glob(".out.*"))  # no temporary folder left behind


def test_write_sample_npz(fitted, tmp_path):
    model, _ = fitted
    model.write_sample(tmp_path / "s.npz", balance=False, n=6, random_state=0)
    with np.load(tmp_path / "s.npz", allow_pickle=False) as data:
        assert data["x"].shape == (6, 8, 8, 1) and len(data["y"]) == 6
    with pytest.raises(DataError, match="must ask for at least 1 image in all"):  # was an empty .npz
        model.write_sample(tmp_path / "e.npz", per_class={model.classes_[0]: 0}, random_state=0)
    assert not (tmp_path / "e.npz").exists()


def test_fit_from_folder(image_folder):
    model = ImageCGAN(**TINY, random_state=0).fit(image_folder)
    assert model.classes_.tolist() == ["class_0", "class_1", "class_2"]


def test_iter_sample_checks_the_model_and_the_request_when_called(fitted):
    """iter_sample was a generator function: unfitted, or asked for n and balance at once, it returned
    a generator and raised only at the first next()."""
    with pytest.raises(NotFittedError):
        ImageCGAN().iter_sample(10)
    with pytest.raises(DataError, match="^ask for exactly one of n, per_class, balance or ratio; got n, balance$"):
        fitted[0].iter_sample(10, balance=True)
    for bad in (0, 2.5):  # 2.5 was taken as 2; both are checked at the call, not at the first chunk
        with pytest.raises(DataError, match=r"^chunk_size must be a whole number of images >= 1"):
            fitted[0].iter_sample(10, chunk_size=bad)


def test_sample_takes_a_chunk_size_as_iter_sample_and_write_sample_do(fitted):
    """The README's chunk sizes are "as in Python's model.sample", which took none (a TypeError)."""
    model = fitted[0]
    x, y = model.sample(n=9, chunk_size=4, random_state=2)
    chunks = list(model.iter_sample(9, chunk_size=4, random_state=2))
    assert [len(c[0]) for c in chunks] == [4, 4, 1]
    np.testing.assert_array_equal(x, np.concatenate([c[0] for c in chunks]))
    np.testing.assert_array_equal(y, np.concatenate([c[1] for c in chunks]))
    default = model.sample(n=9, random_state=2)  # as before: one chunk of the default size
    np.testing.assert_array_equal(default[0], next(model.iter_sample(9, random_state=2))[0])


def test_bad_inputs(images):
    x, codes = images
    with pytest.raises(NotFittedError):
        ImageCGAN().sample(n=2)
    with pytest.raises(DataError, match="^y: a conditional GAN needs at least 2 classes; every one of the 18 images "
                                        "has label '0'$"):  # whole-number floats are read as integers
        ImageCGAN(**TINY).fit(x, np.zeros(len(x)))
    with pytest.raises(DataError, match="labels are required"):
        ImageCGAN(**TINY).fit(x)
    with pytest.raises(DataError, match="image_size"):
        ImageCGAN(image_size=100).fit(x, codes)
    with pytest.raises(ValueError, match="augment"):
        ImageCGAN(augment="flip").fit(x, codes)
    with pytest.raises(DataError, match=r"^per_class: unknown class '9'; classes are 0, 1, 2$"):
        ImageCGAN(**TINY, random_state=0).fit(x, codes).sample(per_class={"9": 1})
    with pytest.raises(DataError, match="classes are 'a', 'b', 'c'$"):
        ImageCGAN(**TINY, random_state=0).fit(x, np.array(["a", "b", "c"])[codes]).sample(per_class={"d": 1})


def test_missing_labels_are_refused_and_mixed_labels_become_text(images):
    x, codes = images
    for labels in (np.where(codes == 0, np.nan, codes), np.array([None, "a", "b"], dtype=object)[codes]):
        with pytest.raises(DataError, match="y: 6 of 18 labels are missing"):
            ImageCGAN(**TINY).fit(x, labels)
    model = ImageCGAN(**TINY, random_state=0).fit(x, np.array([1, "a", 2.5], dtype=object)[codes])
    assert model.classes_.tolist() == ["1", "2.5", "a"]


def test_bytes_and_date_labels_become_text_and_complex_ones_are_refused(images, tmp_path):
    x, codes = images
    for labels, classes in ((np.array([b"cat", b"dog", b"owl"]), ["cat", "dog", "owl"]),
                            (np.array(["2020-01-01", "2021-01-01", "2022-01-01"], dtype="datetime64[D]"),
                             ["2020-01-01", "2021-01-01", "2022-01-01"])):
        model = ImageCGAN(**TINY, random_state=0).fit(x, labels[codes])
        assert model.classes_.tolist() == classes
        assert synthaug.load(model.save(tmp_path / classes[0])).classes_.tolist() == classes  # was a TypeError
    with pytest.raises(DataError, match="labels must be numbers, text or booleans; got dtype complex128"):
        ImageCGAN(**TINY).fit(x, codes + 1j)


def test_scikit_learn_conventions():
    from sklearn.base import clone

    model = ImageCGAN(steps=7, augment="color")
    assert clone(model).get_params() == model.get_params()
    assert not hasattr(model, "generator_")  # the constructor only stores


def test_grid_checks_do_not_depend_on_the_logging_interval(images):
    x, codes = images
    model = ImageCGAN(**{**TINY, "steps": 205, "grid_every": 7}, random_state=0).fit(x, codes)  # logs every 2
    assert [h["step"] for h in model.history_ if "diversity" in h] == [*range(7, 205, 7), 205]
    assert sum(1 for h in model.history_ if "diversity" not in h) > 0


@pytest.mark.filterwarnings("ignore:label filter")  # a 30-step model's head may disagree for good
def test_class_head_is_trained_and_saved_for_the_label_filter(images, tmp_path):
    x, codes = images
    params = {**TINY, "steps": 30, "class_weight": 1.0, "label_filter": True}
    model = ImageCGAN(**params, random_state=0).fit(x, codes)
    assert model.discriminator_ is not None and model.discriminator_.classifier is not None
    x1, y1 = model.sample(per_class={0: 4, 2: 4}, random_state=2)
    path = model.save(tmp_path / "model")
    assert any(k.startswith("discriminator.classifier.") for k in load_file(str(path / "weights.safetensors")))
    loaded = synthaug.load(path)
    x2, y2 = loaded.sample(per_class={0: 4, 2: 4}, random_state=2)
    np.testing.assert_array_equal(x1, x2)
    assert y1.tolist() == y2.tolist()
    without = ImageCGAN(**{**params, "label_filter": False}, random_state=0).fit(x, codes)
    assert without.discriminator_ is None  # trained with the head, but nothing kept to filter with


@pytest.mark.filterwarnings("ignore:label filter")
def test_label_filter_keeps_what_the_head_assigns_to_the_intended_class(images):
    from synthaug.images.label_filter import head_classifier

    x, codes = images
    params = {**TINY, "steps": 40, "width": 8, "augment": "", "class_weight": 1.0, "label_filter": True}
    model = ImageCGAN(**params, random_state=0).fit(x, codes)  # its head is right on the training images
    request = {0: 30, 1: 30, 2: 30}
    filtered, y = model.sample(per_class=request, random_state=5)
    regenerated = model.n_regenerated_
    head, model.discriminator_ = model.discriminator_, None
    plain, y_plain = model.sample(per_class=request, random_state=5)
    assert model.n_regenerated_ == 0
    classify = head_classifier(head)
    agree, agree_plain = np.mean(classify(filtered) == y), np.mean(classify(plain) == y_plain)
    assert regenerated > 0 and agree > agree_plain


def test_label_filter_without_a_class_head_is_refused(images):
    x, codes = images
    for extra in ({"class_weight": 0.0}, {"dp_epsilon": 8.0}):
        with pytest.raises(DataError, match="label_filter needs the discriminator's class head"):
            ImageCGAN(**TINY, label_filter=True, **extra).fit(x, codes)


def test_label_filter_warns_when_the_head_never_agrees(images):
    x, codes = images
    model = ImageCGAN(**{**TINY, "class_weight": 1.0, "label_filter": True}, random_state=0).fit(x, codes)
    with torch.no_grad():  # a head that always says class 0
        model.discriminator_.classifier.weight.zero_()
        model.discriminator_.classifier.bias.copy_(torch.tensor([9.0, 0.0, 0.0]))
    with pytest.warns(synthaug.SynthaugWarning, match="label filter: 3 of 5 image"):
        model.sample(per_class={0: 2, 1: 3}, random_state=0)


def test_files_from_before_the_class_head_load_without_it(fitted, tmp_path):
    import json

    model, _ = fitted
    path = model.save(tmp_path / "model")
    meta = json.loads((path / "model.json").read_text())
    for key in ("class_weight", "label_filter"):
        del meta["params"][key]
    (path / "model.json").write_text(json.dumps(meta))
    loaded = synthaug.load(path)
    assert loaded.get_params()["class_weight"] == 0.0 and loaded.get_params()["label_filter"] is False
    assert loaded.discriminator_ is None
    np.testing.assert_array_equal(loaded.sample(n=4, random_state=1)[0], model.sample(n=4, random_state=1)[0])


HEAD = "discriminator.classifier.weight"


@pytest.mark.parametrize(("edit", "message"), [  # before: each loaded, the NaN one sampled grey images
    (lambda t: t["generator.fc.weight"].view(-1)[0].fill_(float("nan")),
     "tensor 'generator.fc.weight' holds NaN or infinite values"),
    (lambda t: t.__setitem__("generator.fc.weight", t["generator.fc.weight"].double()),
     "tensor 'generator.fc.weight' is float64; the model reads it as float32"),
    (lambda t: t.__setitem__(HEAD, t[HEAD].half()), f"tensor '{HEAD}' is float16; the model reads it as float32"),
    (lambda t: t.__setitem__("evil.tensor", torch.zeros(3)), "tensor 'evil.tensor' is not one this model reads"),
])
def test_image_weights_that_pass_the_checksum_are_checked_too(images, tmp_path, edit, message):
    x, codes = images
    model = ImageCGAN(**{**TINY, "steps": 2, "class_weight": 1.0, "label_filter": True}, random_state=0).fit(x, codes)
    path = edited_weights(model.save(tmp_path / "model"), edit)
    with pytest.raises(synthaug.ModelFileError, match=f"^{path}: weights.safetensors: {message}"):
        synthaug.load(path)


def test_an_image_network_widened_in_model_json_is_refused_before_it_is_built(images, tmp_path):
    # the tabular loader compared shapes on the meta device; the image one built the network first, and a
    # width of 200,000 asked for 5 TB (a RuntimeError from torch's allocator, after 2 GB of memory)
    x, codes = images
    path = ImageCGAN(**{**TINY, "steps": 2}, random_state=0).fit(x, codes).save(tmp_path / "model")
    meta = json.loads((path / "model.json").read_text())
    meta["network"]["width"] = 200_000
    (path / "model.json").write_text(json.dumps(meta))
    with pytest.raises(synthaug.ModelFileError, match=r"generator weights do not match model.json: generator\.\S+ "
                                                      r"has shape \(\d+,?.*\) in weights.safetensors"):
        synthaug.load(path)


@pytest.mark.parametrize("edit", [
    lambda meta: meta["network"].update(image_size="abc"),
    lambda meta: meta.update(class_counts=[1, "x", 2]),
    lambda meta: meta.update(seed="abc"),
    lambda meta: meta.update(params=None),
])
def test_a_hand_edited_model_json_with_wrong_types_is_a_model_file_error(fitted, tmp_path, edit):
    import json

    model, _ = fitted
    path = model.save(tmp_path / "model")
    meta = json.loads((path / "model.json").read_text())
    edit(meta)
    (path / "model.json").write_text(json.dumps(meta))
    with pytest.raises(synthaug.ModelFileError, match="model.json: (a value has the wrong type|'params' is not a map)"):
        synthaug.load(path)


def test_fit_runs_on_n_threads_and_restores_the_setting(images, monkeypatch):
    import synthaug.images.synthesizer as module

    x, codes = images
    seen = []
    train = module.train_image_gan
    monkeypatch.setattr(module, "train_image_gan", lambda *a, **k: (seen.append(torch.get_num_threads()),
                                                                     train(*a, **k))[1])
    before = torch.get_num_threads()
    target = 2 if before == 1 else 1
    ImageCGAN(**TINY, n_threads=target, random_state=0).fit(x, codes)
    ImageCGAN(**TINY, n_threads=None, random_state=0).fit(x, codes)
    assert seen == [target, before] and torch.get_num_threads() == before
    with pytest.raises(ValueError, match="n_threads"):
        ImageCGAN(**TINY, n_threads=0).fit(x, codes)


def test_fitted_weights_are_contiguous(fitted):
    # training runs channels_last; the model keeps (and saves) plain contiguous weights
    model, _ = fitted
    assert all(t.is_contiguous() for t in model.generator_.state_dict().values())


def test_sampling_nothing_is_refused_as_n_0_is(fitted):
    # per_class={first: 0} gave empty arrays, where n=0 was refused
    model, _ = fitted
    first = model.classes_[0]
    with pytest.raises(DataError, match=r"^per_class must ask for at least 1 image in all"):
        model.sample(per_class={first: 0}, random_state=0)
    with pytest.raises(DataError, match=r"^n must be a whole number of images >= 1, got 0"):
        model.sample(n=0, random_state=0)


@pytest.mark.parametrize("option, message", [
    ({"truncation": "x"}, "truncation must be a number > 0"),  # ValueError from float()
    ({"apa_target": [1]}, "apa_target must be in"),  # TypeError from float()
    ({"grid_dir": 5}, "grid_dir must be a folder path"),  # failed at the first grid, mid-training
    ({"betas": ["a", "b"]}, "betas must be two numbers"),
])
def test_wrongly_typed_parameters_are_named_before_training(images, option, message):
    x, codes = images
    with pytest.raises(DataError, match=message):
        ImageCGAN(**{**TINY, **option}).fit(x, codes)


def test_the_progress_bar_ends_with_the_final_diversity(images, monkeypatch):
    # the bar kept the last in-loop check's diversity (step 100 of 150), not the final measurement's
    import contextlib

    from synthaug.images import synthesizer

    statuses = []

    class Bar:
        def advance(self, n=1, status=None):
            statuses.append(status)

    monkeypatch.setattr(synthesizer, "progress_bar", lambda *a: contextlib.nullcontext(Bar()))
    model = ImageCGAN(**{**TINY, "steps": 6, "grid_every": 4}, random_state=0).fit(*images)
    checks = [h["diversity"] for h in model.history_ if "diversity" in h]
    assert len(checks) == 2 and f"{checks[0]:.2f}" != f"{checks[1]:.2f}"  # step 4's and the final one
    assert statuses[-1].endswith(f"diversity {checks[1]:.2f}")


@pytest.mark.parametrize(("params", "tips"), [
    ({}, []),
    ({"augment_p": 0.5, "loss": "wgan-gp"}, ["augment_p=1", "loss='hinge'"]),
])
def test_collapse_warning_suggests_only_settings_the_model_lacks(params, tips):
    model = ImageCGAN(steps=40, **params)
    model.history_ = [{"step": 40, "diversity": 0.1}]
    with pytest.warns(synthaug.SynthaugWarning, match="possible mode collapse") as caught:
        model._warn_if_collapsed()
    message = str(caught[0].message)
    assert "more steps (steps=40 now)" in message
    for tip in ("augment_p=1", "loss='hinge'"):
        assert (tip in message) == (tip in tips)


@pytest.mark.parametrize(("request_", "message"), [
    ({"n": 0}, "n must be a whole number of images >= 1, got 0"),
    ({"balance": True}, "balance must generate at least 1 image; every class already has 6 training images"),
    ({"per_class": {"a": 0}}, "per_class must ask for at least 1 image in all"),
])
def test_an_image_model_counts_its_requests_in_images(fitted, request_, message):
    """An image model's refusals said 'rows' ("every class already has 12 training rows")."""
    with pytest.raises(DataError, match=message):
        fitted[0].sample(**request_)


def test_sample_grid_of_grey_images_is_what_pil_takes(fitted):
    from PIL import Image

    model, _ = fitted
    grid = model.sample_grid(columns=2)
    assert grid.ndim == 2 and grid.dtype == np.uint8  # was (H, W, 1), which fromarray refuses
    assert Image.fromarray(grid).mode == "L"


def test_a_fit_under_torchrun_warns_that_each_process_trains_its_own_image_model(images, monkeypatch, tmp_path):
    """A Python script's ImageCGAN.fit launched by torchrun trained a whole model in every process, silently;
    in a process group every rank then saved to the same folder."""
    import synthaug.images.synthesizer as module
    from synthaug.distributed import DistContext

    x, codes = images
    monkeypatch.setenv("WORLD_SIZE", "2")
    with pytest.warns(synthaug.SynthaugWarning, match=r"^torchrun started 2 processes, but image models train in "
                      r"one: each process trains its own whole model"):
        model = ImageCGAN(**TINY, random_state=0).fit(x, codes)
    monkeypatch.setattr(module, "current_context", lambda: DistContext(rank=1, world_size=2))
    assert model.save(tmp_path / "m") == tmp_path / "m" and not (tmp_path / "m").exists()  # rank 1 writes nothing
