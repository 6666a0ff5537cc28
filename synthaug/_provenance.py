"""What a run read: the SHA-256 of the files its recipe names, recorded in the resolved recipe's
``[sha256]`` table and checked when that recipe is run again (a changed file was read silently);
and a model directory's (:func:`model_sha256`), which ``synthaug inspect`` prints to pin a model."""

from __future__ import annotations

import hashlib
import os
import warnings
from pathlib import Path

from ._errors import DataError

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


def _files_sha256(root: Path, files: list[Path]) -> str:
    """The SHA-256 of the sorted ``relative path NUL file SHA-256`` lines of ``files`` (under ``root``)."""
    manifest = hashlib.sha256()
    for relative, path in sorted((path.relative_to(root).as_posix(), path) for path in files):
        manifest.update(os.fsencode(relative) + b"\0" + file_sha256(path).encode() + b"\n")
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
