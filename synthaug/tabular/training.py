"""One readable GAN training loop for tabular rows: packs, conditional sampling, EMA, optional DP."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, replace

import numpy as np
import torch

from .._progress import ProgressBar
from .._random import child_seed
from ..distributed import DistContext, packs_per_process
from ..gan.adam import FusedAdam
from ..gan.ema import ema_copy, ema_tensors, ema_update
from ..gan.frozen import frozen
from ..gan.init import seeded_module, set_dropout_generator
from ..gan.lecam import LeCamAnchors
from ..gan.losses import discriminator_loss, feature_matching_loss, generator_loss, gradient_penalty, r1_penalty
from .columns import Span
from .conditional import ConditionalSampler
from .networks import Discriminator, Generator, NetworkConfig
from .spans import SoftmaxLayout, SparseCondition, as_sparse


@dataclass(frozen=True)
class TrainConfig:
    loss: str
    real_label: float
    gp_weight: float
    lecam_weight: float
    r1_weight: float
    generator_lr: float
    discriminator_lr: float
    betas: tuple[float, float]
    weight_decay: float
    discriminator_steps: int
    feature_matching: float
    condition_weight: float
    ema_decay: float | None
    gumbel_tau: float
    n_steps: int
    n_packs: int
    class_sampling: str
    condition_probability: float
    log_every: int


@dataclass
class StepBatch:
    """Real row indices with a class per real pack; classes and conditions for the fake packs."""

    real_rows: np.ndarray
    real_classes: np.ndarray
    fake_classes: np.ndarray
    condition: np.ndarray


class ConditionalBatches:
    """Training-by-sampling: real and fake packs share classes and category conditions.

    Packs are independent draws, so ``chunk`` steps' packs come from one vectorised call (the
    same distribution as a call per step, without its fixed cost every step) and are handed out
    a step at a time. ``chunk`` does not depend on the number of steps: a shorter run trains on
    a prefix of a longer run's batches.
    """

    chunk = 64

    def __init__(self, sampler: ConditionalSampler, n_packs: int, pac: int, rng: np.random.Generator) -> None:
        self.sampler, self.n_packs, self.pac, self.rng = sampler, n_packs, pac, rng
        self._drawn, self._used = None, self.chunk

    def next(self) -> StepBatch:
        if self._used == self.chunk:
            self._drawn, self._used = self.sampler.sample(self.n_packs * self.chunk, self.pac, self.rng), 0
        b, packs = self._drawn, slice(self._used * self.n_packs, (self._used + 1) * self.n_packs)
        rows = b.rows[packs.start * self.pac : packs.stop * self.pac]  # pack-major: pac rows per pack
        self._used += 1
        return StepBatch(rows, b.classes[packs], b.classes[packs], b.condition[packs])


class PoissonBatches:
    """DP batches: real rows by Poisson sampling (from Opacus); a fixed number of fakes whose
    classes follow the (noisy) class prior, so nothing about the fakes depends on the batch."""

    def __init__(self, private, labels: np.ndarray, class_p: np.ndarray, n_fake: int, condition_dim: int,
                 rng: np.random.Generator) -> None:
        self.private, self.labels, self.class_p = private, labels, class_p
        self.n_fake, self.condition_dim, self.rng = n_fake, condition_dim, rng

    def next(self) -> StepBatch:
        rows = self.private.next_rows()
        fake = self.rng.choice(len(self.class_p), size=self.n_fake, p=self.class_p)
        return StepBatch(rows, self.labels[rows], fake, np.zeros((self.n_fake, self.condition_dim), np.float32))


def train_gan(
    matrix: np.ndarray,
    labels: np.ndarray,
    net: NetworkConfig,
    spans: list[Span],
    cfg: TrainConfig,
    seed: int,
    bar: ProgressBar,
    device: torch.device,
    dp=None,
    ctx: DistContext = DistContext(),
) -> tuple[Generator, list[dict], dict | None]:
    """Train on encoded rows ``matrix`` (n, d) with class codes ``labels`` (n,); a float32 ``matrix`` is
    overwritten (:func:`training_layout`).

    ``dp`` is a :class:`synthaug.privacy.dp.DPConfig` (with ``class_p``) for DP-SGD on the
    discriminator. Returns the generator to sample from (its EMA when ``cfg.ema_decay``), a
    loss history, and the privacy spent (or None). Under torchrun (``ctx.active``) each process
    trains on its shard with 1/world of the packs (rounded down: :func:`packs_per_process`), through
    DistributedDataParallel.
    """
    rng = np.random.default_rng(seed)
    gen = torch.Generator().manual_seed(seed)
    layout = SoftmaxLayout(spans)
    G = seeded_module(lambda: Generator(net), gen).to(device)
    D = seeded_module(lambda: Discriminator(net), gen).to(device)  # same start on every process
    # until the end G emits the training layout (layout.order), zero-padded to a multiple of 8 columns
    G.reorder_output(layout.order.to(device), width=-(-net.data_dim // 8) * 8)
    global_packs = cfg.n_packs
    if ctx.active:
        n_rows = len(labels)
        if dp is None:  # under DP, Opacus' distributed Poisson sampler shards the rows itself
            rows = ctx.shard(labels)
            matrix, labels = matrix[rows], labels[rows]
        cfg = replace(cfg, n_packs=packs_per_process(cfg.n_packs, net.pac, ctx, n_rows))
        rng = np.random.default_rng(child_seed(seed, 10, ctx.rank))
        gen = torch.Generator().manual_seed(child_seed(seed, 11, ctx.rank))
    set_dropout_generator(D, gen)
    G_ema = ema_copy(G) if cfg.ema_decay else None
    ema_pairs = ema_tensors(G_ema, G) if G_ema is not None else None
    opt_g = FusedAdam(G.parameters(), cfg.generator_lr, cfg.betas, cfg.weight_decay)
    opt_d = _adam(D, cfg.discriminator_lr, cfg) if dp is not None else FusedAdam(
        D.parameters(), cfg.discriminator_lr, cfg.betas, cfg.weight_decay)  # Opacus wraps a torch Optimizer
    batches, private = _batches(matrix, labels, net, layout, cfg, rng, dp=dp, discriminator=(D, opt_d),
                                global_packs=global_packs, gen=gen, distributed=ctx.active)
    if private is not None:
        D, opt_d = private.module, private.optimizer
    # rows in training layout (layout.order): G emits it, so its softmax columns need no gather
    data = torch.from_numpy(training_layout(matrix, layout.order.numpy())).to(device)
    G_train = ctx.wrap(G)
    D_train = D if private is not None else ctx.wrap(D)  # Opacus' DP optimizer reduces D's clipped gradients
    anchors = LeCamAnchors() if cfg.lecam_weight > 0 else None
    history, sums = [], np.zeros(2)
    for step in range(cfg.n_steps):
        for i in range(cfg.discriminator_steps):
            batch = batches.next()
            with torch.set_grad_enabled(i == cfg.discriminator_steps - 1):
                fakes = _fake_rows(G_train, batch, net, layout, cfg, gen, device)
            d_loss = _discriminator_step(D_train, opt_d, data, batch, fakes, cfg, gen, device, private, anchors)
        g_loss = _generator_step(D, opt_g, data, batch, fakes, layout, cfg, device)  # reuses the last fakes
        if G_ema is not None:
            ema_update(G_ema, G, cfg.ema_decay, step, ema_pairs)
        sums += (d_loss, g_loss)
        if (step + 1) % cfg.log_every == 0 or step + 1 == cfg.n_steps:
            _record(history, sums, step, cfg, private is not None, bar)
    final = (G_ema if G_ema is not None else G).reorder_output(torch.argsort(layout.order).to(device))
    return final.eval(), history, None if private is None else private.spent()


REORDER_BLOCK = 4096
"""Rows reordered at a time by :func:`training_layout`: its copy is this many rows, not the matrix."""


def training_layout(matrix: np.ndarray, order: np.ndarray) -> np.ndarray:
    """``matrix[:, order]`` as float32; a float32 C-ordered ``matrix`` is overwritten with it, a block of
    rows at a time (a 5,000-level column's matrix is 650 MB on adult, which a second copy doubled), so
    the caller must not use it afterwards; any other is copied."""
    if matrix.dtype != np.float32 or not matrix.flags.c_contiguous or not matrix.flags.writeable:
        return np.ascontiguousarray(matrix[:, order], dtype=np.float32)
    for start in range(0, len(matrix), REORDER_BLOCK):
        rows = matrix[start:start + REORDER_BLOCK]
        rows[:] = rows[:, order]
    return matrix


def _batches(matrix, labels, net, layout, cfg, rng, *, dp, discriminator, global_packs, gen, distributed):
    """The training batches: training-by-sampling packs; or under DP Poisson batches, with the private
    discriminator made from ``discriminator`` (D and its optimizer), returned too (None without DP)."""
    if dp is None:
        sampler = ConditionalSampler(matrix, labels, net.n_classes, layout.spans, cfg.class_sampling,
                                     cfg.condition_probability)
        return ConditionalBatches(sampler, cfg.n_packs, net.pac, rng), None
    from ..privacy.dp import PrivateDiscriminator

    D, opt_d = discriminator
    private = PrivateDiscriminator(D, opt_d, len(matrix), global_packs, cfg.n_steps * cfg.discriminator_steps,
                                   dp.config, dp.sgd_epsilon, gen, cfg.loss, cfg.real_label, distributed=distributed)
    return PoissonBatches(private, labels, dp.class_p, cfg.n_packs, net.condition_dim, rng), private


def _record(history: list[dict], sums: np.ndarray, step: int, cfg: TrainConfig, dp: bool, bar: ProgressBar) -> None:
    """The mean losses since the last record into ``history`` and the bar's status; ``sums`` restarts."""
    count = (step % cfg.log_every) + 1
    # under DP the discriminator's loss on the real Poisson batch is un-noised: kept out of the history
    d_mean = None if dp else sums[0] / count
    history.append({"step": step + 1, "d_loss": d_mean, "g_loss": sums[1] / count})
    sums[:] = 0
    shown = "-" if d_mean is None else f"{d_mean:.3f}"
    bar.advance(count, status=f"D {shown}  G {history[-1]['g_loss']:.3f}")


def _adam(module: torch.nn.Module, lr: float, cfg: TrainConfig) -> torch.optim.Adam:
    """torch's Adam with the fused kernel, for DP (Opacus wraps it); the same update as :class:`FusedAdam`."""
    return torch.optim.Adam(module.parameters(), lr, cfg.betas, weight_decay=cfg.weight_decay, fused=True)


def _fake_rows(G, batch: StepBatch, net, layout, cfg, gen, device):
    pac = net.pac
    y = torch.from_numpy(batch.fake_classes).to(device)  # (P,)
    cond_rows = _row_condition(batch.condition, pac, device)  # (P*pac, C), its nonzeros
    z = torch.randn(len(y) * pac, net.latent_dim, generator=gen).to(device)
    raw = G(z, y, torch.from_numpy(batch.condition).to(device), group=pac)  # (P*pac, d) in training layout;
    # a pack shares its class and condition
    return raw, layout.gumbel_softmax_ordered(raw, cfg.gumbel_tau, gen), y, cond_rows


def _row_condition(condition: np.ndarray, pac: int, device: torch.device) -> SparseCondition:
    """The nonzeros of the per-pack condition (P, C) repeated for the pack's ``pac`` rows, in numpy
    (a few per step), as ``dense.repeat_interleave(pac, dim=0)`` would have them."""
    packs, columns = np.nonzero(condition)
    rows = (packs[:, None] * pac + np.arange(pac)).reshape(-1)
    values = np.repeat(condition[packs, columns], pac)
    return SparseCondition(torch.from_numpy(rows).to(device), torch.from_numpy(np.repeat(columns, pac)).to(device),
                           torch.from_numpy(values).to(device), condition.shape[0] * pac, condition.shape[1])


def _discriminator_step(D, opt, data, batch: StepBatch, fakes, cfg, gen, device, private=None,
                        anchors: LeCamAnchors | None = None) -> float:
    """One update on real and fake packs, in a single forward pass (as DP-SGD needs); the
    regularisers (WGAN-GP, R1, LeCam) are off under DP, which refuses them up front."""
    _, fake, y_fake, _ = fakes
    fake = fake.detach()
    rows = torch.from_numpy(batch.real_rows).to(device)
    both = data.new_empty(len(rows) + len(fake), data.shape[1])  # (R*pac + F*pac, d): real rows, then fakes
    real = torch.index_select(data, 0, rows, out=both[: len(rows)])  # no gather-then-cat copy
    both[len(rows) :] = fake
    both.requires_grad_(cfg.r1_weight > 0)  # R1 differentiates the real packs' logits by their rows
    y_real = torch.from_numpy(batch.real_classes).to(device)
    logits, _ = D(both, torch.cat([y_real, y_fake]))
    if private is not None:
        is_real = torch.cat([torch.ones(len(y_real)), torch.zeros(len(y_fake))]).to(device)
        with warnings.catch_warnings():  # Opacus' hooks fire on inputs that need no gradient: expected
            warnings.filterwarnings("ignore", message="Full backward hook is firing")
            return private.update(logits, is_real)
    real_logits, fake_logits = logits[: len(y_real)], logits[len(y_real) :]
    loss = discriminator_loss(cfg.loss, real_logits, fake_logits, cfg.real_label)
    if cfg.loss == "wgan-gp" and cfg.gp_weight > 0:
        critic = lambda x: D(x, y_real)[0]  # noqa: E731
        loss = loss + cfg.gp_weight * gradient_penalty(critic, real, fake, gen)
    if cfg.r1_weight > 0:
        loss = loss + 0.5 * cfg.r1_weight * r1_penalty(real_logits, both)
    if anchors is not None:
        loss = loss + cfg.lecam_weight * anchors.penalty(real_logits, fake_logits)
    opt.zero_grad(set_to_none=True)
    loss.backward()
    opt.step()
    return float(loss.detach())


def _generator_step(D, opt, data, batch: StepBatch, fakes, layout, cfg, device) -> float:
    with frozen(D):
        return _generator_update(D, opt, data, batch, fakes, layout, cfg, device)


def _generator_update(D, opt, data, batch: StepBatch, fakes, layout, cfg, device) -> float:
    raw, fake, y, cond_rows = fakes
    fake_logits, fake_features = D(fake, y)
    loss = generator_loss(cfg.loss, fake_logits)
    cond_rows = as_sparse(cond_rows)
    n_cond = cond_rows.total()
    if cfg.condition_weight > 0 and n_cond > 0:
        loss = loss - cfg.condition_weight * layout.condition_log_likelihood(raw, cond_rows, ordered=True) / n_cond
    if cfg.feature_matching > 0 and len(batch.real_rows):
        real = data.index_select(0, torch.from_numpy(batch.real_rows).to(device))
        with torch.no_grad():
            _, real_features = D(real, torch.from_numpy(batch.real_classes).to(device))
        loss = loss + cfg.feature_matching * feature_matching_loss(real_features, fake_features)
    opt.zero_grad(set_to_none=True)
    loss.backward()
    opt.step()
    return float(loss.detach())
