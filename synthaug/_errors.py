"""Exceptions and warnings that reach users as one line."""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Sequence


class SynthaugError(Exception):
    """A problem with the user's input or files; the CLI prints it as one line and exits 2."""


class DataError(SynthaugError, ValueError):
    """The data handed in cannot be used as it is (names the column, file or option)."""


class ModelFileError(SynthaugError):
    """A model directory is missing, tampered with, or from an unsupported format version."""


class SynthaugWarning(UserWarning):
    """Something works but deserves the user's attention (the CLI prints it as one line)."""


class FilterNotAppliedWarning(SynthaugWarning):
    """Sampling filters the model was fitted with cannot run: a loaded or copied model holds no training
    rows. One warning names them all (``privacy_filter and label_filter are not applied: ...``); callers
    that word it their own way (the CLI, AugmentedDataset's copies) key on this category and read the
    filters' names from ``filters``."""

    def __init__(self, message: str, filters: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.filters = tuple(filters)


class DraftSchemaWarning(SynthaugWarning):
    """A public schema still marked ``draft`` (as ``synthaug schema`` writes it) was given: it is used, but
    its values are not taken as public."""


# they call synthaug for the user (a Pipeline's fit_resample, a DataLoader's len(dataset))
CALLING_LIBRARIES = ("sklearn", "imblearn", "joblib", "torch")


def warn(message: str | Warning, category: type[Warning] = SynthaugWarning) -> None:
    """``warnings.warn`` attributed to the first caller outside synthaug (as pandas' ``find_stack_level``
    does), so a warning points at the user's line, however deep in synthaug it was raised; counted
    stack levels drifted when code moved, and some pointed inside synthaug. Frames of the libraries
    that call synthaug for the user (scikit-learn, imbalanced-learn, joblib, torch) are passed over too (a
    Pipeline's warnings pointed at imblearn/pipeline.py, AugmentedDataset's at torch's sampler), unless
    nothing but them is left (a joblib or DataLoader worker)."""
    here = os.path.dirname(os.path.abspath(__file__))
    frame, level = sys._getframe(1), 2  # level 2: the caller of warn
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(here + os.sep):
        frame, level = frame.f_back, level + 1
    outer, skipped = frame, 0
    while outer is not None and str(outer.f_globals.get("__name__", "")).split(".")[0] in CALLING_LIBRARIES:
        outer, skipped = outer.f_back, skipped + 1
    warnings.warn(message, category, stacklevel=level + (skipped if outer is not None else 0))


def warned(notes: Sequence[str | None]) -> list[str]:
    """The notes given (None: no note), each issued as a SynthaugWarning first: a result's caveats
    that the CLI also prints as ``warning:`` lines."""
    kept = [note for note in notes if note]
    for note in kept:
        warn(note)
    return kept
