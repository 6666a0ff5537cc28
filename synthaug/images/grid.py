"""Image grids (one row per class, or pairs side by side) as uint8 arrays and PNG files."""

from __future__ import annotations

import base64
import io
from pathlib import Path

import numpy as np

from ..io import atomic_path


def image_grid(rows: np.ndarray, pad: int = 1, min_cell: int = 32, fill: int = 128) -> np.ndarray:
    """Tile (R, K, S, S, C) uint8 images into one (H, W, C) picture, R rows of K images.

    Small images are enlarged by an integer factor (nearest neighbour) to at least ``min_cell``
    pixels, so an 8x8 image stays visible.
    """
    R, K, S, _, C = rows.shape
    scale = max(1, -(-min_cell // S))
    cells = rows.repeat(scale, axis=2).repeat(scale, axis=3)  # (R, K, s, s, C)
    s = S * scale
    framed = np.full((R, K, s + pad, s + pad, C), fill, np.uint8)
    framed[:, :, :s, :s] = cells
    out = framed.transpose(0, 2, 1, 3, 4).reshape(R * (s + pad), K * (s + pad), C)
    return np.pad(out, ((pad, 0), (pad, 0), (0, 0)), constant_values=fill)


def png_bytes(picture: np.ndarray) -> bytes:
    """PNG encoding of an (H, W, 1) or (H, W, 3) uint8 picture."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(picture[..., 0] if picture.shape[-1] == 1 else picture).save(buffer, format="PNG")
    return buffer.getvalue()


def save_png(path: str | Path, picture: np.ndarray) -> Path:
    """Write a picture as PNG atomically."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(png_bytes(picture))
    return Path(path)


def data_uri(picture: np.ndarray) -> str:
    """``data:image/png;base64,...`` for embedding in a self-contained HTML page."""
    return "data:image/png;base64," + base64.b64encode(png_bytes(picture)).decode("ascii")
