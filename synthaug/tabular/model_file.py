"""A fitted TabularCGAN as model-file content and back: the ``meta`` dict (written to model.json)
and the tensors (written to weights.safetensors) that :mod:`synthaug.persist` stores.

The meta holds aggregates only (params, network shape, encoder state, classes and their counts,
the target's name and dtype, column order, seed, privacy record, provenance, training history);
the tensors hold the encoder's arrays and each generator's weights. No training rows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import torch

from .._errors import ModelFileError
from ..persist import json_params, require
from .encoder import TableEncoder
from .networks import Generator, NetworkConfig

if TYPE_CHECKING:
    from .synthesizer import TabularCGAN


def meta_and_tensors(model: TabularCGAN, network: NetworkConfig) -> tuple[dict, dict[str, torch.Tensor | np.ndarray]]:
    """A fitted ``model`` whose generators have the shape ``network``, as (model.json entries,
    tensors): the encoder's arrays as ``encoder.*``, generator i's weights as ``generator.<i>.*``."""
    encoder_meta, arrays = model.encoder_.state()
    tensors = {f"encoder.{k[len('encoder.'):]}": v for k, v in arrays.items()}
    for i, G in enumerate(model.generators_):
        tensors.update({f"generator.{i}.{k}": v for k, v in G.state_dict().items()})
    meta = {
        "params": json_params(model.get_params()),
        "network": network.to_dict(),
        "encoder": encoder_meta,
        "classes": model.classes_,
        "class_counts": [int(c) for c in model.class_counts_],
        "target": {"name": model.target_name_, "dtype": model.target_dtype_, **_target_categories(model)},
        "columns": model.columns_,
        "seed": str(model.seed_),
        "privacy": model.privacy_,
        "provenance": model.provenance_,
        "training": {"n_rows": int(model.n_rows_), "seconds": round(model.fit_seconds_, 3),
                     "history": model.history_},
    }
    return meta, tensors


def restore_fitted(model: TabularCGAN, meta: dict, tensors: dict[str, torch.Tensor]) -> TabularCGAN:
    """Give ``model`` (built from the file's params) the fitted state that ``meta`` and ``tensors`` hold."""
    arrays = {k: v.numpy() for k, v in tensors.items() if k.startswith("encoder.")}
    model.encoder_ = TableEncoder.from_state(require(meta, "encoder"), arrays)
    net = NetworkConfig.from_dict(require(meta, "network"))
    n_models = 1 if model.strategy == "conditional" else len(require(meta, "classes"))
    model.generators_ = _generators(net, tensors, n_models)
    model.classes_ = list(require(meta, "classes"))
    model.class_counts_ = np.asarray(require(meta, "class_counts"), dtype=np.int64)
    model.target_name_ = require(meta, "target", "name")
    model.target_dtype_ = require(meta, "target", "dtype")
    order = require(meta, "target").get("categories")  # None in model files before it was stored
    model.target_categories_ = None if order is None else list(order)
    model.target_ordered_ = bool(require(meta, "target").get("ordered", False))
    model.columns_ = list(require(meta, "columns"))
    model.seed_ = int(require(meta, "seed"))
    model.n_rows_ = int(require(meta, "training", "n_rows"))
    model.fit_seconds_ = float(require(meta, "training", "seconds"))
    model.history_ = require(meta, "training", "history")
    model.privacy_ = meta.get("privacy")
    model.provenance_ = meta.get("provenance") or _old_provenance(model.privacy_)
    return model


def _generators(net: NetworkConfig, tensors: dict[str, torch.Tensor], n_models: int) -> list[Generator]:
    """Generators 0 .. n_models-1 in eval mode, their weights from ``generator.<i>.*``."""
    generators = []
    for i in range(n_models):
        prefix = f"generator.{i}."
        state = {k[len(prefix):]: v for k, v in tensors.items() if k.startswith(prefix)}
        G = Generator(net)
        try:
            G.load_state_dict(state)
        except RuntimeError as exc:
            raise ModelFileError(f"generator {i} weights do not match model.json: {str(exc)[:200]}") from None
        generators.append(G.eval())
    return generators


def _target_categories(model: TabularCGAN) -> dict:
    """A categorical label's categories and order, for model.json's ``target``; empty for other dtypes."""
    if model.target_categories_ is None:
        return {}
    return {"categories": model.target_categories_, "ordered": model.target_ordered_}


def _old_provenance(privacy: dict | None) -> dict[str, str]:
    """Model files written before public schemas existed: everything came from the data."""
    return {"schema": "inferred from the training data",
            "class_counts": "exact, from the training data" if privacy is None else "Laplace-noised"}
