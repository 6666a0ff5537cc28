"""Adam for a fixed list of parameters in one fused kernel call, without torch.optim's per-step bookkeeping."""

from __future__ import annotations

from collections.abc import Iterable

import torch


class FusedAdam:
    """The update of ``torch.optim.Adam(params, lr, betas, weight_decay=wd, fused=True)``, bit for bit.

    torch.optim spends more time per step than its fused kernel on small networks (grouping
    tensors by device, lazy state, hooks, and one step-counter increment per tensor); here the
    states are allocated once and the step counters are views of one tensor, incremented in one
    op. Parameters without a gradient are skipped, as torch does. Only ``step`` and
    ``zero_grad`` are provided: use ``torch.optim.Adam`` where a full Optimizer is needed (Opacus).
    """

    def __init__(self, params: Iterable[torch.Tensor], lr: float, betas: tuple[float, float],
                 weight_decay: float = 0.0, eps: float = 1e-8) -> None:
        self.params = [p for p in params if p.requires_grad]
        self.lr, self.betas, self.weight_decay, self.eps = float(lr), betas, float(weight_decay), float(eps)
        self.exp_avg = [torch.zeros_like(p, memory_format=torch.preserve_format) for p in self.params]
        self.exp_avg_sq = [torch.zeros_like(p, memory_format=torch.preserve_format) for p in self.params]
        self._steps = torch.zeros(len(self.params), dtype=torch.get_default_dtype(), device=self._device())
        self.steps = list(self._steps.unbind())  # (n,) scalar views, as torch's per-parameter state["step"]

    def _device(self) -> torch.device:
        return self.params[0].device if self.params else torch.device("cpu")

    def zero_grad(self, set_to_none: bool = True) -> None:
        for p in self.params:
            if set_to_none:
                p.grad = None
            elif p.grad is not None:
                p.grad.zero_()

    @torch.no_grad()
    def step(self) -> None:
        grads = [p.grad for p in self.params]
        if all(g is not None for g in grads):
            params, exp_avg, exp_avg_sq, steps = self.params, self.exp_avg, self.exp_avg_sq, self.steps
            self._steps.add_(1)
        else:  # rare: some parameters took no part in the loss
            keep = [i for i, g in enumerate(grads) if g is not None]
            params, grads = [self.params[i] for i in keep], [grads[i] for i in keep]
            exp_avg, exp_avg_sq = [self.exp_avg[i] for i in keep], [self.exp_avg_sq[i] for i in keep]
            steps = [self.steps[i] for i in keep]
            self._steps[keep] += 1
        if not params:
            return
        torch._fused_adam_(params, grads, exp_avg, exp_avg_sq, [], steps, amsgrad=False, lr=self.lr,
                           beta1=self.betas[0], beta2=self.betas[1], weight_decay=self.weight_decay, eps=self.eps,
                           maximize=False, grad_scale=None, found_inf=None)
