"""Column-list options that several commands take (fit, schema, share, evaluate), spelt and parsed once.

Kept apart from the command modules, which import :mod:`synthaug.cli` (and it them), so any
command module can import these first.
"""

from __future__ import annotations

from typing import Annotated

import typer


def column_names(texts: str | list[str] | None) -> list[str]:
    """An option's values (one text, or one per time it was given) as column names:
    ``["a, b,,c", "d"]`` -> ``["a", "b", "c", "d"]``; None or empty -> ``[]``."""
    texts = [texts] if isinstance(texts, str) else texts or []
    return [part.strip() for text in texts for part in text.split(",") if part.strip()]


def _columns(what: str) -> typer.models.OptionInfo:
    return typer.Option(help=f"{what}, comma-separated; may be repeated.")


# a list, so that a second --categorical adds columns (a plain text option kept only the last one given)
Categorical = Annotated[list[str] | None, _columns("Columns to treat as categorical")]
Continuous = Annotated[list[str] | None, _columns("Columns to treat as continuous")]
Drop = Annotated[list[str] | None, _columns("Columns to leave out")]
Keep = Annotated[list[str] | None, _columns("Identifier-like columns to model anyway")]
