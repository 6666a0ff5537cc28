"""One readable training loop for the image GAN: DiffAugment, EMA, diversity and sample grids,
and optionally DP-SGD on the discriminator (Opacus, Poisson-sampled real images)."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from .._progress import ProgressBar
from ..gan.adam import FusedAdam
from ..gan.ema import ema_copy, ema_tensors, ema_update
from ..gan.frozen import frozen
from ..gan.init import seeded_module
from ..gan.lecam import LeCamAnchors
from ..gan.losses import discriminator_loss, generator_loss, gradient_penalty
from .adaptive import AdaptiveProbability, consistency_penalty, pseudo_augment
from .diffaugment import diff_augment
from .networks import Discriminator, Generator, ImageNetConfig


@dataclass(frozen=True)
class ImageTrainConfig:
    loss: str
    real_label: float
    gp_weight: float
    generator_lr: float
    discriminator_lr: float
    betas: tuple[float, float]
    discriminator_steps: int
    batch_size: int
    n_steps: int
    augment: tuple[str, ...]
    augment_p: float
    ema_decay: float | None
    mode_seeking: float
    class_weight: float
    lecam_weight: float
    check_every: int
    log_every: int
    apa_target: float | None = None  # adaptive pseudo augmentation (APA) towards this r_t
    ada_target: float | None = None  # adaptive DiffAugment probability (ADA) towards this r_t
    adapt_images: int = 64000  # real images over which an adaptive p can go from 0 to 1
    bcr_weight: float = 0.0  # balanced consistency regularisation (bCR)


# called as on_check(step, generator_to_sample_from) every ``check_every`` steps and at the end
CheckHook = Callable[[int, Generator], dict]


def train_image_gan(
    images: torch.Tensor,
    codes: np.ndarray,
    net: ImageNetConfig,
    cfg: ImageTrainConfig,
    seed: int,
    bar: ProgressBar,
    on_check: CheckHook | None = None,
    dp=None,
) -> tuple[Generator, Discriminator | None, list[dict], dict | None]:
    """Train on ``images`` (N, C, S, S) in [-1, 1] with class codes ``codes`` (N,).

    ``dp`` is a :class:`synthaug.privacy.dp.DPPlan`: DP-SGD on a discriminator without spectral
    norm, real images by Poisson sampling, ``batch_size`` fakes a step with classes from the plan's
    (noisy) prior. Returns the generator to sample from (the EMA copy when ``cfg.ema_decay``) with
    standing batch-norm statistics, the discriminator when it has a class head (else None), a
    history of losses and ``on_check`` results, and the privacy spent (or None).
    """
    rng = np.random.default_rng(seed)
    gen = torch.Generator().manual_seed(seed)
    device = images.device
    # channels_last: oneDNN's convolutions on these small images made a step 6% faster
    G = seeded_module(lambda: Generator(net), gen).to(device, memory_format=torch.channels_last)
    classifier = dp is None and cfg.class_weight > 0  # under DP the head would need private training too
    D = seeded_module(lambda: Discriminator(net, spectral=dp is None, classifier=classifier), gen)
    D = D.to(device, memory_format=torch.channels_last)
    images = images.contiguous(memory_format=torch.channels_last)
    G_ema = ema_copy(G) if cfg.ema_decay else None
    ema_pairs = ema_tensors(G_ema, G) if G_ema is not None else None
    opt_g = FusedAdam(G.parameters(), cfg.generator_lr, cfg.betas)
    # Adam in one fused kernel call (torch.optim's bookkeeping costs more than the update on these
    # small networks); Opacus needs a torch.optim optimizer for the private discriminator
    opt_d = FusedAdam(D.parameters(), cfg.discriminator_lr, cfg.betas) if dp is None else \
        torch.optim.Adam(D.parameters(), cfg.discriminator_lr, cfg.betas)
    batches, private = _batches(codes, len(images), net, cfg, rng, dp=dp, discriminator=(D, opt_d), gen=gen)
    if private is not None:
        D = private.module
    anchors = LeCamAnchors() if private is None and cfg.lecam_weight > 0 else None
    adapt = Adaptation.from_config(cfg)
    history, sums, last = [], np.zeros(2), 0
    for step in range(cfg.n_steps):
        for _ in range(cfg.discriminator_steps):
            batch = batches.next(device)
            if private is None:
                d_loss = _discriminator_step(G, D, opt_d, images[batch.rows], batch.real_classes, net, cfg, gen,
                                             anchors, adapt)
            else:
                d_loss = _private_discriminator_step(G, private, images[batch.rows], batch, net, cfg, gen)
        g_loss = _generator_step(G, D, opt_g, batches.classes(cfg.batch_size, device), net, cfg, gen,
                                 adapt.augment_p if adapt is not None else cfg.augment_p)
        if G_ema is not None:
            ema_update(G_ema, G, cfg.ema_decay, step, ema_pairs)
        sums += (d_loss, g_loss)
        done = step + 1
        check = on_check is not None and done % cfg.check_every == 0 and done < cfg.n_steps
        if check or done % cfg.log_every == 0 or done == cfg.n_steps:
            record = _record(done, done - last, sums, private is not None, adapt)
            if check:
                record.update(on_check(done, (G_ema if G_ema is not None else G).eval()))
                G.train()
            history.append(record)
            bar.advance(done - last, status=_status(history))
            last = done
    final = G_ema if G_ema is not None else G
    standing_statistics(final, net.n_classes, cfg.batch_size, gen)
    if on_check is not None:
        history[-1].update(on_check(cfg.n_steps, final))
        bar.advance(0, status=_status(history))  # the final measurement, not the last check's (step 100 of 150)
    final = final.to(memory_format=torch.contiguous_format)  # model files hold plain contiguous weights
    head = D.eval().to(memory_format=torch.contiguous_format) if classifier else None
    return final, head, history, None if private is None else private.spent()


@dataclass
class ImageBatch:
    """Indices of the real images, their classes, and the classes of the fakes to draw."""

    rows: torch.Tensor
    real_classes: torch.Tensor
    fake_classes: torch.Tensor


class BalancedBatches:
    """Without DP: classes uniformly, images uniformly within the class; fakes share the classes."""

    def __init__(self, codes: np.ndarray, n_classes: int, batch_size: int, rng: np.random.Generator) -> None:
        self.codes, self.sampler = codes, BalancedSampler(codes, n_classes)
        self.batch_size, self.rng = batch_size, rng

    def next(self, device: torch.device) -> ImageBatch:
        rows = self.sampler.rows(self.batch_size, self.rng)
        y = torch.from_numpy(self.codes[rows]).to(device)
        return ImageBatch(torch.from_numpy(rows).to(device), y, y)

    def classes(self, n: int, device: torch.device) -> torch.Tensor:
        return torch.from_numpy(self.sampler.classes(n, self.rng)).to(device)


class PoissonBatches:
    """Under DP: real images by Poisson sampling (Opacus; the batch may be empty) and a fixed
    number of fakes whose classes follow the noisy class prior, so the fakes never depend on
    which images were sampled."""

    def __init__(self, private, codes: np.ndarray, class_p: np.ndarray, n_fake: int,
                 rng: np.random.Generator) -> None:
        self.private, self.codes, self.class_p, self.n_fake, self.rng = private, codes, class_p, n_fake, rng

    def next(self, device: torch.device) -> ImageBatch:
        rows = self.private.next_rows()
        real = torch.from_numpy(self.codes[rows]).to(device)
        return ImageBatch(torch.from_numpy(rows).to(device), real, self.classes(self.n_fake, device))

    def classes(self, n: int, device: torch.device) -> torch.Tensor:
        return torch.from_numpy(self.rng.choice(len(self.class_p), size=n, p=self.class_p)).to(device)


class Adaptation:
    """The adaptive options of one fit: APA's probability, ADA's DiffAugment probability, bCR."""

    def __init__(self, cfg: ImageTrainConfig) -> None:
        def controller(target, start):
            return None if target is None else AdaptiveProbability(target, start, cfg.batch_size, cfg.adapt_images)

        self.apa = controller(cfg.apa_target, 0.0)
        self.ada = controller(cfg.ada_target, 0.0)  # ADA starts without augmentation
        self.fixed_p, self.bcr_weight = cfg.augment_p, cfg.bcr_weight

    @classmethod
    def from_config(cls, cfg: ImageTrainConfig) -> Adaptation | None:
        """None when every option is off (the training loop then runs exactly as before)."""
        on = cfg.apa_target is not None or cfg.ada_target is not None or cfg.bcr_weight > 0
        return cls(cfg) if on else None

    @property
    def augment_p(self) -> float:
        return self.fixed_p if self.ada is None else self.ada.p

    def observe(self, real_logits: torch.Tensor) -> None:
        for controller in (self.apa, self.ada):
            if controller is not None:
                controller.observe(real_logits)

    def record(self) -> dict:
        """The controllers' state for the history: p and the latest r_t of each."""
        out = {}
        for name, controller in (("apa", self.apa), ("ada", self.ada)):
            if controller is not None:
                r = controller.last_r
                out |= {f"{name}_p": round(controller.p, 4), f"{name}_r": round(r, 4) if np.isfinite(r) else None}
        return out


def _discriminator_step(G, D, opt, real, y, net, cfg, gen, anchors: LeCamAnchors | None = None,
                        adapt: Adaptation | None = None) -> float:
    with torch.no_grad():
        fake = G(latent(len(y), net.latent_dim, gen, real.device), y)  # (B, C, S, S)
    if adapt is not None:
        return _adaptive_discriminator_step(D, opt, real, fake, y, cfg, gen, anchors, adapt)
    real_aug = diff_augment(real, cfg.augment, gen, cfg.augment_p)
    fake_aug = diff_augment(fake, cfg.augment, gen, cfg.augment_p)
    # one pass over both halves (as BigGAN does): D has no batch norm, so each image's logit is
    # its own; spectral norm's power iteration then runs once per step instead of twice
    logits, phi = D(torch.cat([real_aug, fake_aug]), torch.cat([y, y]))  # (2B,), (2B, C)
    real_logits, fake_logits, real_phi = logits[: len(y)], logits[len(y) :], phi[: len(y)]
    loss = discriminator_loss(cfg.loss, real_logits, fake_logits, cfg.real_label)
    if D.classifier is not None:  # the class head learns from real images only
        loss = loss + cfg.class_weight * F.cross_entropy(D.classify(real_phi), y)
    return _finish_discriminator_step(D, opt, loss, real_aug, fake_aug, real_logits, fake_logits, y, cfg, gen,
                                      anchors)


def _adaptive_discriminator_step(D, opt, real, fake, y, cfg, gen, anchors, adapt: Adaptation) -> float:
    """The discriminator step with APA (fakes posing as real), ADA's probability and/or bCR."""
    B = len(y)
    real, swapped = (real, None) if adapt.apa is None else pseudo_augment(real, fake, adapt.apa.p, gen)
    p = adapt.augment_p
    real_aug, fake_aug = diff_augment(real, cfg.augment, gen, p), diff_augment(fake, cfg.augment, gen, p)
    parts = [real_aug, fake_aug] + ([real, fake] if adapt.bcr_weight > 0 else [])
    logits, phi = D(torch.cat(parts), y.repeat(len(parts)))  # (kB,), (kB, C)
    real_logits, fake_logits = logits[:B], logits[B : 2 * B]
    adapt.observe(real_logits)
    loss = discriminator_loss(cfg.loss, real_logits, fake_logits, cfg.real_label)
    if D.classifier is not None:  # the class head learns from real images only, never APA's fakes
        keep = torch.ones(B, dtype=torch.bool, device=y.device) if swapped is None else ~swapped  # (B,)
        if bool(keep.any()):
            loss = loss + cfg.class_weight * F.cross_entropy(D.classify(phi[:B][keep]), y[keep])
    if adapt.bcr_weight > 0:
        plain_real, plain_fake = logits[2 * B : 3 * B], logits[3 * B :]
        loss = loss + adapt.bcr_weight * (consistency_penalty(plain_real, real_logits)
                                          + consistency_penalty(plain_fake, fake_logits))
    return _finish_discriminator_step(D, opt, loss, real_aug, fake_aug, real_logits, fake_logits, y, cfg, gen,
                                      anchors)


def _finish_discriminator_step(D, opt, loss, real_aug, fake_aug, real_logits, fake_logits, y, cfg, gen,
                               anchors) -> float:
    if cfg.loss == "wgan-gp" and cfg.gp_weight > 0:
        loss = loss + cfg.gp_weight * gradient_penalty(lambda x: D(x, y)[0], real_aug, fake_aug, gen)
    if anchors is not None:
        loss = loss + cfg.lecam_weight * anchors.penalty(real_logits, fake_logits)
    opt.zero_grad(set_to_none=True)
    loss.backward()
    opt.step()
    return float(loss.detach())


def _private_discriminator_step(G, private, real, batch: ImageBatch, net, cfg, gen) -> float:
    """One DP-SGD update from a single forward pass over real and fake images.

    DiffAugment draws per image, so each real image's clipped gradient depends on it alone.
    """
    y_real, y_fake = batch.real_classes, batch.fake_classes
    with torch.no_grad():
        fake = G(latent(len(y_fake), net.latent_dim, gen, real.device), y_fake)  # (F, C, S, S)
    x = torch.cat([diff_augment(real, cfg.augment, gen, cfg.augment_p),
                   diff_augment(fake, cfg.augment, gen, cfg.augment_p)])  # (R + F, C, S, S)
    logits, _ = private.module(x, torch.cat([y_real, y_fake]))
    is_real = torch.cat([torch.ones(len(y_real)), torch.zeros(len(y_fake))]).to(real.device)
    with warnings.catch_warnings():  # Opacus' hooks fire on inputs that need no gradient: expected
        warnings.filterwarnings("ignore", message="Full backward hook is firing")
        return private.update(logits, is_real)


def _generator_step(G, D, opt, y, net, cfg, gen, augment_p: float) -> float:
    half = len(y) // 2
    y = torch.cat([y[:half], y[:half], y[2 * half :]])  # pairs (i, i + half) share a class
    z = latent(len(y), net.latent_dim, gen, y.device)
    fake = G(z, y)
    with frozen(D):
        fake_logits, fake_phi = D(diff_augment(fake, cfg.augment, gen, augment_p), y)
        loss = generator_loss(cfg.loss, fake_logits)
        if getattr(D, "classifier", None) is not None:  # fakes should be recognised as their intended class
            # (getattr: under DP, D is Opacus' wrapper, and there is no head)
            loss = loss + cfg.class_weight * F.cross_entropy(D.classify(fake_phi), y)
        if cfg.mode_seeking > 0 and half > 0:
            loss = loss + cfg.mode_seeking * mode_seeking_loss(fake[:half], fake[half : 2 * half], z[:half],
                                                               z[half : 2 * half])
        opt.zero_grad(set_to_none=True)
        loss.backward()
    opt.step()
    return float(loss.detach())


def mode_seeking_loss(a: torch.Tensor, b: torch.Tensor, za: torch.Tensor, zb: torch.Tensor,
                      eps: float = 1e-5) -> torch.Tensor:
    """MSGAN's term (Mao et al., 2019): large when two latents of one class give similar images.

    ``1 / (mean|a - b| / mean|za - zb| + eps)`` for image pairs (B, C, S, S) and their latents.
    """
    ratio = (a - b).abs().mean() / (za - zb).abs().mean()
    return 1.0 / (ratio + eps)


def latent(n: int, dim: int, gen: torch.Generator, device: torch.device | str = "cpu",
           truncation: float | None = None) -> torch.Tensor:
    """Standard-normal latent codes (n, dim) drawn from ``gen`` on the CPU, then moved.

    With ``truncation`` t, each coordinate is normal conditioned on |z| < t (inverse CDF of a
    uniform draw between Phi(-t) and Phi(t)): fewer unusual samples, less variety.
    """
    if truncation is None:
        return torch.randn(n, dim, generator=gen).to(device)
    edge = float(torch.special.ndtr(torch.tensor(-float(truncation), dtype=torch.float64)))
    u = edge + (1.0 - 2.0 * edge) * torch.rand(n, dim, generator=gen, dtype=torch.float64)
    return torch.special.ndtri(u).float().to(device)


@torch.no_grad()
def standing_statistics(G: Generator, n_classes: int, batch_size: int, gen: torch.Generator,
                        n_batches: int = 16) -> None:
    """Re-estimate batch-norm statistics as plain averages over fresh batches (BigGAN's trick)."""
    norms = [m for m in G.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    device = next(G.parameters()).device
    for m in norms:
        m.reset_running_stats()
        m.momentum = None  # cumulative average
    G.train()
    for _ in range(n_batches):
        y = torch.randint(0, n_classes, (batch_size,), generator=gen).to(device)
        G(latent(batch_size, G.cfg.latent_dim, gen, device), y)
    for m in norms:
        m.momentum = 0.1
    G.eval()


class BalancedSampler:
    """Draw classes uniformly, then images uniformly within the class (vectorised)."""

    def __init__(self, codes: np.ndarray, n_classes: int) -> None:
        self.order = np.argsort(codes, kind="stable")
        self.counts = np.bincount(codes, minlength=n_classes)
        self.starts = np.concatenate([[0], np.cumsum(self.counts)[:-1]])

    def classes(self, n: int, rng: np.random.Generator) -> np.ndarray:
        return rng.integers(0, len(self.counts), n)

    def rows(self, n: int, rng: np.random.Generator) -> np.ndarray:
        k = self.classes(n, rng)
        offset = np.floor(rng.random(n) * self.counts[k]).astype(np.int64)
        return self.order[self.starts[k] + offset]


def _batches(codes, n_images, net, cfg, rng, *, dp, discriminator, gen):
    """The training batches: class-balanced; or under DP Poisson batches, with the private discriminator
    made from ``discriminator`` (D and its optimizer), returned too (None without DP)."""
    if dp is None:
        return BalancedBatches(codes, net.n_classes, cfg.batch_size, rng), None
    from ..privacy.dp import PrivateDiscriminator

    D, opt_d = discriminator
    private = PrivateDiscriminator(D, opt_d, n_images, cfg.batch_size, cfg.n_steps * cfg.discriminator_steps,
                                   dp.config, dp.sgd_epsilon, gen, cfg.loss, cfg.real_label)
    return PoissonBatches(private, codes, dp.class_p, cfg.batch_size, rng), private


def _record(step: int, count: int, sums: np.ndarray, dp: bool, adapt: Adaptation | None) -> dict:
    """The mean losses of the ``count`` steps since the last record (and the adaptation's state); ``sums``
    restarts."""
    # under DP the discriminator's loss on the real Poisson batch is un-noised: kept out of the history
    record = {"step": step, "d_loss": None if dp else float(sums[0] / count), "g_loss": float(sums[1] / count)}
    if adapt is not None:
        record.update(adapt.record())
    sums[:] = 0
    return record


def _status(history: list[dict]) -> str:
    last = history[-1]
    d_loss = "-" if last["d_loss"] is None else f"{last['d_loss']:.3f}"
    text = f"D {d_loss}  G {last['g_loss']:.3f}"
    diversity = next((h["diversity"] for h in reversed(history) if h.get("diversity") is not None), None)
    return text + (f"  diversity {diversity:.2f}" if diversity is not None else "")
