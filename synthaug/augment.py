"""SynthOverSampler: an imbalanced-learn compatible oversampler backed by a synthaug synthesizer.

``imblearn.pipeline.Pipeline`` finds ``fit_resample`` by duck typing and calls it on the training
folds only, so the generator never sees test rows; ``BalancedBaggingClassifier(sampler=...)`` reads
``_sampling_type`` and imblearn's estimator checks read the sampler tags, both set as imblearn's
``BaseOverSampler`` sets them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from numbers import Integral, Real

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, clone
from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    InvalidParameterError,
    StrOptions,
    validate_parameter_constraints,
)

from ._checks import is_whole_number
from ._errors import DataError
from ._oversampler_labels import append_labels, class_labels, label_name, labels_as_given
from ._random import RandomState, child_seed, draw_seed
from ._text import plain, quoted
from .tabular.target import array_column_names, check_table, numbers_as_numbers, sorted_labels

STRATEGY_NAMES = ("auto", "minority", "not minority", "not majority", "all")


def oversampling_targets(y, sampling_strategy) -> dict:
    """``{class: rows to generate}`` exactly as imbalanced-learn reads ``sampling_strategy``.

    float: minority size after resampling / majority size (binary targets only); "minority",
    "not minority", "not majority" (= "auto"), "all": which classes grow to the majority's size;
    dict: class sizes after resampling; callable: ``f(y) -> dict``. A dict's sizes are whole
    numbers; a float that is one (``100.0``) is taken as that count, any other (``100.7``) is
    refused, naming the class (imbalanced-learn refuses every float).
    """
    classes, sizes = np.unique(np.asarray(y), return_counts=True)  # sorted, so ties go as in imblearn
    counts = Counter(dict(zip(classes.tolist(), sizes.tolist(), strict=True)))
    majority_class, n_majority = max(counts.items(), key=lambda kv: kv[1])
    minority_class = min(counts.items(), key=lambda kv: kv[1])[0]
    if callable(sampling_strategy):
        return _from_sizes(counts, sampling_strategy(np.asarray(y)))
    if isinstance(sampling_strategy, Mapping):
        return _from_sizes(counts, sampling_strategy)
    if isinstance(sampling_strategy, str):
        chosen = {
            "minority": [minority_class],
            "not minority": [c for c in counts if c != minority_class],
            "not majority": [c for c in counts if c != majority_class],
            "auto": [c for c in counts if c != majority_class],
            "all": list(counts),
        }.get(sampling_strategy)
        if chosen is None:
            raise DataError(f"sampling_strategy must be a float, a dict, a callable or one of "
                             f"{', '.join(map(repr, STRATEGY_NAMES))}; got {sampling_strategy!r}")
        return {c: n_majority - counts[c] for c in chosen}
    if isinstance(sampling_strategy, Real) and not isinstance(sampling_strategy, bool):  # np.float32 too, like imblearn
        if len(counts) != 2:
            raise DataError("sampling_strategy can be a float only for a binary target; use a dict")
        if not 0 < sampling_strategy <= 1:
            raise DataError(f"sampling_strategy: a float must be in (0, 1] (minority size / majority size "
                             f"after resampling), got {sampling_strategy}")
        targets = {c: int(n_majority * sampling_strategy - v) for c, v in counts.items() if c != majority_class}
        if any(v < 0 for v in targets.values()):
            raise DataError(f"sampling_strategy={sampling_strategy} would remove minority rows; "
                             "an oversampler only adds rows")
        return targets
    raise DataError(f"sampling_strategy: unsupported value {sampling_strategy!r}")


def _from_sizes(counts: Counter, sizes: Mapping) -> dict:
    targets = {}
    for cls, size in sizes.items():
        if cls not in counts:
            raise DataError(f"sampling_strategy: class {plain(cls)!r} is not in y")
        size = _row_count(cls, size)
        if size < counts[cls]:
            raise DataError(f"sampling_strategy: class {plain(cls)!r} asks for {size} rows but has {counts[cls]}; "
                             "an oversampler only adds rows")
        targets[cls] = int(size - counts[cls])
    return targets


def _row_count(cls, size) -> int:
    """A dict's size for ``cls`` as an int: a whole number, or a float that is one (100.0)."""
    if is_whole_number(size):
        return int(size)
    raise DataError(f"sampling_strategy: class {plain(cls)!r} asks for {plain(size)!r} rows; a dict gives each "
                    "class its row count after resampling, a whole number")


class _Synthesizers(HasMethods):
    """scikit-learn's HasMethods constraint, saying in its message what a synthesizer is."""

    def __init__(self) -> None:
        super().__init__(["fit", "sample", "get_params"])

    def __str__(self) -> str:
        return ("a synthesizer (an estimator with fit(X, y), sample(per_class=...) and get_params(), such as "
                "TabularCGAN())")


class SynthOverSampler(OneToOneFeatureMixin, BaseEstimator):
    """Oversample with synthetic rows from a class-conditional GAN, imbalanced-learn style.

    Parameters
    ----------
    sampling_strategy : float, str, dict or callable
        As in imbalanced-learn (see :func:`oversampling_targets`); a dict's row counts are whole
        numbers (``100.0`` is read as 100, ``100.7`` refused).
    synthesizer : estimator or None
        A synthaug synthesizer (``fit(X, y)``, ``sample(per_class=...)``); cloned at each
        ``fit_resample``. ``None`` means ``TabularCGAN()``.
    random_state : int, numpy Generator or RandomState, or None
        Seeds the synthesizer's training and sampling. ``None`` takes the synthesizer's own
        ``random_state`` (fresh entropy at each ``fit_resample`` when that is ``None`` too).

    Parameters are checked at ``fit`` and ``fit_resample`` against ``_parameter_constraints``, as
    imbalanced-learn's samplers check theirs (scikit-learn's wording, raised as a DataError).

    Each ``fit_resample`` trains a synthesizer, so in cross-validation every fold does. The
    defaults (``epochs=300``, ``min_steps=3000``: ``max(epochs * ceil(rows / batch_size),
    min_steps)`` steps) suit one final model; for model selection pass a cheap one, e.g.
    ``TabularCGAN(epochs=1, min_steps=50)`` (setting ``min_steps`` alone still trains 300 epochs).
    3-fold CV on breast cancer took 5.4 s that way and 68 s with the defaults (README's table). Such a model
    warns, in most folds, that its sampling filters kept rows after 100 tries ("train longer"):
    expected of a 1-epoch model; ``warnings.filterwarnings("ignore", category=synthaug.SynthaugWarning)``
    silences them during model selection.

    TabularCGAN's sampling filters depend on the training size: the privacy filter and
    ``label_filter="auto"`` run at 10,000 training rows or fewer and are off above (a fixed
    threshold, not a parameter). On 12,000 rows, 5-fold cross-validation resamples 9,600-row folds
    with both filters and the final refit on all rows without them: another sampler than the one
    selected. To keep them the same, pass ``TabularCGAN(privacy_filter=None, label_filter=None)``
    (both off at any size), or ``label_filter=0.2`` (the "auto" value; a number applies at any size)
    with ``privacy_filter=None``: the privacy filter never runs above 10,000 rows.

    Every synthetic row needs a value in every column of X, so ``fit`` and ``fit_resample`` refuse,
    before any training, columns TabularCGAN would leave out: identifier-like ones (drop them from
    X, or name them in its ``keep`` to generate values) and those in its ``drop``; and columns it
    cannot model (durations, periods, intervals), with TabularCGAN's message.

    The real rows come first, their values unchanged, then the synthetic ones, under a new index
    (see :meth:`fit_resample`). Like imblearn's SMOTE there is
    no ``sample_indices_``: a synthetic row has no original row (imblearn's ``sample_indices_`` gives
    one index per output row, as RandomOverSampler's copies do), and the real rows' would be
    ``range(len(X))``. An object column of numbers (``decimal.Decimal`` as read_sql gives NUMERIC
    columns, alone or mixed with ints and floats) is modelled as numbers: its synthetic cells are
    floats, its real cells stay as given. Numbers written as text (a NumPy array of ``str``) are text,
    as in TabularCGAN: nearly-unique ones are refused, naming the conversion.
    """

    _estimator_type = "sampler"  # imblearn's is_sampler reads it, and scikit-learn < 1.6
    _sampling_type = "over-sampling"  # BalancedBaggingClassifier reads it, as imblearn's BaseOverSampler sets it
    _parameter_constraints: dict = {
        "sampling_strategy": [Interval(Real, 0, 1, closed="right"), StrOptions(set(STRATEGY_NAMES)), Mapping,
                              callable],
        "synthesizer": [_Synthesizers(), None],
        "random_state": [Interval(Integral, 0, 2**64 - 1, closed="both"), np.random.RandomState,
                         np.random.Generator, None],
    }

    def __init__(self, sampling_strategy: float | str | dict | Callable = "auto", synthesizer=None,
                 random_state: RandomState = None) -> None:
        self.sampling_strategy = sampling_strategy
        self.synthesizer = synthesizer
        self.random_state = random_state

    def fit(self, X, y) -> SynthOverSampler:
        """Check the parameters, ``X`` and ``y`` and set ``sampling_strategy_``, as imbalanced-learn's
        samplers do; no synthesizer is trained: :meth:`fit_resample` trains one."""
        self._check_params("fit")
        self._validated(check_table(X, "fit"), class_labels(y, "fit")[0], "fit")
        return self

    def fit_resample(self, X, y):
        """Return ``(X, y)`` with synthetic rows appended, in the input's containers as imblearn
        returns them: DataFrame, Series, one-column DataFrame, list or array (a column vector y
        comes back 1-D); a one-hot ``y`` (a 0/1 column per class, a single 1 in each row) is read as
        imblearn reads it (the class of a row is the position of its 1) and comes back one-hot.

        The real rows come first with their values unchanged, but the index is reset, as imblearn
        resets it: the output is numbered 0, 1, ... ``len(X_res) - 1`` whatever ``X``'s index was, so
        ``X_res.iloc[:len(X)].equals(X.reset_index(drop=True))`` (not ``X`` itself, unless its index
        is already 0..n-1) and likewise for ``y``; for arrays, ``X_res[:len(X)]`` equals ``X``."""
        self._check_params("fit_resample")
        table = check_table(X, "fit_resample")
        labels, one_hot = class_labels(y, "fit_resample")
        X_res, y_res = self._fit_resample(table, labels)
        return (X_res.tolist() if isinstance(X, list) else X_res), labels_as_given(y, y_res, one_hot)

    def _check_params(self, where: str) -> None:
        """``_parameter_constraints`` checked with scikit-learn's validation and wording, as a one-line
        DataError (a ValueError: ``synthesizer="foo"`` failed on ``get_params``, a LogisticRegression
        at its ``random_state``)."""
        try:
            validate_parameter_constraints(self._parameter_constraints, self.get_params(deep=False),
                                           caller_name=type(self).__name__)
        except InvalidParameterError as exc:
            raise DataError(f"{where}: {exc}") from None

    def _validated(self, X, y, where: str = "fit_resample") -> tuple[pd.DataFrame, pd.Series]:
        """``X`` as a DataFrame (object columns of numbers made numeric) and ``y`` as a named Series,
        once both are checked; only then sets ``sampling_strategy_``, ``n_features_in_`` and
        ``feature_names_in_``, as ``validate_data`` does (a refused call keeps the last fit's)."""
        if isinstance(X, pd.DataFrame):
            features = X
        else:  # the names TabularCGAN.fit gives a NumPy table, so its categorical=["x0"] finds the column
            features = pd.DataFrame(X, columns=array_column_names(X.shape[1])).infer_objects()
        if len(y) != len(features):  # fit checked nothing else that would notice
            raise DataError(f"{where}: X has {len(features)} rows but y has {len(y)}")
        labels = pd.Series(np.asarray(y), name=label_name(y, features.columns))
        classes, _ = sorted_labels(labels)  # missing or unsortable labels refused before the strategy counts them
        if len(classes) < 2:  # imblearn refuses it too; the synthesizer's words named a column 'y' never named
            raise DataError(f"{where}: y has only one class ({plain(classes[0])!r}); an oversampler needs at least two")
        strategy = oversampling_targets(y, self.sampling_strategy)
        features = numbers_as_numbers(features)
        self._check_generated_columns(features, where, not isinstance(X, pd.DataFrame))
        self.sampling_strategy_ = strategy
        self._record_features(X)
        return features, labels

    def _check_generated_columns(self, features: pd.DataFrame, where: str, from_array: bool) -> None:
        """Refuse, before any training, columns of X the synthesizer will leave out or refuse: those its
        ``drop`` names, those of a kind TabularCGAN cannot model (with its message: a timedelta column
        was called identifier-like), and identifier-like ones not named in its ``keep``, ``categorical``
        or ``continuous`` (the error came after training). Only for synthesizers with TabularCGAN's
        column options and no public schema (which decides the columns itself; the check after
        sampling covers those)."""
        from .tabular.schema import check_supported, is_identifier_like

        params = self.synthesizer.get_params() if self.synthesizer is not None else {}
        if self.synthesizer is not None and ("keep" not in params or params.get("public_schema") is not None):
            return
        names = {option: {str(c) for c in params.get(option, ())} for option in ("drop", "keep", "categorical",
                                                                                  "continuous")}
        dropped = [c for c in features.columns if str(c) in names["drop"]]
        if dropped:
            raise DataError(f"{where}: the synthesizer's drop leaves out column(s) {quoted(dropped)} of X, so "
                            "synthetic rows would have no value for them; drop them from X instead")
        for name in features.columns:
            try:
                check_supported(features[name], name, "remove it from X")
            except DataError as exc:
                raise DataError(f"{where}: {exc}") from None
        named = set().union(names["keep"], names["categorical"], names["continuous"])
        ids = [c for c in features.columns if str(c) not in named and is_identifier_like(features[c])]
        text = [c for c in ids if _numbers_as_text(features[c])]
        if text:
            raise DataError(
                f"{where}: column(s) {quoted(text)} of X hold numbers written as text, which TabularCGAN reads as "
                "text (and, nearly every value differing, leaves out as identifiers); convert them to numbers "
                + ("first: X.astype(float), or, with text columns beside them, a DataFrame or an object array "
                   "holding the numbers as numbers" if from_array else
                   f"first: X[[{quoted(text)}]] = X[[{quoted(text)}]].apply(pd.to_numeric)"))
        if ids:
            raise DataError(
                f"{where}: column(s) {quoted(ids)} of X look like identifiers (a different value in nearly "
                "every row), which TabularCGAN leaves out, so synthetic rows would have no value for them. "
                "RandomOverSampler copies real rows, ids included; a synthetic row is a new record with no id "
                f"of its own. Drop them from X before resampling (X.drop(columns=[{quoted(ids)}])), or, if they "
                f"are features, pass TabularCGAN(keep=[{quoted(ids)}]) to generate values for them")

    def _fit_resample(self, X, y):
        features, labels = self._validated(X, y)
        synthesizer, seed = self._make_synthesizer()
        self.synthesizer_ = synthesizer.fit(features.reset_index(drop=True), labels)
        per_class = {c: n for c, n in self.sampling_strategy_.items() if n > 0}
        if not per_class:  # nothing to add: still the containers a resample returns (arrays, a fresh index)
            return _append(X, features.iloc[:0], features.columns), append_labels(y, pd.Series([], dtype=object))
        # a child of the seed, not seed + 1: that overflowed for 2**64 - 1 (a seed the user may pass) and
        # made random_state=0's sampling seed random_state=1's training seed
        X_new, y_new = self.synthesizer_.sample(per_class=per_class, random_state=child_seed(seed, 1))
        X_new = X_new.rename(columns={str(c): c for c in features.columns})  # the synthesizer names them as text
        missing = [c for c in features.columns if c not in X_new.columns]
        if missing:
            raise DataError(f"fit_resample: the synthesizer generates no column {quoted(missing)} (TabularCGAN "
                            "leaves out identifier-like columns unless keep=[...] names them); drop them from X "
                            "or pass them in the synthesizer's keep")
        return _append(X, X_new, features.columns), append_labels(y, y_new)

    def _record_features(self, X) -> None:
        """Set ``n_features_in_`` and, for string column names, ``feature_names_in_`` from a checked
        ``X`` (:func:`check_table`), as imblearn's samplers do (``validate_data(..., reset=True,
        skip_check_array=True)``): each fit or fit_resample is a new fit, any number of columns."""
        self.n_features_in_ = X.shape[1]
        names = list(X.columns) if isinstance(X, pd.DataFrame) else []
        if names and all(isinstance(c, str) for c in names):
            self.feature_names_in_ = np.asarray(names, dtype=object)
        elif hasattr(self, "feature_names_in_"):  # from an earlier fit on a DataFrame
            del self.feature_names_in_

    def __sklearn_tags__(self):
        """The tags imbalanced-learn's samplers report (``BaseSampler.__sklearn_tags__``: estimator type
        "sampler", y required, sampler tags, its InputTags with ``dataframe``), with no sparse input (a
        synthesizer models dense tables), no ``sample_indices_`` (synthetic rows have no source row),
        and text and missing values allowed (both are modelled and generated)."""
        try:
            from imblearn.utils._tags import InputTags, SamplerTags, Tags
            from sklearn.utils import TargetTags
        except ImportError:  # imbalanced-learn < 0.13 has no tags of its own
            tags = super().__sklearn_tags__()
            tags.input_tags.allow_nan = tags.input_tags.string = tags.target_tags.required = True
            return tags
        return Tags(estimator_type="sampler", target_tags=TargetTags(required=True),
                    sampler_tags=SamplerTags(sample_indices=False),
                    input_tags=InputTags(two_d_array=True, sparse=False, dataframe=True, string=True, allow_nan=True))

    def _more_tags(self) -> dict:  # scikit-learn < 1.6
        return {"allow_nan": True, "requires_y": True, "X_types": ["2darray", "string", "dataframe"]}

    def _make_synthesizer(self):
        """An unfitted copy of ``synthesizer`` and the seed it trains with (sampling takes ``child_seed(seed, 1)``)."""
        from .tabular.synthesizer import TabularCGAN

        synthesizer = clone(self.synthesizer) if self.synthesizer is not None else TabularCGAN()
        params = synthesizer.get_params()
        # a seeded synthesizer stays seeded: SynthOverSampler(synthesizer=TabularCGAN(random_state=0))
        seed = draw_seed(self.random_state if self.random_state is not None else params.get("random_state"))
        if "random_state" in params:
            synthesizer.set_params(random_state=seed)
        return synthesizer, seed


def _numbers_as_text(column: pd.Series) -> bool:
    """Whether a text column's present values are all numbers (``"3.25"``) to ``pd.to_numeric``."""
    values = column.dropna()
    return (pd.api.types.infer_dtype(values) == "string"
            and bool(pd.to_numeric(values, errors="coerce").notna().all()))


def _append(X, X_new: pd.DataFrame, columns):
    """Real rows, then synthetic ones, in the input's container and dtypes."""
    if isinstance(X, pd.DataFrame):
        return pd.concat([X, X_new[list(columns)].astype(X.dtypes.to_dict())], ignore_index=True)
    array = np.asarray(X)
    return np.concatenate([array, X_new.to_numpy(dtype=array.dtype)], axis=0)
