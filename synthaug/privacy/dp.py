"""Differentially private discriminator training through Opacus (DP-SGD, Poisson sampling).

The generator touches real rows only through the discriminator, so it, and everything sampled
from it, is post-processing of the DP discriminator updates. What DP-SGD does not cover is
said in :func:`guarantee_scope` and written to the model file.

Every random draw the guarantee relies on (the Laplace noise on class counts, DP-SGD's Gaussian
noise, Poisson sampling, and the rest of the DP fit, which touches the training rows) comes from
:func:`secret_seed`, drawn from the OS's entropy and never stored, whatever ``random_state`` says:
a noise anyone can regenerate from a published seed can be subtracted. ``random_state`` seeds only
what is drawn from the fitted model (sampling) and what does not touch the guarantee. The noise is
drawn with PyTorch's generator (numpy's for the Laplace counts), not Opacus' ``secure_mode``
(which needs torchcsprng), so floating-point attacks on Gaussian sampling are not mitigated.
"""

from __future__ import annotations

import importlib
import math
import secrets
import warnings
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from .._errors import DataError, SynthaugError, warn
from .._text import param_name
from .accountant import ALPHAS, MAX_SIGMA, delta_floor, quiet_accountant, search_noise, sgd_epsilon

ACCOUNTANT = "rdp"
DP_COUNT_SHARE = 0.05  # of epsilon, for the Laplace-noised class counts
NOISE_SEED = ("secret: every random draw of the DP fit (Laplace noise on the class counts, DP-SGD's Gaussian noise, "
              "Poisson sampling, initial weights, fakes) came from a 64-bit seed drawn from the OS's entropy and "
              "not saved, not from random_state; random_state seeds sampling from the fitted model only, so a DP "
              "fit is not reproducible by seed. PyTorch's generator draws the noise, not Opacus' secure mode "
              "(torchcsprng): floating-point attacks on Gaussian sampling are not mitigated")
"""The privacy record's ``noise_seed``: how the noise was seeded (never the seed)."""


def secret_seed() -> int:
    """A 64-bit seed from the OS's entropy (:mod:`secrets`) for the random draws of a DP fit; never
    store, log or return it to the caller: a DP guarantee does not survive a noise anyone can redraw."""
    return secrets.randbits(64)


@dataclass(frozen=True)
class DPConfig:
    """Target budget and clipping bound for DP-SGD on the discriminator."""

    epsilon: float
    delta: float
    max_grad_norm: float
    count_epsilon_share: float  # part of epsilon spent on noisy class counts (0 when public)


def require_opacus():
    """Import opacus lazily, with a clear message when the extra is not installed."""
    try:
        return importlib.import_module("opacus")
    except ImportError:
        raise SynthaugError("differential privacy needs opacus: pip install 'synthaug[dp]'") from None


def default_delta(n_rows: int) -> float:
    """A delta well below 1/n: min(1e-5, 1 / (10 n))."""
    return min(1e-5, 1.0 / (10.0 * n_rows))


def noise_multiplier(epsilon: float, delta: float, sample_rate: float, steps: int, count_share: float = 0.0) -> float:
    """The smallest noise multiplier whose accountant reaches (epsilon, delta) after ``steps``; when none
    does, a DataError giving the least ``dp_epsilon`` that would (``count_share``: the part of it the class
    counts take, so the DP-SGD share ``epsilon`` is ``1 - count_share`` of it)."""
    require_opacus()
    floor = delta_floor(delta)
    if floor >= epsilon:  # no noise is enough; the search would climb to MAX_SIGMA first (35 s at --dp-delta 1e-300)
        least = _round_up(least_epsilon(delta, sample_rate, steps) / (1.0 - count_share))
        raise DataError(_floor_message(epsilon, delta, floor, least))
    sigma = search_noise(epsilon, delta, sample_rate, steps)
    if sigma is None:
        least = _round_up(least_epsilon(delta, sample_rate, steps) / (1.0 - count_share))
        raise DataError(f"{param_name('dp_epsilon')}: its DP-SGD share {epsilon:.4g} (delta {delta:.3g}) is too small "
                        f"for {steps} steps at sampling rate {sample_rate:.3g}: it would need a noise multiplier "
                        f"above {MAX_SIGMA:g}; raise {param_name('dp_epsilon')} to at least {least:g} (with noise "
                        "that large the records carry almost no signal: more is better), or train fewer "
                        "steps")
    return float(sigma)


DROWNED = 1.0
"""Noise multiplier over the expected rows per step above which training is warned to learn little: each
step's noise on the averaged gradient (standard deviation ``sigma * C / B``) then exceeds the largest
averaged gradient the rows can give (the clipping norm ``C``). Adult at epsilon 1 has 0.008 (benchmarks/
results/dp.md: synthetic-only macro-F1 0.92 of the non-private model's); breast cancer at epsilon 0.1,
4.9 (a verification trial: its classifier scored the majority-class rate)."""


def warn_if_drowned(sigma: float, rows_per_step: float) -> None:
    """Warn when the noise of a DP-SGD step outweighs its signal (:data:`DROWNED`)."""
    ratio = sigma / max(rows_per_step, 1.0)
    if ratio > DROWNED:
        warn(f"{param_name('dp_epsilon')}: noise multiplier {sigma:.4g} at about {rows_per_step:.0f} rows a step: each "
             f"step's noise is {ratio:.1f} times the largest gradient the rows can give, so the model will learn "
             "little (its records may be no better than noise); a larger epsilon, more rows or fewer steps help")


def least_epsilon(delta: float, sample_rate: float, steps: int) -> float:
    """The DP-SGD epsilon the RDP accountant reports at ``delta`` after ``steps`` at the largest noise
    the search tries (``MAX_SIGMA``, Opacus'): no smaller target can be planned for these steps and rate."""
    return sgd_epsilon(MAX_SIGMA, sample_rate, steps, delta)


def _round_up(value: float) -> float:
    """``value`` rounded up to 3 significant digits (a least epsilon must not be shown below itself)."""
    step = 10.0 ** (math.floor(math.log10(value)) - 2)
    return math.ceil(value / step - 1e-9) * step


def _floor_message(epsilon: float, delta: float, floor: float, least: float) -> str:
    """Why no noise multiplier reaches ``epsilon`` at ``delta``: the accountant's ``floor`` (:func:`delta_floor`)
    is above it. The delta is named as the cause when a usual one (1e-5) would do (``--dp-delta 1e-300``
    had been told to raise epsilon or train fewer steps, "a noise multiplier above 1e+06"). The floor is the
    accountant's, not DP's: it falls towards 0 as larger orders are added, so the message says so."""
    limit = f"a limit of the accountant's orders, alpha up to {max(ALPHAS):g}, not of DP"
    if delta_floor(1e-5) < epsilon:
        return (f"{param_name('dp_delta')} {delta:.3g} is too small for the RDP accountant: its conversion to "
                f"(epsilon, delta) costs epsilon {floor:.3g} for that delta alone, however much noise is added "
                f"({limit}), above the DP-SGD share {epsilon:.4g} of {param_name('dp_epsilon')}; raise "
                f"{param_name('dp_delta')} (leave it unset for min(1e-5, 1/(10 n)))")
    return (f"{param_name('dp_epsilon')}: its DP-SGD share {epsilon:.4g} is below epsilon {floor:.3g}, the least the "
            f"RDP accountant reports at {param_name('dp_delta')} {delta:.3g} however much noise is added ({limit}); "
            f"raise {param_name('dp_epsilon')} to at least {least:g} (there the noise leaves the records almost no "
            "signal: more is better)")


def noisy_class_counts(counts: np.ndarray, epsilon: float, rng: np.random.Generator) -> np.ndarray:
    """Class counts through the Laplace mechanism (sensitivity 1 under add/remove), at least 1."""
    noisy = counts + rng.laplace(scale=1.0 / epsilon, size=len(counts))
    return np.maximum(np.round(noisy), 1).astype(np.int64)


@dataclass(frozen=True)
class DPPlan:
    """How one fit spends its budget: DP-SGD epsilon, and the (noisy) class prior for fakes."""

    config: DPConfig
    sgd_epsilon: float
    class_p: np.ndarray


class PerSampleGANLoss(torch.nn.Module):
    """The discriminator's loss per sample, as Opacus' ghost clipping needs a criterion.

    ``is_real`` is 1 for real rows, 0 for fakes; non-saturating uses one-sided smoothing.
    """

    def __init__(self, loss: str, real_label: float) -> None:
        super().__init__()
        self.loss, self.real_label, self.reduction = loss, real_label, "mean"

    def forward(self, logits: torch.Tensor, is_real: torch.Tensor) -> torch.Tensor:
        if self.loss == "non-saturating":
            per_sample = F.binary_cross_entropy_with_logits(logits, is_real * self.real_label, reduction="none")
        elif self.loss == "hinge":
            per_sample = F.relu(1.0 - (2.0 * is_real - 1.0) * logits)
        else:
            raise SynthaugError(f"loss {self.loss!r} is not supported with differential privacy")
        if self.reduction == "none":
            return per_sample
        return per_sample.mean() if self.reduction == "mean" else per_sample.sum()


class PrivateDiscriminator:
    """Wraps a discriminator and its optimizer with Opacus (ghost clipping: per-sample gradient
    norms without materialising per-sample gradients); draws Poisson batches of row indices.

    ``n_rows`` and ``batch_size`` are global. With ``distributed`` (torchrun), every process
    Poisson-samples its share of the rows at the same rate, so the union of the per-process
    batches is one Poisson sample of all rows; clipped gradients are summed across processes and
    noise is added once (Opacus' distributed DP optimizer), so the accountant is the
    single-process one.
    """

    def __init__(self, D: torch.nn.Module, optimizer: torch.optim.Optimizer, n_rows: int, batch_size: int,
                 steps: int, cfg: DPConfig, epsilon: float, generator: torch.Generator, loss: str,
                 real_label: float, distributed: bool = False) -> None:
        opacus = require_opacus()
        from torch.utils.data import DataLoader, TensorDataset

        if distributed:  # each process Poisson-samples its part of the rows; noise is added once, on rank 0
            from opacus.distributed import DifferentiallyPrivateDistributedDataParallel

            D = DifferentiallyPrivateDistributedDataParallel(D)

        loader = DataLoader(TensorDataset(torch.arange(n_rows)), batch_size=batch_size, generator=generator)
        with warnings.catch_warnings():
            # Opacus warns that secure_mode is off: it needs torchcsprng; the generator is seeded from the
            # OS's entropy instead (secret_seed), as the module docstring and the model file say
            warnings.simplefilter("ignore")
            self.engine = opacus.PrivacyEngine(accountant=ACCOUNTANT)
            self.module, self.optimizer, self.criterion, self.loader = self.engine.make_private(
                module=D, optimizer=optimizer, data_loader=loader, noise_multiplier=1.0,
                max_grad_norm=cfg.max_grad_norm, poisson_sampling=True, noise_generator=generator,
                grad_sample_mode="ghost", criterion=PerSampleGANLoss(loss, real_label),
            )
        # The rate Opacus' accountant charges is 1 / len(loader) (about 1 / ceil(n / batch_size), not
        # batch_size / n): plan the noise for that rate, so the budget is spent exactly, never exceeded.
        self.sample_rate = 1.0 / len(self.loader)
        self.noise_multiplier = noise_multiplier(epsilon, cfg.delta, self.sample_rate, steps, cfg.count_epsilon_share)
        self.optimizer.noise_multiplier = self.noise_multiplier  # read by the noise and the accountant each step
        warn_if_drowned(self.noise_multiplier, self.sample_rate * n_rows)
        self.delta, self.target_epsilon = cfg.delta, epsilon
        self._batches = iter(self.loader)

    def next_rows(self) -> np.ndarray:
        """Row indices of the next Poisson-sampled batch (may be empty)."""
        try:
            (rows,) = next(self._batches)
        except StopIteration:
            self._batches = iter(self.loader)
            (rows,) = next(self._batches)
        return rows.numpy()

    def update(self, logits: torch.Tensor, is_real: torch.Tensor) -> float:
        """One DP-SGD step on the discriminator from its logits on a real+fake batch."""
        loss = self.criterion(logits, is_real)
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        self.optimizer.step()
        return float(loss.detach())

    def spent_epsilon(self) -> float:
        with quiet_accountant():
            return float(self.engine.accountant.get_epsilon(self.delta, alphas=list(ALPHAS)))

    def spent(self) -> dict:
        """The accountant's reading for the model file: epsilon, delta, noise multiplier, sample rate
        and the DP-SGD steps it was charged for."""
        steps = sum(int(n_steps) for _, _, n_steps in self.engine.accountant.history)
        return {"epsilon": self.spent_epsilon(), "delta": self.delta, "noise_multiplier": self.noise_multiplier,
                "sample_rate": self.sample_rate, "steps": steps}


def guarantee_scope(public_schema: bool, count_epsilon: float, draft: bool = False) -> dict:
    """What the (epsilon, delta) guarantee covers, for the model file and reports.

    ``public_schema``: the encoder was built from a public schema (kinds, categories, bounds,
    point masses, missingness, uniform knots), so nothing in it came from the data.
    ``count_epsilon`` 0 means the class counts were public (given in that schema).
    ``draft``: a schema was given but still carries its ``draft`` key, so it is not public.
    """
    not_public = ("NOT covered: the schema given is an unreviewed draft (it still has its \"draft\" key): its "
                  "category lists, numeric bounds, point masses and decimals may have been drafted from the data "
                  "without noise; replace them with public values and delete the key to cover them"
                  if draft else
                  "NOT covered: column kinds, category lists, numeric bounds, decimals and normalisation knots "
                  f"were computed from the data without noise, and {MODEL_FILE_HOLDS}: each numeric column's "
                  "exact minimum and maximum (sampled values are clipped to them and can equal them), the "
                  "category lists and decimals; pass a public schema (synthaug schema drafts one) to cover them")
    return {
        "covers": "discriminator training by DP-SGD (Opacus, Poisson sampling, per-sample clipping); "
                  "the generator and all samples are post-processing",
        "class_counts": ("public (given)" if count_epsilon == 0 else
                         f"Laplace mechanism; epsilon {count_epsilon:.4g} of the total is spent on them"),
        "schema": ("public (given): column kinds, category lists, numeric bounds, point masses and missing "
                   "flags come from the public schema, normalisation knots from its bounds alone"
                   if public_schema else not_public),
        "row_count": "NOT covered: the exact number of training rows is in the model file (training.n_rows); "
                     + ROW_USES,
    }


MODEL_FILE_HOLDS = "this file holds them"
ROW_USES = "it sets the default delta, the Poisson sampling rate and the number of DP-SGD steps"


def release_scope(scope: dict) -> dict:
    """A model file's :func:`guarantee_scope` as a release card says it: the card's file is not the model
    file (``share`` releases records, not the model), and it holds the row count itself."""
    out = {**scope, "row_count": "NOT covered: the exact number of training rows (data.train_rows on this card; a "
                                 f"release holds as many records unless n is given); {ROW_USES}"}
    if isinstance(out.get("schema"), str):
        out["schema"] = out["schema"].replace(
            MODEL_FILE_HOLDS, "the trained model holds them (not released by share, but its records are clipped to "
                              "them and can equal them)")
    return out


def check_dp_request(epsilon, delta) -> None:
    """Refuse a ``dp_delta`` without ``dp_epsilon``: it would silently train without DP."""
    if epsilon is None and delta is not None:
        raise DataError(f"{param_name('dp_delta')}={delta!r} is set but {param_name('dp_epsilon')} is not, so "
                        f"training would not be private; set {param_name('dp_epsilon')} too, or drop "
                        f"{param_name('dp_delta')}")


def check_budget(epsilon, delta, max_grad_norm) -> None:
    """Refuse what DP-SGD cannot deliver: epsilon > 0, 0 < delta < 1 (or None), max_grad_norm > 0."""
    if not _positive(epsilon):
        raise DataError(f"{param_name('dp_epsilon')} must be a positive number; got {epsilon!r}")
    if delta is not None and not (_positive(delta) and float(delta) < 1.0):
        raise DataError(f"{param_name('dp_delta')} must be in (0, 1), well below 1/n; got {delta!r}")
    if not _positive(max_grad_norm):
        raise DataError(f"{param_name('dp_max_grad_norm')} must be a positive number; got {max_grad_norm!r}")


def _positive(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and value > 0


WEAK_EPSILON = 10.0
"""Above it, a budget warns: "1 or below is usually called strong, 10 weak" (README, report)."""


def warn_weak_epsilon(epsilon: float) -> None:
    """Warn when ``epsilon`` is above :data:`WEAK_EPSILON` (``--set model.dp_epsilon=1e6`` ran silently and
    printed "epsilon 999999.990")."""
    if epsilon <= WEAK_EPSILON:
        return
    factor = f"{math.exp(epsilon):.3g}" if epsilon < 700 else "beyond 1e+304"
    warn(f"{param_name('dp_epsilon')}={epsilon:g} gives little protection: adding or removing one row may change "
         f"the probability of any outcome by a factor up to e^epsilon ({factor}); 1 or below is usually called "
         f"strong, {WEAK_EPSILON:g} weak")


def plan_budget(epsilon: float, delta: float | None, max_grad_norm: float, counts: np.ndarray, n_rows: int,
                rng: np.random.Generator, public_counts: bool = False) -> tuple[DPPlan, np.ndarray]:
    """Split ``epsilon``: DP_COUNT_SHARE for Laplace-noised class ``counts``, the rest for DP-SGD.

    Returns the plan (its class prior, for the fakes, comes from the noisy counts) and the noisy
    counts, which replace the exact ones in the model. With ``public_counts`` (given in a public
    schema) the counts are kept as they are and all of ``epsilon`` goes to DP-SGD.
    """
    check_budget(epsilon, delta, max_grad_norm)
    warn_weak_epsilon(float(epsilon))
    if delta is not None and float(delta) >= 1.0 / n_rows:  # "publish one random row" meets such a delta
        warn(f"{param_name('dp_delta')}={float(delta):.3g} is at least 1/n (1/{n_rows} training rows): "
             f"a mechanism that "
             f"publishes a random row meets it; the default is min(1e-5, 1/(10 n)) = "
             f"{default_delta(n_rows):.3g}")
    elif delta is not None and float(delta) > 1.0 / (10.0 * n_rows):
        warn(f"{param_name('dp_delta')}={float(delta):.3g} is above 1/(10 n) = {1.0 / (10.0 * n_rows):.3g} "
             f"({n_rows} training rows): delta bounds the chance the guarantee fails outright; a mechanism "
             f"that publishes each training row whole with probability delta meets it, publishing about "
             f"{float(delta) * n_rows:.2g} of the {n_rows} rows on average; keep it well below 1/n (the "
             f"default is min(1e-5, 1/(10 n)) = {default_delta(n_rows):.3g})")
    delta = float(delta) if delta is not None else default_delta(n_rows)
    share = 0.0 if public_counts else DP_COUNT_SHARE
    count_eps = share * float(epsilon)
    counts = np.asarray(counts)
    noisy = counts if public_counts else noisy_class_counts(counts, count_eps, rng)
    config = DPConfig(float(epsilon), delta, float(max_grad_norm), share)
    return DPPlan(config, float(epsilon) - count_eps, noisy / noisy.sum()), noisy


def privacy_record(plan: DPPlan, spent: list[dict], scope: dict) -> dict:
    """The model file's ``privacy`` entry: budget, what the accountant(s) spent, and the scope.

    ``spent`` holds one accountant reading per model; models trained on disjoint records compose
    in parallel, so DP-SGD costs their maximum, and the class counts add their share.
    """
    count_eps = plan.config.epsilon - plan.sgd_epsilon
    sgd = max(s["epsilon"] for s in spent)
    return {"target_epsilon": plan.config.epsilon, "delta": plan.config.delta, "epsilon": sgd + count_eps,
            "sgd_epsilon": sgd, "count_epsilon": count_eps, "max_grad_norm": plan.config.max_grad_norm,
            "accountant": ACCOUNTANT, "noise_seed": NOISE_SEED, "models": spent, "scope": scope}
