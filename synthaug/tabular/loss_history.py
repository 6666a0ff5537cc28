"""A fitted TabularCGAN's loss history (``history_``) as one tidy table."""

from __future__ import annotations

import pandas as pd

COLUMNS = ["generator", "class", "step", "d_loss", "g_loss"]


def loss_frame(history: list[list[dict]], classes: list, per_class: bool) -> pd.DataFrame:
    """One row per record of ``history`` (a list per generator of ``{"step", "d_loss", "g_loss"}``, the
    mean losses since the previous record): the generator's index, its class (``per_class``: generator i
    is class i's; otherwise None, one generator for all classes), the step and both losses as float64
    (a ``d_loss`` of None, not recorded under DP, as NaN)."""
    rows = [(i, classes[i] if per_class else None, int(r["step"]),
             float("nan") if r.get("d_loss") is None else float(r["d_loss"]), float(r["g_loss"]))
            for i, records in enumerate(history) for r in records]
    frame = pd.DataFrame(rows, columns=COLUMNS)
    return frame.astype({"generator": "int64", "step": "int64", "d_loss": "float64", "g_loss": "float64"})
