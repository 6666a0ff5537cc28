"""Small seeded tables shared by the evaluator tests."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest


def mixed_frame(n: int, seed: int = 0) -> pd.DataFrame:
    """Two informative numerics, a noisy categorical with NaN, and a binary label."""
    rng = np.random.default_rng(seed)
    label = rng.choice(["no", "yes"], size=n, p=[0.6, 0.4])
    shift = (label == "yes") * 1.5
    colour = rng.choice(["red", "green", "blue"], size=n).astype(object)
    colour[rng.random(n) < 0.05] = None
    return pd.DataFrame(
        {
            "x": rng.normal(size=n) + shift,
            "z": rng.gamma(2.0, size=n) + shift,
            "colour": colour,
            "label": label,
        }
    )


@pytest.fixture(scope="session")
def make_frame() -> Callable[..., pd.DataFrame]:
    return mixed_frame


@pytest.fixture
def splits() -> dict[str, pd.DataFrame]:
    """Disjoint train / holdout / test / fresh tables of 150 rows from one population."""
    frame = mixed_frame(600)
    parts = [frame.iloc[i * 150 : (i + 1) * 150].reset_index(drop=True) for i in range(4)]
    return dict(zip(["train", "holdout", "test", "fresh"], parts, strict=True))
