"""Label-consistency filter at sampling: keep a generated image only if the model's own class
head (the discriminator's auxiliary classifier, trained on the training images alone) assigns
it to the class it was generated for; regenerate the rest, for a bounded number of rounds."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch

from .._weights import loaded_module
from .networks import Discriminator, ImageNetConfig

FILTER_ROUNDS = 20  # after this many tries an image is kept even if the head disagrees

Generate = Callable[[np.ndarray], np.ndarray]  # class codes (N,) -> uint8 images (N, S, S, C)
Classify = Callable[[np.ndarray], np.ndarray]  # uint8 images (N, S, S, C) -> class codes (N,)


def filter_by_label(generate: Generate, classify: Classify, codes: np.ndarray,
                    rounds: int = FILTER_ROUNDS) -> tuple[np.ndarray, int, int]:
    """Images for ``codes`` that ``classify`` assigns to their code, regenerating rejects.

    Returns (images (N, S, S, C) in the order of ``codes``, images regenerated, images kept
    after ``rounds`` tries although ``classify`` still disagreed).
    """
    codes = np.asarray(codes, dtype=np.int64)
    out: np.ndarray | None = None
    pending, regenerated = np.arange(len(codes)), 0
    for attempt in range(int(rounds)):
        x = generate(codes[pending])  # (P, S, S, C)
        if out is None:
            out = np.zeros((len(codes), *x.shape[1:]), dtype=x.dtype)
        ok = classify(x) == codes[pending]
        if attempt == int(rounds) - 1:
            out[pending] = x  # the last try is kept whatever the head says
            return out, regenerated, int(np.sum(~ok))
        out[pending[ok]] = x[ok]
        pending = pending[~ok]
        if len(pending) == 0:
            break
        regenerated += len(pending)
    return out, regenerated, 0


@torch.no_grad()
def head_classifier(D: Discriminator, batch: int = 1024) -> Classify:
    """``classify`` for :func:`filter_by_label` from a discriminator with a class head."""
    device = next(D.parameters()).device

    def classify(images: np.ndarray) -> np.ndarray:
        preds = []
        for start in range(0, len(images), batch):
            x = torch.from_numpy(np.ascontiguousarray(images[start : start + batch])).to(device)
            x = x.permute(0, 3, 1, 2).float().div(127.5).sub(1.0)  # (B, C, S, S) in [-1, 1]
            preds.append(D.class_logits(x).argmax(1).cpu())
        return torch.cat(preds).numpy() if preds else np.zeros(0, dtype=np.int64)

    return classify


def load_head(net: ImageNetConfig, tensors: dict[str, torch.Tensor]) -> Discriminator | None:
    """The label filter's discriminator from ``discriminator.*`` tensors, or None if there are none."""
    state = {k[len("discriminator."):]: v for k, v in tensors.items() if k.startswith("discriminator.")}
    if not state:
        return None
    return loaded_module(lambda: Discriminator(net, spectral=True, classifier=True), state, "discriminator.",
                         "discriminator").eval()
