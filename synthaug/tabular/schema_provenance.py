"""Where a public schema's values come from: :data:`PUBLIC` for a reviewed schema, :data:`DRAFT`
for one that still carries the ``draft`` key ``synthaug schema`` writes; the warning that says so."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .._errors import SynthaugWarning, warn
from .._text import option_name

if TYPE_CHECKING:
    from .public_schema import PublicSchema

PUBLIC = "public (given)"  # provenance_ of a reviewed schema, and of class counts a schema gives
DRAFT = "unreviewed draft (data-derived)"  # provenance_ of a schema that still has its "draft" key


class DraftSchemaWarning(SynthaugWarning):
    """A schema still marked ``draft`` was given: it is used, but not taken as public."""


def warn_if_draft(schema: PublicSchema | None, given, dp: bool) -> None:
    """Warn, naming the file (``given``, a path) or the option, when ``schema`` is still a draft."""
    if schema is None or not schema.draft:
        return
    where = str(given) if isinstance(given, (str, Path)) else option_name("public_schema", "--schema")
    warn(draft_message(where, dp), DraftSchemaWarning)


def draft_message(where: str, dp: bool) -> str:
    """The one line saying that the schema at ``where`` is an unreviewed draft and what follows."""
    covered = "; epsilon does not cover them, so the DP guarantee is for training only" if dp else ""
    return (f"{where}: the schema still has its \"draft\" key, so it is taken as an unreviewed draft, not public: "
            f"its bounds, category lists, point masses and decimals may be the private data's{covered}; replace "
            "them with public values and delete the key")

