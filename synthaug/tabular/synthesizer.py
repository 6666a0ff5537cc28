"""TabularCGAN: a class-conditional GAN for mixed-type tables, scikit-learn style."""

from __future__ import annotations

import math
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from .._errors import DataError, FilterNotAppliedWarning, warn
from .._progress import progress_bar
from .._random import RandomState, child_seed, draw_seed
from .._text import option_name
from ..distributed import agreed_seed, check_processes_agree, current_context
from ..io import TableWriter
from ..persist import known_params, save_model
from ..privacy.dp import secret_seed
from ..sampling import ROW_CHUNK, SampleSeeds, chunk_labels, resolve_class_counts
from .columns import categorical_dtype_state
from .dp_plan import plan_dp, privacy_record_for
from .encoder import TableEncoder
from .label_filter import check_quantile, fit_label_filter
from .model_file import meta_and_tensors, restore_fitted
from .networks import Generator, NetworkConfig, SoftmaxLayout
from .params import check_params
from .privacy_filter import MAX_ROWS, check_filter_params, fit_filter
from .public_schema import (
    DRAFT,
    PUBLIC,
    PublicSchema,
    codec_states,
    conform,
    omitted_present,
    public_labels,
    resolve_public_schema,
    warn_if_draft,
)
from .rejection import fill_rows
from .schema import check_columns_exist, infer_schema
from .target import column_labels, encode_labels, split_target
from .training import TrainConfig, train_gan
from .training_table import training_table_codes

MODEL_TYPE = "TabularCGAN"
FILTER_ROUNDS = 100  # sampling filters: at most this many generated candidates per row (the last is kept)
LABEL_FILTER_AUTO = 0.2  # label_filter="auto" at <= MAX_ROWS rows (results/scarce_protocol_screening_label.md)
FILTER_BATCH = 20  # sampling filters: at most this many candidates per row and round
PRIVACY_SETTINGS = ("privacy_filter", "privacy_filter_floor", "privacy_filter_pinning")


class TabularCGAN(SampleSeeds, BaseEstimator):
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
        schema = resolve_public_schema(self.public_schema)
        warn_if_draft(schema, self.public_schema, self.dp_)
        features, labels, columns = split_target(X, y)
        check_processes_agree(self.get_params(deep=False), features, labels)  # under torchrun: same settings
        drop = self._names("drop")
        if labels.name is not None and labels.name in drop:
            raise DataError(f"{option_name('drop')}: {labels.name!r} is the target column, which the model is "
                            "conditioned on; it cannot be left out")
        check_columns_exist(features, drop, "drop")
        features = features.drop(columns=drop)
        self.seed_ = agreed_seed(draw_seed(self.random_state))  # one seed for all torchrun processes
        # under DP every draw of the fit comes from a secret seed (privacy.dp), never stored; seed_ seeds sampling
        fit_seed = agreed_seed(secret_seed()) if self.dp_ else self.seed_
        rng = np.random.default_rng(child_seed(fit_seed, 0))
        if schema is None:
            self.classes_, codes, self.class_counts_ = encode_labels(labels)
            dropped = self._fit_encoder(features, rng)
        else:
            self.classes_, codes, self.class_counts_ = public_labels(labels, schema, coarse=self.dp_)
            dropped = omitted_present(features, schema)  # conform leaves them out
            features = self._fit_public_encoder(features, schema)
        self.provenance_ = self._provenance(schema)
        matrix = self.encoder_.transform(features, rng)
        self.target_name_ = str(labels.name)
        self.target_dtype_ = str(labels.dtype) if schema is None else schema.target_dtype
        self.target_categories_, self.target_ordered_ = categorical_dtype_state(
            labels.dtype if schema is None else None, self.classes_)
        self.columns_ = [c for c in columns if c not in {*drop, *dropped}]
        self.column_labels_ = {k: v for k, v in column_labels(X, y).items() if k in self.columns_}
        self.n_rows_ = len(features)
        self._fit_filters(features, codes)
        started = time.perf_counter()
        self.generators_, self.history_ = self._train(matrix, codes, fit_seed)
        self.fit_seconds_ = time.perf_counter() - started
        self._n_sample_calls = 0
        return self

    def _fit_privacy_filter(self, features: pd.DataFrame, codes: np.ndarray):
        """The sampling filter of :mod:`synthaug.tabular.privacy_filter` (in memory only), or None."""
        self.n_rejected_ = 0
        check_filter_params(self.privacy_filter, self.privacy_filter_floor, self.privacy_filter_pinning)
        if self.privacy_filter_off_reason(len(features)) is not None:
            return None
        kept = [c for c in self.columns_ if c != self.target_name_]
        pinning = None if self.privacy_filter_pinning is None else float(self.privacy_filter_pinning)
        return fit_filter(features[kept], codes, float(self.privacy_filter), float(self.privacy_filter_floor),
                          self.encoder_.specs_, pinning)

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

    def _fit_label_filter(self, features: pd.DataFrame, codes: np.ndarray):
        """The sampling filter of :mod:`synthaug.tabular.label_filter` (in memory only), or None."""
        self.n_label_rejected_ = 0
        quantile = self._label_quantile()
        if quantile is None or self.dp_:  # DP: rows must not steer output
            return None
        kept = [c for c in self.columns_ if c != self.target_name_]
        return fit_label_filter(features[kept], codes, quantile, self.encoder_.specs_,
                                np.random.default_rng(child_seed(self.seed_, 4)))

    def attach_privacy_filter(self, X, y) -> TabularCGAN:
        """Give a loaded model its training table back, so sampling applies ``privacy_filter``
        and ``label_filter`` again.

        A model file holds no training rows, so a loaded model cannot filter on its own. With the
        table it was fitted on, the same seed gives the same rows as the fitted object did; a table
        of another row count, or other class counts (where the model holds them exactly: not under
        DP, not a public schema's), is refused.
        """
        check_is_fitted(self, "generators_")
        features, labels, _ = split_target(X, y)
        features = features.drop(columns=[c for c in self._names("drop") if c in features.columns])
        schema = resolve_public_schema(self.public_schema)
        if schema is not None:
            features = conform(features, schema, coarse=self.dp_)
        codes = training_table_codes(self, features, labels)
        self._fit_filters(features, codes)
        return self

    def __getstate__(self) -> dict:
        """Pickles and deep copies leave the sampling filters (fitted on training rows) behind.

        A copy of the state: ``object.__getstate__`` returns the live ``__dict__``, and popping
        from it would strip the filters from the pickled model itself.
        """
        state = dict(super().__getstate__())
        state.pop("_privacy_filter", None)
        state.pop("_label_filter", None)
        state.pop("_filter_settings", None)
        return state

    def __sklearn_tags__(self):
        """Text columns and missing values are modelled (and generated), as SynthOverSampler declares."""
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.string = True
        return tags

    def _names(self, option: str) -> list[str]:
        """A column-list parameter's names as text, as :func:`split_target` names the columns (so
        ``categorical=[0]`` is the column 0 of a DataFrame with integer names)."""
        return [str(c) for c in getattr(self, option)]

    def _new_encoder(self) -> TableEncoder:
        return TableEncoder(max_knots=self.max_knots, point_mass_share=self.point_mass_share,
                            min_category_count=self.min_category_count, clip=self.clip,
                            rounding=self.rounding)

    def _fit_encoder(self, features: pd.DataFrame, rng: np.random.Generator) -> list[str]:
        """Infer kinds and fit the encoder from the data; returns the identifier-like columns dropped."""
        specs, dropped = infer_schema(features, *map(self._names, ("categorical", "continuous", "keep")))
        if not specs:
            raise DataError("no feature columns left to model (all were dropped)")
        self.encoder_ = self._new_encoder().fit(features, specs, rng)
        return dropped

    def _fit_public_encoder(self, features: pd.DataFrame, schema: PublicSchema) -> pd.DataFrame:
        """Build the encoder from the public schema alone; returns the features conformed to it."""
        for name in ("categorical", "continuous", "keep"):
            if getattr(self, name):
                raise DataError(f"{option_name(name)}: with a public schema the column kinds come from the schema; "
                                f"leave {name} empty")
        omitted = omitted_present(features, schema)
        if omitted:
            warn(f"leaving out column(s) {', '.join(map(repr, omitted))}: the public schema lists them "
                 "as omitted")
        features = conform(features, schema, coarse=self.dp_)  # DP: no exact counts of private rows in warnings
        self.encoder_ = self._new_encoder().fit_public([c.spec() for c in schema.columns], codec_states(schema))
        return features

    @staticmethod
    def _provenance(schema: PublicSchema | None) -> dict[str, str]:
        """Where the schema and the class counts came from (the DP noise on counts is added later). A
        schema still marked ``draft`` is not public; its class counts are, as a draft never writes any."""
        origin = "inferred from the training data" if schema is None else DRAFT if schema.draft else PUBLIC
        return {"schema": origin,
                "class_counts": PUBLIC if schema is not None and schema.class_counts is not None
                else "exact, from the training data"}

    def _device(self) -> torch.device:
        if self.device == "auto":
            return torch.device("cuda" if torch.cuda.is_available() else "cpu")
        if self.device == "cuda" and not torch.cuda.is_available():
            raise DataError(f"{option_name('device')}: 'cuda' requested but no GPU is available; use 'cpu' or 'auto'")
        return torch.device(self.device)

    @property
    def pac_(self) -> int:
        if self.dp_:
            return 1  # Poisson batches have random sizes: no packing under DP
        return int(self.pac) if self.pac else 10  # PacGAN: measured faster and no worse (benchmarks/)

    def _train(self, matrix: np.ndarray, codes: np.ndarray, seed: int) -> tuple[list[Generator], list]:
        if self.strategy == "conditional":
            sets = [(matrix, codes, len(self.classes_))]
        else:  # one unconditional model per class, each on its own rows
            sets = [(matrix[codes == k], np.zeros(int((codes == k).sum()), np.int64), 1)
                    for k in range(len(self.classes_))]
        dp_plan = None
        if self.dp_:  # the class counts become noisy here, unless public
            dp_plan, self.class_counts_, self.provenance_ = plan_dp(self, seed)
        ctx = current_context()
        self.n_processes_ = ctx.world_size  # a seeded fit reproduces with the same number of processes only
        self.n_threads_ = torch.get_num_threads()  # and threads: floating-point sums are split by them
        steps = [self._n_steps(len(m)) for m, _, _ in sets]
        generators, history, spent = [], [], []
        with progress_bar(sum(steps), "training", self.verbose and ctx.is_main) as bar:
            for i, ((m, labels, n_classes), n_steps) in enumerate(zip(sets, steps, strict=True)):
                plan = dp_plan if dp_plan is None or n_classes > 1 else replace(dp_plan, class_p=np.ones(1))
                G, hist, privacy = train_gan(m, labels, self._network_config(n_classes), self.encoder_.spans_,
                                             self._train_config(n_steps, len(m)), child_seed(seed, 1, i),
                                             bar, self._device(), dp=plan, ctx=ctx)
                generators.append(G.cpu())
                history.append(hist)
                spent.append(privacy)
        self.privacy_ = None if dp_plan is None else privacy_record_for(self, dp_plan, spent)
        return generators, history

    @property
    def dp_(self) -> bool:
        return self.dp_epsilon is not None

    def _n_steps(self, n_rows: int) -> int:
        return max(int(self.epochs) * math.ceil(n_rows / self.batch_size), int(self.min_steps))

    def _network_config(self, n_classes: int) -> NetworkConfig:
        discrete = [s for s in self.encoder_.spans_ if s.activation == "softmax"]
        return NetworkConfig(
            data_dim=self.encoder_.output_dim_, n_classes=n_classes,
            condition_dim=sum(s.width for s in discrete), latent_dim=int(self.latent_dim),
            generator_dims=tuple(int(d) for d in self.generator_dims),
            discriminator_dims=tuple(int(d) for d in self.discriminator_dims),
            pac=self.pac_, spectral_norm=bool(self.spectral_norm) and not self.dp_, dropout=float(self.dropout),
            generator_norm=self.generator_norm,
        )

    def _train_config(self, n_steps: int, n_rows: int) -> TrainConfig:
        n_packs = max(1, min(int(self.batch_size), n_rows) // self.pac_)
        return TrainConfig(
            loss=self.loss, real_label=float(self.real_label), gp_weight=float(self.gp_weight),
            lecam_weight=float(self.lecam_weight), r1_weight=float(self.r1_weight),
            generator_lr=float(self.generator_lr), discriminator_lr=float(self.discriminator_lr),
            betas=(float(self.betas[0]), float(self.betas[1])), weight_decay=float(self.weight_decay),
            discriminator_steps=int(self.discriminator_steps), feature_matching=float(self.feature_matching),
            condition_weight=1.0, ema_decay=self.ema_decay, gumbel_tau=float(self.gumbel_tau),
            n_steps=n_steps, n_packs=n_packs, class_sampling=self.class_sampling,
            condition_probability=float(self.condition_probability), log_every=max(1, n_steps // 100),
        )

    # --------------------------------------------------------------- sample
    def sample(self, n: int | None = None, *, per_class: Mapping | None = None, balance: bool = False,
               ratio: float | None = None, random_state: RandomState = None) -> tuple[pd.DataFrame, pd.Series]:
        """Labeled synthetic rows as ``(X, y)``; ask for exactly one of n, per_class, balance, ratio.

        ``n`` and ``ratio`` (of the training size) follow the training class prior; ``per_class``
        gives exact counts per label; ``balance`` tops every class up to the largest.
        """
        frame = self.sample_frame(n, per_class=per_class, balance=balance, ratio=ratio, random_state=random_state)
        target = self.column_labels_.get(self.target_name_, self.target_name_)
        return frame.drop(columns=[target]), frame[target]

    def sample_frame(self, n: int | None = None, **request) -> pd.DataFrame:
        """Like :meth:`sample`, as one table with the target column at its original place."""
        return pd.concat(list(self.iter_sample(n, **request)), ignore_index=True)  # never empty: 0 rows is refused

    def iter_sample(self, n: int | None = None, *, per_class: Mapping | None = None, balance: bool = False,
                    ratio: float | None = None, random_state: RandomState = None,
                    chunk_size: int = ROW_CHUNK) -> Iterator[pd.DataFrame]:
        """Yield shuffled chunks of whole synthetic rows; memory does not grow with the total.

        Columns carry the labels they had in ``fit``: numbers and booleans as such (columns 0, 1 of
        ``pd.DataFrame(array)``), other labels as text (a NumPy table's x0, x1...)."""
        for chunk in self._text_chunks(n, per_class=per_class, balance=balance, ratio=ratio,
                                       random_state=random_state, chunk_size=chunk_size):
            yield chunk.rename(columns=self.column_labels_) if self.column_labels_ else chunk

    def _text_chunks(self, n: int | None = None, *, per_class: Mapping | None = None, balance: bool = False,
                     ratio: float | None = None, random_state: RandomState = None,
                     chunk_size: int = ROW_CHUNK) -> Iterator[pd.DataFrame]:
        """:meth:`iter_sample` with every column named as text (as files name them)."""
        check_is_fitted(self, "generators_")
        counts = resolve_class_counts(self.classes_, self.class_counts_, n, per_class, balance, ratio)
        seed = self._sample_seed(random_state)
        rng = np.random.default_rng(seed)
        gen = torch.Generator().manual_seed(seed)
        self._check_filters()
        for codes in chunk_labels(counts, int(chunk_size), rng):
            yield self._generate_filtered(codes, gen)

    def _fit_filters(self, features: pd.DataFrame, codes: np.ndarray) -> None:
        """Fit both sampling filters on the training rows and record the settings they were fitted with."""
        self._privacy_filter = self._fit_privacy_filter(features, codes)
        self._label_filter = self._fit_label_filter(features, codes)
        self._filter_settings = ({name: getattr(self, name) for name in (*PRIVACY_SETTINGS, "label_filter")},
                                 self._effective_filters())

    def _effective_filters(self) -> dict[str, tuple | float | None]:
        """The settings each sampling filter runs with on this model, None for a filter that is off
        (``None``, under DP, above ``MAX_ROWS`` training rows, "auto" resolved to off)."""
        private = None if self.privacy_filter_off_reason() is not None else tuple(
            getattr(self, name) for name in PRIVACY_SETTINGS)
        return {"privacy": private, "label": None if self.dp_ else self._label_quantile()}

    def _active_filters(self) -> tuple:
        """The (privacy, label) sampling filters to apply: those fitted (by ``fit`` or
        :meth:`attach_privacy_filter`), less those ``set_params`` has since turned off. A DataError when
        a setting changed so that a filter would run otherwise than it was fitted: the fitted filter
        would silently apply the old setting. A change that leaves the filter off (under DP, say) is
        no change."""
        private, labels = getattr(self, "_privacy_filter", None), getattr(self, "_label_filter", None)
        if getattr(self, "_filter_settings", None) is None:
            return private, labels
        raw, fitted = self._filter_settings
        now = self._effective_filters()
        for key, names in (("privacy", PRIVACY_SETTINGS), ("label", ("label_filter",))):
            if now[key] is not None and now[key] != fitted[key]:
                changed = next((n for n in names if raw[n] != getattr(self, n)), names[0])
                raise DataError(f"{changed} is {getattr(self, changed)!r}, but the sampling filters were fitted "
                                f"with {raw[changed]!r}; call attach_privacy_filter(X, y) to fit them with the new "
                                "setting (set_params takes effect at fit)")
        return (private if now["privacy"] is not None else None), (labels if now["label"] is not None else None)

    def sampling_filters(self) -> list[str]:
        """The sampling filters the next samples run (``privacy_filter``, ``label_filter``): those fitted
        by ``fit`` or :meth:`attach_privacy_filter` and not turned off since."""
        private, labels = self._active_filters()
        return [name for name, found in (("privacy_filter", private), ("label_filter", labels)) if found is not None]

    def _check_filters(self) -> None:
        """Reset the reject counts; warn when a loaded model cannot apply the filters it was fitted with."""
        self.n_rejected_ = self.n_label_rejected_ = 0
        self._active_filters()
        missing = [name for name, active in (
            ("privacy_filter", self.privacy_filter is not None and self.n_rows_ <= MAX_ROWS),
            ("label_filter", self._label_quantile() is not None),
        ) if active and not self.dp_ and getattr(self, f"_{name}", None) is None]
        for name in missing:
            warn(f"{name} is not applied: a loaded or copied (pickled) model holds no training rows to filter against; "
                 "pass the training table (synthaug sample --train DATA, or "
                 "model.attach_privacy_filter(X, y))", FilterNotAppliedWarning)

    def _generate_filtered(self, codes: np.ndarray, gen: torch.Generator) -> pd.DataFrame:
        """:meth:`_generate`, regenerating the rows the sampling filters reject, in rounds of at most
        ``FILTER_BATCH`` candidates per row (:func:`synthaug.tabular.rejection.fill_rows`); after
        ``FILTER_ROUNDS`` tries a row keeps its last candidate. Rejections add to ``n_rejected_`` (the
        privacy filter's) and ``n_label_rejected_``.
        """
        private, labels = self._active_filters()
        if private is None and labels is None:
            return self._generate(codes, gen)
        frame, rejected, label_rejected = fill_rows(codes, lambda c: self._generate(c, gen), private, labels,
                                                    FILTER_ROUNDS, FILTER_BATCH)
        self.n_rejected_ += rejected
        self.n_label_rejected_ += label_rejected
        return frame

    def privacy_filter_rejects(self, frame: pd.DataFrame) -> np.ndarray | None:
        """(n,) bool: the rows of ``frame`` (sampled rows, with the target column) that the privacy
        filter rejects, or None when no privacy filter applies (off, under DP, above ``MAX_ROWS``
        training rows, or a loaded model not given its training table). Sampling keeps a row the
        filter still rejects after ``FILTER_ROUNDS`` tries, with a warning; a release drops them."""
        check_is_fitted(self, "generators_")
        private = self._active_filters()[0]
        if private is None:
            return None
        frame = frame.set_axis([str(c) for c in frame.columns], axis=1)  # as sampled: 0 is "0" inside
        codes = pd.Index(self.classes_).get_indexer(frame[self.target_name_].to_numpy())
        if (codes < 0).any():
            raise DataError(f"privacy filter: {int((codes < 0).sum())} row(s) of {self.target_name_!r} carry a "
                            "label the model was not fitted on")
        return private.too_close(frame, codes)

    def write_sample(self, path: str | Path, n: int | None = None, *, chunk_size: int = ROW_CHUNK,
                     verbose: bool | None = None, random_state: RandomState = None, **request) -> int:
        """Stream synthetic rows to CSV, gzip-compressed CSV (``.csv.gz``) or Parquet (by extension);
        returns the row count."""
        check_is_fitted(self, "generators_")
        total = int(resolve_class_counts(self.classes_, self.class_counts_, n, **request).sum())
        show = self.verbose if verbose is None else verbose
        with TableWriter(path, self._template(), self._time_resolutions()) as writer, \
                progress_bar(total, "sampling", show) as bar:
            chunks = self._text_chunks(n, chunk_size=chunk_size, random_state=random_state, **request)
            for chunk in chunks:
                writer.write(chunk)
                bar.advance(len(chunk))
        return writer.rows_written

    @torch.inference_mode()
    def _generate(self, codes: np.ndarray, gen: torch.Generator) -> pd.DataFrame:
        """Decode generated rows for the class codes given, in that order."""
        if self.strategy == "conditional":  # one generator writes every row
            G = self.generators_[0]
            raw = G(torch.randn(len(codes), G.latent_dim, generator=gen), torch.from_numpy(codes))
        else:
            raw = torch.empty(len(codes), self.encoder_.output_dim_)
            for k, G in enumerate(self.generators_):
                rows = np.flatnonzero(codes == k)
                if len(rows) == 0:
                    continue
                z = torch.randn(len(rows), G.latent_dim, generator=gen)
                raw[torch.from_numpy(rows)] = G(z, torch.zeros(len(rows), dtype=torch.long))
        raw = SoftmaxLayout(self.encoder_.spans_).perturb(raw, gen)
        return self._decode(raw.numpy(), codes)

    def _time_resolutions(self) -> dict[str, int]:
        """Each datetime column's resolution in nanoseconds (the step its sampled values are on)."""
        return {c.spec.name: int(c.resolution_ns_) for c in self.encoder_.codecs_ if c.spec.kind == "datetime"}

    def _template(self) -> pd.DataFrame:
        """Decoded rows that between them take every category and mode of every column (no
        randomness): a file writer learns each column's type from them, even one that a chunk
        leaves all missing."""
        k = max([1, len(self.classes_)] + [s.width for s in self.encoder_.discrete_spans()])
        raw = np.zeros((k, self.encoder_.output_dim_), dtype=np.float32)  # (k, output_dim)
        for span in self.encoder_.discrete_spans():
            raw[np.arange(k), span.start + np.arange(k) % span.width] = 1.0
        return self._decode(raw, np.arange(k) % len(self.classes_))

    def _decode(self, raw: np.ndarray, codes: np.ndarray) -> pd.DataFrame:
        frame = self.encoder_.inverse_transform(raw)
        labels = pd.Series(np.asarray(self.classes_, dtype=object)[codes]).astype(self._target_dtype())
        frame[self.target_name_] = labels.to_numpy() if labels.dtype == object else labels
        return frame[self.columns_]

    def _target_dtype(self):
        """The label column's dtype: a pandas Categorical's categories and order, or its dtype name."""
        if self.target_categories_ is None:
            return self.target_dtype_
        return pd.CategoricalDtype(self.target_categories_, ordered=self.target_ordered_)

    # ---------------------------------------------------------------- files
    def save(self, path: str | Path) -> Path:
        """Write a model directory (JSON + safetensors); it holds aggregates and weights only."""
        check_is_fitted(self, "generators_")
        n_classes = 1 if self.strategy == "per-class" else len(self.classes_)
        meta, tensors = meta_and_tensors(self, self._network_config(n_classes))
        return save_model(path, MODEL_TYPE, meta, tensors)

    @classmethod
    def from_saved(cls, meta: dict, tensors: dict[str, torch.Tensor]) -> TabularCGAN:
        """Rebuild a fitted model from :func:`synthaug.persist.load_model` output."""
        model = restore_fitted(cls(**known_params(meta, cls._get_param_names(), defaults=cls().get_params())),
                               meta, tensors)
        model._n_sample_calls = 0
        return model

