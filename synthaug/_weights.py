"""Checks of a model file's tensors (weights.safetensors) before a model is built from them: every
value finite, every tensor one the model reads, of the dtype it has there. The SHA-256 in model.json
only shows that the weights are the ones saved beside it; a file edited (or written) by hand passes
it. Each message is one line naming the file and the tensor."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import torch

from ._errors import ModelFileError
from ._text import one_line
from .persist import META_FILE, WEIGHTS_FILE


def check_finite(tensors: Mapping[str, torch.Tensor]) -> None:
    """Refuse a floating-point tensor holding NaN or an infinity: one NaN weight made every sampled
    cell NaN, a NaN knot a whole column. One test over all the tensors of each dtype (joined: a test per
    tensor took three times as long for a model's hundred small ones); the culprit is looked for only
    when it fails."""
    groups: dict[torch.dtype, list[torch.Tensor]] = {}
    for tensor in tensors.values():
        if tensor.is_floating_point():
            groups.setdefault(tensor.dtype, []).append(tensor.reshape(-1))
    if all(bool(torch.isfinite(torch.cat(group)).all()) for group in groups.values()):
        return
    name = next(k for k, v in tensors.items() if v.is_floating_point() and not bool(torch.isfinite(v).all()))
    raise ModelFileError(f"{WEIGHTS_FILE}: tensor {name!r} holds NaN or infinite values")


def check_ascending(tensors: Mapping[str, torch.Tensor], names: Mapping[str, str]) -> None:
    """Refuse a 1-D tensor of ``names`` (tensor name -> what it is, for the message) whose values
    decrease anywhere: interpolation needs them sorted and gave wrong values without a word. Tested
    joined, one comparison over all of them (steps from one tensor into the next left out)."""
    present = [(name, tensors[name]) for name in names if name in tensors and tensors[name].ndim == 1]
    if not present:
        return
    joined = torch.cat([tensor.to(torch.float64) for _, tensor in present])
    drops = joined[1:] < joined[:-1]  # (total - 1,)
    ends = torch.tensor([len(t) for _, t in present]).cumsum(0)[:-1] - 1  # a tensor's last value, then the next's first
    drops[ends[ends >= 0]] = False
    if bool(drops.any()):
        first = int(drops.nonzero()[0, 0])
        name = present[int(torch.searchsorted(ends + 1, torch.tensor(first), right=True))][0]
        raise ModelFileError(f"{WEIGHTS_FILE}: tensor {name!r} ({names[name]}) is not in ascending order")


def check_dtypes(state: Mapping[str, torch.Tensor], expected: Mapping[str, torch.dtype], prefix: str = "") -> None:
    """Refuse a tensor of ``state`` (named ``prefix + key`` in the file) whose dtype is not the one
    ``expected`` gives it: loading cast an int64 or float16 tensor to the model's dtype silently."""
    for key, tensor in state.items():
        dtype = expected.get(key)
        if dtype is not None and tensor.dtype != dtype:
            raise ModelFileError(f"{WEIGHTS_FILE}: tensor {prefix + key!r} is {_name(tensor.dtype)}; the model "
                                 f"reads it as {_name(dtype)}")


def check_all_read(tensors: Mapping[str, torch.Tensor], read: set[str]) -> None:
    """Refuse tensors the model does not read (``read``: the names it does): they were ignored, so a
    file could carry anything, or weights of a generator the model does not have."""
    unread = sorted(set(tensors) - read)
    if unread:
        more = f" (and {len(unread) - 1} more)" if len(unread) > 1 else ""
        raise ModelFileError(f"{WEIGHTS_FILE}: tensor {unread[0]!r}{more} is not one this model reads; the file "
                             "was edited, or is not the one saved with this model.json")


def module_dtypes(module: torch.nn.Module) -> dict[str, torch.dtype]:
    """Each state-dict entry of ``module`` and its dtype (float32 weights, int64 batch-norm counters)."""
    return {key: value.dtype for key, value in module.state_dict().items()}


def _name(dtype: torch.dtype) -> str:
    return str(dtype).removeprefix("torch.")


def loaded_module(build: Callable[[], torch.nn.Module], state: Mapping[str, torch.Tensor], prefix: str,
                  what: str) -> torch.nn.Module:
    """``build()`` with ``state`` (its tensors, named ``prefix + key`` in the file) loaded; the shapes and
    dtypes are checked on the meta device first, so a width edited in model.json cannot ask for
    terabytes before the file's tensors are compared with it. ``what`` names the module in messages."""
    try:
        with torch.device("meta"):
            layout = build().state_dict()
    except (RuntimeError, TypeError, ValueError, OverflowError) as exc:  # sizes beyond what torch can describe
        raise ModelFileError(f"{META_FILE}: network: sizes torch cannot build ({one_line(exc)})") from None
    shapes = {k: tuple(v.shape) for k, v in layout.items()}
    stored = {k: tuple(v.shape) for k, v in state.items()}
    if stored != shapes:
        name = next(k for k in sorted(set(shapes) | set(stored)) if shapes.get(k) != stored.get(k))
        raise ModelFileError(f"{what} weights do not match model.json: {prefix}{name} has shape {stored.get(name)} "
                             f"in {WEIGHTS_FILE}, {shapes.get(name)} by network")
    check_dtypes(state, {k: v.dtype for k, v in layout.items()}, prefix)
    module = build()
    try:
        module.load_state_dict(state)
    except RuntimeError as exc:
        raise ModelFileError(f"{what} weights do not match model.json: {one_line(exc, 200)}") from None
    return module
