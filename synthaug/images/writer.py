"""Write labeled images: class-subfolder trees with a ``manifest.csv``, or one ``.npz`` with ``x`` and ``y``."""

from __future__ import annotations

import contextlib
import csv
import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from .._errors import DataError
from .._paths import IMAGE_MANIFEST, IMAGE_MANIFEST_HEADER, check_image_output
from ..io import atomic_directory, atomic_path


def safe_name(label) -> str:
    """A folder name for a class label: path separators and leading dots replaced."""
    name = re.sub(r"[\\/:*?\"<>|\x00-\x1f]", "_", str(label)).strip().lstrip(".")
    return name or "_"


class ImageWriter:
    """Write labeled images to ``OUT/<class>/*.png`` + ``manifest.csv``, or one ``.npz``.

    The output appears only when the block ends cleanly (a temporary folder or file is renamed).
    ``.npz`` output is kept in memory until then.
    """

    def __init__(self, path: str | Path, empty: tuple[tuple[int, ...], np.ndarray] | None = None) -> None:
        self.path = Path(path)
        self.empty = empty  # (image shape (S, S, C), classes): the shape and label type of an empty .npz
        self.is_npz = self.path.suffix.lower() == ".npz"
        self.images_written = 0
        self._chunks: list[tuple[np.ndarray, np.ndarray]] = []
        self._folders = ClassFolders()

    def __enter__(self) -> ImageWriter:
        check_image_output(self.path)  # synthaug sample checks it before loading the model too
        self._stack = contextlib.ExitStack()
        self._tmp = self._stack.enter_context(atomic_path(self.path) if self.is_npz
                                              else atomic_directory(self.path, recheck=check_image_output))
        if not self.is_npz:
            manifest = open(self._tmp / IMAGE_MANIFEST, "w", newline="", encoding="utf-8")  # read back as UTF-8
            self._manifest_file = self._stack.enter_context(manifest)
            self._manifest = csv.writer(self._manifest_file)
            self._manifest.writerow(IMAGE_MANIFEST_HEADER)
        return self

    def write(self, images: np.ndarray, labels: np.ndarray) -> None:
        """Add (N, S, S, C) uint8 ``images`` with their ``labels``."""
        if self.is_npz:
            self._chunks.append((images, np.asarray(labels)))
        else:
            for row in _write_pngs(self._tmp, images, labels, self.images_written, self._folders):
                self._manifest.writerow(row)
        self.images_written += len(images)

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None and self.is_npz:
            try:
                self._write_npz()
            except BaseException as error:  # the temporary file goes too
                try:
                    self._stack.__exit__(type(error), error, error.__traceback__)
                except OSError as named:  # the atomic write's error, naming the output
                    error = named
                if isinstance(error, OSError):  # e.g. a full disk
                    raise DataError(f"{self.path}: cannot be written ({error.strerror or error})") from None
                raise
        self._stack.__exit__(exc_type, exc, tb)

    def _write_npz(self) -> None:
        shape, classes = self.empty if self.empty is not None else ((1, 1, 1), np.zeros(0, np.int64))
        images = np.concatenate([c[0] for c in self._chunks]) if self._chunks else np.zeros((0, *shape), np.uint8)
        labels = np.concatenate([c[1] for c in self._chunks]) if self._chunks else np.asarray(classes)[:0]
        with open(self._tmp, "wb") as handle:
            np.savez_compressed(handle, x=images, y=_plain_labels(labels))


class ClassFolders:
    """One folder name per class label: :func:`safe_name`, with ``~2``, ``~3``, ... when two labels
    would share a name ("a/b" and "a_b"; names that differ only in case, for case-insensitive disks)."""

    def __init__(self) -> None:
        self._names: dict[str, str] = {}
        self._taken: set[str] = set()

    def __call__(self, label) -> str:
        key = str(label)
        if key not in self._names:
            base = name = safe_name(label)
            k = 1
            while name.lower() in self._taken:
                k += 1
                name = f"{base}~{k}"
            self._names[key] = name
            self._taken.add(name.lower())
        return self._names[key]


def _write_pngs(root: Path, images: np.ndarray, labels: np.ndarray, start: int,
                folders: ClassFolders) -> Iterator[list[str]]:
    from PIL import Image

    for offset, (image, label) in enumerate(zip(images, labels, strict=True)):
        folder = folders(label)
        name = f"{folder}/{start + offset:07d}.png"
        try:
            (root / folder).mkdir(exist_ok=True)
            Image.fromarray(image[..., 0] if image.shape[-1] == 1 else image).save(root / name)
        except OSError as exc:  # e.g. a label too long for a folder name, the name manifest.csv, a full disk
            raise DataError(f"cannot write the images of class {str(label)[:80]!r} to a folder "
                            f"({exc.strerror or exc}); write an .npz instead") from None
        yield [name, str(label), "true"]


def _plain_labels(labels: np.ndarray) -> np.ndarray:
    """Labels as numbers or fixed-width unicode, so the .npz loads without pickle."""
    labels = np.asarray(labels)
    return labels if labels.dtype.kind in "biuU" else labels.astype(str)


def write_images(path: str | Path, images: np.ndarray, labels) -> Path:
    """Write ``images`` and ``labels`` at once (folder tree + manifest, or ``.npz``)."""
    with ImageWriter(path) as writer:
        writer.write(images, np.asarray(labels))
    return Path(path)
