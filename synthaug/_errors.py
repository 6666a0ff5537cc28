"""Exceptions and warnings that reach users as one line."""

from __future__ import annotations


class SynthaugError(Exception):
    """A problem with the user's input or files; the CLI prints it as one line and exits 2."""


class DataError(SynthaugError, ValueError):
    """The data handed in cannot be used as it is (names the column, file or option)."""


class ModelFileError(SynthaugError):
    """A model directory is missing, tampered with, or from an unsupported format version."""


class SynthaugWarning(UserWarning):
    """Something works but deserves the user's attention (the CLI prints it as one line)."""
