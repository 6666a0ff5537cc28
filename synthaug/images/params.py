"""Checks of ImageCGAN's constructor parameters, run first thing in ``fit``.

Each takes ``get_params(deep=False)`` (as scikit-learn's ``_validate_params`` does) and raises a
DataError (a ValueError) naming the parameter, so ``synthaug fit --set`` reports one line.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import numpy as np

from .._checks import is_betas, is_real, is_whole
from .._errors import DataError
from .._text import param_name
from ..gan.losses import check_loss
from ..privacy.dp import check_budget, check_dp_request
from .arrays import check_channels, check_image_size
from .diffaugment import parse_policy


def check_params(params: Mapping[str, Any]) -> None:
    """Refuse an ImageCGAN parameter out of range, or one DP training does not support."""
    check_loss(params["loss"])
    check_channels(params["channels"])
    if params["image_size"] is not None:
        check_image_size(params["image_size"])
    parse_policy(params["augment"])
    _check_numbers(params)
    if not is_betas(params["betas"]):
        raise DataError(f"{param_name('betas')} must be two numbers in [0, 1), e.g. [0.5, 0.999]; "
                        f"got {params['betas']!r}")
    truncation = params["truncation"]
    if truncation is not None and not (is_real(truncation) and truncation > 0):
        raise DataError(f"{param_name('truncation')} must be a number > 0 or None; got {truncation!r}")
    if params["grid_dir"] is not None and not isinstance(params["grid_dir"], (str, os.PathLike)):
        raise DataError(f"{param_name('grid_dir')} must be a folder path or None; got {params['grid_dir']!r}")
    if params["ema_decay"] is not None and not 0.0 < float(params["ema_decay"]) < 1.0:
        raise DataError(f"{param_name('ema_decay')} must be in (0, 1) or None; got {params['ema_decay']!r}")
    if params["label_filter"] and (params["dp_epsilon"] is not None or not float(params["class_weight"]) > 0):
        raise DataError(f"{param_name('label_filter')} needs the discriminator's class head, which is trained "
                        f"only with class_weight > 0 and without DP; got class_weight={params['class_weight']!r}, "
                        f"dp_epsilon={params['dp_epsilon']!r}")
    check_dp_request(params["dp_epsilon"], params["dp_delta"])
    _check_dp(params)


def _check_numbers(params: Mapping[str, Any]) -> None:
    """Counts >= 1, ``augment_p`` and the adaptive targets within range, weights >= 0, rates > 0."""
    names = ("steps", "batch_size", "latent_dim", "width", "discriminator_steps", "grid_every", "grid_columns",
             "adapt_images")
    for name in names + (("n_threads",) if params["n_threads"] is not None else ()):
        value = params[name]
        if not is_whole(value) or value < 1:
            raise DataError(f"{param_name(name)} must be a whole number >= 1; got {value!r}")
    if not 0.0 <= float(params["augment_p"]) <= 1.0:
        raise DataError(f"{param_name('augment_p')} must be in [0, 1]; got {params['augment_p']!r}")
    for name in ("apa_target", "ada_target"):
        value = params[name]
        if value is not None and not (is_real(value) and -1.0 < float(value) < 1.0):
            raise DataError(f"{param_name(name)} must be in (-1, 1) (a target for E[sign(D(real))]) or None; "
                            f"got {value!r}")
    for name in ("class_weight", "lecam_weight", "bcr_weight"):
        value = params[name]
        if isinstance(value, bool) or not 0 <= float(value) < np.inf:
            raise DataError(f"{param_name(name)} must be a finite number >= 0; got {value!r}")
    for name in ("generator_lr", "discriminator_lr"):
        if not float(params[name]) > 0:
            raise DataError(f"{param_name(name)} must be > 0; got {params[name]!r}")


def _check_dp(params: Mapping[str, Any]) -> None:
    """Under DP: no APA, ADA, bCR or LeCam, a budget DP-SGD can deliver, and no wgan-gp."""
    adaptive = {"apa_target": params["apa_target"], "ada_target": params["ada_target"]}
    adaptive |= {k: params[k] for k in ("bcr_weight", "lecam_weight") if float(params[k]) > 0}
    used = [f"{k}={v!r}" for k, v in adaptive.items() if v is not None]
    if params["dp_epsilon"] is not None and used:  # DP steps take none of them: refused, not ignored
        raise DataError(f"{used[0]}: APA, ADA, bCR and LeCam are not supported with DP; leave them off with "
                        "dp_epsilon")
    if params["dp_epsilon"] is not None:
        check_budget(params["dp_epsilon"], params["dp_delta"], params["dp_max_grad_norm"])
        if params["loss"] == "wgan-gp":
            raise DataError("loss: wgan-gp's gradient penalty is not supported with DP; use hinge or "
                            "non-saturating")
