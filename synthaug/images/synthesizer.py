"""ImageCGAN: a data-efficient class-conditional image GAN, scikit-learn style."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

import numpy as np
import torch
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from .._errors import DataError, ModelFileError, warn
from .._progress import progress_bar
from .._provenance import images_digest, library_versions
from .._random import RandomState, child_seed, draw_seed
from .._text import option_name, param_name
from ..distributed import current_context, warn_if_images_under_torchrun
from ..persist import GRID_FILE, check_model_path, known_params, save_model, user_path
from ..privacy.dp import secret_seed
from ..sampling import IMAGE_CHUNK, SampleSeeds, check_chunk_size, chunk_labels, resolve_class_counts
from .arrays import check_label_count, check_labels, prepare_images
from .collapse import warn_if_collapsed
from .diffaugment import parse_policy
from .dp_plan import plan_dp, privacy_record_for
from .folder import read_images
from .generation import generate_images
from .grid import check_grid_folder, flat_grey, image_grid, save_png
from .label_filter import FILTER_ROUNDS, filter_by_label, head_classifier
from .model_file import meta_and_tensors, restore_fitted
from .monitor import Monitor
from .networks import Discriminator, Generator, ImageNetConfig
from .params import check_params
from .training import ImageTrainConfig, train_image_gan
from .writer import ImageWriter

MODEL_TYPE = "ImageCGAN"


class ImageCGAN(SampleSeeds, BaseEstimator):
    """A class-conditional DCGAN for small labeled image sets (8 to 64 px, gray or RGB).

    The generator takes the label through conditional batch norm, the discriminator through a
    projection; both are trained with differentiable augmentation (``augment``) of real and fake
    batches, which is what lets a GAN learn from tens of images per class. A mode-seeking term
    (``mode_seeking``, MSGAN) keeps two latent codes of one class from giving the same image.
    ``class_weight`` > 0 adds an auxiliary class head to the discriminator (AC-GAN, Odena et
    al., 2017): the head learns the classes from the (augmented) real images only, and the
    generator pays ``class_weight`` times the head's cross-entropy for the intended class of its
    fakes, which is what raises label fidelity (CAS). With ``label_filter`` the fitted model keeps
    the discriminator, and sampling regenerates each image the head assigns to another class (up
    to 20 tries; the head never saw anything but the training images). The model file then holds
    the discriminator's weights too: a discriminator helps white-box membership attacks (LOGAN,
    Hayes et al., 2019), so for releasing a model prefer ``label_filter=False`` or release only
    samples. Under DP there is no class head (it would need private training too).
    ``lecam_weight`` > 0 adds LeCam regularisation of the discriminator's logits (Tseng et al.,
    2021; off by default: no gain on digits at 10 per class, ``benchmarks/results/images.md``).
    Three more limited-data options, all off by default, steer by ADA's overfitting heuristic
    ``r_t = E[sign(D(real))]`` (Karras et al., 2020), which moves a probability by up to 1 per
    ``adapt_images`` real images: ``apa_target`` (e.g. 0.6) turns on adaptive pseudo
    augmentation (Jiang et al., 2021: real images replaced by fakes labelled real, with a
    probability raised while ``r_t`` is above the target); ``ada_target`` makes the DiffAugment
    probability adaptive the same way (starting at 0, replacing ``augment_p``); ``bcr_weight`` > 0
    adds balanced consistency regularisation (Zhao et al., 2021: ``(D(x) - D(T(x)))^2`` for real
    and fake images, T the DiffAugment policy). None of them is supported with DP.
    Samples come from an exponential moving average of the generator (decay warming up as
    ``min(ema_decay, (1+t)/(10+t))`` at step t, so about 0.997 after the default 3000 steps),
    with batch-norm statistics re-estimated at the end of training; ``truncation`` (e.g. 1.0) samples latent
    codes from a truncated normal, trading variety for typical images. Every ``grid_every`` steps the within-class
    pixel diversity of samples is compared with that of the training images (``history_``), and
    when ``grid_dir`` is set a sample grid (one row per class) is written there.

    ``dp_epsilon`` trains the discriminator with DP-SGD (Opacus: Poisson sampling, per-sample
    clipping at ``dp_max_grad_norm``, without spectral norm); the budget is planned to be spent
    exactly in ``steps`` steps, a share buys noisy class counts, and ``privacy_`` records what was
    spent. The diversity check against the training images is off under DP.

    ``n_threads`` sets torch's intra-op threads during ``fit`` (restored afterwards; None keeps the
    process's setting). One thread is the default: these convolutions are too small to gain much
    from a second one (a step took 0.8 times as long with two on an idle core), and when another
    job holds a core, two threads made a step 1.6 times slower. A fit's bytes depend on the thread
    count, so a fixed one also keeps seeded fits identical on machines with more or fewer cores.
    """

    def __init__(
        self,
        *,
        image_size: int | None = None,
        channels: str = "auto",
        steps: int = 3000,
        batch_size: int = 64,
        loss: str = "hinge",
        real_label: float = 0.9,
        gp_weight: float = 10.0,
        latent_dim: int = 64,
        width: int = 32,
        generator_lr: float = 4e-4,
        discriminator_lr: float = 4e-4,
        betas: tuple[float, float] = (0.5, 0.999),
        discriminator_steps: int = 1,
        augment: str = "color,translation,cutout",
        augment_p: float = 1.0,
        ema_decay: float | None = 0.999,
        mode_seeking: float = 0.2,
        class_weight: float = 1.0,
        lecam_weight: float = 0.0,
        apa_target: float | None = None,
        ada_target: float | None = None,
        adapt_images: int = 64000,
        bcr_weight: float = 0.0,
        label_filter: bool = False,
        truncation: float | None = None,
        grid_every: int = 500,
        grid_columns: int = 10,
        grid_dir: str | None = None,
        dp_epsilon: float | None = None,
        dp_delta: float | None = None,
        dp_max_grad_norm: float = 1.0,
        device: str = "cpu",
        n_threads: int | None = 1,
        random_state: RandomState = None,
        verbose: bool = False,
    ) -> None:
        self.image_size = image_size
        self.channels = channels
        self.steps = steps
        self.batch_size = batch_size
        self.loss = loss
        self.real_label = real_label
        self.gp_weight = gp_weight
        self.latent_dim = latent_dim
        self.width = width
        self.generator_lr = generator_lr
        self.discriminator_lr = discriminator_lr
        self.betas = betas
        self.discriminator_steps = discriminator_steps
        self.augment = augment
        self.augment_p = augment_p
        self.ema_decay = ema_decay
        self.mode_seeking = mode_seeking
        self.class_weight = class_weight
        self.lecam_weight = lecam_weight
        self.apa_target = apa_target
        self.ada_target = ada_target
        self.adapt_images = adapt_images
        self.bcr_weight = bcr_weight
        self.label_filter = label_filter
        self.truncation = truncation
        self.grid_every = grid_every
        self.grid_columns = grid_columns
        self.grid_dir = grid_dir
        self.dp_epsilon = dp_epsilon
        self.dp_delta = dp_delta
        self.dp_max_grad_norm = dp_max_grad_norm
        self.device = device
        self.n_threads = n_threads
        self.random_state = random_state
        self.verbose = verbose

    # ------------------------------------------------------------------ fit
    def fit(self, X, y=None) -> ImageCGAN:
        """Learn from images ``X`` with labels ``y``, or from a folder / ``.npz`` path given as ``X``.

        Arrays: (N, H, W), (N, H, W, C) or (N, C, H, W); uint8 or floats in 0..1.
        """
        check_params(self.get_params(deep=False))
        warn_if_images_under_torchrun()
        if self.grid_dir:  # a refit deletes the earlier grids there: only in a folder made for them
            check_grid_folder(user_path(self.grid_dir), param_name("grid_dir"))
        images, labels = self._read(X, y)
        self.classes_, codes = np.unique(labels, return_inverse=True)
        if len(self.classes_) < 2:  # 0 classes cannot happen: no images is refused when they are read
            source = str(X) if isinstance(X, (str, Path)) else "y"
            raise DataError(f"{source}: a conditional GAN needs at least 2 classes; every one of the "
                            f"{len(labels)} images has label '{self.classes_[0]}'")
        self.class_counts_ = np.bincount(codes, minlength=len(self.classes_))
        self.image_size_, self.channels_, self.n_images_ = int(images.shape[1]), int(images.shape[-1]), len(images)
        self.data_sha256_, self.versions_ = images_digest(images, labels), library_versions()  # model.json: training
        self.seed_ = draw_seed(self.random_state)
        dp_plan, fit_seed = None, self.seed_
        if self.dp_epsilon is not None:  # every draw of a DP fit comes from a secret seed; the counts become noisy
            fit_seed = secret_seed()
            dp_plan, self.class_counts_ = plan_dp(self, fit_seed)
        started = time.perf_counter()
        self.generator_, head, self.history_, spent = self._train(images, codes, dp_plan, fit_seed)
        self.discriminator_ = head if self.label_filter else None
        self.privacy_ = None if dp_plan is None else privacy_record_for(dp_plan, spent)
        self.fit_seconds_ = time.perf_counter() - started
        self._n_sample_calls = 0
        self._warn_if_collapsed()
        return self

    def _read(self, X, y) -> tuple[np.ndarray, np.ndarray]:
        if isinstance(X, (str, Path)):
            if y is not None:
                raise DataError(f"{X}: labels come from the folder or .npz; do not pass y as well")
            return read_images(X, self.image_size, self.channels)
        if y is None:
            raise DataError("y: labels are required when X is an array of images")
        labels = check_label_count(X, y)
        return prepare_images(X, self.image_size, self.channels, source="X"), check_labels(labels, "y")

    def _device(self) -> torch.device:
        if self.device == "auto":
            return torch.device("cuda" if torch.cuda.is_available() else "cpu")
        if self.device == "cuda" and not torch.cuda.is_available():
            raise DataError(f"{option_name('device')}: 'cuda' requested but no GPU is available; use 'cpu' or 'auto'")
        try:
            return torch.device(self.device)
        except (RuntimeError, TypeError):
            raise DataError(f"device must be auto, cpu, cuda or another torch device; got {self.device!r}") from None

    def _network_config(self) -> ImageNetConfig:
        return ImageNetConfig(image_size=self.image_size_, channels=self.channels_,
                              n_classes=len(self.classes_), latent_dim=int(self.latent_dim), width=int(self.width))

    def _train_config(self) -> ImageTrainConfig:
        return ImageTrainConfig(
            loss=self.loss, real_label=float(self.real_label), gp_weight=float(self.gp_weight),
            generator_lr=float(self.generator_lr), discriminator_lr=float(self.discriminator_lr),
            betas=(float(self.betas[0]), float(self.betas[1])), discriminator_steps=int(self.discriminator_steps),
            batch_size=int(self.batch_size), n_steps=int(self.steps), augment=parse_policy(self.augment),
            augment_p=float(self.augment_p), ema_decay=self.ema_decay, mode_seeking=float(self.mode_seeking),
            class_weight=float(self.class_weight), lecam_weight=float(self.lecam_weight),
            apa_target=None if self.apa_target is None else float(self.apa_target),
            ada_target=None if self.ada_target is None else float(self.ada_target),
            adapt_images=int(self.adapt_images), bcr_weight=float(self.bcr_weight),
            check_every=int(self.grid_every),
            log_every=max(1, min(int(self.grid_every), int(self.steps) // 100 or 1)),
        )

    def _train(self, images: np.ndarray, codes: np.ndarray,
               dp_plan, seed: int) -> tuple[Generator, Discriminator | None, list[dict], dict | None]:
        device = self._device()
        # in place: .div().sub() made another float32 copy (fit peak 2.19 GB, not 2.01, on 50,000 images at 64 px)
        tensor = torch.from_numpy(images).permute(0, 3, 1, 2).float().div_(127.5).sub_(1.0).to(device)
        monitor = Monitor(self, None if dp_plan is not None else images, codes)
        with torch_threads(self.n_threads), progress_bar(int(self.steps), "training", bool(self.verbose)) as bar:
            self.n_threads_ = torch.get_num_threads()  # model.json: the weights' bytes depend on it
            G, D, history, spent = train_image_gan(tensor, codes, self._network_config(), self._train_config(),
                                                   child_seed(seed, 1), bar, monitor, dp=dp_plan)
        return G.cpu().eval(), None if D is None else D.cpu().eval(), history, spent

    def _warn_if_collapsed(self) -> None:
        warn_if_collapsed(self.history_, self.steps, self.augment_p, self.loss)

    # --------------------------------------------------------------- sample
    def sample(self, n: int | None = None, *, per_class: Mapping | None = None, balance: bool = False,
               ratio: float | None = None, random_state: RandomState = None,
               chunk_size: int = IMAGE_CHUNK) -> tuple[np.ndarray, np.ndarray]:
        """Labeled synthetic images ``(x, y)``: x uint8 (N, S, S, C), y (N,) in shuffled order.

        Ask for exactly one of ``n`` (at the training class prior), ``per_class``, ``balance``
        (top every class up to the largest) or ``ratio`` (of the training size). Counts are whole
        numbers (``5`` or ``5.0``, not ``5.5``); ``chunk_size`` as in :meth:`iter_sample` (it changes seeded draws).
        """
        chunks = list(self.iter_sample(n, per_class=per_class, balance=balance, ratio=ratio, random_state=random_state,
                                       chunk_size=chunk_size))  # never empty: 0 images is refused
        return np.concatenate([c[0] for c in chunks]), np.concatenate([c[1] for c in chunks])

    def iter_sample(self, n: int | None = None, *, per_class: Mapping | None = None, balance: bool = False,
                    ratio: float | None = None, random_state: RandomState = None,
                    chunk_size: int = IMAGE_CHUNK) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """``(x, y)`` chunks of at most ``chunk_size`` images; memory does not grow with N. An unfitted
        model or a bad request raises here, not at the first chunk."""
        check_is_fitted(self, "generator_")
        counts = resolve_class_counts(self.classes_, self.class_counts_, n, per_class, balance, ratio,
                                      unit="images", warn_empty=True)
        chunk_size = check_chunk_size(chunk_size, "images")
        seed = self._sample_seed(random_state)
        self.n_regenerated_ = 0
        rng, gen = np.random.default_rng(seed), torch.Generator().manual_seed(seed)
        chunks = chunk_labels(counts, chunk_size, rng)
        return ((self.generate(codes, gen), self.classes_[codes]) for codes in chunks)

    def write_sample(self, path: str | Path, n: int | None = None, *, chunk_size: int = IMAGE_CHUNK,
                     verbose: bool | None = None, random_state: RandomState = None, **request) -> int:
        """Write synthetic images to ``path``: an ``.npz`` (x, y) or a folder ``<class>/*.png`` with
        ``manifest.csv`` (``~`` in ``path`` is the home folder); the output appears only when complete.
        Returns the image count."""
        check_is_fitted(self, "generator_")
        total = int(resolve_class_counts(self.classes_, self.class_counts_, n, **request, unit="images").sum())
        show = self.verbose if verbose is None else verbose
        empty = ((self.image_size_, self.image_size_, self.channels_), np.asarray(self.classes_))
        with ImageWriter(user_path(path), empty) as writer, progress_bar(total, "sampling", bool(show)) as bar:
            for x, y in self.iter_sample(n, chunk_size=chunk_size, random_state=random_state, **request):
                writer.write(x, y)
                bar.advance(len(x))
        return writer.images_written

    @torch.no_grad()
    def generate(self, codes: np.ndarray, gen: torch.Generator, batch: int = 1024) -> np.ndarray:
        """uint8 images (N, S, S, C) for class codes ``codes`` (indices into ``classes_``)."""
        check_is_fitted(self, "generator_")
        codes = np.asarray(codes, dtype=np.int64)
        if getattr(self, "discriminator_", None) is None:
            return generate_images(self.generator_, codes, gen, batch, self.truncation)
        images, regenerated, kept = filter_by_label(
            lambda c: generate_images(self.generator_, c, gen, batch, self.truncation),
            head_classifier(self.discriminator_, batch), codes)
        self.n_regenerated_ = getattr(self, "n_regenerated_", 0) + regenerated
        if kept:
            warn(f"label filter: {kept} of {len(codes)} image(s) kept after {FILTER_ROUNDS} tries although "
                 "the class head still assigns them to another class")
        return images

    def sample_grid(self, columns: int | None = None, random_state: RandomState = 0) -> np.ndarray:
        """One row of ``columns`` samples per class, labelled, as one uint8 picture: (H, W) for grey images,
        (H, W, 3) for RGB, the shapes ``PIL.Image.fromarray`` and matplotlib's ``imshow`` take."""
        check_is_fitted(self, "generator_")
        k = int(columns or self.grid_columns)
        codes = np.repeat(np.arange(len(self.classes_)), k)
        images = self.generate(codes, torch.Generator().manual_seed(draw_seed(random_state)))
        return flat_grey(image_grid(images.reshape(len(self.classes_), k, *images.shape[1:]), self.classes_))

    # ---------------------------------------------------------------- files
    def save(self, path: str | Path) -> Path:
        """Write a model directory (JSON + safetensors) and its sample grid ``samples.png``; return its path
        (``~`` in ``path`` is the home folder). ``synthaug.load(path)`` reads it back.

        The directory holds the generator's weights and class counts, never training images. In a
        torch.distributed group only rank 0 writes; the other ranks check the path and return it at once.
        """
        check_is_fitted(self, "generator_")
        if not current_context().is_main:  # every rank saving the same folder raced for it
            return check_model_path(path)
        meta, tensors = meta_and_tensors(self, self._network_config())
        path = save_model(path, MODEL_TYPE, meta, tensors)
        save_png(path / GRID_FILE, self.sample_grid())
        return path

    @classmethod
    def from_saved(cls, meta: dict, tensors: dict[str, torch.Tensor]) -> ImageCGAN:
        """Internal: rebuild a fitted model from the tensors and model.json fields :func:`synthaug.persist.load_model`
        reads. To load a saved model, use ``synthaug.load(path)``, which checks the files and calls this.

        A model.json whose values have the wrong types (e.g. edited by hand) is a ModelFileError."""
        try:
            return cls._from_saved(meta, tensors)
        except (TypeError, ValueError) as exc:
            raise ModelFileError(f"model.json: a value has the wrong type or form ({str(exc)[:200]})") from None

    @classmethod
    def _from_saved(cls, meta: dict, tensors: dict[str, torch.Tensor]) -> ImageCGAN:
        params = {"class_weight": 0.0, "label_filter": False,  # older files: trained without these parameters
                  **known_params(meta, cls._get_param_names(), defaults=cls().get_params())}
        model = restore_fitted(cls(**params), meta, tensors)
        model._n_sample_calls = 0
        return model


@contextlib.contextmanager
def torch_threads(n: int | None) -> Iterator[None]:
    """Run the block with ``n`` torch intra-op threads, then restore the previous count (None: as is)."""
    previous = torch.get_num_threads()
    if n is not None:
        torch.set_num_threads(int(n))
    try:
        yield
    finally:
        torch.set_num_threads(previous)
