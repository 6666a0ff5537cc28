"""How many records of each class a release asks for: ``n``, ``per_class``, ``balance`` or ``ratio``, as
``synthaug sample`` takes them (:func:`.sampling.resolve_class_counts`), checked before training and
described on the release card."""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._errors import DataError
from ._text import option_name, plain
from .sampling import resolve_class_counts

PRIOR = "split by the model's class counts (the training class prior; card: schema.class_counts), largest remainder"


@dataclass(frozen=True)
class ClassRequest:
    """At most one of ``n`` (records in all), ``per_class`` (label -> count, or one count for every
    class), ``balance`` (the records that top every class up to the largest: the largest gets none) or
    ``ratio`` (of the training rows); none asks for as many records as training rows."""

    n: int | None = None
    per_class: Mapping | int | None = None
    balance: bool = False
    ratio: float | None = None

    @property
    def asked(self) -> dict:
        """The request as ``sample_frame`` keywords; ``{}`` when nothing was asked (the default)."""
        given = {"n": self.n, "per_class": self.per_class, "ratio": self.ratio}
        return {**{k: v for k, v in given.items() if v is not None}, **({"balance": True} if self.balance else {})}

    def sampling(self, n_train: int) -> dict:
        """The keywords that sample the release: the request, or ``n=n_train`` by default (which a
        synthesizer without per_class, balance or ratio takes too)."""
        return self.asked or {"n": n_train}

    def resolve(self, labels: pd.Series) -> np.ndarray:
        """Records per class of the training ``labels``: what sampling will make of the request, refused
        here, before training, with the option named as the user spells it (``share.per_class`` in a
        recipe). Under DP the model allocates by its noisy class counts: the totals may differ slightly."""
        from .tabular.target import sorted_labels

        classes, codes = sorted_labels(labels)  # as the model orders them
        return resolve_class_counts(classes, np.bincount(codes, minlength=len(classes)),
                                    **self.sampling(len(labels)), table="share")

    def check_sampler(self, model) -> None:
        """Refuse, before training, a request ``model.sample_frame`` takes no keyword for (a synthesizer of
        the caller's that samples ``n`` only)."""
        try:
            parameters = inspect.signature(model.sample_frame).parameters
        except (AttributeError, TypeError, ValueError):  # no sample_frame: fit or sampling says so
            return
        if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()):
            return
        missing = [key for key in self.asked if key not in parameters]
        if missing:
            raise DataError(f"{self.name()}: {type(model).__name__}.sample_frame takes no {missing[0]!r}; ask "
                            f"for {option_name('n', recipe='share.n')} instead")

    def name(self) -> str | None:
        """The request as the user spelt it, for messages (``--per-class``, ``share.ratio 0.5``, ``n 1000``);
        None when nothing was asked."""
        key = next(iter(self.asked), None)
        if key is None:
            return None
        value = self.asked[key]
        named = option_name(key, recipe=f"share.{key}")
        return named if key in ("balance", "per_class") else f"{named} {value}"

    def card_entry(self, n_train: int) -> dict:
        """The card's ``data.class_request``: the option, its value and how the class counts were chosen."""
        key = next(iter(self.asked), None)
        if key is None:
            return {"option": "n", "value": n_train, "default": True,
                    "chosen": f"as many records as training rows ({n_train}, the default), {PRIOR}"}
        value = self.asked[key]
        if key == "per_class":
            value = int(value) if not isinstance(value, Mapping) else {str(plain(k)): int(c) for k, c in value.items()}
            chosen = ("exact counts per class, as asked" if isinstance(value, dict)
                      else f"{value} records of every class, as asked")
        elif key == "balance":
            chosen = ("the records that top every class up to the largest class's training rows (its training "
                      "rows minus the class's own; the largest class gets none), by the model's class counts")
        elif key == "ratio":
            value, chosen = float(value), f"{value} x the {n_train} training rows, {PRIOR}"
        else:
            value, chosen = int(value), f"{value} records, {PRIOR}"
        return {"option": key, "value": value, "default": False, "chosen": chosen}
