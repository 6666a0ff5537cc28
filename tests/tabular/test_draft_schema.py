"""Drafted schemas: deterministic whatever the row order."""

import numpy as np
import pandas as pd

from synthaug.tabular.draft_schema import draft_public_schema


# ---------------------------------------------------------------- category order
def test_draft_category_order_is_count_then_value_whatever_the_row_order():
    rng = np.random.default_rng(0)
    colour = ["red"] * 5 + ["blue"] * 3 + ["green"] * 3 + ["amber"] * 3 + ["teal"] * 2
    frame = pd.DataFrame({"colour": colour, "label": ["no", "yes"] * 8})
    drafts = []
    for seed in range(6):
        shuffled = frame.sample(frac=1.0, random_state=int(rng.integers(1 << 30)) + seed).reset_index(drop=True)
        drafts.append(draft_public_schema(shuffled, "label")["columns"][0]["categories"])
    assert all(d == ["red", "amber", "blue", "green", "teal"] for d in drafts), drafts


def test_draft_category_order_breaks_ties_between_types_by_type_name():
    frame = pd.DataFrame({"code": pd.Series(["x", 2, "x", 2, 1, 1, "a", "a"], dtype=object),
                          "label": ["no", "yes"] * 4})
    assert draft_public_schema(frame, "label", categorical=["code"])["columns"][0]["categories"] == [1, 2, "a", "x"]
