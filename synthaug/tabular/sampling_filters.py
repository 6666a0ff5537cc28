"""The sampling filters a fitted TabularCGAN holds (``privacy_filter``, ``label_filter``): fitted on
the training rows, kept in memory only, checked against the settings they were fitted with."""

from __future__ import annotations

from typing import Self

import numpy as np
import pandas as pd
from sklearn.utils.validation import check_is_fitted

from .._errors import DataError, FilterNotAppliedWarning, warn
from .._random import child_seed
from .label_filter import fit_label_filter
from .privacy_filter import check_filter_params, fit_filter
from .public_schema import conform, resolve_public_schema
from .target import split_target
from .training_table import training_table_codes

PRIVACY_SETTINGS = ("privacy_filter", "privacy_filter_floor", "privacy_filter_pinning")


class SamplingFilters:
    """Mixin for TabularCGAN: fitting, attaching and checking the sampling filters.

    The model says which filter runs for its training size: ``privacy_filter_off_reason()`` and
    ``_label_quantile()``. Pickles and copies leave the filters behind (they hold training rows).
    """

    def _fit_filters(self, features: pd.DataFrame, codes: np.ndarray) -> None:
        """Fit both sampling filters on the training rows and record the settings they were fitted with."""
        self._privacy_filter = self._fit_privacy_filter(features, codes)
        self._label_filter = self._fit_label_filter(features, codes)
        self._filter_settings = ({name: getattr(self, name) for name in (*PRIVACY_SETTINGS, "label_filter")},
                                 self._effective_filters())

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

    def _fit_label_filter(self, features: pd.DataFrame, codes: np.ndarray):
        """The sampling filter of :mod:`synthaug.tabular.label_filter` (in memory only), or None."""
        self.n_label_rejected_ = 0
        quantile = self._label_quantile()
        if quantile is None or self.dp_:  # DP: rows must not steer output
            return None
        kept = [c for c in self.columns_ if c != self.target_name_]
        return fit_label_filter(features[kept], codes, quantile, self.encoder_.specs_,
                                np.random.default_rng(child_seed(self.seed_, 4)))

    def attach_privacy_filter(self, X, y) -> Self:
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
        schema = resolve_public_schema(getattr(self, "public_schema_", self.public_schema))  # the one fit read
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
            ("privacy_filter", self.privacy_filter_off_reason() is None),
            ("label_filter", self._label_quantile() is not None and not self.dp_),
        ) if active and getattr(self, f"_{name}", None) is None]
        if missing:  # one warning: the advice is the same for both
            names = f"{' and '.join(missing)} {'is' if len(missing) == 1 else 'are'}"
            warn(FilterNotAppliedWarning(
                f"{names} not applied: a loaded or copied (pickled) model holds no training rows to filter against; "
                "pass the training table (synthaug sample --train DATA, or model.attach_privacy_filter(X, y))",
                missing))

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
