"""AugmentedDataset: a PyTorch Dataset that mixes real items with synthetic ones."""

from __future__ import annotations

import warnings
from collections.abc import Mapping

import numpy as np
import pandas as pd
import torch
from torch.utils.data import Dataset, get_worker_info

from ._dataset_classes import check_lengths, check_synthesizer_classes, classes_of, synthetic_counts, take_per_class
from ._errors import DataError, FilterNotAppliedWarning, warn
from ._item_arrays import (
    check_items,
    check_missing,
    check_synthetic,
    fitted_encoder,
    image_layout,
    match_dtype,
    match_images,
    numeric,
)
from ._random import RandomState, child_seed, draw_seed

READ_SLOTS = 64  # read counters: the main process's, and DataLoader workers' by id modulo 63

EPOCH_WARNING = ("AugmentedDataset: a second pass over the items without set_epoch: every item repeats the first "
                 "pass's augmentation (and synthetic draw), as items depend only on (random_state, epoch, index); "
                 "call data.set_epoch(epoch) at the start of each epoch")


COPY_WARNING = ("AugmentedDataset: this copy of the dataset (pickled or deep-copied, as each process started "
                "with spawn, DDP's too, gets one) draws epoch {epoch}'s synthetic items without the synthesizer's "
                "{filters}, which copies leave behind (they hold training rows), so they differ from the original "
                "dataset's; call data.synthesizer.attach_privacy_filter(X_train, y_train) in each process before "
                "set_epoch")


class AugmentedDataset(Dataset):
    """Real ``(X, y)`` followed by synthetic items, each ``(x, y)`` or ``(x, y, is_synthetic)``.

    ``y`` is an int64 class index into ``classes_``, the sorted labels of the real ``y`` (labels
    5 and 9 give 0 and 1), ready for ``CrossEntropyLoss``; ``classes_[y]`` is the label. For a
    pandas Categorical ``y`` (ordered or not), ``classes_`` are its categories that occur in ``y``,
    in category order, so the indices are ``y.cat.codes`` when every category occurs. Encode a test
    set with the same ``classes_``: a class absent from the real ``y`` shifts the indices.

    Synthetic items come from a fitted ``synthesizer`` (drawn again at each :meth:`set_epoch`
    when ``fresh_each_epoch``; the new items reach DataLoader workers, persistent ones too) or
    from pre-sampled ``synthetic=(X, y)``. How many per class: one of ``per_class={label: n}``
    (or one ``n`` for every class), ``balance=True`` (top every class up to the largest) or
    ``synthetic_ratio`` times the real count of each class; giving two is an error. When none is
    given: all the pre-sampled rows, or ``synthetic_ratio=1.0`` from a synthesizer.

    Tables become float tensors (through ``encoder``, a scikit-learn transformer fitted on the
    real rows when not fitted yet; all-numeric tables need none). Missing values, in X or in the
    synthetic rows (a synthesizer generates them where its training data had them), are refused,
    naming the columns, rather than becoming NaN items: pass an ``encoder`` with an imputer
    (e.g. ``make_pipeline(SimpleImputer(), StandardScaler())``). Images ((N, H, W), (N, H, W, C)
    or (N, C, H, W); uint8 or floats in 0..1) become (C, H, W) float tensors in [0, 1], synthetic
    ones first resized and converted to the real ones' size and channels (a model samples at its
    own size) and to the real ones' dtype and range, then an optional albumentations
    ``transform`` (a ``Compose``, which may end in ``ToTensorV2``) seeded per item and epoch.
    RGBA images lose their alpha channel, as in ImageCGAN. ``random_state`` is an int, a numpy
    Generator or RandomState (a seed is drawn from it), or None (a fresh seed, drawn once, which
    the workers' copies share).

    Every item depends only on (random_state, epoch, index), so a DataLoader with several workers
    yields the same items for the same seed. **Call** :meth:`set_epoch` **at the start of every
    epoch**, as with ``DistributedSampler``; otherwise every epoch repeats the first one's
    augmentation (and synthetic draw)::

        for epoch in range(n_epochs):
            data.set_epoch(epoch)
            for x, y in loader: ...

    A second pass over the items before any ``set_epoch`` call gets a :class:`SynthaugWarning`
    (once); ``set_epoch(0)`` once keeps the same items every pass, without it.

    Copies and the synthesizer's sampling filters: DataLoader workers, under any start method,
    read the items this process draws, filtered. A pickled or deep-copied dataset that draws
    items itself (``fresh_each_epoch`` with ``set_epoch`` called in the copy, as in every DDP
    process started by ``mp.spawn``) holds a copy of the synthesizer, and copies leave
    ``privacy_filter`` and ``label_filter`` behind (they hold training rows): from epoch 1 on its
    synthetic items are drawn unfiltered and differ from the original's, with a warning. Call
    ``data.synthesizer.attach_privacy_filter(X_train, y_train)`` in each process before
    ``set_epoch`` (the items are then the original's), or build the dataset in each process.
    """

    def __init__(self, X, y, *, synthesizer=None, synthetic: tuple | None = None, synthetic_ratio: float | None = None,
                 per_class: Mapping | int | None = None, balance: bool = False, transform=None, encoder=None,
                 fresh_each_epoch: bool = False, return_source: bool = False,
                 random_state: RandomState = 0) -> None:
        if (synthesizer is None) == (synthetic is None):
            raise DataError("AugmentedDataset: pass exactly one of synthesizer= or synthetic=(X, y)")
        self.synthesizer = synthesizer
        self.transform, self.return_source = _check_transform(transform), return_source
        self.fresh_each_epoch, self.random_state = fresh_each_epoch, draw_seed(random_state)  # workers share it
        X = check_items(X, "X")
        check_synthetic(synthetic)
        if isinstance(synthetic, (tuple, list)) and synthetic:
            synthetic = (check_items(synthetic[0], "synthetic X"), *synthetic[1:])
        self.synthetic = synthetic
        labels = check_lengths(X, y, "X", "y")
        presampled = check_lengths(*synthetic, "synthetic X", "synthetic y") if synthetic is not None else None
        self.classes_ = classes_of(y, labels)
        self.is_image = np.asarray(X).ndim >= 3 if not isinstance(X, pd.DataFrame) else False
        self._columns = list(X.columns) if isinstance(X, pd.DataFrame) else None
        self.encoder_ = None if self.is_image else fitted_encoder(encoder, X)
        self.counts_ = synthetic_counts(labels, self.classes_, synthetic_ratio, per_class, balance, presampled)
        if synthesizer is not None:
            check_synthesizer_classes(synthesizer, self.classes_[self.counts_ > 0])
        self._image_shape = None  # (H, W, C) of the real images, which synthetic ones are brought to
        self._image_dtype = None  # and their dtype (uint8, or floats in 0..1)
        self.real_x, self.real_y = self._to_tensor(X), self._codes(labels)
        # DataLoader workers hold copies of the dataset, made once with persistent_workers=True.
        # Tensors in shared memory stay shared with them (torch pickles them as handles, under
        # fork and spawn), so set_epoch writes the epoch, and the epoch's synthetic items when
        # fresh_each_epoch, where the workers read them.
        self._epoch = torch.zeros(1, dtype=torch.int64).share_memory_()
        # items read since construction until set_epoch is first called (then -1), one slot per process
        # (the main one, then DataLoader workers by id) so that no update is lost: a second pass without
        # set_epoch gets a warning, as its items repeat the first pass's exactly
        self._reads = torch.zeros(READ_SLOTS, dtype=torch.int64).share_memory_()
        self.synth_x, self.synth_y = self._draw_synthetic(0)
        if self._redraws:
            self.synth_x.share_memory_()
            self.synth_y.share_memory_()

    @property
    def epoch(self) -> int:
        """The epoch :meth:`set_epoch` set last (0 before any call)."""
        return int(self._epoch.item())

    @property
    def _redraws(self) -> bool:
        return bool(self.fresh_each_epoch) and self.synthesizer is not None

    def set_epoch(self, epoch: int) -> None:
        """Start epoch ``epoch``: new augmentation seeds, and new synthetic items if fresh_each_epoch.

        Call it before iterating the DataLoader for that epoch. This process draws the items and
        writes them, with the epoch, to shared memory, where DataLoader workers read them, also
        persistent ones (``persistent_workers=True``) and under any start method.
        """
        epoch = int(epoch)
        self._reads.fill_(-1)  # the loop sets epochs: no warning
        if self._redraws and epoch != self.epoch:
            x, y = self._draw_synthetic(epoch)
            self.synth_x.copy_(x)  # the same shapes: every epoch draws counts_
            self.synth_y.copy_(y)
        self._epoch.fill_(epoch)

    def _draw_synthetic(self, epoch: int) -> tuple[torch.Tensor, torch.Tensor]:
        """The synthetic items (x, class index) of ``epoch``, from seed (random_state, epoch)."""
        per_class = {c: int(n) for c, n in zip(self.classes_.tolist(), self.counts_, strict=True) if n > 0}
        seed = child_seed(self.random_state, epoch)
        if self.synthesizer is not None:
            X, y = self._sample(per_class, seed, epoch) if per_class else ([], [])
        else:
            X, y = take_per_class(*self.synthetic, per_class, np.random.default_rng(seed))
        synth_x = self._to_tensor(self._real_columns(X), "the synthetic rows") if len(y) else self.real_x[:0].clone()
        if synth_x.shape[1:] != self.real_x.shape[1:]:
            raise DataError(f"synthetic items have shape {tuple(synth_x.shape[1:])} but real ones "
                            f"{tuple(self.real_x.shape[1:])}: the synthetic data has other columns than X")
        return synth_x, self._codes(np.asarray(y)) if len(y) else self.real_y[:0].clone()

    def _sample(self, per_class: dict, seed: int, epoch: int):
        """The synthesizer's rows for ``per_class``. In a copy of the dataset (pickled or deep-copied),
        whose synthesizer copy has left its sampling filters behind (they hold training rows), the
        synthesizer's warning that "a loaded model" cannot filter becomes this dataset's, which says why."""
        if not getattr(self, "_copied", False):
            return self.synthesizer.sample(per_class=per_class, random_state=seed)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            rows = self.synthesizer.sample(per_class=per_class, random_state=seed)
        unapplied = [issubclass(w.category, FilterNotAppliedWarning) for w in caught]
        lost = [name for w, off in zip(caught, unapplied, strict=True) if off for name in w.message.filters]
        for w, filter_off in zip(caught, unapplied, strict=True):
            if not filter_off:
                warn(str(w.message), w.category)
        if lost and not getattr(self, "_warned_copy", False):
            self._warned_copy = True
            warn(COPY_WARNING.format(epoch=epoch, filters=" and ".join(lost)))
        return rows

    def __setstate__(self, state: dict) -> None:
        """A pickled or deep-copied dataset (DataLoader workers under spawn, each DDP process) knows it is a copy."""
        self.__dict__.update(state)
        self._copied = True

    def _real_columns(self, X):
        """Synthetic rows with the real table's columns, in its order (matched by name, not place)."""
        if self._columns is None or not isinstance(X, pd.DataFrame):
            return X
        X = X.rename(columns={str(c): c for c in self._columns})  # a synthesizer names columns as text
        missing = [c for c in self._columns if c not in X.columns]
        if missing:
            raise DataError(f"the synthetic data has no column {missing[0]!r} of X")
        return X[self._columns]

    def _codes(self, labels: np.ndarray) -> torch.Tensor:
        codes = pd.Index(self.classes_).get_indexer(labels)  # classes_ may be in category order, not sorted
        bad = codes < 0
        if bad.any():
            raise DataError(f"synthetic label {labels[bad][0]!r} is not a class of the real data")
        return torch.from_numpy(codes.astype(np.int64))

    def _to_tensor(self, X, what: str = "X") -> torch.Tensor:
        if self.is_image:
            images = image_layout(np.asarray(X))
            if self._image_shape is None:  # the real images, first
                self._image_shape, self._image_dtype = images.shape[1:], images.dtype
            images = match_dtype(match_images(images, self._image_shape), self._image_dtype)
            return torch.from_numpy(np.ascontiguousarray(images))
        values = self.encoder_.transform(X) if self.encoder_ is not None else numeric(X)
        values = (values.toarray() if hasattr(values, "toarray") else np.asarray(values)).astype(np.float32)
        check_missing(values, X, self.encoder_, what)
        return torch.from_numpy(values)

    def __len__(self) -> int:
        """The item count. A DataLoader's sampler asks for it in the main process as each pass begins, where
        a pass after a whole pass its workers read without set_epoch is warned of (once, catchable, at the
        loop's line). Items read in the main process are judged as they are read (:meth:`_count_read`): a
        ``len(ds)`` after one pass of them said "a second pass" when there was none."""
        n = len(self.real_y) + len(self.synth_y)
        if get_worker_info() is None and self._reads[0].item() >= 0 and self._reads[1:].sum().item() >= n:
            self._reads.fill_(-1)
            warn(EPOCH_WARNING)
        return n

    def __getitem__(self, index: int):
        n = len(self.real_y) + len(self.synth_y)  # not len(self): it reads the shared counters, three times an item
        if not -n <= index < n:
            raise IndexError(f"index {index} is out of range for {n} items")
        index = int(index) % n  # ds[-1] is the last item, a synthetic one when there are any
        n_real = len(self.real_y)
        synthetic = index >= n_real
        x = self.synth_x[index - n_real] if synthetic else self.real_x[index]
        y = self.synth_y[index - n_real] if synthetic else self.real_y[index]
        if self.is_image:
            x = self._image_item(x, index)
        if self.transform is not None or self._redraws:  # items that change with the epoch
            self._count_read()
        return (x, y, torch.tensor(synthetic)) if self.return_source else (x, y)

    def _image_item(self, image: torch.Tensor, index: int) -> torch.Tensor:
        """(C, H, W) float item in [0, 1] (as the transform leaves it: ``A.Normalize`` moves it)."""
        array = image.numpy()
        if self.transform is not None:
            self.transform.set_random_seed(child_seed(self.random_state, 1, self.epoch, index) % 2**32)
            array = self.transform(image=array)["image"]
        scale = 255.0 if array.dtype in (np.uint8, torch.uint8) else 1.0
        if isinstance(array, torch.Tensor):  # a pipeline ending in ToTensorV2: already (C, H, W)
            return array.float() / scale
        return torch.from_numpy(np.ascontiguousarray(array.transpose(2, 0, 1))).float() / scale

    def _count_read(self) -> None:
        """Count an item read before any set_epoch; warn once when more items than there are were read.
        A DataLoader's main process warns first (:meth:`__len__`); this catches loops that read items by
        index, and samplers that never ask the length, where each worker warns once to its stderr."""
        if self._reads[0].item() < 0:
            return
        info = get_worker_info()
        self._reads[0 if info is None else 1 + info.id % (READ_SLOTS - 1)] += 1  # this process's slot
        if self._reads.sum().item() > len(self.real_y) + len(self.synth_y):
            self._reads.fill_(-1)
            warn(EPOCH_WARNING)


def _check_transform(transform):
    """``transform`` if synthaug can seed it per item and epoch (an albumentations transform or
    Compose), else a DataError: a plain callable failed only when the first item was read."""
    if transform is None or (callable(transform) and hasattr(transform, "set_random_seed")):
        return transform
    name = getattr(transform, "__name__", None) or type(transform).__name__  # <lambda>, RandomHorizontalFlip
    raise DataError(f"transform: must be an albumentations transform, e.g. A.Compose([...]) (synthaug seeds it "
                    f"per item and epoch with its set_random_seed); got {name}")
