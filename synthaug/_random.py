"""Explicit randomness: one ``random_state`` becomes numpy and torch generators."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ._checks import is_real, is_whole
from ._errors import DataError
from ._text import option_name

if TYPE_CHECKING:
    import torch

RandomState = int | np.random.Generator | np.random.RandomState | None


def draw_seed(random_state: RandomState) -> int:
    """Return a seed from an int (itself), a numpy Generator or RandomState (a 63-bit draw, which
    advances it, as in scikit-learn's ``check_random_state(rs).randint(...)``), or fresh entropy
    for ``None``."""
    if isinstance(random_state, np.random.Generator):
        return int(random_state.integers(0, 2**63 - 1))
    if isinstance(random_state, np.random.RandomState):
        return int(random_state.randint(0, 2**63 - 1, dtype=np.int64))
    if random_state is None:
        return int(np.random.SeedSequence().generate_state(1, np.uint64)[0] >> 1)
    if is_real(random_state):  # a float is refused by check_seed as not whole, with the value
        return check_seed(random_state, option_name("random_state", "--seed", "data.seed"))
    raise TypeError(f"random_state must be an int, a numpy Generator or RandomState, or None; got {random_state!r}")


def check_seed(seed: int, where: str) -> int:
    """``seed`` as an int if numpy and torch both take it: a whole number from 0 to 2**64 - 1 (numpy
    refuses < 0, torch overflows above, after training); else a DataError naming ``where``."""
    if not is_whole(seed) or not 0 <= seed < 2**64:
        raise DataError(f"{where}: must be a whole number from 0 to 2**64 - 1, got {seed!r}")
    return int(seed)


def child_seed(seed: int, *keys: int) -> int:
    """A seed derived from ``seed`` and ``keys``, independent of the parent's other children."""
    state = np.random.SeedSequence([seed, *keys]).generate_state(2, np.uint32)
    return int((int(state[0]) << 31) ^ int(state[1]))


def numpy_generator(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


def torch_generator(seed: int, device: str | torch.device = "cpu") -> torch.Generator:
    import torch  # here, so that the CLI's sampling options (synthaug.sampling) load without torch

    gen = torch.Generator(device=device)
    gen.manual_seed(seed)
    return gen
