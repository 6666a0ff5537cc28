"""TabularCGAN: a class-conditional GAN for mixed-type tables, scikit-learn style."""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from .._progress import progress_bar, status
from .._provenance import library_versions
from .._random import RandomState, child_seed, draw_seed
from ..distributed import agreed_seed, check_processes_agree, current_context, warn_if_not_joined
from ..persist import check_model_path, known_params, save_model
from ..privacy.dp import secret_seed
from ..sampling import SampleSeeds
from .dp_plan import plan_dp, privacy_record_for
from .encoder import TableEncoder
from .fit_input import column_option, data_digest, drop_columns, encode_table, new_encoder, provenance, target_state
from .generation import (
    generate_rows,
    target_dtype,
)
from .label_filter import check_quantile
from .loss_history import loss_frame
from .model_file import meta_and_tensors, restore_fitted
from .networks import Generator
from .params import check_params
from .privacy_filter import MAX_ROWS
from .public_schema import resolve_public_schema, schema_document, warn_if_draft
from .rejection import FilterNotes, fill_rows
from .sample_methods import SampleMethods
from .sampling_filters import SamplingFilters
from .target import column_labels, split_target
from .train_setup import n_steps, network_config, pac_size, torch_device, train_config, training_sets
from .training import train_gan

MODEL_TYPE = "TabularCGAN"
FILTER_ROUNDS = 100  # sampling filters: at most this many generated candidates per row (the best is kept)
LABEL_FILTER_AUTO = 0.2  # label_filter="auto" at <= MAX_ROWS rows (results/scarce_protocol_screening_label.md)
FILTER_BATCH = 20  # sampling filters: at most this many candidates per row and round


class TabularCGAN(SampleMethods, SampleSeeds, SamplingFilters, BaseEstimator):
    """A class-conditional GAN for tables with numeric, categorical, boolean and date columns.

    The label is an input to both networks (an embedding in the generator, a projection term
    in the discriminator), so every sampled row carries exactly the label it was asked for.
    ``strategy="per-class"`` trains one unconditional model per class instead.

    ``public_schema`` (a dict as read from a public-schema JSON file, or its path) fixes column
    kinds, categories, bounds, point masses, class names and optionally class counts, so the
    encoder learns nothing from the data (see :mod:`synthaug.tabular.public_schema`).

    Training runs ``max(epochs * ceil(n_rows / batch_size), min_steps)`` generator steps, so
    a few dozen rows per class still get enough updates. Samples come from an exponential moving
    average of the generator whose decay warms up as ``min(ema_decay, (1+t)/(10+t))`` at step t
    (:func:`synthaug.gan.ema.ema_update`): at the default 3000 steps it ends near 0.997, so an
    ``ema_decay`` above that only matters in longer fits (about 9000 steps for 0.999).

    Sampled numbers lie within the training range (``clip``) and continuous ones carry the decimals
    of the training values (``rounding``: 12.50 and 3.99 give values such as 7.32; a column whose
    values need more than 14 decimals is not rounded). With a public schema the decimals are the
    schema's ``decimals``, if it gives them: nothing is learned from the data.

    ``lecam_weight`` > 0 adds LeCam regularisation of the discriminator's logits (Tseng et al.,
    2021) and ``r1_weight`` > 0 the R1 penalty ``r1_weight / 2 * mean ||grad D(real pack)||^2``
    (Mescheder et al., 2018; not with ``loss="wgan-gp"``, which has its own penalty): two
    regularisers for discriminators that overfit few rows, both off by default and refused under DP.

    ``privacy_filter`` rejects and regenerates sampled rows that sit inside a training row's
    leave-one-out radius, and ``privacy_filter_pinning`` those more pinned to one training row
    than that quantile of fresh rows would be (see :mod:`synthaug.tabular.privacy_filter`).
    ``label_filter`` rejects and regenerates rows whose own class a logistic regression fitted on
    the training rows finds less likely than that quantile of the training rows' out-of-fold
    probabilities (see :mod:`synthaug.tabular.label_filter`). Only the fitted object can filter,
    since a model file holds no training rows; neither filter runs under DP, and the privacy
    filter (like ``label_filter="auto"``) is off above ``MAX_ROWS`` (10,000) training rows.
    """

    def __init__(
        self,
        *,
        strategy: str = "conditional",
        epochs: int = 300,
        min_steps: int = 3000,
        batch_size: int = 500,
        loss: str = "non-saturating",
        real_label: float = 0.9,
        gp_weight: float = 10.0,
        lecam_weight: float = 0.0,
        r1_weight: float = 0.0,
        pac: int | None = None,
        spectral_norm: bool = True,
        generator_norm: str = "batch",
        latent_dim: int = 64,
        generator_dims: Sequence[int] = (256, 256),
        discriminator_dims: Sequence[int] = (256, 256),
        dropout: float = 0.25,
        generator_lr: float = 2e-4,
        discriminator_lr: float = 2e-4,
        betas: tuple[float, float] = (0.5, 0.9),
        weight_decay: float = 1e-6,
        discriminator_steps: int = 1,
        feature_matching: float = 0.0,
        ema_decay: float | None = 0.999,
        gumbel_tau: float = 0.2,
        class_sampling: str = "balanced",
        condition_probability: float = 0.5,
        categorical: Sequence[str] = (),
        continuous: Sequence[str] = (),
        drop: Sequence[str] = (),
        keep: Sequence[str] = (),
        public_schema: dict | str | None = None,
        max_knots: int = 200,
        point_mass_share: float = 0.05,
        min_category_count: int = 2,
        clip: bool = True,
        rounding: bool = True,
        privacy_filter: float | None = 1.0,
        privacy_filter_floor: float = 0.2,
        privacy_filter_pinning: float | None = 0.75,
        label_filter: float | str | None = "auto",
        dp_epsilon: float | None = None,
        dp_delta: float | None = None,
        dp_max_grad_norm: float = 1.0,
        device: str = "cpu",
        random_state: RandomState = None,
        verbose: bool = False,
    ) -> None:
        self.strategy = strategy
        self.epochs = epochs
        self.min_steps = min_steps
        self.batch_size = batch_size
        self.loss = loss
        self.real_label = real_label
        self.gp_weight = gp_weight
        self.lecam_weight = lecam_weight
        self.r1_weight = r1_weight
        self.pac = pac
        self.spectral_norm = spectral_norm
        self.generator_norm = generator_norm
        self.latent_dim = latent_dim
        self.generator_dims = generator_dims
        self.discriminator_dims = discriminator_dims
        self.dropout = dropout
        self.generator_lr = generator_lr
        self.discriminator_lr = discriminator_lr
        self.betas = betas
        self.weight_decay = weight_decay
        self.discriminator_steps = discriminator_steps
        self.feature_matching = feature_matching
        self.ema_decay = ema_decay
        self.gumbel_tau = gumbel_tau
        self.class_sampling = class_sampling
        self.condition_probability = condition_probability
        self.categorical = categorical
        self.continuous = continuous
        self.drop = drop
        self.keep = keep
        self.public_schema = public_schema
        self.max_knots = max_knots
        self.point_mass_share = point_mass_share
        self.min_category_count = min_category_count
        self.clip = clip
        self.rounding = rounding
        self.privacy_filter = privacy_filter
        self.privacy_filter_floor = privacy_filter_floor
        self.privacy_filter_pinning = privacy_filter_pinning
        self.label_filter = label_filter
        self.dp_epsilon = dp_epsilon
        self.dp_delta = dp_delta
        self.dp_max_grad_norm = dp_max_grad_norm
        self.device = device
        self.random_state = random_state
        self.verbose = verbose

    # ------------------------------------------------------------------ fit
    def fit(self, X, y) -> TabularCGAN:
        """Learn from features ``X`` and labels ``y`` (an array, a Series, or a column name of X)."""
        check_params(self.get_params(deep=False))
        self.public_schema_ = schema_document(self.public_schema)  # a path's file, read once: saved with the model
        schema = resolve_public_schema(self.public_schema_)
        warn_if_draft(schema, self.public_schema, self.dp_)
        features, labels, columns = split_target(X, y)
        warn_if_not_joined()  # a script under torchrun without init_process_group
        check_processes_agree(self.get_params(deep=False), features, labels)  # under torchrun: same settings
        self.data_sha256_, self.versions_ = data_digest(features, labels, columns), library_versions()
        drop = self._names("drop")
        features = drop_columns(features, labels, drop)
        self.seed_ = agreed_seed(draw_seed(self.random_state))  # one seed for all torchrun processes
        # under DP every draw of the fit comes from a secret seed (privacy.dp), never stored; seed_ seeds sampling
        fit_seed = agreed_seed(secret_seed()) if self.dp_ else self.seed_
        rng = np.random.default_rng(child_seed(fit_seed, 0))
        shown = bool(self.verbose) and current_context().is_main
        with status(f"encoding {len(features):,} rows x {features.shape[1]:,} columns", shown):
            table = encode_table(self, features, labels, schema, rng)
            self.classes_, self.class_counts_, self.encoder_ = table.classes, table.class_counts, table.encoder
            self.provenance_ = provenance(schema, self.dp_)
            matrix = self.encoder_.transform(table.features, rng)
        self.target_name_, self.target_dtype_, self.target_categories_, self.target_ordered_ = target_state(
            labels, schema, self.classes_)
        self.columns_ = [c for c in columns if c not in {*drop, *table.dropped}]
        self.column_labels_ = {k: v for k, v in column_labels(X, y).items() if k in self.columns_}
        self.n_rows_ = len(table.features)
        with status("preparing the sampling filters", shown):
            self._fit_filters(table.features, table.codes)
        started = time.perf_counter()
        self.generators_, self.history_ = self._train(matrix, table.codes, fit_seed)
        self.fit_seconds_ = time.perf_counter() - started
        self._n_sample_calls = 0
        return self

    def _train(self, matrix: np.ndarray, codes: np.ndarray, seed: int) -> tuple[list[Generator], list]:
        """Train one generator (``strategy="conditional"``) or one per class; plan and record DP. Training
        overwrites ``matrix`` with its own column order."""
        sets = training_sets(matrix, codes, len(self.classes_), self.strategy)
        dp_plan = None
        if self.dp_:  # the class counts become noisy here, unless public
            dp_plan, self.class_counts_, self.provenance_ = plan_dp(self, seed)
        ctx = current_context()
        self.n_processes_ = ctx.world_size  # a seeded fit reproduces with the same number of processes only
        self.n_threads_ = torch.get_num_threads()  # and threads: floating-point sums are split by them
        steps = [self._n_steps(len(m)) for m, _, _ in sets]
        generators, history, spent = [], [], []
        with progress_bar(sum(steps), "training", self.verbose and ctx.is_main) as bar:
            for i, ((m, labels, n_classes), n) in enumerate(zip(sets, steps, strict=True)):
                plan = dp_plan if dp_plan is None or n_classes > 1 else replace(dp_plan, class_p=np.ones(1))
                G, hist, privacy = train_gan(m, labels, network_config(self, n_classes), self.encoder_.spans_,
                                             train_config(self, n, len(m)), child_seed(seed, 1, i),
                                             bar, self._device(), dp=plan, ctx=ctx)
                generators.append(G.cpu())
                history.append(hist)
                spent.append(privacy)
        self.privacy_ = None if dp_plan is None else privacy_record_for(self, dp_plan, spent)
        return generators, history

    def privacy_filter_off_reason(self, n_rows: int | None = None) -> str | None:
        """Why sampling runs without ``privacy_filter`` for a training table of ``n_rows`` (default:
        the fitted one's), or None when the filter runs (once the table is at hand)."""
        if self.privacy_filter is None:
            return "privacy_filter is None (off)"
        if self.dp_:  # the released records must not be steered by training rows
            return "off under differential privacy (training rows must not steer the released records)"
        if (self.n_rows_ if n_rows is None else n_rows) > MAX_ROWS:  # nothing to memorise; n^2 distances
            return f"off above {MAX_ROWS} training rows"
        return None

    def _label_quantile(self) -> float | None:
        """``label_filter`` resolved: "auto" is LABEL_FILTER_AUTO up to MAX_ROWS training rows, else off."""
        check_quantile(self.label_filter)
        if isinstance(self.label_filter, str):  # "auto": the scarce-data regime it was measured on
            return LABEL_FILTER_AUTO if self.n_rows_ <= MAX_ROWS else None
        return None if self.label_filter is None else float(self.label_filter)

    def __sklearn_tags__(self):
        """Text columns and missing values are modelled (and generated), as SynthOverSampler declares."""
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.string = True
        return tags

    def _names(self, option: str) -> list[str]:
        """A column-list parameter's names as text (:func:`.fit_input.column_option`)."""
        return column_option(self, option)

    def _new_encoder(self) -> TableEncoder:
        """An unfitted encoder with this model's encoding parameters."""
        return new_encoder(self)

    def _device(self) -> torch.device:
        return torch_device(self.device)

    @property
    def pac_(self) -> int:
        """Rows the discriminator judges together (:func:`.train_setup.pac_size`)."""
        return pac_size(self)

    @property
    def dp_(self) -> bool:
        return self.dp_epsilon is not None

    def _n_steps(self, n_rows: int) -> int:
        return n_steps(self, n_rows)

    # ------------------------------------------------------- fitted views
    @property
    def n_features_in_(self) -> int:
        """scikit-learn's name for the feature columns the model learnt and samples: X's columns less the
        target (and any left out by ``drop`` or as identifiers); read from ``columns_``, so a loaded model
        has it too. Absent (AttributeError) before ``fit``."""
        return len(self.columns_) - 1

    @property
    def feature_names_in_(self) -> np.ndarray:
        """Those columns' names, as an object array (as scikit-learn gives them), when X named them all by
        text; absent, as in scikit-learn, for a NumPy X (columns x0, x1...) or columns named by numbers."""
        names = [c for c in self.columns_ if c != self.target_name_]
        numpy = all(re.fullmatch(r"x\d+", c) for c in names)  # split_target's names for a NumPy X's columns
        if numpy or any(c in self.column_labels_ for c in names):
            raise AttributeError("feature_names_in_: X did not name its feature columns by text")
        return np.asarray(names, dtype=object)

    def loss_history(self) -> pd.DataFrame:
        """``history_`` as a table: one row per record, columns generator, class (the class of a
        ``strategy="per-class"`` generator, else None), step and the mean ``d_loss`` and ``g_loss`` since
        the previous record, as float64 (:func:`.loss_history.loss_frame`)."""
        check_is_fitted(self, "generators_")
        return loss_frame(self.history_, self.classes_, self.strategy == "per-class")

    # --------------------------------------------------------------- sample
    def _generate_filtered(self, codes: np.ndarray, gen: torch.Generator, notes: FilterNotes | None = None
                           ) -> pd.DataFrame:
        """:meth:`_generate`, regenerating the rows the sampling filters reject, in rounds of at most
        ``FILTER_BATCH`` candidates per row (:func:`synthaug.tabular.rejection.fill_rows`); after
        ``FILTER_ROUNDS`` tries a row keeps its best candidate. Rejections add to ``n_rejected_`` (the
        privacy filter's) and ``n_label_rejected_``; the filters' warnings to ``notes`` when given.
        """
        private, labels = self._active_filters()
        if private is None and labels is None:
            return self._generate(codes, gen)
        frame, rejected, label_rejected = fill_rows(codes, lambda c: self._generate(c, gen), private, labels,
                                                    FILTER_ROUNDS, FILTER_BATCH, notes)
        self.n_rejected_ += rejected
        self.n_label_rejected_ += label_rejected
        return frame

    def _generate(self, codes: np.ndarray, gen: torch.Generator) -> pd.DataFrame:
        """Decoded generated rows for the class codes given, in that order (no filters)."""
        return generate_rows(self, codes, gen)

    def _target_dtype(self):
        """The label column's dtype (:func:`.generation.target_dtype`)."""
        return target_dtype(self)

    # ---------------------------------------------------------------- files
    def save(self, path: str | Path) -> Path:
        """Write a model directory (JSON + safetensors; ``~`` in ``path`` is the home folder) and return
        its path; it holds aggregates and weights only. ``synthaug.load(path)`` reads it back. In a torch.distributed
        group only rank 0 writes; the other ranks check the path and return it at once, without waiting."""
        check_is_fitted(self, "generators_")
        if not current_context().is_main:  # every rank saving the same folder raced for it
            return check_model_path(path)
        n_classes = 1 if self.strategy == "per-class" else len(self.classes_)
        meta, tensors = meta_and_tensors(self, network_config(self, n_classes))
        return save_model(path, MODEL_TYPE, meta, tensors)

    @classmethod
    def from_saved(cls, meta: dict, tensors: dict[str, torch.Tensor]) -> TabularCGAN:
        """Internal: rebuild a fitted model from the tensors and model.json fields :func:`synthaug.persist.load_model`
        reads. To load a saved model, use ``synthaug.load(path)``, which checks the files and calls this."""
        model = restore_fitted(cls(**known_params(meta, cls._get_param_names(), defaults=cls().get_params())),
                               meta, tensors)
        model._n_sample_calls = 0
        return model
