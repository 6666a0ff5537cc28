"""Image grids (one row per class, or pairs side by side) as uint8 arrays and PNG files."""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path

import numpy as np

from .._errors import DataError
from .._paths import OS_METADATA
from ..io import atomic_path

# a training grid, and the temporary sibling atomic_path writes it to (left by a killed run)
_STEP_GRID = re.compile(r"step_\d{7,}\.png|\.step_\d{7,}\.png\.[a-z0-9_]+\.tmp")


LABEL_CHARACTERS = 16  # a row's label is cut to this many characters (more when needed to tell rows apart)
SPELLED = {"ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L",
           "đ": "d", "Đ": "D", "þ": "th", "Þ": "Th", "ð": "d", "–": "-", "—": "-", "’": "'", "µ": "u"}
"""ASCII spellings of characters NFKD does not take apart, for a font without them."""


def image_grid(rows: np.ndarray, labels=None, pad: int = 1, min_cell: int = 32, fill: int = 128) -> np.ndarray:
    """Tile (R, K, S, S, C) uint8 images into one (H, W, C) picture, R rows of K images; with ``labels``
    (one per row: the class names of a grid with a row per class), each row's label in a margin on its left.

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
    out = np.pad(out, ((pad, 0), (pad, 0), (0, 0)), constant_values=fill)
    return out if labels is None else np.concatenate([_label_margin(list(labels), s + pad, pad, C), out], axis=1)


def _label_margin(labels: list, row: int, pad: int, channels: int) -> np.ndarray:
    """A white (H, w, C) strip with each label in black, centred on its row of ``row`` pixels."""
    from PIL import Image, ImageDraw, ImageFont

    try:
        font = ImageFont.load_default(size=max(8, min(14, row // 2)))
    except TypeError:  # Pillow < 10.1: one bitmap size
        font = ImageFont.load_default()
    texts = short_labels(drawable_labels(labels, font), ellipsis=_drawable("…", font))
    measure = ImageDraw.Draw(Image.new("L", (1, 1)))
    boxes = [measure.textbbox((0, 0), text, font=font) for text in texts]
    width = int(max(box[2] for box in boxes)) + 8
    margin = Image.new("L", (width, pad + row * len(labels)), 255)
    draw = ImageDraw.Draw(margin)
    for i, (text, box) in enumerate(zip(texts, boxes, strict=True)):
        draw.text((4, pad + i * row + (row - box[3] - box[1]) // 2), text, fill=0, font=font)
    return np.asarray(margin)[..., None].repeat(channels, axis=2)


def short_labels(texts: list[str], width: int = LABEL_CHARACTERS, ellipsis: str = "…") -> list[str]:
    """``texts`` cut in the middle to ``width`` characters (``adenocar…grade 1``), keeping both ends; wider
    when cutting would make two rows' labels the same (cutting the end made two "adenocarcinoma g")."""
    for w in range(width, max(map(len, texts), default=0) + 1):
        head = (w - len(ellipsis) + 1) // 2
        tail = w - len(ellipsis) - head
        cut = [t if len(t) <= w else t[:head] + ellipsis + (t[-tail:] if tail else "") for t in texts]
        if len(set(cut)) == len(set(texts)):
            return cut
    return texts


def drawable_labels(labels: list, font) -> list[str]:
    """The labels as ``font`` can draw them (:func:`_drawable`), each after its row number (``0: ????``) when
    spelling them so made two the same (café and cafe) or lost letters to '?' (细胞 and 組織 were both ``??``)."""
    texts = [_drawable(str(label), font) for label in labels]
    lost = any(text.count("?") > str(label).count("?") for text, label in zip(texts, labels, strict=True))
    if lost or len(set(texts)) < len({str(label) for label in labels}):
        return [f"{i}: {text}" for i, text in enumerate(texts)]
    return texts


def _drawable(text: str, font) -> str:
    """``text`` with each character ``font`` lacks (Pillow's default font has ASCII, not é, Ü or ß, which it
    drew as boxes) spelled in ASCII: é as e, Ü as U (NFKD without accents), ß as ss (:data:`SPELLED`), else '?'."""
    import unicodedata

    lacks = _glyph_check(font)
    out = []
    for ch in text:
        if ch.isascii() or not lacks(ch):
            out.append(ch)
            continue
        plain = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        out.append(SPELLED.get(ch) or (plain if plain and not any(map(lacks, plain)) else "?"))
    return "".join(out)


def _glyph_check(font):
    """A function telling whether ``font`` lacks a character: a FreeType font draws such a character as its
    missing-glyph box (the same as a private-use character's); a bitmap font (no FreeType) has Latin-1 only."""
    try:
        box = font.getmask("\ue000")
    except UnicodeEncodeError:  # a bitmap font
        return lambda ch: ord(ch) > 255
    missing = (box.size, bytes(box))

    def lacks(ch: str) -> bool:
        mask = font.getmask(ch)
        return (mask.size, bytes(mask)) == missing

    return lacks


def flat_grey(picture: np.ndarray) -> np.ndarray:
    """An (H, W, 1) grey picture as (H, W), the shape PIL and matplotlib take; others unchanged."""
    return picture[..., 0] if picture.ndim == 3 and picture.shape[-1] == 1 else picture


def png_bytes(picture: np.ndarray) -> bytes:
    """PNG encoding of an (H, W), (H, W, 1) or (H, W, 3) uint8 picture."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(flat_grey(picture)).save(buffer, format="PNG")
    return buffer.getvalue()


def save_png(path: str | Path, picture: np.ndarray) -> Path:
    """Write a picture as PNG atomically."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(png_bytes(picture))
    return Path(path)


def data_uri(picture: np.ndarray) -> str:
    """``data:image/png;base64,...`` for embedding in a self-contained HTML page."""
    return "data:image/png;base64," + base64.b64encode(png_bytes(picture)).decode("ascii")


def step_grid_path(folder: str | Path, step: int) -> Path:
    """Where the training grid of ``step`` goes: ``folder/step_0000500.png``."""
    return Path(folder) / f"step_{step:07d}.png"


GRID_MARKER = ".synthaug-grids"
"""The file synthaug writes into a training-grid folder when it makes it (or takes an empty one): only
in a folder so marked, or one holding nothing but an earlier synthaug's grids, does a refit delete
the earlier fit's grids."""


def is_grid_folder(folder: str | Path) -> bool:
    """Whether ``folder`` holds a fit's training grids: nothing but ``step_*.png`` files and the
    :data:`GRID_MARKER`, and either the marker or (an earlier synthaug's grids) a ``*.grids`` name and
    at least one grid."""
    folder = Path(folder)
    names = [p.name for p in folder.iterdir()] if folder.is_dir() else []
    grids = [name for name in names if name != GRID_MARKER]
    if not all(_STEP_GRID.fullmatch(name) for name in grids):
        return False
    return GRID_MARKER in names or (folder.name.endswith(".grids") and bool(grids))


def made_for_grids(folder: str | Path) -> bool:
    """Whether synthaug made ``folder`` for training grids: it holds the marker (other files the user
    put there stay), or it is an earlier synthaug's grid folder (:func:`is_grid_folder`)."""
    return (Path(folder) / GRID_MARKER).is_file() or is_grid_folder(folder)


def check_grid_folder(folder: str | Path, name: str = "grid_dir") -> None:
    """A DataError (naming the option ``name``) unless training grids may go to ``folder``: a new or empty
    folder (a Finder's ``.DS_Store`` and the like do not count), or one synthaug made for them
    (:func:`made_for_grids`). A refit deletes the earlier grids in its grid folder, and a ``grid_dir`` of
    a recipe from elsewhere deleted every ``step_*.png`` of whatever folder it named."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise DataError(f"{name}: {folder} is a file; give a folder for the training grids")
    if folder.is_dir() and any(p.name not in OS_METADATA for p in folder.iterdir()) and not made_for_grids(folder):
        names = sorted(p.name for p in folder.iterdir() if p.name not in OS_METADATA)
        other = next((n for n in names if not _STEP_GRID.fullmatch(n)), names[0])
        raise DataError(f"{name}: {folder} holds files synthaug did not write there ({other}); training grids go "
                        f"to a new or empty folder, or one synthaug made for them (it holds {GRID_MARKER}), where "
                        "a refit deletes the earlier grids: give another folder")


def mark_grid_folder(folder: str | Path) -> None:
    """Make ``folder`` (and its parents) if missing and mark it as synthaug's grid folder."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    marker = folder / GRID_MARKER
    if not marker.is_file():
        marker.write_text("Training grids written by synthaug. A refit with this folder as grid_dir deletes the "
                          "step_*.png files here (and nothing else).\n", encoding="utf-8")


def remove_step_grids(folder: str | Path) -> int:
    """Delete the training grids an earlier fit wrote in ``folder`` (files named as
    :func:`step_grid_path` names them, and their temporary siblings), so that a refit's grids are not
    mixed with them; any other file is left alone, and nothing at all in a folder synthaug did not
    make for grids (:func:`made_for_grids`). Returns how many were deleted."""
    folder = Path(folder)
    if not folder.is_dir() or not made_for_grids(folder):
        return 0
    old = [p for p in folder.iterdir() if _STEP_GRID.fullmatch(p.name) and p.is_file() and not p.is_symlink()]
    for path in old:
        path.unlink(missing_ok=True)
    return len(old)
