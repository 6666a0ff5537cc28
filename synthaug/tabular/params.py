"""Checks of TabularCGAN's constructor parameters, run first thing in ``fit``.

Each takes ``get_params(deep=False)`` (as scikit-learn's ``_validate_params`` does) and raises a
DataError (a ValueError) naming the first parameter out of range and the value received.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from .._checks import is_betas, is_real, is_whole
from .._errors import DataError
from ..gan.losses import check_loss
from ..privacy.dp import check_dp_request
from .conditional import CLASS_SAMPLING
from .networks import NORMS
from .schema import check_option_conflicts

STRATEGIES = ("conditional", "per-class")


def check_params(params: Mapping[str, Any]) -> None:
    """Refuse a TabularCGAN parameter out of range (the regularisers included)."""
    check_dp_request(params["dp_epsilon"], params["dp_delta"])
    _check_choices(params)
    _check_numbers(params)
    _check_lists(params)
    for name in ("spectral_norm", "clip", "rounding", "verbose"):  # the text 'false' is truthy
        if not isinstance(params[name], (bool, np.bool_)):
            raise DataError(f"{name} must be True or False; got {params[name]!r}")
    check_regularisers(params)


def check_regularisers(params: Mapping[str, Any]) -> None:
    """``lecam_weight``, ``r1_weight``: finite, >= 0, 0 under DP; R1 needs a loss without its own penalty;
    DP-SGD covers neither wgan-gp's gradient penalty nor feature matching."""
    dp = params["dp_epsilon"] is not None
    for name in ("lecam_weight", "r1_weight"):
        value = params[name]
        if not (is_real(value) and math.isfinite(float(value)) and float(value) >= 0):
            raise DataError(f"{name} must be a finite number >= 0; got {value!r}")
        if dp and float(value) > 0:  # Opacus' per-sample gradients cover the plain loss only
            raise DataError(f"{name}: not supported with DP; got {value!r}, use 0")
    if dp and params["loss"] == "wgan-gp":
        raise DataError("loss: wgan-gp's gradient penalty is not supported with DP; use non-saturating or hinge")
    if dp and float(params["feature_matching"]) > 0:  # its loss feeds real rows' features to G outside DP-SGD
        raise DataError(f"feature_matching: not supported with DP (the generator would see real rows' "
                        f"discriminator features directly); got {params['feature_matching']!r}, use 0")
    if float(params["r1_weight"]) > 0 and params["loss"] == "wgan-gp":
        raise DataError(f"r1_weight: not with loss wgan-gp (it has its own gradient penalty, gp_weight); "
                        f"got {params['r1_weight']!r}, use 0 or loss non-saturating / hinge")


def _check_choices(params: Mapping[str, Any]) -> None:
    """``strategy``, ``class_sampling``, ``loss`` and ``generator_norm``: one of their names."""
    if params["strategy"] not in STRATEGIES:
        raise DataError(f"strategy must be one of {', '.join(STRATEGIES)}; got {params['strategy']!r}")
    if params["class_sampling"] not in CLASS_SAMPLING:
        raise DataError(f"class_sampling must be one of {', '.join(CLASS_SAMPLING)}; "
                        f"got {params['class_sampling']!r}")
    check_loss(params["loss"])
    if params["generator_norm"] not in NORMS:
        raise DataError(f"generator_norm must be one of {', '.join(NORMS)}; got {params['generator_norm']!r}")


def _check_numbers(params: Mapping[str, Any]) -> None:
    """Counts >= 1, rates > 0, and the probabilities and decays within their intervals."""
    for name in ("epochs", "batch_size", "latent_dim", "discriminator_steps"):
        if int(params[name]) < 1:
            raise DataError(f"{name} must be >= 1; got {params[name]!r}")
    if not 0.0 <= float(params["dropout"]) < 1.0:  # 1 divided the kept units by zero: NaN losses, a NaN model
        raise DataError(f"dropout must be in [0, 1); got {params['dropout']!r}")
    if params["ema_decay"] is not None and not 0.0 <= float(params["ema_decay"]) < 1.0:
        raise DataError(f"ema_decay must be in [0, 1) or None; got {params['ema_decay']!r}")
    for name in ("generator_lr", "discriminator_lr", "gumbel_tau"):  # gumbel_tau=0: NaN; a rate <= 0: no learning
        if not float(params[name]) > 0:
            raise DataError(f"{name} must be > 0; got {params[name]!r}")
    if not 0.0 < float(params["real_label"]) <= 1.0:
        raise DataError(f"real_label must be in (0, 1]; got {params['real_label']!r}")
    if not 0.0 <= float(params["condition_probability"]) <= 1.0:
        raise DataError(f"condition_probability must be in [0, 1]; got {params['condition_probability']!r}")


def _check_lists(params: Mapping[str, Any]) -> None:
    """Layer widths, ``pac``, ``betas`` and the column-name lists, which must not overlap."""
    for name in ("generator_dims", "discriminator_dims"):  # a 0-unit layer crashed in torch's init
        dims = params[name]
        if not isinstance(dims, (list, tuple, np.ndarray)) or len(dims) == 0 or not all(
                is_whole(d) and d >= 1 for d in dims):
            raise DataError(f"{name} must be a list of layer widths >= 1, e.g. [256, 256]; got {dims!r}")
    pac = params["pac"]
    if pac is not None and not (is_whole(pac) and pac >= 0):
        raise DataError(f"pac must be a whole number >= 1 (or 0 / None for the default); got {pac!r}")
    if not is_betas(params["betas"]):  # [0.5] was an IndexError when training began
        raise DataError(f"betas must be two numbers in [0, 1), e.g. [0.5, 0.9]; got {params['betas']!r}")
    for name in ("categorical", "continuous", "drop", "keep"):
        names = params[name]
        if isinstance(names, (str, bytes)) or not all(isinstance(c, str) or is_whole(c) for c in names):
            raise DataError(f"{name} must be a list of column names; got {names!r}")
    check_option_conflicts(categorical=params["categorical"], continuous=params["continuous"], drop=params["drop"],
                           keep=params["keep"])
