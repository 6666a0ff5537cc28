"""Differential privacy for ImageCGAN: the budget split before training, the privacy record after.

Both change nothing: the estimator stores what they return.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .._random import child_seed
from ..privacy.dp import DPPlan, guarantee_scope, plan_budget, privacy_record

if TYPE_CHECKING:
    from .synthesizer import ImageCGAN

DP_METADATA_SCOPE = (
    "NOT covered, and in the model file: the image size and channel count (chosen from the images "
    "unless image_size and channels are given), the class names and the number of training images "
    "(it sets the sampling rate); pixels are scaled from the fixed range [0, 255], so no bounds come from the data"
)


def plan_dp(model: ImageCGAN, seed: int) -> tuple[DPPlan, np.ndarray]:
    """A share of epsilon for Laplace-noised class counts (which replace the exact ones), the
    rest for DP-SGD: the plan and the noisy counts. ``seed``: the fit's secret seed."""
    return plan_budget(float(model.dp_epsilon), model.dp_delta, float(model.dp_max_grad_norm), model.class_counts_,
                       model.n_images_, np.random.default_rng(child_seed(seed, 4)))


def privacy_record_for(plan: DPPlan, spent: dict) -> dict:
    """The model file's ``privacy`` entry for ``plan`` and the accountant's reading ``spent``."""
    shared = guarantee_scope(public_schema=True, count_epsilon=plan.config.epsilon - plan.sgd_epsilon)
    scope = {"covers": shared["covers"], "class_counts": shared["class_counts"], "metadata": DP_METADATA_SCOPE,
             "monitoring": "off: no statistic of the training images (such as their diversity) is computed"}
    return privacy_record(plan, [spent], scope)  # the rest of the shared scope is about tables
