"""Read an ``.npz`` of images ``x`` and labels ``y`` without unpickling anything (:func:`read_npz`)."""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path
from textwrap import shorten

import numpy as np

from .._errors import DataError, warn
from .arrays import check_labels, column_to_1d


def read_npz(path: str | Path) -> tuple[np.ndarray, np.ndarray]:
    """Raw ``x`` and ``y`` arrays of an ``.npz`` (no pickled objects are loaded)."""
    path = Path(path).expanduser()
    if not path.is_file():
        raise DataError(f"{path}: file not found")
    with open(path, "rb") as handle:
        start = handle.read(6)
    if not start.startswith(b"PK"):  # not a zip, even a damaged one: np.load tried a pickle, advising allow_pickle
        what = ONE_ARRAY if start == b"\x93NUMPY" else "an .npz is a zip archive written by np.savez"
        raise DataError(f"{path}: not an .npz file ({what}); {save_hint(path)}")
    _warn_if_large(path)
    try:
        with np.load(path, allow_pickle=False) as data:
            missing = [k for k in ("x", "y") if k not in data.files]
            if missing:
                raise DataError(f"{path}: needs arrays 'x' and 'y'; missing {', '.join(missing)} "
                                f"(has {', '.join(data.files) or 'none'})")
            images, labels = _npz_array(data, "x", path), column_to_1d(_npz_array(data, "y", path))
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, zlib.error) as exc:
        if isinstance(exc, DataError):
            raise
        raise DataError(f"{path}: cannot be read as .npz ({shorten(str(exc), 120, placeholder=' ...')})") from None
    if labels.ndim != 1 or len(labels) != len(images):
        raise DataError(f"{path}: 'y' must be 1-d with one label per image; got shape {labels.shape} "
                        f"for {len(images)} images")
    return images, check_labels(labels, f"{path}: 'y'")


ONE_ARRAY = "a .npy holds one array"
LARGE_NPZ = 2 * 1024**3
"""Bytes of images (``x`` uncompressed) above which reading an .npz warns first: a 0.6 MB file of blank
images held 614 MB, and a fit needs about five times the images' size (a float32 copy to train on)."""


def _warn_if_large(path: Path) -> None:
    """Warn, before loading, when the .npz's ``x`` is over :data:`LARGE_NPZ` bytes uncompressed (its zip
    entry says so); a damaged archive is left to ``np.load`` to name."""
    try:
        with zipfile.ZipFile(path) as archive:
            size = archive.getinfo("x.npy").file_size
    except (KeyError, OSError, zipfile.BadZipFile):
        return
    if size > LARGE_NPZ:
        warn(f"{path}: 'x' holds {size / 1e9:.1f} GB of images uncompressed ({size / max(path.stat().st_size, 1):,.0f} "
             f"times the file's size); training on them needs about five times that in memory")


def save_hint(path: Path) -> str:
    return f"save images and labels together with np.savez({str(path.with_suffix('.npz'))!r}, x=..., y=...)"


OBJECT_FIX = {"x": "x=np.stack(x)", "y": "y=np.asarray(y, dtype=str)"}


def _npz_array(data, key: str, path: Path) -> np.ndarray:
    """``data[key]``, or a DataError when it is an object array (pandas' text labels, ``.values``), which
    loading would unpickle: naming the array and how to save it instead."""
    try:
        return data[key]
    except ValueError as exc:
        if "allow_pickle" not in str(exc):
            raise
        raise DataError(f"{path}: {key!r} is an object array, which synthaug does not load (it would need "
                        f"pickle); save it with {OBJECT_FIX[key]}") from None
