"""Read and write labeled images: class-subfolder trees and ``.npz`` files with ``x`` and ``y``.

Images travel as ``uint8`` arrays of shape (N, S, S, C) with C = 1 (gray) or 3 (RGB); labels
as a 1-d array. Reading resizes to one square size (8 to 64 px) and one channel count (one
warning line sums up a folder's resizing and channel conversions), skips files that are not
images, and skips unreadable images with a warning naming the file.
"""

from __future__ import annotations

import contextlib
import csv
import re
import warnings
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from .._checks import is_whole
from .._errors import DataError, warn
from .._paths import IMAGE_MANIFEST, IMAGE_MANIFEST_HEADER, IMAGE_SUFFIXES, check_image_output, is_sample_folder
from .._text import quoted
from ..io import atomic_directory, atomic_path
from ..persist import META_FILE
from .grid import is_grid_folder

CHANNELS = ("auto", "gray", "rgb")
MIN_SIZE, MAX_SIZE = 8, 64
MANIFEST = IMAGE_MANIFEST


def read_images(path: str | Path, image_size: int | None = None,
                channels: str = "auto") -> tuple[np.ndarray, np.ndarray]:
    """``(images, labels)`` from a folder of class subfolders or an ``.npz`` with ``x`` and ``y``.

    ``image_size=None`` keeps the most common size (clipped to 8..64); ``channels`` is "gray",
    "rgb", or "auto" (RGB when any image has colour). A folder's labels are its subfolders' names,
    or, for the files a ``manifest.csv`` (file, label) lists, as sampled: ``synthaug sample``'s
    folder names are only safe versions of the labels.
    """
    path = Path(path)
    check_channels(channels)
    if image_size is not None:
        check_image_size(image_size)
    if path.suffix.lower() == ".npz":
        images, labels = read_npz(path)
        return prepare_images(images, image_size, channels, source=str(path)), labels
    if not path.is_dir():
        what = "is not a folder or an .npz file" if path.exists() else "not found"
        raise DataError(f"{path}: {what}; expected a folder with one subfolder per class, or an .npz file")
    return _read_folder(path, image_size, channels)


def read_npz(path: str | Path) -> tuple[np.ndarray, np.ndarray]:
    """Raw ``x`` and ``y`` arrays of an ``.npz`` (no pickled objects are loaded)."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: file not found")
    try:
        with np.load(path, allow_pickle=False) as data:
            missing = [k for k in ("x", "y") if k not in data.files]
            if missing:
                raise DataError(f"{path}: needs arrays 'x' and 'y'; missing {', '.join(missing)} "
                                f"(has {', '.join(data.files) or 'none'})")
            images, labels = data["x"], data["y"]
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, zlib.error) as exc:
        if isinstance(exc, DataError):
            raise
        raise DataError(f"{path}: cannot be read as .npz ({str(exc)[:120]})") from None
    if labels.ndim != 1 or len(labels) != len(images):
        raise DataError(f"{path}: 'y' must be 1-d with one label per image; got shape {labels.shape} "
                        f"for {len(images)} images")
    return images, check_labels(labels, f"{path}: 'y'")


def check_labels(labels, source: str = "y") -> np.ndarray:
    """1-d class labels with none missing (None or NaN is a DataError naming ``source``); bytes,
    dates and labels of mixed types that cannot be sorted (e.g. 1 and "a") become text, so the
    classes can be written to model.json; complex numbers are refused. Float labels that are all whole
    numbers (``y.astype(float)``) become integers, so that fit, sample and evaluate call the class 3,
    not '3.0' (evaluate then refused integer test labels as "not among the training classes")."""
    import pandas as pd

    labels = np.asarray(labels)
    n_missing = int(np.sum(pd.isna(labels))) if labels.dtype.kind in "fcOmM" else 0
    if n_missing:
        raise DataError(f"{source}: {n_missing} of {len(labels)} labels are missing (None or NaN); "
                        "drop those images or give them a class")
    if labels.dtype.kind in "cV":
        raise DataError(f"{source}: labels must be numbers, text or booleans; got dtype {labels.dtype}")
    if labels.dtype.kind == "S":
        return np.char.decode(labels, "utf-8", errors="replace")
    if labels.dtype.kind in "mM":
        return labels.astype(str)
    if labels.dtype.kind == "f" and np.all(np.mod(labels, 1.0) == 0.0) and np.all(np.abs(labels) <= 2.0**53):
        return labels.astype(np.int64)
    if labels.dtype == object:
        try:
            np.unique(labels)
        except TypeError:
            labels = labels.astype(str)
    return labels


def prepare_images(images, image_size: int | None = None, channels: str = "auto",
                   source: str = "X") -> np.ndarray:
    """Validate an array of images and return uint8 (N, S, S, C), resized and converted.

    Accepts (N, H, W), (N, H, W, C) or (N, C, H, W) with C in 1, 3, 4; uint8 (0..255) or
    floats in 0..1.
    """
    x = to_uint8(np.asarray(images), source)
    size = image_size if image_size is not None else default_size([x.shape[1:3]])
    x = convert_channels(x, resolve_channels(channels, has_colour(x)))
    return resize_batch(x, size)


def to_nhwc(x: np.ndarray, source: str = "X") -> np.ndarray:
    """(N, H, W, C) images with C 1 or 3 from (N, H, W), (N, H, W, C) or (N, C, H, W) with C in 1, 3
    or 4 (RGBA: the alpha channel is dropped); values as given. Else a DataError naming ``source``."""
    if x.ndim == 3:
        x = x[..., None]
    if x.ndim != 4:
        raise DataError(f"{source}: expected images of shape (N, H, W), (N, H, W, C) or (N, C, H, W); got {x.shape}")
    if x.shape[-1] not in (1, 3, 4) and x.shape[1] in (1, 3, 4):
        x = x.transpose(0, 2, 3, 1)  # (N, C, H, W) -> (N, H, W, C)
    if x.shape[-1] not in (1, 3, 4):
        raise DataError(f"{source}: images need 1, 3 or 4 channels; got shape {x.shape}")
    return x[..., :3] if x.shape[-1] == 4 else x


def to_uint8(x: np.ndarray, source: str = "X") -> np.ndarray:
    """(N, H, W, C) uint8 from the accepted layouts and value ranges, or a DataError."""
    x = to_nhwc(x, source)
    if len(x) == 0:
        raise DataError(f"{source}: holds no images (shape {x.shape})")
    if x.dtype == np.uint8:
        return np.ascontiguousarray(x)
    if not np.issubdtype(x.dtype, np.number) or np.issubdtype(x.dtype, np.complexfloating):
        raise DataError(f"{source}: images must be numbers; got dtype {x.dtype}")
    if np.issubdtype(x.dtype, np.floating) and not np.isfinite(x).all():
        raise DataError(f"{source}: images contain NaN or infinite values")
    low, high = float(x.min()), float(x.max())
    if np.issubdtype(x.dtype, np.integer) and low >= 0 and high <= 255 and high > 1:
        raise DataError(f"{source}: integer images must have dtype uint8; got {x.dtype} with values "
                        f"{low:g}..{high:g}: use x.astype(np.uint8) if 255 is white, else divide by the "
                        f"maximum ({_scale_hint(high, uint8_said=True)})")
    if low < 0 or high > 1:
        raise DataError(f"{source}: image values must be uint8 (0..255) or floats in 0..1; got range "
                        f"{low:g}..{high:g} (divide by the maximum, {_scale_hint(high)})")
    return np.round(x * 255.0).astype(np.uint8)


def _scale_hint(high: float, uint8_said: bool = False) -> str:
    """An example divisor for images whose maximum is ``high``: digits' 16 only when it could be digits,
    255 for values up to 255 (unless the message already offered ``astype(np.uint8)`` for them)."""
    if high <= 16:
        return "e.g. x / 16 for scikit-learn digits"
    return "e.g. x / 255 for values in 0..255" if high <= 255 and not uint8_said else "e.g. x / x.max()"


def has_colour(x: np.ndarray) -> bool:
    """Whether any pixel of (N, H, W, C) uint8 images differs between channels."""
    return x.shape[-1] == 3 and bool((x[..., 0] != x[..., 1]).any() or (x[..., 1] != x[..., 2]).any())


def resolve_channels(channels: str, colour: bool) -> int:
    return {"gray": 1, "rgb": 3}.get(channels, 3 if colour else 1)


def convert_channels(x: np.ndarray, n_channels: int) -> np.ndarray:
    """(N, H, W, C) uint8 -> (N, H, W, n_channels); colour to gray by ITU-R 601 luma."""
    if x.shape[-1] == n_channels:
        return x
    if n_channels == 3:
        return np.repeat(x, 3, axis=-1)
    luma = x.astype(np.float32) @ np.array([0.299, 0.587, 0.114], np.float32)
    return np.clip(np.round(luma), 0, 255).astype(np.uint8)[..., None]


def resize_batch(x: np.ndarray, size: int) -> np.ndarray:
    """Resize (N, H, W, C) uint8 to (N, size, size, C) with antialiased bilinear filtering."""
    if x.shape[1:3] == (size, size):
        return x
    t = torch.from_numpy(x).permute(0, 3, 1, 2).float()  # (N, C, H, W)
    out = F.interpolate(t, size=(size, size), mode="bilinear", antialias=True, align_corners=False)
    return out.round().clamp(0, 255).to(torch.uint8).permute(0, 2, 3, 1).contiguous().numpy()


def default_size(shapes: Sequence[tuple[int, int]]) -> int:
    """The most common longer side among ``shapes``, clipped to 8..64."""
    common = Counter(max(int(h), int(w)) for h, w in shapes).most_common(1)[0][0]
    return int(min(max(common, MIN_SIZE), MAX_SIZE))


def check_image_size(size) -> int:
    if not is_whole(size) or not MIN_SIZE <= size <= MAX_SIZE:
        raise DataError(f"image_size must be a whole number of pixels from {MIN_SIZE} to {MAX_SIZE}; got {size!r}")
    return int(size)


def check_channels(channels) -> str:
    if channels not in CHANNELS:
        raise DataError(f"channels must be one of {', '.join(CHANNELS)}; got {channels!r}")
    return channels


# ---------------------------------------------------------------- folders
KEEP_PIXELS = 256 * 256 * 3  # larger images are decoded again when resized, so memory stays bounded


def _manifest_labels(root: Path) -> dict[str, str]:
    """``{relative file path: label}`` from a sample folder's ``manifest.csv`` (empty without one).

    The manifest holds the labels as sampled; folder names are only safe versions of them.
    """
    path = root / MANIFEST
    if not path.is_file():
        return {}
    try:
        with open(path, newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise DataError(f"{path}: cannot be read ({exc})") from None
    if not rows or not {"file", "label"} <= set(rows[0]):
        return {}  # not a synthaug manifest: the folder names are the labels
    return {row["file"]: row["label"] for row in rows if row["file"] is not None and row["label"] is not None}


def _read_folder(root: Path, image_size: int | None, channels: str) -> tuple[np.ndarray, np.ndarray]:
    found: list[tuple[Path, np.ndarray | None]] = []  # (file, pixels if small)
    shapes, labels, colour, gray = [], [], [], []
    manifest, listed = _manifest_labels(root), []
    for class_dir in _class_folders(root):
        n_before = len(found)
        files = _image_files(class_dir)
        listed += [path.relative_to(root).as_posix() for path in files]
        for path in files:
            pixels = _open_image(path)
            if pixels is not None:
                found.append((path, pixels if pixels.size <= KEEP_PIXELS else None))
                shapes.append(pixels.shape[:2])
                colour.append(_colour_image(pixels))
                gray.append(pixels.shape[-1] == 1)
        if len(found) == n_before:
            warn(f"{class_dir}: class folder has no readable images; class "
                 f"{class_dir.name!r} skipped")
        labels += [manifest.get(path.relative_to(root).as_posix(), class_dir.name) for path, _ in found[n_before:]]
    if manifest:
        _warn_manifest_mismatch(root, manifest, listed)
    if not found:
        raise DataError(f"{root}: no readable images found; expected one subfolder per class "
                        f"holding {', '.join(sorted(IMAGE_SUFFIXES))} files")
    size = image_size if image_size is not None else default_size(shapes)
    n_channels = resolve_channels(channels, any(colour))
    images = np.stack([_fit_image(_reread(path) if pixels is None else pixels, size, n_channels)
                       for path, pixels in found])  # one file at a time
    summary = conversion_summary(np.asarray(shapes), np.asarray(colour), np.asarray(gray), size, n_channels)
    if summary:
        warn(f"{root}: {summary}")
    _warn_single_images(root, np.asarray(labels))
    return images, np.asarray(labels)


def _class_folders(root: Path) -> list[Path]:
    """The class subfolders of ``root``: not hidden, and not a synthaug model folder (it holds
    model.json), its ``.grids`` folder (``fit DATA -o DATA/model`` put both there) or a sample
    folder (``sample DATA/model -o DATA/samples``), which are skipped with a warning naming them."""
    folders = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        model = folder.with_name(folder.name.removesuffix(".grids"))
        if (folder / META_FILE).is_file() or (folder.name.endswith(".grids") and (
                (model / META_FILE).is_file() or is_grid_folder(folder))) or is_sample_folder(folder):
            what = "model" if folder == model and not is_sample_folder(folder) else (
                "sample" if folder == model else "training-grid")
            warn(f"{folder}: a synthaug {what} folder, not a class; skipped")
            continue
        folders.append(folder)
    return folders


def _warn_manifest_mismatch(root: Path, manifest: dict[str, str], files: list[str]) -> None:
    """One warning when ``manifest.csv`` lists files the folder lacks, or the class folders hold image
    files it does not list (read with their folder's name as the label): either way the folder is not
    the sample that was written (280 images read of 300 sampled; 10 real images counted as synthetic)."""
    missing = sorted(set(manifest) - set(files))
    extra = sorted(set(files) - set(manifest))
    parts = [f"{len(missing)} {'file' if len(missing) == 1 else 'files'} it lists "
             f"{'is' if len(missing) == 1 else 'are'} missing (first: {missing[0]})"] if missing else []
    if extra:
        parts.append(f"{len(extra)} image files are not in it and are read with their folder's name as the "
                     f"label (first: {extra[0]})")
    if parts:
        warn(f"{root / MANIFEST}: {'; '.join(parts)}; the folder is not the sample as written")


def _warn_single_images(root: Path, labels: np.ndarray) -> None:
    """One warning naming the classes with a single image (a stray folder, or too few to learn from)."""
    names, counts = np.unique(labels, return_counts=True)
    single = names[counts == 1]
    if len(single):
        which = f"class {quoted(single)} has" if len(single) == 1 else f"{len(single)} classes ({quoted(single)}) have"
        warn(f"{root}: {which} a single image (a stray folder? too few to learn or measure a class by)")


def conversion_summary(shapes: np.ndarray, colour: np.ndarray, gray: np.ndarray, size: int,
                       n_channels: int) -> str | None:
    """One line on what reading did to the images, or None when they were taken as they are.

    ``shapes`` (N, 2) are the files' (height, width); ``colour`` (N,) marks images whose channels
    differ, ``gray`` (N,) single-channel files. A non-square image is stretched to the square size.
    """
    parts = []
    resized = np.any(shapes != size, axis=1)
    if resized.any():
        stretched = int(np.sum(shapes[:, 0] != shapes[:, 1]))
        parts.append(f"{int(resized.sum())} of {len(shapes)} images resized to {size}x{size}"
                     + (f" ({stretched} stretched: their aspect ratio changed)" if stretched else ""))
    if n_channels == 1 and colour.any():
        parts.append(f"{int(colour.sum())} colour images converted to grayscale")
    if n_channels == 3 and gray.any():
        parts.append(f"{int(gray.sum())} grayscale images converted to RGB")
    return "; ".join(parts) or None


def _reread(path: Path) -> np.ndarray:
    pixels = _open_image(path)
    if pixels is None:
        raise DataError(f"{path}: could not be read a second time (changed while reading?)")
    return pixels


def _image_files(folder: Path) -> list[Path]:
    """Image files in ``folder`` (recursively); other files are ignored."""
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES
                  and not any(part.startswith(".") for part in p.relative_to(folder).parts))


def _open_image(path: Path) -> np.ndarray | None:
    """(H, W, 3) or (H, W, 1) uint8 pixels, upright as viewers show them (EXIF orientation
    applied), or None with a warning for an unreadable file."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(path) as img:
            img.load()
            ImageOps.exif_transpose(img, in_place=True)  # phone photos are often stored sideways
            with warnings.catch_warnings():  # transparency is dropped anyway; Pillow's advice names no file
                warnings.filterwarnings("ignore", "Palette images with Transparency", UserWarning)
                return _pixels(img)
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        warn(f"{path}: not a readable image ({type(exc).__name__}); skipped")
        return None


def _pixels(img) -> np.ndarray:
    if img.mode in ("I", "I;16", "I;16B", "I;16L", "F"):
        arr = np.asarray(img, dtype=np.float64)
        if not np.isfinite(arr).all():
            raise ValueError("NaN or infinite pixels")
        if img.mode == "F" and arr.min() >= 0 and arr.max() <= 1:
            scale = 1.0  # float images in 0..1, as in an .npz
        else:
            scale = 65535.0 if img.mode.startswith("I") and arr.max() > 255 else max(float(arr.max()), 255.0)
        return np.clip(np.round(arr / scale * 255.0), 0, 255).astype(np.uint8)[..., None]
    if img.mode in ("1", "L", "LA", "P") and not (img.mode == "P" and _palette_has_colour(img)):
        return np.asarray(img.convert("L"), dtype=np.uint8)[..., None]
    return np.asarray(img.convert("RGB"), dtype=np.uint8)


def _palette_has_colour(img) -> bool:
    rgb = np.asarray(img.convert("RGB"))
    return bool((rgb[..., 0] != rgb[..., 1]).any() or (rgb[..., 1] != rgb[..., 2]).any())


def _colour_image(pixels: np.ndarray) -> bool:
    return has_colour(pixels[None])


def _fit_image(pixels: np.ndarray, size: int, n_channels: int) -> np.ndarray:
    """Resize one (H, W, C) image with Pillow (antialiased) and convert its channels."""
    from PIL import Image

    x = convert_channels(pixels[None], n_channels)[0]
    if x.shape[:2] != (size, size):
        mode = "L" if n_channels == 1 else "RGB"
        img = Image.fromarray(x[..., 0] if n_channels == 1 else x, mode=mode)
        x = np.asarray(img.resize((size, size), Image.Resampling.BILINEAR), dtype=np.uint8)
        x = x[..., None] if n_channels == 1 else x
    return x


def safe_name(label) -> str:
    """A folder name for a class label: path separators and leading dots replaced."""
    name = re.sub(r"[\\/:*?\"<>|\x00-\x1f]", "_", str(label)).strip().lstrip(".")
    return name or "_"


# ---------------------------------------------------------------- writing
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
            manifest = open(self._tmp / MANIFEST, "w", newline="", encoding="utf-8")  # read back as UTF-8
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
