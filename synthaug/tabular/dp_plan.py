"""Differential privacy for TabularCGAN: the budget split before training, the privacy record after.

Both read a model in the middle of ``fit`` (encoder fitted, class counts and provenance set) and
change nothing: the estimator stores what they return.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .._errors import warn
from .._random import child_seed
from .._text import option_name, param_name
from ..privacy.dp import DPPlan, guarantee_scope, plan_budget, privacy_record
from .schema_provenance import DRAFT, PUBLIC

if TYPE_CHECKING:
    from .synthesizer import TabularCGAN

def plan_dp(model: TabularCGAN, seed: int) -> tuple[DPPlan, np.ndarray, dict[str, str]]:
    """Split the budget: a share for noisy class counts (none when they are public), the rest
    for DP-SGD; noisy prior. ``seed``: the fit's secret seed (:func:`synthaug.privacy.dp.secret_seed`).

    Returns the plan, the class counts from now on (Laplace-noised unless public) and the
    provenance saying so (what DP-SGD does not cover is refused by :func:`.params.check_regularisers`).
    Warns when the schema came from the data: epsilon does not cover it (a draft schema has been
    warned about by :func:`.schema_provenance.warn_if_draft`).
    """
    if model.provenance_["schema"] not in (PUBLIC, DRAFT):
        warn_schema_not_covered()
    warn_pac_ignored(model.pac)
    public = model.provenance_["class_counts"] == PUBLIC  # not a draft's under DP (fit_input.provenance)
    plan, counts = plan_budget(model.dp_epsilon, model.dp_delta, model.dp_max_grad_norm, model.class_counts_,
                               model.n_rows_, np.random.default_rng(child_seed(seed, 3)), public_counts=public)
    provenance = dict(model.provenance_)
    if not public:
        provenance["class_counts"] = f"Laplace-noised (epsilon {plan.config.epsilon - plan.sgd_epsilon:.4g})"
    return plan, counts, provenance


def warn_schema_not_covered() -> None:
    """The warning of a DP fit without a public schema (a user trial's `share --dp-epsilon 1` released 7
    records of a category 3 real rows held while the console spoke of epsilon 1 for the records)."""
    schema = option_name("public_schema", "--schema", "model.public_schema")
    warn(f"{param_name('dp_epsilon')} without {schema}: the category lists, numeric bounds, decimals and the class "
         "list come from the private data and are not covered by epsilon (only training is): the model file holds "
         "each numeric column's exact minimum and maximum, which sampled values can equal, and a rare category "
         f"can appear in the released records; pass {schema} with a public schema (`synthaug schema` drafts one "
         "to review)")


def warn_pac_ignored(pac) -> None:
    """Warn when ``pac`` was set (above 1) for a DP fit, which trains with pac 1 (:func:`.train_setup.pac_size`):
    `--set pac=4 --dp-epsilon 1` trained with pac 1 and said nothing. A warning, not lecam_weight's refusal:
    pac 1 is a sound substitute, and a model file saved with pac 4 under DP must still load."""
    if pac is not None and pac > 1:  # None and 0 mean the default
        warn(f"{param_name('pac')}={pac} is ignored with {param_name('dp_epsilon')}: under DP-SGD the discriminator "
             "judges rows one at a time (pac 1: Poisson-sampled batches have random sizes, not a multiple of pac); "
             f"leave {param_name('pac')} unset")


def privacy_record_for(model: TabularCGAN, plan: DPPlan, spent: list[dict]) -> dict:
    """The model file's ``privacy`` entry for ``plan`` and the accountants' readings ``spent``, one per model."""
    # per-class models see disjoint rows: privacy_record composes them in parallel
    scope = guarantee_scope(public_schema=model.provenance_["schema"] == PUBLIC,
                            count_epsilon=plan.config.epsilon - plan.sgd_epsilon,
                            draft=model.provenance_["schema"] == DRAFT)
    if model.strategy == "per-class":  # each model is planned from its class's exact row count
        scope["class_counts"] += ("; NOT covered with strategy per-class: each class's exact row count sets "
                                  "its model's sampling rate and steps (privacy.models)")
    return privacy_record(plan, spent, scope)
