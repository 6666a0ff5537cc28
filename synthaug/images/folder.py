"""Read labeled images: class-subfolder trees and ``.npz`` files with ``x`` and ``y``.

Images come back as ``uint8`` arrays of shape (N, S, S, C) with C = 1 (gray) or 3 (RGB), labels
as a 1-d array (:mod:`.arrays`). Reading resizes to one square size (8 to 64 px) and one channel
count (one warning line sums up a folder's resizing and channel conversions), skips files that
are not images, and skips unreadable images with a warning naming the file. 16- and 32-bit integer
images share one scale, set by the folder's bit depth (:func:`.arrays.bit_depth`); float images must hold
0..1. Writing is in :mod:`.writer`.
"""

from __future__ import annotations

import csv
import os
import re
import unicodedata
import warnings
from pathlib import Path

import numpy as np

from .._errors import DataError, warn
from .._paths import IMAGE_MANIFEST, IMAGE_SUFFIXES, OS_FOLDERS, TABLE_SUFFIXES, is_sample_folder, table_suffix
from .._text import counted, quoted
from ..persist import META_FILE
from .arrays import (
    bit_depth,
    check_channels,
    check_image_size,
    convert_channels,
    default_size,
    has_colour,
    prepare_images,
    resolve_channels,
    warn_conversions,
)
from .bit_scale import deep_scale
from .formats import split_unreadable, warn_frames, warn_unreadable
from .grid import is_grid_folder
from .npz import ONE_ARRAY, read_npz, save_hint

MANIFEST = IMAGE_MANIFEST


def read_images(path: str | Path, image_size: int | None = None,
                channels: str = "auto") -> tuple[np.ndarray, np.ndarray]:
    """``(images, labels)`` from a folder of class subfolders or an ``.npz`` with ``x`` and ``y``.

    ``image_size=None`` keeps the most common size (clipped to 8..64); ``channels`` is "gray",
    "rgb", or "auto" (RGB when any image has colour). A folder's labels are its subfolders' names (in
    Unicode's NFC form, as Linux and Windows write them; macOS's NFD names are composed),
    or, for the files a ``manifest.csv`` (file, label) lists, as sampled: ``synthaug sample``'s
    folder names are only safe versions of the labels. A ``~`` in ``path`` is the home folder.
    """
    path = Path(path).expanduser()
    check_channels(channels)
    if image_size is not None:
        check_image_size(image_size)
    if path.suffix.lower() == ".npy":
        raise DataError(f"{path}: {ONE_ARRAY}; {save_hint(path)}")
    if path.suffix.lower() == ".npz":
        images, labels = read_npz(path)
        return prepare_images(images, image_size, channels, source=str(path)), labels
    if not path.is_dir():
        what = "is not a folder or an .npz file" if path.exists() else "not found"
        raise DataError(f"{path}: {what}; expected a folder with one subfolder per class, or an .npz file")
    return _read_folder(path, image_size, channels)


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
    return {nfc(row["file"]): row["label"] for row in rows if row["file"] is not None and row["label"] is not None}


def _read_folder(root: Path, image_size: int | None, channels: str) -> tuple[np.ndarray, np.ndarray]:
    found: list[tuple[Path, np.ndarray | None]] = []  # (file, pixels if small)
    shapes, labels, colour, gray, peaks = [], [], [], [], []
    manifest, listed, unreadable, frames, links, dangling = _manifest_labels(root), [], {}, [], [], []
    _warn_top_level_images(root)
    for class_dir in class_folders(root):
        n_before = len(found)
        files, class_links, class_dangling = _scan(class_dir)
        files, skipped = split_unreadable(files)
        links += class_links
        dangling += class_dangling
        for kind, paths in skipped.items():
            unreadable.setdefault(kind, []).extend(paths)
        listed += [nfc(path.relative_to(root).as_posix()) for path in files]
        for path in files:
            pixels = _open_image(path, frames)
            if pixels is not None:
                found.append((path, pixels if pixels.size <= KEEP_PIXELS else None))
                shapes.append(pixels.shape[:2])
                colour.append(_colour_image(pixels))
                gray.append(pixels.shape[-1] == 1)
                peaks.append(-1 if pixels.dtype == np.uint8 else int(pixels.max()))  # -1: an 8-bit image
        if len(found) == n_before:
            warn(f"{class_dir}: class folder has no readable images; class "
                 f"{class_dir.name!r} skipped")
        labels += [manifest.get(nfc(path.relative_to(root).as_posix()), nfc(class_dir.name))
                   for path, _ in found[n_before:]]
    warn_unreadable(root, unreadable)
    _warn_linked_folders(root, links)
    _warn_dangling(root, dangling)
    warn_frames(root, frames)
    if manifest:
        _warn_manifest_mismatch(root, manifest, listed)
    if not found:
        tables = sorted(p.name for p in root.iterdir() if p.is_file() and table_suffix(p) in TABLE_SUFFIXES)
        hint = f"; it holds {', '.join(tables[:3])}: give the table's path to read a table" if tables else ""
        raise DataError(f"{root}: no readable images found; expected one subfolder per class "
                        f"holding {', '.join(sorted(IMAGE_SUFFIXES))} files{hint}")
    size = image_size if image_size is not None else default_size(shapes)
    n_channels = resolve_channels(channels, any(colour))
    divisor = deep_scale(root, np.asarray(peaks))
    images = np.stack([_fit_image(_to_8bit(_reread(path) if pixels is None else pixels, divisor), size, n_channels)
                       for path, pixels in found])  # one file at a time
    names = [path.relative_to(root).as_posix() for path, _ in found] if channels == "auto" else None
    warn_conversions(str(root), np.asarray(shapes), np.asarray(colour), np.asarray(gray), size, n_channels,
                     chosen=image_size is None, names=names, auto_channels=channels == "auto")
    _warn_single_images(root, np.asarray(labels))
    return images, np.asarray(labels)


def nfc(name: str) -> str:
    """``name`` in Unicode's composed form (NFC): macOS gives file names decomposed (NFD, e + a combining
    accent), so a training folder from a Mac and a test folder from Linux had different-looking-alike labels."""
    return unicodedata.normalize("NFC", name)


def class_folders(root: Path) -> list[Path]:
    """The class subfolders of ``root``: not hidden, and not a synthaug model folder (it holds
    model.json), its ``.grids`` folder (``fit DATA -o DATA/model`` put both there) or a sample
    folder (``sample DATA/model -o DATA/samples``), which are skipped with a warning naming them;
    nor an OS's metadata folder (``__MACOSX``, left by macOS's zip), skipped silently like hidden ones."""
    folders = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not _skipped(p.name)):
        model = folder.with_name(folder.name.removesuffix(".grids"))
        if (folder / META_FILE).is_file() or (folder.name.endswith(".grids") and (model / META_FILE).is_file()) \
                or is_grid_folder(folder) or is_sample_folder(folder):  # a marked grid folder of any name too
            what = "model" if (folder / META_FILE).is_file() else "sample" if is_sample_folder(folder) else \
                "training-grid"
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


def _to_8bit(pixels: np.ndarray, divisor: int | None) -> np.ndarray:
    """uint8 pixels; a 16/32-bit integer image divided by the folder's ``divisor`` (:func:`.bit_scale.deep_scale`)."""
    if pixels.dtype == np.uint8:
        return pixels
    return np.clip(np.round(pixels * (255.0 / divisor)), 0, 255).astype(np.uint8)


def _warn_top_level_images(root: Path) -> None:
    """One warning naming the images at the top of ``root``, outside every class folder: they have no
    class, and are not read."""
    top = sorted(p.name for p in root.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES
                 and not _skipped(p.name))
    if top:
        one = len(top) == 1
        it, which = ("it", top[0]) if one else ("them", f"{len(top)} images (first: {top[0]})")
        warn(f"{root}: {which} {'is' if one else 'are'} outside every class folder, so "
             f"{'it has' if one else 'they have'} no class; skipped (move {it} into a class folder to read {it})")


def _reread(path: Path) -> np.ndarray:
    pixels = _open_image(path, quiet=True)
    if pixels is None:
        raise DataError(f"{path}: could not be read a second time (changed while reading?)")
    return pixels


def image_files(folder: Path) -> list[Path]:
    """Image files in ``folder`` (recursively); other files, and files under hidden or OS metadata
    folders (``._x.png``, ``__MACOSX/``), are ignored."""
    return _scan(folder)[0]


def _scan(folder: Path) -> tuple[list[Path], list[Path], list[Path]]:
    """:func:`image_files` of ``folder``; the links to folders within it, which are not followed: a link
    in class folder 0 to ../1 would have read class 1's images as class 0 (a linked class folder is followed);
    and the links named as images whose target is missing."""
    entries = [p for p in folder.rglob("*") if not any(_skipped(part) for part in p.relative_to(folder).parts)]
    files = sorted(p for p in entries if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)
    dangling = sorted(p for p in entries if p.is_symlink() and not p.exists() and p.suffix.lower() in IMAGE_SUFFIXES)
    return files, sorted(p for p in entries if p.is_symlink() and p.is_dir()), dangling


def _warn_dangling(root: Path, dangling: list[Path]) -> None:
    """One warning naming the image links whose target is missing (they were skipped without a word)."""
    if dangling:
        names = ", ".join(f"{p.relative_to(root).as_posix()} -> {os.readlink(p)}" for p in dangling[:3])
        warn(f"{root}: {counted(len(dangling), 'link')} to a missing image skipped ({names}"
             f"{', …' if len(dangling) > 3 else ''})")


def _warn_linked_folders(root: Path, links: list[Path]) -> None:
    """One warning naming the links to folders inside class folders, which are not followed."""
    if links:
        names = ", ".join(link.relative_to(root).as_posix() for link in links[:3]) + (", …" if len(links) > 3 else "")
        warn(f"{root}: {counted(len(links), 'link')} to a folder inside a class folder not followed ({names}): its "
             "images would take the class folder's name; copy the images in, or link the class folder itself")


def _skipped(name: str) -> bool:
    """Whether a file or folder of this name is skipped silently: hidden, or an OS's metadata folder."""
    return name.startswith(".") or name in OS_FOLDERS


def _open_image(path: Path, frames: list[tuple[Path, int]] | None = None, quiet: bool = False) -> np.ndarray | None:
    """(H, W, 3) or (H, W, 1) uint8 pixels, upright as viewers show them (EXIF orientation
    applied), or None with a warning for an unreadable file. A 16- or 32-bit integer image comes as
    its own (H, W, 1) values, which the folder scales alike (:func:`.bit_scale.deep_scale`). Of a file
    of several frames the first is read, and ``(path, frame count)`` appended to ``frames``. An image over
    Pillow's pixel limit is read with a warning naming it (unless ``quiet``: read again), over twice the
    limit skipped with one (Pillow's own warning named no file, and came again on the second read)."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            img = Image.open(path)
        with img:
            img.load()
            if not quiet and Image.MAX_IMAGE_PIXELS and img.width * img.height > Image.MAX_IMAGE_PIXELS:
                warn(f"{path}: a large image ({_over_limit(img.width * img.height, 1)}); read anyway, slowly: "
                     "downscale it (images are trained at 8 to 64 px)")
            if frames is not None and getattr(img, "n_frames", 1) > 1:
                frames.append((path, img.n_frames))
            ImageOps.exif_transpose(img, in_place=True)  # phone photos are often stored sideways
            with warnings.catch_warnings():  # transparency is dropped anyway; Pillow's advice names no file
                warnings.filterwarnings("ignore", "Palette images with Transparency", UserWarning)
                return _pixels(img, path)
    except DataError:
        raise
    except Image.DecompressionBombError as exc:
        pixels = re.search(r"\((\d+) pixels\)", str(exc))
        warn(f"{path}: too large to read{'' if pixels is None else f' ({_over_limit(int(pixels[1]), 2)})'}; "
             "skipped: downscale it (images are trained at 8 to 64 px)")
        return None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        warn(f"{path}: not a readable image ({type(exc).__name__}); skipped")
        return None


def _over_limit(pixels: int, times: int) -> str:
    """``pixels`` against ``times`` Pillow's decompression-bomb limit, as a message says it."""
    from PIL import Image

    limit = f"{'twice ' if times == 2 else ''}Pillow's limit of {Image.MAX_IMAGE_PIXELS:,}"
    return f"{pixels:,} pixels, over {limit}, PIL.Image.MAX_IMAGE_PIXELS"


def _pixels(img, path: Path) -> np.ndarray:
    """uint8 pixels, or a 16/32-bit integer image's own values (uint16 or int64); a float image
    (mode F) holding values outside 0..1 is a DataError naming ``path`` and the fix."""
    if img.mode.startswith("I"):  # I;16, I;16B, I;16L (16-bit PNG and TIFF), I (32-bit)
        arr = np.asarray(img)
        if arr.min() < 0:
            raise DataError(f"{path}: a 32-bit integer image with negative values ({int(arr.min())}); save the "
                            "images as 8- or 16-bit, with 0 black")
        return (arr.astype(np.uint16) if arr.max() < 2**16 else arr.astype(np.int64))[..., None]
    if img.mode == "F":
        arr = np.asarray(img, dtype=np.float64)
        if not np.isfinite(arr).all():
            raise ValueError("NaN or infinite pixels")
        if arr.min() < 0 or arr.max() > 1:
            bits = bit_depth(int(np.ceil(arr.max()))) if arr.min() >= 0 and arr.max() < 2**32 else None
            how = (f"divided by the full scale of their bit depth (e.g. x / {2**bits - 1} for {bits}-bit data)"
                   if bits else "scaled to 0..1")
            raise DataError(f"{path}: a float image with values {arr.min():g}..{arr.max():g}; float images are read "
                            f"as 0..1 (1 white): save them {how}, or as 16-bit integers (np.uint16)")
        return np.round(arr * 255.0).astype(np.uint8)[..., None]  # float images in 0..1, as in an .npz
    if img.mode in ("1", "L", "LA", "P") and not (img.mode == "P" and _palette_has_colour(img)):
        return np.asarray(img.convert("L"), dtype=np.uint8)[..., None]
    return np.asarray(img.convert("RGB"), dtype=np.uint8)


def _palette_has_colour(img) -> bool:
    """Whether a palette image's colours are colour by :func:`.arrays.has_colour` (compression noise is not)."""
    return has_colour(np.asarray(img.convert("RGB"))[None])


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
