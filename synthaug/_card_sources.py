"""What ties a release card to what it describes: when it was written, the input files the caller
names (``inputs``) and the public schema the model was fitted with (its canonical SHA-256, where it
came from, and the schema itself when it is public). ``release_card`` has no rows, so a digest of
the training table can only come from the caller, through ``inputs``."""

from __future__ import annotations

import hashlib
import json
import os
from datetime import UTC, datetime
from pathlib import Path

from ._errors import DataError
from ._provenance import table_digest as table_digest  # share's digest of the table: model.json's and report.json's
from .tabular.public_schema import DRAFT, PUBLIC

SCHEMA_KEY = "public_schema"
"""Where the card holds the public schema (``model.params.public_schema`` points there)."""


def created_at() -> str:
    """The UTC time the card is written, ISO 8601 to the second (``2026-05-01T12:00:00Z``); with
    ``SOURCE_DATE_EPOCH`` set (the reproducible-builds convention), that time instead, so two runs
    can write byte-identical cards."""
    fixed = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    moment = datetime.fromtimestamp(int(fixed), UTC) if fixed.isdigit() else datetime.now(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def input_entries(inputs: dict | None) -> dict:
    """The card's ``inputs``: ``{"data": {"path": ..., "sha256": ...}, "schema": {...}}`` as the caller
    gives them (copied, keys as text), ``{}`` when it gives none (a table passed as a DataFrame has no file)."""
    if inputs is None:
        return {}
    if not isinstance(inputs, dict) or not all(isinstance(v, dict) for v in inputs.values()):
        raise DataError(f"inputs must map a name to a dict such as {{'path': ..., 'sha256': ...}}, got {inputs!r}")
    return {str(name): {str(k): (str(v) if isinstance(v, os.PathLike) else v) for k, v in entry.items()}
            for name, entry in inputs.items()}


def schema_digest(document: dict) -> str:
    """The canonical SHA-256 of a public-schema document: of its JSON with sorted keys and no
    whitespace, so the same schema has the same digest however its file was formatted."""
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def public_schema_entry(model, read_from: str | None = None) -> dict | None:
    """The card's ``public_schema``: None without one; else its ``origin`` (as ``schema.schema`` says),
    ``source`` (the file; for a dict, ``read_from``, the file the caller read it from, else "given as a
    dict"), ``canonical_sha256`` and, when it is public, the ``document`` itself (a draft's values may
    be the private data's, so only its digest is kept)."""
    given = model.get_params().get("public_schema") if hasattr(model, "get_params") else None
    if given is None:
        return None
    origin = (getattr(model, "provenance_", None) or {}).get("schema", "not recorded by this synthesizer")
    source = (read_from or "given as a dict") if isinstance(given, dict) else str(given)
    fitted = getattr(model, "public_schema_", None)  # the document fit read (a path's file may have changed since)
    try:
        document = fitted if isinstance(fitted, dict) else given if isinstance(given, dict) else json.loads(
            Path(given).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:  # the file went away after the fit
        return {"origin": origin, "source": source,
                "canonical_sha256": f"not recorded: {type(exc).__name__} reading it"}
    entry = {"origin": origin, "source": source, "canonical_sha256": schema_digest(document)}
    if origin == PUBLIC:
        entry["document"] = document
    elif origin == DRAFT:
        entry["document"] = "left out: an unreviewed draft may hold the private data's values (see canonical_sha256)"
    return entry


def schema_param(value, entry: dict | None):
    """``model.params.public_schema`` as the card holds it: a dict schema is replaced by a pointer to
    the card's ``public_schema`` entry (with its digest); a path or None is kept as given."""
    if not isinstance(value, dict):
        return value
    return {"moved_to": SCHEMA_KEY, "canonical_sha256": entry["canonical_sha256"] if entry else schema_digest(value)}


def file_inputs(paths: dict[str, Path], digests: dict[str, str] | None = None) -> dict:
    """``inputs`` for :func:`input_entries` from files by role (``{"data": path, "schema": path}``): each
    file's absolute path and SHA-256 (``digests`` by role when already computed, else read now)."""
    from ._provenance import sha256_of

    digests = digests or {}
    return {role: {"path": str(Path(path).resolve()), "sha256": digests.get(role) or sha256_of(Path(path))}
            for role, path in paths.items()}

