"""The scale of 16- and 32-bit integer images: one divisor per folder, from the bit depth its largest
value implies, and, inside :func:`one_bit_depth`, the first folder's for every folder read after it.

A 12-bit sensor's training folder whose brightest pixel is 4095 reads as 12-bit (divided by 4095); a dark
test folder of the same sensor whose brightest is 675 would read as 10-bit on its own (divided by 1023,
four times brighter), so ``synthaug evaluate`` reads its test and synthetic sets at the training
images' depth, with a warning naming both.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .._errors import warn
from .arrays import DEPTHS, bit_depth


@dataclass
class _Shared:
    bits: int | None = None  # set by the first folder with deep images
    source: Path | None = None


_SHARED: ContextVar[_Shared | None] = ContextVar("shared_bit_depth", default=None)


@contextmanager
def one_bit_depth() -> Iterator[None]:
    """Within it, every folder of deep images read after the first takes the first one's bit depth."""
    token = _SHARED.set(_Shared())
    try:
        yield
    finally:
        _SHARED.reset(token)


def deep_scale(root: Path, peaks: np.ndarray) -> int | None:
    """The divisor to 0..1 of the folder's 16/32-bit integer images (``peaks`` >= 0: their largest
    values; -1 marks an 8-bit image), 2**bits - 1 with ``bits`` from the largest of them (or, inside
    :func:`one_bit_depth`, from the first folder's), the same for every one; None without any. One warning
    when that is not the 16 bits they are stored in, or when it is not the folder's own."""
    deep = peaks >= 0
    if not deep.any():
        return None
    peak, n = int(peaks.max()), int(deep.sum())
    own = bit_depth(peak)
    shared = _SHARED.get()
    if shared is not None and shared.bits is not None:
        return _shared_scale(root, shared, own, peak, n)
    if shared is not None:
        shared.bits, shared.source = own, root
    divisor = 2**own - 1
    if own != 16:
        low = 0 if own == DEPTHS[0] else 2 ** DEPTHS[DEPTHS.index(own) - 1]
        warn(f"{root}: {n} {16 if peak < 2**16 else 32}-bit {'image' if n == 1 else 'images'} read as {own}-bit "
             f"(largest value {peak}): divided by {divisor}; a folder read on its own (a test set) gets the same "
             f"scale when its largest value is in {low}..{divisor} too")
    return divisor


def _shared_scale(root: Path, shared: _Shared, own: int, peak: int, n: int) -> int:
    """The first folder's divisor, with a warning when this folder alone would have read otherwise."""
    divisor = 2**shared.bits - 1
    if own != shared.bits:
        clipped = f"; its values above {divisor} are clipped to white" if peak > divisor else ""
        warn(f"{root}: {n} deep {'image' if n == 1 else 'images'} read at {shared.source}'s {shared.bits}-bit scale "
             f"(divided by {divisor}) so both sets are scaled alike; on its own its largest value {peak} would "
             f"read as {own}-bit{clipped}")
    return divisor
