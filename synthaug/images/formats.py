"""Image formats a folder may hold that this Pillow cannot read, and files holding several frames.

Phones write HEIC/HEIF, slide scanners JPEG 2000, browsers AVIF; skipping them as "not images" lost a
class's photos without a word. Files with such a suffix that Pillow cannot open here are named in one
warning per format, with what would read them; a multi-page TIFF or animated GIF, of which only the
first frame is read, is named in one warning with its frame count.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path

from .._errors import warn
from .._text import counted

FORMATS = {  # suffix: (format name, Pillow feature it needs or None, what reads it)
    ".heic": ("HEIC/HEIF", None, "pillow-heif (pip install pillow-heif)"),
    ".heif": ("HEIC/HEIF", None, "pillow-heif (pip install pillow-heif)"),
    ".avif": ("AVIF", "avif", "a Pillow built with AVIF (pip install -U pillow)"),
    ".jp2": ("JPEG 2000", "jpg_2000", "a Pillow built with OpenJPEG"),
    ".j2k": ("JPEG 2000", "jpg_2000", "a Pillow built with OpenJPEG"),
    ".jxl": ("JPEG XL", None, "pillow-jxl-plugin (pip install pillow-jxl-plugin)"),
}
"""Image formats read when this Pillow can, else named in a warning (:func:`split_unreadable`)."""
SHOWN = 3  # files named per warning


def _register_plugins() -> None:
    """Let Pillow open HEIC/HEIF when pillow-heif is installed (it is not a dependency)."""
    try:
        from pillow_heif import register_heif_opener
    except ImportError:
        return
    register_heif_opener()


@functools.cache
def missing_reader(suffix: str) -> str | None:
    """What Pillow needs to read files with ``suffix`` (one of :data:`FORMATS`), or None when it can here;
    asked once per suffix (a failed import of pillow-heif was searched for again at every class folder)."""
    from PIL import Image, features

    if suffix not in FORMATS:
        return None
    _register_plugins()
    Image.init()
    _, feature, needs = FORMATS[suffix]
    if suffix not in Image.registered_extensions() or (feature is not None and not features.check(feature)):
        return needs
    return None


def split_unreadable(files: Sequence[Path]) -> tuple[list[Path], dict[tuple[str, str], list[Path]]]:
    """``files`` Pillow can try to read, and the rest by (format name, what would read them)."""
    needs = {suffix: missing_reader(suffix) for suffix in {path.suffix.lower() for path in files}}
    readable, unreadable = [], {}
    for path in files:
        reason = needs[path.suffix.lower()]
        if reason is None:
            readable.append(path)
        else:
            unreadable.setdefault((FORMATS[path.suffix.lower()][0], reason), []).append(path)
    return readable, unreadable


def _named(names: Sequence[str]) -> str:
    return ", ".join(names[:SHOWN]) + (f", … and {len(names) - SHOWN} more" if len(names) > SHOWN else "")


def warn_unreadable(root: Path, unreadable: dict[tuple[str, str], list[Path]]) -> None:
    """One warning per format of files skipped because this Pillow cannot read them, naming a few."""
    for (name, needs), paths in unreadable.items():
        shown = _named([path.relative_to(root).as_posix() for path in paths])
        warn(f"{root}: {counted(len(paths), 'file')} skipped: {name} is not readable without {needs}: {shown}; "
             "convert them to PNG to use them")


def warn_frames(root: Path, frames: Sequence[tuple[Path, int]]) -> None:
    """One warning naming the files of several frames (multi-page TIFF, animated GIF) of which only the
    first frame was read."""
    if frames:
        shown = _named([f"{path.relative_to(root).as_posix()} ({n} frames)" for path, n in frames])
        warn(f"{root}: only the first frame was read of {counted(len(frames), 'file')} holding several: {shown}; "
             "save each frame as its own image to use them all")
