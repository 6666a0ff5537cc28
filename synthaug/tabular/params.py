"""Checks of TabularCGAN's constructor parameters, run first thing in ``fit`` and on loading a model file.

Each takes ``get_params(deep=False)`` (as scikit-learn's ``_validate_params`` does) and raises a
DataError (a ValueError) naming the first parameter out of range and the value received; a value
of the wrong type (text for a number, a list for a flag) is out of range too, never a TypeError.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np
import torch

from .._checks import is_betas, is_real, is_whole
from .._errors import DataError
from .._random import check_seed
from .._text import param_name
from ..gan.losses import check_loss
from ..privacy.dp import check_budget, check_dp_request
from .conditional import CLASS_SAMPLING
from .label_filter import check_quantile
from .networks import NORMS
from .privacy_filter import check_filter_params
from .schema import check_option_conflicts

STRATEGIES = ("conditional", "per-class")
ENCODER_COUNTS = {"max_knots": 1, "min_bin": 1, "max_point_masses": 0, "min_category_count": 1}  # name: minimum


def check_params(params: Mapping[str, Any]) -> None:
    """Refuse a TabularCGAN parameter out of range (the regularisers, filters and DP budget included)."""
    check_dp_request(params["dp_epsilon"], params["dp_delta"])
    _check_choices(params)
    _check_numbers(params)
    _check_lists(params)
    check_flags(params, ("spectral_norm", "verbose"))
    check_encoder_params(params)
    check_regularisers(params)
    check_filter_params(params["privacy_filter"], params["privacy_filter_floor"], params["privacy_filter_pinning"])
    check_quantile(params["label_filter"])
    if params["dp_epsilon"] is not None:
        check_budget(params["dp_epsilon"], params["dp_delta"], params["dp_max_grad_norm"])
    _check_other(params)


def check_encoder_params(params: Mapping[str, Any]) -> None:
    """The TableEncoder parameters among ``params`` (TabularCGAN passes five of its seven on)."""
    for name, minimum in ENCODER_COUNTS.items():
        if name in params:
            _check_whole(name, params[name], minimum)
    if "point_mass_share" in params:
        _check_real("point_mass_share", params["point_mass_share"], lambda v: 0.0 <= v <= 1.0, "in [0, 1]")
    check_flags(params, [name for name in ("clip", "rounding") if name in params])


def check_flags(params: Mapping[str, Any], names: Iterable[str]) -> None:
    """Each of ``names`` True or False (the text 'false' is truthy; 1 is not a flag)."""
    for name in names:
        if not isinstance(params[name], (bool, np.bool_)):
            raise DataError(f"{param_name(name)} must be True or False; got {params[name]!r}")


def check_regularisers(params: Mapping[str, Any]) -> None:
    """``lecam_weight``, ``r1_weight``: finite, >= 0, 0 under DP; R1 needs a loss without its own penalty;
    DP-SGD covers neither wgan-gp's gradient penalty nor feature matching."""
    dp = params["dp_epsilon"] is not None
    for name in ("lecam_weight", "r1_weight", "feature_matching"):
        _check_real(name, params[name], lambda v: v >= 0, "a finite number >= 0")
    for name in ("lecam_weight", "r1_weight"):
        if dp and float(params[name]) > 0:  # Opacus' per-sample gradients cover the plain loss only
            raise DataError(f"{param_name(name)}: not supported with DP; got {params[name]!r}, use 0")
    if dp and params["loss"] == "wgan-gp":
        raise DataError(f"{param_name('loss')}: wgan-gp's gradient penalty is not supported with DP; "
                        "use non-saturating or hinge")
    if dp and float(params["feature_matching"]) > 0:  # its loss feeds real rows' features to G outside DP-SGD
        raise DataError(f"{param_name('feature_matching')}: not supported with DP (the generator would see real rows' "
                        f"discriminator features directly); got {params['feature_matching']!r}, use 0")
    if float(params["r1_weight"]) > 0 and params["loss"] == "wgan-gp":
        raise DataError(f"{param_name('r1_weight')}: not with loss wgan-gp (it has its own gradient penalty, "
                        f"gp_weight); "
                        f"got {params['r1_weight']!r}, use 0 or loss non-saturating / hinge")


def check_network(config: Mapping[str, Any]) -> None:
    """The fields of a stored NetworkConfig (model.json's ``network``), checked as the parameters they come from."""
    for name, minimum in (("data_dim", 0), ("n_classes", 1), ("condition_dim", 0), ("latent_dim", 1), ("pac", 1)):
        _check_whole(name, config[name], minimum)
    _check_dims(config)
    check_flags(config, ("spectral_norm",))
    _check_real("dropout", config["dropout"], lambda v: 0.0 <= v < 1.0, "in [0, 1)")
    _check_choice("generator_norm", config["generator_norm"], NORMS)


def _check_dims(params: Mapping[str, Any]) -> None:
    for name in ("generator_dims", "discriminator_dims"):  # a 0-unit layer crashed in torch's init
        dims = params[name]
        if not isinstance(dims, (list, tuple, np.ndarray)) or len(dims) == 0 or not all(
                is_whole(d) and d >= 1 for d in dims):
            raise DataError(f"{param_name(name)} must be a list of layer widths >= 1, e.g. [256, 256]; got {dims!r}")


def _check_choice(name: str, value, choices: tuple[str, ...]) -> None:
    if not isinstance(value, str) or value not in choices:
        raise DataError(f"{param_name(name)} must be one of {', '.join(choices)}; got {value!r}")


def _check_whole(name: str, value, minimum: int) -> None:
    """A whole number >= ``minimum``; a float with no fraction (5.0, as JSON or --set may write it) counts."""
    integral = is_whole(value) or (is_real(value) and math.isfinite(value) and float(value).is_integer())
    if not (integral and value >= minimum):
        raise DataError(f"{param_name(name)} must be a whole number >= {minimum}; got {value!r}")


def _check_real(name: str, value, ok: Callable[[float], bool], expected: str) -> None:
    """``value`` a finite number (not a bool, not text) for which ``ok`` holds, else a DataError."""
    if not (is_real(value) and math.isfinite(float(value)) and ok(float(value))):
        raise DataError(f"{param_name(name)} must be {expected}; got {value!r}")


def _check_choices(params: Mapping[str, Any]) -> None:
    """``strategy``, ``class_sampling``, ``loss`` and ``generator_norm``: one of their names."""
    for name, choices in (("strategy", STRATEGIES), ("class_sampling", CLASS_SAMPLING), ("generator_norm", NORMS)):
        _check_choice(name, params[name], choices)
    check_loss(params["loss"])


def _check_numbers(params: Mapping[str, Any]) -> None:
    """Counts >= 1, rates > 0, weights >= 0, and the probabilities and decays within their intervals."""
    for name in ("epochs", "batch_size", "latent_dim", "discriminator_steps"):
        _check_whole(name, params[name], 1)
    _check_whole("min_steps", params["min_steps"], 0)
    # dropout 1 divided the kept units by zero: NaN losses, a NaN model
    _check_real("dropout", params["dropout"], lambda v: 0.0 <= v < 1.0, "in [0, 1)")
    if params["ema_decay"] is not None:
        _check_real("ema_decay", params["ema_decay"], lambda v: 0.0 <= v < 1.0, "in [0, 1) or None")
    for name in ("generator_lr", "discriminator_lr", "gumbel_tau", "dp_max_grad_norm"):  # gumbel_tau=0: NaN
        _check_real(name, params[name], lambda v: v > 0, "> 0")
    for name in ("gp_weight", "weight_decay"):
        _check_real(name, params[name], lambda v: v >= 0, "a finite number >= 0")
    _check_real("real_label", params["real_label"], lambda v: 0.0 < v <= 1.0, "in (0, 1]")
    _check_real("condition_probability", params["condition_probability"], lambda v: 0.0 <= v <= 1.0, "in [0, 1]")


def _check_lists(params: Mapping[str, Any]) -> None:
    """Layer widths, ``pac``, ``betas`` and the column-name lists, which must not overlap."""
    _check_dims(params)
    pac = params["pac"]
    if pac is not None and not (is_whole(pac) and pac >= 0):
        raise DataError(f"{param_name('pac')} must be a whole number >= 1 (or 0 / None for the default); "
                        f"got {pac!r}")
    if not is_betas(params["betas"]):  # [0.5] was an IndexError when training began
        raise DataError(f"{param_name('betas')} must be two numbers in [0, 1), e.g. [0.5, 0.9]; "
                        f"got {params['betas']!r}")
    for name in ("categorical", "continuous", "drop", "keep"):
        names = params[name]
        if not isinstance(names, Iterable) or isinstance(names, (str, bytes, Mapping)) or not all(
                isinstance(c, str) or is_whole(c) for c in names):
            raise DataError(f"{param_name(name)} must be a list of column names; got {names!r}")
    check_option_conflicts(categorical=params["categorical"], continuous=params["continuous"], drop=params["drop"],
                           keep=params["keep"])


def _check_other(params: Mapping[str, Any]) -> None:
    """``device`` a name torch knows (or "auto"), ``random_state`` a seed, a Generator, a RandomState or
    None, and ``public_schema`` a dict, a path or None (its content is checked when it is read)."""
    device = params["device"]
    try:
        known = isinstance(device, str) and (device == "auto" or torch.device(device) is not None)
    except RuntimeError:  # torch's "Expected one of cpu, cuda, ... device type"
        known = False
    if not known:
        raise DataError(f"{param_name('device')} must be 'cpu', 'cuda', 'auto' or another torch device name; "
                        f"got {device!r}")
    if not isinstance(params["random_state"], (np.random.Generator, np.random.RandomState, type(None))):
        check_seed(params["random_state"], "random_state")
    if not isinstance(params["public_schema"], (str, os.PathLike, dict, type(None))):
        raise DataError(f"{param_name('public_schema')} must be a dict or a path to a JSON file, "
                        f"got {params['public_schema']!r}")
