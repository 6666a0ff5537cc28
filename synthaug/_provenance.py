"""What a run read, and with what: the SHA-256 of the files its recipe names (recorded in the resolved
recipe's ``[sha256]`` table and checked when that recipe is run again: a changed file was read
silently), of tables and image sets as given (model.json, report.json, card.json), the versions of the
libraries that compute (model.json, report.json, card.json), and a model directory's
(:func:`model_sha256`), which ``synthaug inspect`` prints to pin a model."""

from __future__ import annotations

import hashlib
import json
import os
import platform
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from ._errors import DataError

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

DIGESTED = ("data.path", "data.test_path", "model.public_schema")
"""The recipe keys that may name a file (or image folder) of the user's; [sha256] holds their digests."""


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes, read in chunks (a table may be gigabytes)."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def folder_sha256(root: Path) -> str:
    """The SHA-256 of an image folder: of the sorted ``relative path NUL file SHA-256`` lines of the
    files ``read_images`` reads (the class folders' images and manifest.csv), so adding, removing,
    renaming or editing one changes it, and other files (a run's folder inside it) do not."""
    from .images.folder import MANIFEST, class_folders, image_files

    with warnings.catch_warnings():  # read_images warns of a skipped model folder itself
        warnings.simplefilter("ignore")
        files = [path for folder in class_folders(root) for path in image_files(folder)]
    files += [root / MANIFEST] if (root / MANIFEST).is_file() else []
    return _files_sha256(root, files)


def model_sha256(folder: str | Path) -> str:
    """One SHA-256 of a model directory: of its ``model.json`` and ``weights.safetensors`` (the files
    loading reads; not ``samples.png``), as :func:`folder_sha256` digests a folder's files. Recorded
    once and compared before a later load, it shows that neither file changed: the weights' own
    SHA-256 in model.json does not, as whoever edits one file can rewrite it."""
    from .persist import META_FILE, WEIGHTS_FILE, user_path

    folder = user_path(folder)
    return _files_sha256(folder, [folder / META_FILE, folder / WEIGHTS_FILE])


def model_bytes_sha256(meta: bytes, weights: bytes) -> str:
    """:func:`model_sha256` of a model directory whose files held these bytes: loading digests the
    bytes it parses, so a file swapped after it was read cannot pass for the pinned one."""
    from .persist import META_FILE, WEIGHTS_FILE

    return _manifest_sha256({META_FILE: hashlib.sha256(meta).hexdigest(),
                             WEIGHTS_FILE: hashlib.sha256(weights).hexdigest()})


def _files_sha256(root: Path, files: list[Path]) -> str:
    """The SHA-256 of the sorted ``relative path NUL file SHA-256`` lines of ``files`` (under ``root``)."""
    return _manifest_sha256({path.relative_to(root).as_posix(): file_sha256(path) for path in files})


def _manifest_sha256(digests: dict[str, str]) -> str:
    """The SHA-256 of the sorted ``relative path NUL SHA-256`` lines of ``{relative path: SHA-256}``."""
    manifest = hashlib.sha256()
    for relative, digest in sorted(digests.items()):
        manifest.update(os.fsencode(relative) + b"\0" + digest.encode() + b"\n")
    return manifest.hexdigest()


def sha256_of(path: Path) -> str:
    """A file's SHA-256, or an image folder's (:func:`folder_sha256`)."""
    return folder_sha256(path) if path.is_dir() else file_sha256(path)


def check_unchanged(recorded: dict[str, str], paths: dict[str, Path], digests: dict[str, str]) -> None:
    """A DataError naming the first file whose SHA-256 is not the one the recipe records."""
    for key, digest in recorded.items():
        if key in digests and digests[key] != digest.lower():
            raise DataError(f"{key}: {paths[key]} changed since the recipe was written (its SHA-256 is "
                            f"{digests[key][:12]}..., [sha256] records {digest[:12]}...); to run on it as it is now, "
                            f"delete \"{key}\" from the recipe's [sha256] or add --set sha256.{key}=null")


def table_digest(frame: pd.DataFrame) -> str:
    """A SHA-256 of a table's contents as pandas hashes them (``hash_pandas_object``, index left out):
    its column names as text and dtypes, in order, and every value, in row order; the same table read
    again has the same digest, whatever file it came from. A column of unhashable values (lists) is
    hashed by their text. What model.json (``training.data_sha256``), report.json (``data_sha256``)
    and card.json (``inputs.table.content_sha256``) record."""
    import pandas as pd

    try:
        hashed = pd.util.hash_pandas_object(frame, index=False)
    except TypeError:  # unhashable cells: fit or evaluate names the column later, if it reads it
        text = {c: str for c, t in frame.dtypes.items() if t.kind == "O"}
        hashed = pd.util.hash_pandas_object(frame.astype(text), index=False)
    header = json.dumps([[str(c), str(t)] for c, t in frame.dtypes.items()]).encode("utf-8")
    return hashlib.sha256(header + hashed.to_numpy().tobytes()).hexdigest()


def images_digest(images: np.ndarray, labels: np.ndarray) -> str:
    """A SHA-256 of an image set as read (uint8 (N, H, W, C) after resizing and channel conversion):
    its shape and dtype, the pixels in image order, and the labels as text in that order."""
    import numpy as np
    import pandas as pd

    digest = hashlib.sha256(json.dumps([list(images.shape), str(images.dtype)]).encode("utf-8"))
    digest.update(memoryview(np.ascontiguousarray(images)).cast("B"))
    digest.update(table_digest(pd.DataFrame({"label": np.asarray(labels).astype(str)})).encode("ascii"))
    return digest.hexdigest()


def library_versions() -> dict[str, str]:
    """The versions of synthaug, Python and the libraries whose numbers a result depends on."""
    import numpy as np
    import pandas as pd
    import sklearn
    import torch

    from . import __version__

    return {"synthaug": __version__, "python": platform.python_version(), "torch": torch.__version__,
            "numpy": np.__version__, "pandas": pd.__version__, "scikit-learn": sklearn.__version__}
