"""The classifiers of the utility measures: the defaults, the user's estimators with the default
preprocessing, and one seeded fit giving class probabilities on the test set."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, clone
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler

from .._errors import DataError
from .canonical import encode_labels
from .tables import TableSchema


def preprocessor(schema: TableSchema, encoding: str = "onehot", dense: bool = False) -> ColumnTransformer:
    """Numerics: median imputation + missing indicator (+ scaling for one-hot); categoricals.

    The one-hot output is sparse when mostly zeros (lbfgs is ~3x faster on it), unless ``dense``
    (for a classifier that takes no sparse input, see :func:`accepts_sparse`).
    """
    numeric = [SimpleImputer(strategy="median", add_indicator=True, keep_empty_features=True)]
    if encoding == "onehot":
        numeric.append(StandardScaler())
        cat = OneHotEncoder(handle_unknown="ignore", sparse_output=not dense)
    else:
        cat = OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1)
    return ColumnTransformer(
        [("num", make_pipeline(*numeric), list(schema.numeric)), ("cat", cat, list(schema.categorical))],
        verbose_feature_names_out=False,
        sparse_threshold=0.0 if dense else 0.3,
    )


def accepts_sparse(estimator: BaseEstimator) -> bool:
    """Whether scikit-learn's tags say ``estimator`` takes sparse input; False when they cannot tell
    (no tags, scikit-learn before 1.6): dense input suits every classifier."""
    try:
        from sklearn.utils import get_tags
    except ImportError:
        return False
    try:
        return bool(get_tags(estimator).input_tags.sparse)
    except (AttributeError, TypeError, ValueError):  # an estimator without __sklearn_tags__
        return False


SEED_FREE = ("logistic_regression",)
"""Default classifiers whose fit does not depend on the seed (lbfgs is deterministic)."""


def default_classifiers(schema: TableSchema) -> dict[str, Pipeline]:
    """Logistic regression, random forest and histogram gradient boosting pipelines."""
    return {
        "logistic_regression": make_pipeline(preprocessor(schema, "onehot"), LogisticRegression(max_iter=2000)),
        "random_forest": make_pipeline(
            preprocessor(schema, "ordinal"),
            RandomForestClassifier(n_estimators=50, min_samples_leaf=3, max_samples=0.5, random_state=0),
        ),
        "hist_gradient_boosting": make_pipeline(
            preprocessor(schema, "ordinal"), HistGradientBoostingClassifier(random_state=0)
        ),
    }


def resolve_classifiers(
    classifiers: Mapping[str, BaseEstimator] | None, schema: TableSchema
) -> dict[str, BaseEstimator]:
    """Defaults, or the user's estimators (non-pipelines get the one-hot preprocessing)."""
    if classifiers is None:
        return default_classifiers(schema)
    if not isinstance(classifiers, Mapping):
        raise DataError("classifiers must be a dict of name -> estimator, e.g. {'knn': KNeighborsClassifier()}, "
                        f"got {type(classifiers).__name__}")
    if not classifiers:
        raise DataError("classifiers: give at least one estimator (or None for the defaults)")
    out = {}
    for name, estimator in classifiers.items():
        _check_classifier(name, estimator)
        if not isinstance(estimator, Pipeline):
            estimator = make_pipeline(preprocessor(schema, "onehot", dense=not accepts_sparse(estimator)), estimator)
        out[str(name)] = estimator
    return out


def _check_classifier(name: str, estimator: object) -> None:
    """A DataError for a class given instead of an instance, or an estimator without class probabilities."""
    if isinstance(estimator, type):
        raise DataError(f"classifier {name!r}: pass an instance, e.g. {estimator.__name__}(), not the class")
    if not hasattr(estimator, "fit"):
        raise DataError(f"classifier {name!r} needs a fit method; got {type(estimator).__name__}")
    if not hasattr(estimator, "predict_proba"):  # a Pipeline has it when its last step has
        raise DataError(f"classifier {name!r} ({type(estimator).__name__}) has no predict_proba, which the ROC AUC "
                        "needs: use e.g. SVC(probability=True), or wrap it in CalibratedClassifierCV(...)")


def fit_predict(
    estimator: BaseEstimator, frame: pd.DataFrame, test: pd.DataFrame, schema: TableSchema, seed: int
) -> np.ndarray:
    """Fit a clone of ``estimator`` on ``frame`` and return (n_test, K) class probabilities."""
    model = clone(estimator)
    seeds = {k: seed % (2**32) for k in model.get_params() if k.endswith("random_state")}
    model.set_params(**seeds)
    features = list(schema.features)
    model.fit(frame[features], encode_labels(frame[schema.target], schema))
    proba = np.asarray(model.predict_proba(test[features]), dtype=np.float64)
    full = np.zeros((len(test), len(schema.classes)))
    full[:, np.asarray(model.classes_, dtype=np.int64)] = proba
    return full

