"""Check and convert image arrays and their labels.

Images travel as ``uint8`` arrays of shape (N, S, S, C) with C = 1 (gray) or 3 (RGB); labels
as a 1-d array. Arrays given in other layouts (channels first, no channel axis, RGBA) or as
floats in 0..1 are converted; anything else is a DataError naming where the array came from.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar

import numpy as np
import torch
import torch.nn.functional as F

from .._checks import is_whole
from .._errors import DataError, warn
from .._text import counted, option_name, param_name

CHANNELS = ("auto", "gray", "rgb")
MIN_SIZE, MAX_SIZE = 8, 64


def check_labels(labels, source: str = "y") -> np.ndarray:
    """1-d class labels with none missing (None or NaN is a DataError naming ``source``); bytes,
    dates and labels of mixed types that cannot be sorted (e.g. 1 and "a") become text, so the
    classes can be written to model.json; complex numbers are refused. Float labels that are all whole
    numbers (``y.astype(float)``) become integers, so that fit, sample and evaluate call the class 3,
    not '3.0' (evaluate then refused integer test labels as "not among the training classes")."""
    import pandas as pd

    labels = column_to_1d(np.asarray(labels))  # (N, 1) as scikit-learn takes it
    n_missing = int(np.sum(pd.isna(labels))) if labels.dtype.kind in "fcOmM" else 0
    if n_missing:
        raise DataError(f"{source}: {n_missing} of {len(labels)} labels are missing (None or NaN); "
                        "drop those images or give them a class")
    if labels.dtype.kind in "cV":
        raise DataError(f"{source}: labels must be numbers, text or booleans; got dtype {labels.dtype}")
    if labels.dtype.kind == "S":
        return nfc_labels(np.char.decode(labels, "utf-8", errors="replace"))
    if labels.dtype.kind in "mM":
        return labels.astype(str)
    if labels.dtype.kind == "f" and np.all(np.mod(labels, 1.0) == 0.0) and np.all(np.abs(labels) <= 2.0**53):
        return labels.astype(np.int64)
    if labels.dtype == object:
        try:
            np.unique(labels)
        except TypeError:
            labels = labels.astype(str)
    return nfc_labels(labels)


def nfc_labels(labels: np.ndarray) -> np.ndarray:
    """Text labels in Unicode's composed form (NFC), as class folder names are read: an .npz made on a Mac
    holds 'café' decomposed (e + a combining accent), which a folder's 'café' did not match."""
    import unicodedata

    if labels.dtype.kind not in "UO" or not len(labels):
        return labels
    classes, codes = np.unique(labels, return_inverse=True)  # one normalisation per class, not per image
    composed = [unicodedata.normalize("NFC", c) if isinstance(c, str) else c for c in classes]
    if all(a is b or a == b for a, b in zip(composed, classes, strict=True)):
        return labels
    return np.asarray(composed, dtype=object if labels.dtype == object else None)[codes]


def prepare_images(images, image_size: int | None = None, channels: str = "auto",
                   source: str = "X") -> np.ndarray:
    """Validate an array of images and return uint8 (N, S, S, C), resized and converted.

    Accepts (N, H, W), (N, H, W, C) or (N, C, H, W) with C in 1, 3, 4; uint8 (0..255) or
    floats in 0..1.
    """
    raw = one_array(images, source)
    x = to_uint8(raw, source)
    size = image_size if image_size is not None else default_size([x.shape[1:3]])
    colour = colour_mask(x)  # (N,)
    n_channels = resolve_channels(channels, bool(colour.any()))
    warn_conversions(source, np.tile(x.shape[1:3], (len(x), 1)), colour, np.full(len(x), x.shape[-1] == 1), size,
                     n_channels, chosen=image_size is None, alpha=_translucent(raw), auto_channels=channels == "auto")
    return resize_batch(convert_channels(x, n_channels), size)


def _translucent(raw: np.ndarray) -> int:
    """How many of the (N, H, W, 4) or (N, 4, H, W) images (as :func:`to_nhwc` takes them) have an alpha
    channel that is not opaque everywhere (0: none, or no alpha channel); dropping it loses their transparency."""
    if raw.ndim != 4 or 4 not in (raw.shape[-1], raw.shape[1]):
        return 0
    alpha = raw[..., 3] if raw.shape[-1] == 4 else raw[:, 3]  # (N, H, W)
    return int(np.sum((alpha < (255 if raw.dtype == np.uint8 else 1)).any(axis=(1, 2))))


def one_array(images, source: str = "X") -> np.ndarray:
    """``images`` as one array, or a DataError naming ``source`` when they differ in size (numpy's own
    error, "inhomogeneous shape", named neither)."""
    if isinstance(images, torch.Tensor):  # one that requires grad refused numpy(): "Can't call numpy() ..."
        return images.detach().cpu().numpy()
    try:
        return np.asarray(images)
    except ValueError:
        shapes = list(dict.fromkeys(np.shape(image) for image in images))  # the error path only
        if len({_spatial(shape) for shape in shapes}) == 1:  # (8, 8, 3) beside (8, 8)
            raise DataError(f"{source}: the images differ in channels ({' and '.join(map(str, shapes[:2]))}); "
                            "convert them to one, e.g. gray to RGB with np.stack([im] * 3, axis=-1), or write "
                            "them to a folder and read it with synthaug.read_images, which converts gray "
                            "images to RGB beside colour ones") from None
        raise DataError(f"{source}: the images differ in size ({' and '.join(map(str, shapes[:2]))}); resize them "
                        "to one size first (synthaug.read_images reads a folder at one size)") from None


def _spatial(shape: tuple[int, ...]) -> tuple[int, ...]:
    """An image's (H, W) from (H, W), (H, W, C) or (C, H, W) with C 1, 3 or 4; other shapes as given."""
    if len(shape) == 3 and shape[-1] in (1, 3, 4):
        return shape[:2]
    if len(shape) == 3 and shape[0] in (1, 3, 4):
        return shape[1:]
    return shape


def looks_like_one_image(shape: tuple[int, ...]) -> bool:
    """Whether ``shape`` is one image's, (H, W) or (H, W, C) / (C, H, W) with C 1, 3 or 4, not a batch's."""
    return len(shape) == 2 or (len(shape) == 3 and _spatial(shape) != tuple(shape))


def check_label_count(X, y, source: str = "y") -> np.ndarray:
    """``y`` as a 1-d array with one label per image of ``X``, else a DataError naming ``source``; one label
    beside a single image of shape (H, W) or (H, W, C) says to pass a batch (it said "one label per image (8)").
    A column of labels (N, 1) is taken as (N,), as scikit-learn does."""
    labels = column_to_1d(np.asarray(y))
    if labels.ndim == 1 and len(labels) == len(X):
        return labels
    shape = np.shape(X)
    if labels.shape == (1,) and looks_like_one_image(shape):
        raise DataError(f"X looks like one image of shape {tuple(shape)}; pass a batch of images (X[None] for one)")
    raise DataError(f"{source}: expected one label per image ({len(X)}); got shape {labels.shape}")


def column_to_1d(labels: np.ndarray) -> np.ndarray:
    """(N, 1) labels (a one-column DataFrame's values, ``y[:, None]``) as (N,); other shapes as given."""
    return labels.ravel() if labels.ndim == 2 and labels.shape[1] == 1 else labels


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
                        f"{low:g}..{high:g} ({range_hint(low, high)})")
    return np.round(x * 255.0).astype(np.uint8)


def range_hint(low: float, high: float) -> str:
    """How to bring float images from ``low``..``high`` to 0..1: -1..1 (torchvision's Normalize(0.5, 0.5))
    was told to divide by the maximum, which leaves the negative half."""
    if -1 <= low < 0 and high <= 1:
        return "use (x + 1) / 2 for values in -1..1, which undoes torchvision's Normalize(0.5, 0.5)"
    if 255 < high < 2**32:  # a 12-bit sensor's 0..4095: x / x.max() scaled a training and a test file differently
        bits = bit_depth(int(np.ceil(high)))
        return (f"divide by the full scale of the data's bit depth, e.g. x / {2**bits - 1} for {bits}-bit data, as a "
                "folder of 16-bit images is read")
    return f"divide by the maximum, {_scale_hint(high)}"


DEPTHS = (8, 10, 12, 14, 16, 24, 32)
"""The bit depths a 16- or 32-bit integer image's values are taken to fill: sensors' usual ones."""


def bit_depth(peak: int) -> int:
    """The smallest of :data:`DEPTHS` whose range (0..2**bits - 1) holds ``peak``: 12 for a 12-bit
    sensor's largest value 3900, so its training and test folders, read separately, share a scale."""
    return next(bits for bits in DEPTHS if peak < 2**bits)


def _scale_hint(high: float, uint8_said: bool = False) -> str:
    """An example divisor for images whose maximum is ``high``: digits' 16 only when it could be digits,
    255 for values up to 255 (unless the message already offered ``astype(np.uint8)`` for them)."""
    if high <= 16:
        return "e.g. x / 16 for scikit-learn digits"
    return "e.g. x / 255 for values in 0..255" if high <= 255 and not uint8_said else "e.g. x / x.max()"


COLOUR_NOISE = 4
"""Levels (of 255) by which a pixel's channels may differ and the pixel still count as grey: lossy saves of
grey images differ by up to 1 (WebP q50..80 of scikit-learn digits; Pillow's JPEG keeps them equal), camera
JPEGs by a few; the faintest tint measured (green at 97%, ink on white, JPEG q75) by 7 at its 99th percentile."""
COLOUR_SHARE = 0.01
"""The share of an image's pixels that must be coloured (above :data:`COLOUR_NOISE`) for it to count as colour:
a red arrow drawn on a grey slide counts; a few stray pixels do not."""


def colour_mask(x: np.ndarray) -> np.ndarray:
    """(N,) whether each of (N, H, W, C) uint8 images has colour: over :data:`COLOUR_SHARE` of its pixels have
    channels more than :data:`COLOUR_NOISE` levels apart (compression noise of a grey image is not colour)."""
    if x.shape[-1] != 3:
        return np.zeros(len(x), bool)
    spread = x.max(axis=-1) - x.min(axis=-1)  # (N, H, W) uint8: no wrap, max >= min
    return (spread > COLOUR_NOISE).mean(axis=(1, 2)) > COLOUR_SHARE


def has_colour(x: np.ndarray) -> bool:
    """Whether any of (N, H, W, C) uint8 images has colour (:func:`colour_mask`)."""
    return bool(colour_mask(x).any())


def resolve_channels(channels: str, colour: bool) -> int:
    return {"gray": 1, "rgb": 3}.get(channels, 3 if colour else 1)


LUMA_CHUNK = 4096
"""Images converted to gray at a time: a float32 copy of all of them peaked at 3.3 GB for 50,000 at 64 px."""


def convert_channels(x: np.ndarray, n_channels: int) -> np.ndarray:
    """(N, H, W, C) uint8 -> (N, H, W, n_channels); colour to gray by ITU-R 601 luma, :data:`LUMA_CHUNK`
    images at a time."""
    if x.shape[-1] == n_channels:
        return x
    if n_channels == 3:
        return np.repeat(x, 3, axis=-1)
    weights, out = np.array([0.299, 0.587, 0.114], np.float32), np.empty((*x.shape[:-1], 1), np.uint8)
    for start in range(0, len(x), LUMA_CHUNK):
        luma = x[start : start + LUMA_CHUNK].astype(np.float32) @ weights
        out[start : start + LUMA_CHUNK, ..., 0] = np.clip(np.round(luma), 0, 255)
    return out


def resize_batch(x: np.ndarray, size: int) -> np.ndarray:
    """Resize (N, H, W, C) uint8 to (N, size, size, C) with antialiased bilinear filtering."""
    if x.shape[1:3] == (size, size):
        return x
    t = torch.from_numpy(x).permute(0, 3, 1, 2).float()  # (N, C, H, W)
    out = F.interpolate(t, size=(size, size), mode="bilinear", antialias=True, align_corners=False)
    return out.round().clamp(0, 255).to(torch.uint8).permute(0, 2, 3, 1).contiguous().numpy()


def default_size(shapes: Sequence[tuple[int, int]]) -> int:
    """The most common longer side among ``shapes`` (height, width), clipped to 8..64; of sides
    equally common, the smallest (the faster to train; the first read depended on file order)."""
    sides, counts = np.unique(np.asarray(shapes, dtype=np.int64).reshape(-1, 2).max(axis=1), return_counts=True)
    return int(np.clip(sides[np.argmax(counts)], MIN_SIZE, MAX_SIZE))  # argmax: the first, smallest, of ties


def size_choice() -> str:
    """How to train at another size than :func:`default_size`'s, as the user spells options
    (:func:`synthaug._text.option_name`): the fit command's ``--set``, the argument ImageCGAN and
    read_images both take, or the recipe key."""
    return "to choose, " + option_name("pass image_size=N", "fit with --set image_size=N",
                                       "set model.image_size = N") + f" ({MIN_SIZE} to {MAX_SIZE})"


_SIZE_IS_CHOSEN = ContextVar("size_is_chosen", default=True)


@contextmanager
def size_set_elsewhere() -> Iterator[None]:
    """Within it, a resize warning does not end with :func:`size_choice`: for reading whose size the
    user does not choose there (evaluate brings its sets to the training images' size)."""
    token = _SIZE_IS_CHOSEN.set(False)
    try:
        yield
    finally:
        _SIZE_IS_CHOSEN.reset(token)


def warn_conversions(source: str, shapes: np.ndarray, colour: np.ndarray, gray: np.ndarray, size: int,
                     n_channels: int, chosen: bool, names: Sequence[str] | None = None, alpha: int = 0,
                     auto_channels: bool = True) -> None:
    """One warning, naming ``source``, on what reading did to the images (:func:`conversion_summary`);
    ending with :func:`size_choice` when the size was ``chosen`` by :func:`default_size` and changed some.
    With the images' ``names`` (channels chosen automatically), RGB chosen for a few colour images among
    gray ones (one-channel files, or RGB files holding gray) names them and says how to read them all as
    gray. ``alpha``: images whose transparency was dropped. ``auto_channels``: the channels were not chosen
    by the user (nor by a model, as evaluate's are)."""
    auto_channels = auto_channels and _SIZE_IS_CHOSEN.get()
    summary = conversion_summary(shapes, colour, gray, size, n_channels, alpha=alpha, auto_channels=auto_channels)
    if names is not None and auto_channels and n_channels == 3 and 0 < colour.sum() < len(colour) / 2:
        which = [name for name, is_colour in zip(names, colour, strict=True) if is_colour]
        fix = option_name('channels="gray"', "--set channels=gray", 'model.channels = "gray"')
        if not gray.any():  # RGB files holding gray: nothing converted, but the model becomes RGB for a few
            summary = "; ".join(filter(None, [summary, f"{counted(int((~colour).sum()), 'image')} holding gray "
                                                       "read as RGB (3 channels)"]))
        summary += (f", because {counted(len(which), 'image')} of {len(colour)} {'has' if len(which) == 1 else 'have'} "
                    f"colour ({', '.join(which[:3])}{', …' if len(which) > 3 else ''}); if the images are meant to be "
                    f"gray, read them as gray with {fix}")
    if summary:
        resized = chosen and _SIZE_IS_CHOSEN.get() and bool(np.any(shapes != size))
        warn(f"{source}: {summary}" + (f"; {size_choice()}" if resized else ""))


def conversion_summary(shapes: np.ndarray, colour: np.ndarray, gray: np.ndarray, size: int,
                       n_channels: int, alpha: int = 0, auto_channels: bool = True) -> str | None:
    """One line on what reading did to the images, or None when they were taken as they are.

    ``shapes`` (N, 2) are the images' (height, width); ``colour`` (N,) marks images whose channels
    differ (:func:`colour_mask`), ``gray`` (N,) single-channel ones; the others have three channels holding
    gray. A non-square image is stretched to the square size. ``alpha`` images had a transparency dropped.
    RGB images holding gray read as one channel are told of only when the channels were ``auto_channels``
    (nothing is lost; it says how to keep three).
    """
    parts = []
    resized = np.any(shapes != size, axis=1)
    if resized.any():
        stretched = int(np.sum(shapes[:, 0] != shapes[:, 1]))
        parts.append(f"{int(resized.sum())} of {len(shapes)} images resized to {size}x{size}"
                     + (f" ({stretched} stretched: their aspect ratio changed)" if stretched else ""))
    if alpha:
        parts.append(f"the alpha channel (transparency) of {counted(alpha, 'image')} dropped")
    if n_channels == 1 and colour.any():
        parts.append(f"{counted(int(colour.sum()), 'colour image')} converted to grayscale")
    if n_channels == 1 and auto_channels and (three := int(np.sum(~gray & ~colour))):
        keep = option_name('channels="rgb"', "--set channels=rgb", 'model.channels = "rgb"')
        parts.append(f"{counted(three, 'RGB image')} holding gray (equal channels) read as 1 channel ({keep} keeps 3)")
    if n_channels == 3 and gray.any():
        parts.append(f"{counted(int(gray.sum()), 'grayscale image')} converted to RGB")
    return "; ".join(parts) or None


def check_image_size(size) -> int:
    """``size`` as an int, or a DataError naming the option as the user spells it (``--set image_size``)."""
    if not is_whole(size) or not MIN_SIZE <= size <= MAX_SIZE:
        raise DataError(f"{param_name('image_size')} must be a whole number of pixels from {MIN_SIZE} to {MAX_SIZE}; "
                        f"got {size!r}")
    return int(size)


def check_channels(channels) -> str:
    if channels not in CHANNELS:
        raise DataError(f"channels must be one of {', '.join(CHANNELS)}; got {channels!r}")
    return channels
