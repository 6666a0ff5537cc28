"""synthaug: class-conditional GANs for synthetic-data augmentation, with utility and privacy checks."""

from __future__ import annotations

import importlib
import os
from typing import TYPE_CHECKING

# Idle OpenMP threads sleep instead of spinning: on a busy machine, spinning made steps ~10x slower.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

__version__ = "0.1.0"

from ._errors import (  # noqa: E402
    DataError,
    DraftSchemaWarning,
    FilterNotAppliedWarning,
    ModelFileError,
    SynthaugError,
    SynthaugWarning,
)
from ._lazy import lazy_attributes as _lazy_attributes  # noqa: E402

if TYPE_CHECKING:
    from ._provenance import model_sha256
    from .augment import SynthOverSampler
    from .images.folder import read_images
    from .images.synthesizer import ImageCGAN
    from .tabular.synthesizer import TabularCGAN
    from .torch_data import AugmentedDataset

# Public name -> its module, imported on first use (PEP 562): these pull in torch, scikit-learn and
# pandas, which `synthaug --version` and `--help` do not need (they took ~2.5 s to import).
_LAZY = {
    "AugmentedDataset": ".torch_data",
    "ImageCGAN": ".images.synthesizer",
    "SynthOverSampler": ".augment",
    "TabularCGAN": ".tabular.synthesizer",
    "model_sha256": "._provenance",
    "read_images": ".images.folder",
}

# model_type in model.json -> "module:Class" whose ``from_saved(meta, tensors)`` rebuilds it
MODEL_TYPES = {
    "TabularCGAN": "synthaug.tabular.synthesizer:TabularCGAN",
    "ImageCGAN": "synthaug.images.synthesizer:ImageCGAN",
}


# Subpackages that `import synthaug` used to load as a side effect: `synthaug.evaluate.evaluate(...)`
# kept working after the lazy imports only because they are imported here on first use.
_SUBMODULES = ("augment", "distributed", "evaluate", "images", "io", "persist", "privacy", "recipe", "sampling",
               "share", "tabular", "torch_data")


__getattr__, __dir__ = _lazy_attributes(__name__, globals(), _LAZY, _SUBMODULES)


def load(path, sha256: str | None = None):
    """Load a model directory written by ``.save(path)`` (JSON + safetensors, no pickle; ``~`` in
    ``path`` is the home folder): a fitted TabularCGAN or ImageCGAN.

    ``sha256``: the model's :func:`model_sha256` (``synthaug inspect`` prints it) recorded when it was
    trusted; a model whose model.json or weights changed since is refused. Without it, loading checks
    that the weights are the ones saved with model.json (against corruption, not against a hand edit
    of both files) and that every value is of a form synthaug writes."""
    from .persist import load_model_digested, require

    meta, tensors, digest = load_model_digested(path)
    if sha256 is not None:
        _check_pinned(path, sha256, meta.get("weights_sha256"), digest)
    model_type = require(meta, "model_type")
    if model_type not in MODEL_TYPES:
        raise ModelFileError(f"{path}: unknown model type {model_type!r}")
    module_name, class_name = MODEL_TYPES[model_type].split(":")
    module = importlib.import_module(module_name)
    try:
        return getattr(module, class_name).from_saved(meta, tensors)
    except ModelFileError as exc:  # its message names model.json's field; this names the directory
        raise ModelFileError(f"{path}: {exc}") from None


def _check_pinned(path, expected: str, weights_digest: str | None, digest: str) -> None:
    """A ModelFileError unless ``digest``, the :func:`model_sha256` of the files as loaded, is ``expected``;
    a DataError for a value that is no SHA-256, or the weights' own (model.json's ``weights_sha256``)."""
    import re

    if not isinstance(expected, str) or not re.fullmatch(r"[0-9a-fA-F]{64}", expected.strip()):
        raise DataError(f"sha256 must be the model's SHA-256 as text (64 hex digits); got {expected!r}")
    if expected.strip().lower() == weights_digest:
        raise DataError("sha256: that is the weights' SHA-256 (model.json's weights_sha256), not the model's; "
                        "give the model SHA-256 that synthaug inspect prints (of model.json and the weights)")
    if digest != expected.strip().lower():
        raise ModelFileError(f"{path}: its SHA-256 (model.json and weights) is {digest[:12]}..., not the "
                             f"{expected.strip()[:12]}... given; the model changed since that digest was recorded")


__all__ = [
    "AugmentedDataset",
    "DataError",
    "DraftSchemaWarning",
    "FilterNotAppliedWarning",
    "ImageCGAN",
    "ModelFileError",
    "SynthOverSampler",
    "SynthaugError",
    "SynthaugWarning",
    "TabularCGAN",
    "load",
    "model_sha256",
    "read_images",
]
