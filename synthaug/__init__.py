"""synthaug: class-conditional GANs for synthetic-data augmentation, with utility and privacy checks."""

from __future__ import annotations

__version__ = "0.1.0"

from ._errors import DataError, ModelFileError, SynthaugError, SynthaugWarning  # noqa: E402
from .tabular.synthesizer import TabularCGAN  # noqa: E402


def load(path):
    """Load a model directory written by ``.save(path)`` (JSON + safetensors, no pickle)."""
    from .persist import load_model, require

    meta, tensors = load_model(path)
    model_type = require(meta, "model_type")
    registry = {"TabularCGAN": TabularCGAN}
    if model_type not in registry:
        raise ModelFileError(f"{path}: unknown model type {model_type!r}")
    return registry[model_type].from_saved(meta, tensors)


__all__ = ["DataError", "ModelFileError", "SynthaugError", "SynthaugWarning", "TabularCGAN", "load"]
