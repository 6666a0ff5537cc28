"""Where a public schema's values come from: :data:`PUBLIC` for a reviewed schema, :data:`DRAFT`
for one that still carries the ``draft`` key ``synthaug schema`` writes; the warnings that say so,
and which class counts a DP fit may take as public (:func:`public_class_counts`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .._errors import DraftSchemaWarning, warn
from .._text import option_name

if TYPE_CHECKING:
    from .public_schema import PublicSchema

PUBLIC = "public (given)"  # provenance_ of a reviewed schema, and of class counts a schema gives
DRAFT = "unreviewed draft (data-derived)"  # provenance_ of a schema that still has its "draft" key


def warn_if_draft(schema: PublicSchema | None, given, dp: bool) -> None:
    """Warn, naming the file (``given``, a path) or the option, when ``schema`` is still a draft."""
    if schema is None or not schema.draft:
        return
    where = str(given) if isinstance(given, (str, Path)) else option_name("public_schema", "--schema")
    warn(draft_message(where, dp), DraftSchemaWarning)
    if dp and schema.class_counts is not None:  # its own category: the CLI silences repeats of the one above
        warn(draft_counts_message(where))


def public_class_counts(schema: PublicSchema, dp: bool) -> tuple[int, ...] | None:
    """The class counts ``schema`` gives, if a fit may take them as public: under DP not a draft's.

    A draft is data-derived until reviewed, so counts typed into one are not public either: a DP fit
    spends epsilon on noisy class counts as without them (:func:`warn_if_draft` says so) rather
    than refusing, as it does not refuse a draft. Without DP they are used as given."""
    return None if dp and schema.draft else schema.class_counts


def draft_message(where: str, dp: bool) -> str:
    """The one line saying that the schema at ``where`` is an unreviewed draft and what follows."""
    covered = "; epsilon does not cover them, so the DP guarantee is for training only" if dp else ""
    return (f"{where}: the schema still has its \"draft\" key, so it is taken as an unreviewed draft, not public: "
            f"its bounds, category lists, point masses and decimals may be the private data's{covered}; replace "
            "them with public values and delete the key")


def draft_counts_message(where: str) -> str:
    """The one line saying that a DP fit does not take the draft at ``where``'s ``target.counts`` as public."""
    return (f"{where}: target.counts are not taken as public while the schema still has its \"draft\" key: "
            "epsilon is spent on noisy class counts as without them; delete the key once the counts are "
            "reviewed as public (or remove the counts)")
