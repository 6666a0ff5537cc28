"""Generator and projection discriminator for tabular rows, conditioned on the class label."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from ..gan.init import SeededDropout
from .spans import SoftmaxLayout, SparseCondition, as_sparse

__all__ = ["NORMS", "Discriminator", "Generator", "NetworkConfig", "SoftmaxLayout", "SparseCondition", "as_sparse",
           "linear_padded"]  # SoftmaxLayout, SparseCondition and as_sparse live in spans


@dataclass(frozen=True)
class NetworkConfig:
    """Everything needed to rebuild the networks from a model file."""

    data_dim: int
    n_classes: int
    condition_dim: int
    latent_dim: int
    generator_dims: tuple[int, ...]
    discriminator_dims: tuple[int, ...]
    pac: int
    spectral_norm: bool
    dropout: float
    generator_norm: str = "batch"

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> NetworkConfig:
        data = dict(data)
        data["generator_dims"] = tuple(data["generator_dims"])
        data["discriminator_dims"] = tuple(data["discriminator_dims"])
        return cls(**data)


NORMS = ("batch", "layer")


class Block(nn.Module):
    """Linear -> norm -> ReLU, added to its input when the widths match (B, d_in) -> (B, d_out)."""

    def __init__(self, d_in: int, d_out: int, norm: str = "batch") -> None:
        super().__init__()
        self.fc = nn.Linear(d_in, d_out)
        self.bn = nn.BatchNorm1d(d_out) if norm == "batch" else nn.LayerNorm(d_out)
        self.residual = d_in == d_out

    def linear_params(self) -> tuple[torch.Tensor, torch.Tensor, bool]:
        """The Linear's (weight, bias, folded): in eval mode a batch norm is folded into them.

        Folded, ``x @ W.T + b`` already is the normalised output (the same affine map, one pass
        fewer over the (B, d_out) activations when sampling).
        """
        bn = self.bn
        if self.training or not isinstance(bn, nn.BatchNorm1d) or bn.running_var is None:
            return self.fc.weight, self.fc.bias, False
        scale = bn.weight * torch.rsqrt(bn.running_var + bn.eps)  # (d_out,)
        return self.fc.weight * scale[:, None], (self.fc.bias - bn.running_mean) * scale + bn.bias, True

    def forward(self, x: torch.Tensor | None, fc_out: torch.Tensor | None = None) -> torch.Tensor:
        """``fc_out``, when given, is ``x @ W.T + b`` with :meth:`linear_params` (``x`` is then only the residual)."""
        weight, bias, folded = self.linear_params()
        if fc_out is None:
            fc_out = F.linear(x, weight, bias)
        h = F.relu(fc_out if folded else self.bn(fc_out), inplace=True)
        if not self.residual:
            return h
        return h.add_(x) if torch.is_inference_mode_enabled() else h + x  # relu's backward needs h


class Generator(nn.Module):
    """(z, class, condition) -> raw row scores; the label enters through an embedding.

    Additive residual blocks keep every layer at its own width (156k multiply-adds per row for
    adult at the default widths, against 276k for CTGAN-style concatenated blocks).
    """

    def __init__(self, cfg: NetworkConfig) -> None:
        super().__init__()
        self.latent_dim = cfg.latent_dim
        self.class_embedding = nn.Embedding(cfg.n_classes, cfg.latent_dim)
        dim, blocks = 2 * cfg.latent_dim + cfg.condition_dim, []
        for width in cfg.generator_dims:
            blocks.append(Block(dim, width, cfg.generator_norm))
            dim = width
        self.blocks = nn.ModuleList(blocks)
        self.out = nn.Linear(dim, cfg.data_dim)

    def forward(self, z: torch.Tensor, y: torch.Tensor, condition: torch.Tensor | SparseCondition | None = None,
                group: int = 1) -> torch.Tensor:
        """Raw scores (B, data_dim) for ``z`` (B, L).

        Rows come in consecutive groups of ``group`` (a pack) that share a class and a condition:
        ``y`` (B / group,) and ``condition`` (B / group, C), dense or sparse; None means no category
        condition (as in sampling).
        """
        first, rest = self.blocks[0], self.blocks[1:]
        if first.residual:  # the block adds its input (zeros for no condition): build it
            if condition is None:
                condition = z.new_zeros(len(y), first.fc.in_features - 2 * self.latent_dim)
            elif isinstance(condition, SparseCondition):
                condition = condition.to_dense()
            per_group = torch.cat([self.class_embedding(y), condition], dim=1)
            h = first(torch.cat([z, per_group.repeat_interleave(group, dim=0)], dim=1))
        else:
            h = first(None, self._first_linear(z, y, condition, group))
        for block in rest:
            h = block(h)
        return linear_padded(h, self.out.weight, self.out.bias)  # (B, data_dim)

    @torch.no_grad()
    def reorder_output(self, columns: torch.Tensor, width: int | None = None) -> Generator:
        """Rebuild the output layer from its rows ``columns``, so the generator emits ``out[:, columns]``.

        ``width`` > len(columns) appends zero rows (zero outputs): a width that is a multiple of
        8 needs no padding in :func:`linear_padded`. Their gradients are zero, so with Adam and
        weight decay they stay zero; selecting the other rows drops them again.
        """
        out = self.out
        pad = (width or len(columns)) - len(columns)
        for name in ("weight", "bias"):
            old = getattr(out, name)
            rows = old[columns]
            new = torch.cat([rows, rows.new_zeros((pad,) + rows.shape[1:])]) if pad > 0 else rows
            setattr(out, name, nn.Parameter(new, requires_grad=old.requires_grad))
        out.out_features = out.weight.shape[0]
        return self

    def _first_linear(self, z: torch.Tensor, y: torch.Tensor, condition: torch.Tensor | SparseCondition | None,
                      group: int) -> torch.Tensor:
        """The first Linear on cat([z, embed(y), condition]), without building that input (B, H).

        The class part is ``W_y @ embed(y)``, a lookup in ``W_y @ embed.T`` (H, K); the condition
        part adds W's columns at the condition's nonzeros (it is one-hot or zero). With groups
        (packs in training) both are computed once per group, (B / group, H), and added to each
        row of its group; one row per group (sampling) takes the class as K one-hot columns of the
        z matmul instead, with no extra pass over the (B, H) output. Same function as the matmul
        over the concatenation, with about a third of its multiply-adds.
        """
        weight, bias, _ = self.blocks[0].linear_params()
        latent = self.latent_dim
        w_z, w_y, w_c = weight.split([latent, latent, weight.shape[1] - 2 * latent], dim=1)  # one backward op
        class_columns = w_y @ self.class_embedding.weight.t()  # (H, K)
        if group == 1:
            inputs = torch.cat([z, F.one_hot(y, class_columns.shape[1]).to(z.dtype)], dim=1)  # (B, L + K)
            return _add_condition(torch.addmm(bias, inputs, torch.cat([w_z, class_columns], dim=1).t()),
                                  condition, w_c)
        out = torch.addmm(bias, z, w_z.t())  # (B, H)
        per_group = _add_condition(class_columns.t().index_select(0, y), condition, w_c)  # (B / group, H)
        # addmm's backward needs neither its output nor per_group's values: adding in place is safe
        return out.view(len(y), group, -1).add_(per_group.unsqueeze(1)).view(out.shape)


def _add_condition(out: torch.Tensor, condition: torch.Tensor | SparseCondition | None,
                   w_c: torch.Tensor) -> torch.Tensor:
    """``out + condition @ w_c.T`` for a dense or sparse ``condition`` (rows of ``out``, C); None adds nothing."""
    if isinstance(condition, SparseCondition):
        picked = w_c.t()[condition.columns] * condition.values.unsqueeze(1)  # (nnz, H)
        return out.index_add(0, condition.rows, picked)
    if condition is not None:
        return out.addmm(condition, w_c.t())
    return out


def linear_padded(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor, multiple: int = 8) -> torch.Tensor:
    """``F.linear`` with the output width padded by zero rows to a multiple of ``multiple``, then cut.

    MKL's matmul is much slower for output widths that are not a multiple of 8 (50,000 x 256 ->
    119 took 70 ms, -> 120 took 41 ms); the padded rows give columns that are dropped.
    """
    pad = -weight.shape[0] % multiple
    if pad == 0:
        return F.linear(x, weight, bias)
    return F.linear(x, F.pad(weight, (0, 0, 0, pad)), F.pad(bias, (0, pad)))[:, : weight.shape[0]]


class Discriminator(nn.Module):
    """Projection discriminator over packs of ``pac`` rows of one class.

    logit = w . phi(x) + <embed(y), phi(x)>; returns (logits (P,), features (P, H)).
    """

    def __init__(self, cfg: NetworkConfig) -> None:
        super().__init__()
        linear = SpectralLinear if cfg.spectral_norm else nn.Linear  # Opacus needs plain nn.Linear
        embedding = SpectralEmbedding if cfg.spectral_norm else nn.Embedding
        layers, dim = [], cfg.data_dim * cfg.pac
        for width in cfg.discriminator_dims:
            layers += [linear(dim, width), nn.LeakyReLU(0.2), SeededDropout(cfg.dropout)]
            dim = width
        self.features = nn.Sequential(*layers)
        self.out = linear(dim, 1)
        self.class_embedding = embedding(cfg.n_classes, dim)
        self.pac = cfg.pac

    def forward(self, x: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        phi = self.features(x.reshape(-1, x.shape[1] * self.pac))  # (P, H)
        logits = self.out(phi).squeeze(1) + (self.class_embedding(y) * phi).sum(1)
        return logits, phi


class SpectralLinear(nn.Linear):
    """``nn.Linear`` with spectral normalisation, the function of torch's ``spectral_norm``.

    A training forward runs one power iteration (``u = W v / |W v|``, then ``t = W.T u``, ``v = t / |t|``)
    and uses ``sigma = |t|``, which is torch's ``u . W v`` for the new ``v``, without a third pass
    over ``W``. The output ``x W.T / sigma + b`` divides the (B, out) product rather than the
    (out, in) weight, and the backward adds sigma's term to the weight gradient in place (see
    :class:`_SpectralLinearFn`): for adult's 1190 -> 256 first layer, forward and backward at 100
    packs took 1.8 ms against 2.4 ms with the parametrisation.
    """

    def __init__(self, d_in: int, d_out: int, eps: float = 1e-12) -> None:
        super().__init__(d_in, d_out)
        self.eps = eps
        self.register_buffer("_u", torch.full((d_out,), d_out**-0.5))  # re-drawn by reset_parameters
        self.register_buffer("_v", torch.full((d_in,), d_in**-0.5))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.weight.requires_grad:  # frozen (D in the generator's step): see _frozen_sigma
            return torch.addcdiv(self.bias, F.linear(x, self.weight), _frozen_sigma(self))
        with torch.no_grad():
            if self.training:
                F.normalize(torch.mv(self.weight, self._v), dim=0, eps=self.eps, out=self._u)
                t = torch.mv(self.weight.t(), self._u)
                sigma = t.norm().clamp_min(self.eps)
                torch.div(t, sigma, out=self._v)
            else:
                sigma = torch.dot(self._u, torch.mv(self.weight, self._v))
        return _SpectralLinearFn.apply(x, self.weight, self.bias, self._u.clone(), self._v.clone(), sigma)


class SpectralEmbedding(nn.Embedding):
    """``nn.Embedding`` under torch's ``spectral_norm`` (same power iteration, same ``weight / sigma``).

    Without the parametrisation machinery, which cost three times the lookup itself on every
    training forward (76 us against 27 in eval mode for adult's (2, 256) table).
    """

    def __init__(self, n: int, dim: int, eps: float = 1e-12) -> None:
        super().__init__(n, dim)
        self.eps = eps
        self.register_buffer("_u", torch.full((n,), n**-0.5))  # re-drawn by reset_parameters
        self.register_buffer("_v", torch.full((dim,), dim**-0.5))

    def forward(self, y: torch.Tensor) -> torch.Tensor:
        if not self.weight.requires_grad:  # frozen: see _frozen_sigma
            return F.embedding(y, self.weight / _frozen_sigma(self))
        if self.training:
            with torch.no_grad():
                F.normalize(torch.mv(self.weight, self._v), dim=0, eps=self.eps, out=self._u)
                F.normalize(torch.mv(self.weight.t(), self._u), dim=0, eps=self.eps, out=self._v)
        sigma = torch.dot(self._u.clone(), torch.mv(self.weight, self._v.clone()))
        return F.embedding(y, self.weight / sigma)


@torch.no_grad()
def _frozen_sigma(layer: SpectralLinear | SpectralEmbedding) -> torch.Tensor:
    """``u . W v`` with the vectors as they are, for a layer whose weight takes no gradient.

    A frozen layer is the discriminator in the generator's step, whose weights last changed in
    the discriminator's step: its power iteration advances once per weight update, there, rather
    than twice per training step (as with torch's ``spectral_norm``, which iterates on every
    training forward). The generator's step skips two matrix-vector products and a dozen small
    ops per layer; no weight gradient means nothing to differentiate through sigma.
    """
    return torch.dot(layer._u, torch.mv(layer.weight, layer._v))


class _SpectralLinearFn(torch.autograd.Function):
    """``x W.T / sigma + b`` with ``sigma = u . W v`` for fixed unit ``u``, ``v`` (so ``d sigma / d W = u v.T``).

    The first-order backward writes sigma's rank-one term into the weight gradient in place.
    Under ``create_graph`` (the WGAN-GP penalty) it differentiates the plain expression instead,
    so the gradient of the gradient is autograd's, as with torch's parametrisation.
    """

    @staticmethod
    def forward(ctx: Any, x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor, u: torch.Tensor,
                v: torch.Tensor, sigma: torch.Tensor) -> torch.Tensor:
        product = F.linear(x, weight)  # (B, out)
        ctx.save_for_backward(x, weight, bias, u, v, sigma, product)
        return torch.addcdiv(bias, product, sigma)

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> tuple[torch.Tensor | None, ...]:
        x, weight, bias, u, v, sigma, product = ctx.saved_tensors
        needs = ctx.needs_input_grad
        if torch.is_grad_enabled():  # create_graph=True: a graph of the backward is wanted
            return _plain_backward(x, weight, bias, u, v, grad, needs[:3]) + (None, None, None)
        scaled = grad / sigma  # (B, out)
        grad_x = scaled @ weight if needs[0] else None
        grad_w = None
        if needs[1]:
            grad_sigma = -(scaled * product).sum() / sigma
            grad_w = (scaled.t() @ x).addmm_((grad_sigma * u).unsqueeze(1), v.unsqueeze(0))  # + dsigma u v.T
        return grad_x, grad_w, grad.sum(0) if needs[2] else None, None, None, None


def _plain_backward(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor, u: torch.Tensor, v: torch.Tensor,
                    grad: torch.Tensor, needs: tuple[bool, ...]) -> tuple[torch.Tensor | None, ...]:
    """Gradients of ``x W.T / (u . W v) + b`` for ``(x, W, b)`` by autograd, differentiable themselves."""
    inputs = [t for t, need in zip((x, weight, bias), needs, strict=True) if need]
    out = torch.addcdiv(bias, F.linear(x, weight), torch.dot(u, torch.mv(weight, v)))
    grads = iter(torch.autograd.grad(out, inputs, grad, create_graph=True))
    return tuple(next(grads) if need else None for need in needs)
