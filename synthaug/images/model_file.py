"""A fitted ImageCGAN as model-file content and back: the ``meta`` dict (written to model.json)
and the tensors (written to weights.safetensors) that :mod:`synthaug.persist` stores.

The meta holds params, network shape, classes and their counts, seed, privacy record and
training record (images, seconds, the images' digest, library versions, history); the tensors hold
the generator's weights, and the discriminator's when the label filter keeps its class head. No
training images.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import torch

from .._errors import ModelFileError
from .._weights import check_all_read, check_finite, loaded_module
from ..persist import fit_record, json_params, json_seed, read_fit_record, read_threads, require
from .label_filter import load_head
from .networks import Generator, ImageNetConfig

if TYPE_CHECKING:
    from .synthesizer import ImageCGAN


def meta_and_tensors(model: ImageCGAN, network: ImageNetConfig) -> tuple[dict, dict[str, torch.Tensor]]:
    """A fitted ``model`` whose networks have the shape ``network``, as (model.json entries,
    tensors): the generator's weights as ``generator.*``, a kept discriminator's as ``discriminator.*``."""
    meta = {
        "params": json_params(model.get_params()),
        "network": network.to_dict(),
        "classes": model.classes_.tolist(),
        "class_counts": [int(c) for c in model.class_counts_],
        "seed": json_seed(model.seed_),
        "privacy": model.privacy_,
        "training": {"n_images": int(model.n_images_), "seconds": round(model.fit_seconds_, 3), "processes": 1,
                     **({} if model.n_threads_ is None else {"threads": int(model.n_threads_)}), **fit_record(model),
                     "history": model.history_},
    }
    tensors = {f"generator.{k}": v for k, v in model.generator_.state_dict().items()}
    if model.discriminator_ is not None:  # the label filter's class head (and the features under it)
        tensors |= {f"discriminator.{k}": v for k, v in model.discriminator_.state_dict().items()}
    return meta, tensors


def restore_fitted(model: ImageCGAN, meta: dict, tensors: dict[str, torch.Tensor]) -> ImageCGAN:
    """Give ``model`` (built from the file's params) the fitted state that ``meta`` and ``tensors`` hold;
    a tensor that is not finite, of another dtype than the model's, or not read is refused."""
    check_finite(tensors)
    check_all_read(tensors, {k for k in tensors if k.startswith(("generator.", "discriminator."))})
    net = ImageNetConfig.from_dict(require(meta, "network"))
    state = {k[len("generator."):]: v for k, v in tensors.items() if k.startswith("generator.")}
    model.generator_ = loaded_module(lambda: Generator(net), state, "generator.", "generator").eval()
    model.discriminator_ = load_head(net, tensors)
    model.classes_ = np.asarray(require(meta, "classes"))
    model.class_counts_ = np.asarray(require(meta, "class_counts"), dtype=np.int64)
    if len(model.classes_) != net.n_classes or len(model.class_counts_) != net.n_classes:
        raise ModelFileError("model.json: classes and network.n_classes disagree")
    model.image_size_, model.channels_ = net.image_size, net.channels
    model.seed_ = int(require(meta, "seed"))
    model.n_images_ = int(require(meta, "training", "n_images"))
    model.fit_seconds_ = float(require(meta, "training", "seconds"))
    model.n_threads_ = read_threads(meta)
    model.history_ = require(meta, "training", "history")
    model.data_sha256_, model.versions_ = read_fit_record(meta)
    model.privacy_ = meta.get("privacy")
    return model
