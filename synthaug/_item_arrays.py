"""AugmentedDataset's rows as item arrays: tables through an encoder (or as numbers), with missing
values refused, and images in (N, H, W, C) at the real ones' size, channels and dtype."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import torch
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted

from ._errors import DataError
from ._text import quoted


def check_items(X, name: str):
    """Refuse, naming ``name``, what cannot become items: a path (the check of y then said "y must be one
    label per item (1-D); got shape ()") and images of different sizes (numpy's "inhomogeneous shape").
    Returns ``X`` as an array (a DataFrame as it is)."""
    from .images.arrays import one_array

    if isinstance(X, (str, bytes, os.PathLike)):
        path = os.fsdecode(X)
        raise DataError(f"{name}: got the path {path!r}; AugmentedDataset takes images (or a table) as an array "
                        f"with labels y: read an image folder or .npz with "
                        f"X, y = synthaug.read_images({path!r})")
    return X if isinstance(X, pd.DataFrame) else one_array(X, name)  # a tensor that requires grad: detached


def check_synthetic(synthetic) -> None:
    """Refuse a path as ``synthetic`` (its text was unpacked as if it were (X, y): "check_lengths() takes 4
    positional arguments but 26 were given")."""
    if isinstance(synthetic, (str, bytes, os.PathLike)):
        path = os.fsdecode(synthetic)
        raise DataError(f"synthetic: got the path {path!r}; AugmentedDataset takes the synthetic images and labels "
                        f"as a pair (X, y): synthetic=synthaug.read_images({path!r})")


def image_layout(images: np.ndarray) -> np.ndarray:
    """(N, H, W, C) images, C 1 or 3, from the layouts ImageCGAN takes ((N, H, W), (N, H, W, C), (N, C, H, W);
    RGBA loses its alpha channel, as in ImageCGAN), values as given."""
    from .images.arrays import range_hint, to_nhwc

    images = to_nhwc(images, "images")
    if images.dtype != np.uint8 and images.size and not 0 <= images.min() <= images.max() <= 1:
        low, high = float(images.min()), float(images.max())
        raise DataError(f"image values must be uint8 (0..255) or floats in 0..1 (items are scaled to 0..1 "
                        f"from these); got {images.dtype} from {low:g} to {high:g} ({range_hint(low, high)})")
    return images


def match_images(images: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Synthetic (N, h, w, c) images at the real ones' (H, W, C): a model trains and samples at its
    own size (at most 64 pixels) and in gray when the colour carries nothing."""
    if images.shape[1:] == tuple(shape):
        return images
    (height, width, channels), have = shape, images.shape[-1]
    if {have, channels} != {1, 3} and have != channels:
        raise DataError(f"synthetic images have {have} channels and real ones {channels}; convert one of them")
    x = torch.from_numpy(np.ascontiguousarray(images)).permute(0, 3, 1, 2).float()  # (N, c, h, w)
    if have != channels:  # gray to colour, or colour to gray by ITU-R 601 luma
        x = x.expand(-1, 3, -1, -1) if channels == 3 else (x * torch.tensor([0.299, 0.587, 0.114])[:, None, None]
                                                            ).sum(1, keepdim=True)
    if x.shape[2:] != (height, width):
        x = torch.nn.functional.interpolate(x, size=(height, width), mode="bilinear", antialias=True,
                                            align_corners=False)
    x = x.permute(0, 2, 3, 1)  # (N, H, W, C)
    x = x.round().clamp(0, 255).to(torch.uint8) if images.dtype == np.uint8 else x.clamp(0, 1)
    return x.numpy()


def match_dtype(images: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """Synthetic images in the real ones' dtype and range: uint8 0..255, or floats in 0..1 (a model
    samples uint8; beside float real images they reached the transform 255 times larger)."""
    if images.dtype == dtype:
        return images
    if dtype == np.uint8:
        return np.round(images.astype(np.float64) * 255.0).clip(0, 255).astype(np.uint8)
    scale = 255.0 if images.dtype == np.uint8 else 1.0
    return (images.astype(np.float64) / scale).astype(dtype)


def fitted_encoder(encoder, X):
    if encoder is None:
        return None
    try:
        check_is_fitted(encoder)
        return encoder
    except NotFittedError:
        return clone(encoder).fit(X)


def numeric(X) -> np.ndarray:
    frame = X if isinstance(X, pd.DataFrame) else pd.DataFrame(np.asarray(X))
    text = [c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])]
    if text:
        raise DataError(f"column {text[0]!r} is not numeric: pass encoder= (e.g. a OneHotEncoder "
                        "in a ColumnTransformer) to turn rows into tensors")
    return frame.to_numpy(dtype=np.float32)


IMPUTE = ("pass encoder= with an imputer, e.g. make_pipeline(SimpleImputer(), StandardScaler()), or a "
          "ColumnTransformer with SimpleImputer(strategy='most_frequent') before the OneHotEncoder of text columns")


def check_missing(values: np.ndarray, X, encoder, what: str) -> None:
    """Refuse NaN in item tensors (it became NaN losses, silently), naming the columns: those of X
    without an encoder, the encoder's output features with one."""
    columns = np.isnan(values).any(axis=0)  # (features,)
    if not columns.any():
        return
    if encoder is None:
        names = list(X.columns) if isinstance(X, pd.DataFrame) else list(range(values.shape[1]))
        source = f"{what} {'has' if what == 'X' else 'have'} missing values in column(s)"
    else:
        try:
            names = list(encoder.get_feature_names_out())
        except (AttributeError, TypeError, ValueError, NotImplementedError):  # not every transformer names them
            names = list(range(values.shape[1]))
        source = f"the encoder leaves missing values of {what} in its output feature(s)"
    found = [n for n, bad in zip(names, columns.tolist(), strict=True) if bad]
    made = " (a synthesizer generates missing values where its training data had them)" if what != "X" else ""
    raise DataError(f"AugmentedDataset: {source} {quoted(found)}{made}, which would be NaN in the items "
                    f"(and NaN losses); {IMPUTE}")
