"""One readable GAN training loop for tabular rows: packs, conditional sampling, EMA."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from .._progress import ProgressBar
from ..gan.ema import ema_copy, ema_update
from ..gan.init import reset_parameters, set_dropout_generator
from ..gan.losses import discriminator_loss, feature_matching_loss, generator_loss, gradient_penalty
from .columns import Span
from .conditional import ConditionalSampler
from .networks import Discriminator, Generator, NetworkConfig, SoftmaxLayout


@dataclass(frozen=True)
class TrainConfig:
    loss: str
    real_label: float
    gp_weight: float
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


def train_gan(
    matrix: np.ndarray,
    labels: np.ndarray,
    net: NetworkConfig,
    spans: list[Span],
    cfg: TrainConfig,
    seed: int,
    bar: ProgressBar,
    device: torch.device,
) -> tuple[Generator, list[dict]]:
    """Train on encoded rows ``matrix`` (n, d) with class codes ``labels`` (n,).

    Returns the generator to sample from (its EMA when ``cfg.ema_decay``) and a loss history.
    """
    rng = np.random.default_rng(seed)
    gen = torch.Generator().manual_seed(seed)
    discrete = [s for s in spans if s.activation == "softmax"]
    sampler = ConditionalSampler(
        matrix, labels, net.n_classes, discrete, cfg.class_sampling, cfg.condition_probability
    )
    G = reset_parameters(Generator(net), gen).to(device)
    D = reset_parameters(Discriminator(net), gen).to(device)
    set_dropout_generator(D, gen)
    G_ema = ema_copy(G) if cfg.ema_decay else None
    opt_g = torch.optim.Adam(G.parameters(), cfg.generator_lr, cfg.betas, weight_decay=cfg.weight_decay)
    opt_d = torch.optim.Adam(D.parameters(), cfg.discriminator_lr, cfg.betas, weight_decay=cfg.weight_decay)
    data = torch.from_numpy(np.ascontiguousarray(matrix, dtype=np.float32)).to(device)
    layout = SoftmaxLayout(spans)
    history, sums = [], np.zeros(2)
    for step in range(cfg.n_steps):
        for i in range(cfg.discriminator_steps):
            batch = sampler.sample(cfg.n_packs, net.pac, rng)
            with torch.set_grad_enabled(i == cfg.discriminator_steps - 1):
                fakes = _fake_rows(G, batch, net, layout, cfg, gen, device)
            d_loss = _discriminator_step(D, opt_d, data, batch, fakes, cfg, gen, device)
        g_loss = _generator_step(D, opt_g, data, batch, fakes, layout, cfg, device)  # reuses the last fakes
        if G_ema is not None:
            ema_update(G_ema, G, cfg.ema_decay, step)
        sums += (d_loss, g_loss)
        if (step + 1) % cfg.log_every == 0 or step + 1 == cfg.n_steps:
            count = (step % cfg.log_every) + 1
            history.append({"step": step + 1, "d_loss": sums[0] / count, "g_loss": sums[1] / count})
            sums[:] = 0
            bar.advance(count, status=f"D {history[-1]['d_loss']:.3f}  G {history[-1]['g_loss']:.3f}")
    final = G_ema if G_ema is not None else G
    return final.eval(), history


def _fake_rows(G, batch, net, layout, cfg, gen, device):
    pac = net.pac
    y = torch.from_numpy(batch.classes).to(device)
    cond = torch.from_numpy(batch.condition).to(device)
    y_rows, cond_rows = y.repeat_interleave(pac), cond.repeat_interleave(pac, dim=0)
    z = torch.randn(len(y_rows), net.latent_dim, generator=gen).to(device)
    raw = G(z, y_rows, cond_rows)  # (P*pac, d)
    return raw, layout.gumbel_softmax(raw, cfg.gumbel_tau, gen), y, cond_rows


def _discriminator_step(D, opt, data, batch, fakes, cfg, gen, device) -> float:
    _, fake, y, _ = fakes
    fake = fake.detach()
    real = data[torch.from_numpy(batch.rows).to(device)]  # (P*pac, d)
    real_logits, _ = D(real, y)
    fake_logits, _ = D(fake, y)
    loss = discriminator_loss(cfg.loss, real_logits, fake_logits, cfg.real_label)
    if cfg.loss == "wgan-gp" and cfg.gp_weight > 0:
        critic = lambda x: D(x, y)[0]  # noqa: E731
        loss = loss + cfg.gp_weight * gradient_penalty(critic, real, fake, gen)
    opt.zero_grad(set_to_none=True)
    loss.backward()
    opt.step()
    return float(loss.detach())


def _generator_step(D, opt, data, batch, fakes, layout, cfg, device) -> float:
    raw, fake, y, cond_rows = fakes
    D.requires_grad_(False)
    fake_logits, fake_features = D(fake, y)
    loss = generator_loss(cfg.loss, fake_logits)
    n_cond = cond_rows.sum()
    if cfg.condition_weight > 0 and n_cond > 0:
        log_probs = layout.log_probs(raw)  # (P*pac, C)
        loss = loss - cfg.condition_weight * (log_probs * cond_rows).sum() / n_cond
    if cfg.feature_matching > 0:
        real = data[torch.from_numpy(batch.rows).to(device)]
        with torch.no_grad():
            _, real_features = D(real, y)
        loss = loss + cfg.feature_matching * feature_matching_loss(real_features, fake_features)
    opt.zero_grad(set_to_none=True)
    loss.backward()
    opt.step()
    D.requires_grad_(True)
    return float(loss.detach())
