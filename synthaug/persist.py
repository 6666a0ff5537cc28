"""Model directories: ``model.json`` (format version, params, schema, scalars) and
``weights.safetensors`` (weights and arrays). No pickle; loading never executes code.

torch and safetensors are imported by the functions that read or write weights, so the CLI can check a
model folder (:func:`read_meta`) and an output path before those imports (~5 s)."""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ._checks import is_whole
from ._errors import DataError, ModelFileError, warn
from ._folder_replace import atomic_directory
from ._paths import check_output_folder
from ._provenance import file_sha256
from ._text import PYTHON, options_named_for, shown

if TYPE_CHECKING:
    import torch

FORMAT_VERSION = 1
META_FILE = "model.json"
WEIGHTS_FILE = "weights.safetensors"
GRID_FILE = "samples.png"  # an image model's sample grid, written beside its weights
MODEL_FILES = frozenset({META_FILE, WEIGHTS_FILE, GRID_FILE})  # all a model folder holds: a refit replaces them


def _version() -> str:
    from . import __version__

    return __version__


def user_path(path: str | Path) -> Path:
    """``path`` with a leading ``~`` or ``~user`` expanded, as a shell expands it: ``model.save("~/m")``
    made a folder named ``~`` in the current one. The one place the Python API's save, load and
    ``write_sample`` paths pass through; ``~nosuchuser`` stays as written, as in a shell."""
    try:
        return Path(path).expanduser()
    except RuntimeError:  # no such user, or no home directory
        return Path(path)


def check_model_path(path: str | Path) -> Path:
    """``path`` (``~`` expanded) if a model directory may be written there (new, empty, or a model
    directory), else a ModelFileError; ``synthaug fit`` calls it before training, not only when saving."""
    return check_output_folder(user_path(path), lambda p: (p / META_FILE).exists(),
                               "exists and is not a synthaug model directory; choose another path", ModelFileError,
                               own_files=lambda _: MODEL_FILES)


def save_model(path: str | Path, model_type: str, meta: dict, tensors: dict[str, torch.Tensor | np.ndarray]) -> Path:
    """Write a model directory atomically; ``meta`` must be JSON-serialisable."""
    import torch
    from safetensors.torch import save_file

    path = check_model_path(path)
    tensors = {k: torch.from_numpy(v.copy(order="C")) if isinstance(v, np.ndarray)  # safetensors refuses views
               else v.detach().cpu().contiguous() for k, v in tensors.items()}
    with atomic_directory(path) as tmp:
        _save_weights(save_file, tensors, tmp / WEIGHTS_FILE)
        digest = file_sha256(tmp / WEIGHTS_FILE)
        document = {
            "format_version": FORMAT_VERSION,
            "synthaug_version": _version(),
            "model_type": model_type,
            "weights_sha256": digest,
            **meta,
        }
        if isinstance(meta.get("params"), dict):  # JSON has arrays only: which params were tuples
            document["tuple_params"] = sorted(k for k, v in meta["params"].items() if isinstance(v, tuple))
        (tmp / META_FILE).write_text(json.dumps(document, indent=1, allow_nan=True))
    return path


def _save_weights(save_file, tensors: dict, file: Path) -> None:
    """safetensors' ``save_file``, its write errors (a full disk: ``SafetensorError ... os error 28``) as
    the OSError they are, which the atomic write names after the output and the CLI puts in one line."""
    from safetensors import SafetensorError

    try:
        save_file(tensors, str(file))
    except SafetensorError as exc:
        found = re.search(r"os error (\d+)", str(exc))
        if found is None:
            raise
        code = int(found.group(1))
        raise OSError(code, os.strerror(code), str(file)) from None


def load_model(path: str | Path) -> tuple[dict, dict[str, torch.Tensor]]:
    """Read and check a model directory (``~`` expanded): (meta dict, tensors). Errors name the file."""
    meta, tensors, _ = load_model_digested(path)
    return meta, tensors


def load_model_digested(path: str | Path) -> tuple[dict, dict[str, torch.Tensor], str]:
    """:func:`load_model` and the :func:`~synthaug._provenance.model_sha256` of the bytes it parsed: each
    file is read once, so what is checked against a pinned digest is what was loaded."""
    from safetensors import SafetensorError
    from safetensors.torch import load

    from ._provenance import model_bytes_sha256

    path = user_path(path)
    meta_text = _meta_bytes(path)
    meta, weights_path = read_meta(path, meta_text), path / WEIGHTS_FILE
    if not weights_path.is_file():
        raise ModelFileError(f"{path}: {WEIGHTS_FILE} is missing")
    try:
        weights = weights_path.read_bytes()
    except OSError as exc:
        raise ModelFileError(f"{weights_path}: cannot be read ({exc.strerror or exc})") from None
    if hashlib.sha256(weights).hexdigest() != meta.get("weights_sha256"):
        raise ModelFileError(f"{weights_path}: checksum does not match {META_FILE}; the file was modified")
    try:
        tensors = load(weights)
    except SafetensorError as exc:
        raise ModelFileError(f"{weights_path}: cannot be read ({exc})") from None
    return meta, tensors, model_bytes_sha256(meta_text, weights)


def _meta_bytes(path: Path) -> bytes:
    """``model.json``'s bytes, or a ModelFileError saying why the folder holds none."""
    meta_path = path / META_FILE
    if not path.exists():
        raise ModelFileError(f"{path}: not found")
    if not path.is_dir() or not meta_path.is_file():
        raise ModelFileError(f"{path}: not a synthaug model directory (no {META_FILE})")
    return meta_path.read_bytes()


def read_meta(path: str | Path, text: bytes | None = None) -> dict:
    """A model directory's checked ``model.json`` (format version, model type), without its weights;
    ``text``: the file's bytes, when already read. Errors name the file."""
    path = user_path(path)
    meta_path = path / META_FILE
    if text is None:
        text = _meta_bytes(path)
    try:
        meta = json.loads(text.decode())
    except json.JSONDecodeError as exc:  # where: a cut-short file said only "Unterminated string starting at"
        raise ModelFileError(f"{meta_path}: not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno}; "
                             "a file cut short, or edited by hand?)") from None
    except UnicodeDecodeError as exc:
        raise ModelFileError(f"{meta_path}: not valid JSON (not UTF-8 text: byte {exc.start})") from None
    version = meta.get("format_version") if isinstance(meta, dict) else None
    if not isinstance(version, int) or isinstance(version, bool):
        raise ModelFileError(f"{meta_path}: no format_version; not a synthaug model file")
    if version < 1:
        raise ModelFileError(f"{meta_path}: format_version {version} is not one synthaug ever wrote")
    if version > FORMAT_VERSION:
        raise ModelFileError(
            f"{path}: model format version {version} is newer than this synthaug supports "
            f"({FORMAT_VERSION}); it was written by synthaug {meta.get('synthaug_version')}: upgrade synthaug"
        )
    for key in ("model_type", "synthaug_version"):
        field(meta, key, ok=lambda v: isinstance(v, str), expected="text", where=str(meta_path))
    return meta


def known_params(meta: dict, names: list[str], where: str = META_FILE, defaults: dict | None = None) -> dict:
    """``meta["params"]`` limited to ``names`` (the class's constructor parameters); the others,
    from a newer synthaug of the same format version or a hand edit, are named in a warning.

    JSON arrays come back as the tuples they were saved as (``tuple_params``; in files from before
    it was recorded, where the constructor's default in ``defaults`` is a tuple), so a loaded
    model's ``get_params()`` equals the saved one's."""
    params = require(meta, "params", where=where)
    if not isinstance(params, dict):
        raise ModelFileError(f"{where}: 'params' is not a mapping")
    unknown = sorted(set(map(str, params)) - set(names))
    if unknown:
        warn(f"{where}: parameter(s) {', '.join(unknown)} unknown to this synthaug {_version()} were "
             f"ignored (a model from a newer synthaug, or an edited file)")
    tuples = _tuple_params(meta, defaults or {}, where)
    out = {k: tuple(v) if k in tuples and isinstance(v, list) else v for k, v in params.items() if k in names}
    seed = out.get("random_state")
    if isinstance(seed, str) and is_stored_seed(seed):  # json_params wrote it as text, as json_seed does
        out["random_state"] = int(seed)
    return out


def _tuple_params(meta: dict, defaults: dict, where: str) -> set[str]:
    """The names of the params saved as tuples: model.json's ``tuple_params``, or (older files) those
    whose constructor default is a tuple."""
    if "tuple_params" not in meta:
        return {k for k, v in defaults.items() if isinstance(v, tuple)}
    names = field(meta, "tuple_params", ok=lambda v: isinstance(v, list) and all(isinstance(n, str) for n in v),
                  expected="a list of parameter names", where=where)
    return set(names)


def require(meta: dict, *keys: str, where: str = META_FILE):
    """``meta[k1][k2]...`` or a ModelFileError naming the missing key."""
    node = meta
    for i, key in enumerate(keys):
        if not isinstance(node, dict) or key not in node:
            raise ModelFileError(f"{where}: missing {'.'.join(keys[: i + 1])!r}")
        node = node[key]
    return node


def field(meta: dict, *keys: str, ok: Callable[[Any], bool], expected: str, where: str = META_FILE):
    """``require(meta, *keys)`` if ``ok`` holds for it, else a ModelFileError naming the field and what
    was ``expected``."""
    value = require(meta, *keys, where=where)
    if not ok(value):
        raise ModelFileError(f"{where}: {'.'.join(keys)} must be {expected}; got {shown(value)}")
    return value


@contextmanager
def checked_as(name: str, where: str = META_FILE) -> Iterator[None]:
    """Turn a DataError from a check shared with ``fit`` (run inside), or a ModelFileError that names
    no file, into a ModelFileError naming ``where`` and the field ``name``. Within it, messages name
    parameters by their keys in the file (``epochs``, not ``--epochs``)."""
    try:
        with options_named_for(PYTHON):
            yield
    except (DataError, ModelFileError) as exc:
        raise ModelFileError(f"{where}: {name}: {exc}") from None


DP_DIGEST = "not recorded: differential privacy (a digest of the training data would not be private)"


def fit_record(model) -> dict:
    """model.json's ``training.data_sha256`` (what the model was fitted on: ``fit``'s table or images as
    it read them, :mod:`synthaug._provenance`; under DP :data:`DP_DIGEST`: knowing all rows but one, the
    digest would tell which candidate the last one is) and ``training.versions`` (synthaug, Python,
    torch, numpy, pandas, scikit-learn at ``fit``); a model loaded from a file without them writes none."""
    digest = getattr(model, "data_sha256_", None)
    record = {"data_sha256": DP_DIGEST if digest and getattr(model, "privacy_", None) else digest,
              "versions": getattr(model, "versions_", None)}
    return {k: v for k, v in record.items() if v is not None}


def read_fit_record(meta: dict) -> tuple[str | None, dict[str, str] | None]:
    """(``training.data_sha256``, ``training.versions``), each None in files from before they were recorded."""
    training = field(meta, "training", ok=lambda v: isinstance(v, dict), expected="a mapping")
    digest = versions = None
    if "data_sha256" in training:
        digest = field(meta, "training", "data_sha256", expected=f"64 hexadecimal digits or {DP_DIGEST!r}",
                       ok=lambda v: v == DP_DIGEST or (isinstance(v, str) and re.fullmatch(r"[0-9a-f]{64}", v)))
    if "versions" in training:
        versions = dict(field(meta, "training", "versions", expected="a mapping of names to version text",
                              ok=lambda v: isinstance(v, dict) and all(isinstance(x, str) for x in v.values())))
    return digest, versions


def read_threads(meta: dict) -> int | None:
    """``training.threads``, torch's thread count during ``fit`` (a fit's bytes depend on it); None in
    files from before it was recorded."""
    if "threads" not in field(meta, "training", ok=lambda v: isinstance(v, dict), expected="a mapping"):
        return None
    return int(field(meta, "training", "threads", ok=lambda v: is_whole(v) and v >= 1, expected="a count >= 1"))


JSON_SAFE_INT = 2**53 - 1  # the largest integer every JSON reader keeps exactly (JavaScript, jq: doubles)
SEED_EXPECTED = "a whole number from 0 to 2**64 - 1 (as text above 2**53 - 1)"


def json_seed(seed: int) -> int | str:
    """A seed for model.json: a JSON integer, or text when a reader that parses numbers as doubles
    would round it (a drawn seed, ``random_state=None``, is 63 bits): a seed read back by such a tool
    would silently reproduce another model. Files before 0.x held every seed as text."""
    return int(seed) if 0 <= seed <= JSON_SAFE_INT else str(seed)


def is_stored_seed(value) -> bool:
    """Whether model.json's ``seed`` is one :func:`json_seed` wrote (or an older file's text)."""
    if isinstance(value, str):
        return value.isascii() and value.isdecimal() and int(value) < 2**64
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**64


def json_params(params: dict) -> dict:
    """``get_params()`` as JSON values: a Generator or RandomState as None (its draw is ``seed``), an integer
    ``random_state`` as :func:`json_seed` writes a seed (text above 2**53 - 1), paths as text; tuples stay
    tuples (JSON arrays, which :func:`save_model` records as ``tuple_params``)."""
    out = {}
    for key, value in params.items():
        if isinstance(value, np.random.Generator | np.random.RandomState):
            value = None
        elif key == "random_state" and isinstance(value, int | np.integer) and not isinstance(value, bool):
            value = json_seed(int(value)) if value > 0 else int(value)
        elif isinstance(value, Path):
            value = str(value)
        out[key] = value
    return out
