"""A fitted TabularCGAN as model-file content and back: the ``meta`` dict (written to model.json)
and the tensors (written to weights.safetensors) that :mod:`synthaug.persist` stores.

The meta holds aggregates only (params, network shape, encoder state, classes and their counts,
the target's name and dtype, column order and the labels of columns named by numbers, seed,
privacy record, provenance, training record: rows, seconds, processes, threads, the data's digest,
library versions, history); the tensors hold the encoder's arrays and each
generator's weights. No training rows.
"""

from __future__ import annotations

from dataclasses import fields
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import torch

from .._checks import is_real, is_whole
from .._errors import ModelFileError, warn
from .._text import one_line, shown
from .._weights import check_all_read, check_ascending, check_dtypes, check_finite, loaded_module
from ..persist import (
    META_FILE,
    SEED_EXPECTED,
    checked_as,
    field,
    fit_record,
    is_stored_seed,
    json_params,
    json_seed,
    read_fit_record,
    read_threads,
)
from ..sampling import MAX_SAMPLE_ROWS
from .encoder import TableEncoder
from .networks import Generator, NetworkConfig
from .params import check_encoder_params, check_network, check_params
from .public_schema import resolve_public_schema, schema_document

if TYPE_CHECKING:
    from .synthesizer import TabularCGAN


def meta_and_tensors(model: TabularCGAN, network: NetworkConfig) -> tuple[dict, dict[str, torch.Tensor | np.ndarray]]:
    """A fitted ``model`` whose generators have the shape ``network``, as (model.json entries,
    tensors): the encoder's arrays as ``encoder.*``, generator i's weights as ``generator.<i>.*``."""
    encoder_meta, arrays = model.encoder_.state()
    tensors = {f"encoder.{k[len('encoder.'):]}": v for k, v in arrays.items()}
    for i, G in enumerate(model.generators_):
        tensors.update({f"generator.{i}.{k}": v for k, v in G.state_dict().items()})
    params = json_params(model.get_params())
    if params["public_schema"] is not None:  # the document fit read, not a path to resolve when loading
        params["public_schema"] = getattr(model, "public_schema_", None) or schema_document(model.public_schema)
    meta = {
        "params": params,
        "network": network.to_dict(),
        "encoder": encoder_meta,
        "classes": model.classes_,
        "class_counts": [int(c) for c in model.class_counts_],
        "target": {"name": model.target_name_, "dtype": model.target_dtype_, **_target_categories(model)},
        "columns": model.columns_,
        "column_labels": model.column_labels_,
        "seed": json_seed(model.seed_),
        "privacy": model.privacy_,
        "provenance": model.provenance_,
        "training": {"n_rows": int(model.n_rows_), "seconds": round(model.fit_seconds_, 3),
                     "processes": int(model.n_processes_), "threads": int(model.n_threads_),
                     **fit_record(model), "history": model.history_},
    }
    return meta, tensors


def restore_fitted(model: TabularCGAN, meta: dict, tensors: dict[str, torch.Tensor]) -> TabularCGAN:
    """Give ``model`` (built from the file's params) the fitted state that ``meta`` and ``tensors`` hold.

    Every field is checked as it is read: a wrong type or value (a hand edit) is a one-line
    ModelFileError naming model.json's field and what it must be; a tensor that is not finite, of
    another dtype than the model's, or one the model does not read, one naming weights.safetensors
    and the tensor."""
    with checked_as("params"):  # fit's own checks
        check_params(model.get_params(deep=False))
        _check_schema_held(model.public_schema)
    model.public_schema_ = model.public_schema
    check_finite(tensors)  # before the encoder's check decodes with them
    model.encoder_ = _encoder(meta, tensors)
    model.classes_, model.class_counts_ = _classes(meta)
    per_class = model.strategy == "per-class"  # one unconditional generator per class
    net = _network(meta, model.encoder_, 1 if per_class else len(model.classes_))
    model.generators_, read = _generators(net, tensors, len(model.classes_) if per_class else 1)
    check_all_read(tensors, read | set(model.encoder_.state()[1]))
    _restore_target(model, meta)
    model.columns_ = _columns(meta, model.encoder_, model.target_name_)
    model.column_labels_ = _column_labels(meta, model.columns_)
    model.seed_ = int(field(meta, "seed", ok=is_stored_seed, expected=SEED_EXPECTED))
    model.n_rows_, model.fit_seconds_, model.history_, model.n_processes_, model.n_threads_ = _training(meta)
    model.data_sha256_, model.versions_ = read_fit_record(meta)
    model.privacy_ = _privacy(meta, model.dp_)
    model.provenance_ = _provenance(meta) or _old_provenance(model.privacy_)
    return model


def _check_schema_held(schema) -> None:
    """A public schema as the file holds it: a document, checked; a path (files from before the schema
    was saved in them) is refused, not opened: it was resolved against the folder sampling ran in, so
    another file (or any file the user could read) was taken for the schema."""
    if isinstance(schema, str):
        raise ModelFileError(f"public_schema names a file ({shown(schema)}), which loading does not open: a model "
                             "file holds its schema; replace the path in model.json with that file's JSON object, "
                             "or refit the model")
    resolve_public_schema(schema)


def _is_text(value) -> bool:
    return isinstance(value, str)


def _encoder(meta: dict, tensors: dict[str, torch.Tensor]) -> TableEncoder:
    """The fitted encoder of ``meta["encoder"]`` (its params, and each column's spec and codec state)."""
    state = field(meta, "encoder", ok=lambda v: isinstance(v, dict), expected="a mapping")
    params = field(meta, "encoder", "params", ok=lambda v: isinstance(v, dict), expected="a mapping")
    defaults = TableEncoder().get_params()  # older files lack the newer parameters
    params = _known_keys(params, list(defaults), "encoder.params")
    state = {**state, "params": params}
    with checked_as("encoder.params"):
        check_encoder_params({**defaults, **params})
    columns = field(meta, "encoder", "columns", ok=lambda v: isinstance(v, list) and len(v) > 0 and all(
        isinstance(c, dict) and isinstance(c.get("spec"), dict) and isinstance(c.get("state"), dict) for c in v),
        expected="a non-empty list of {spec, state} mappings")
    encoder_tensors = {k: v for k, v in tensors.items() if k.startswith("encoder.")}
    check_dtypes(encoder_tensors, dict.fromkeys(encoder_tensors, torch.float64))  # as state() saves them
    check_ascending(tensors, {f"encoder.{i}.{name}": f"the {name} of column {shown(c['spec'].get('name'))}"
                              for i, c in enumerate(columns) for name in ("knots", "z_knots")})
    arrays = {k: v.numpy() for k, v in encoder_tensors.items()}
    with checked_as("encoder.columns"):  # a column spec's DataError names the column and key
        return TableEncoder.from_state(state, arrays)


def _known_keys(mapping: dict, names: list[str], where: str) -> dict:
    """``mapping`` limited to ``names``; other keys (a newer synthaug of the same format version, or a
    hand edit) are named in a warning, as :func:`persist.known_params` does for ``params``."""
    unknown = sorted(set(map(str, mapping)) - set(names))
    if unknown:
        warn(f"{META_FILE}: {where}: key(s) {', '.join(unknown)} unknown to this synthaug were ignored "
             "(a model from a newer synthaug, or an edited file)")
    return {k: v for k, v in mapping.items() if k in names}


def _classes(meta: dict) -> tuple[list, np.ndarray]:
    """(classes, class counts): distinct JSON scalars, and as many counts, each 0..MAX_SAMPLE_ROWS, not all 0."""
    classes = field(meta, "classes", ok=lambda v: isinstance(v, list) and len(v) > 0 and all(
        isinstance(c, (str, int, float)) for c in v) and len(set(v)) == len(v),
        expected="a non-empty list of distinct labels (text or numbers)")
    counts = field(meta, "class_counts", ok=lambda v: isinstance(v, list) and len(v) == len(classes) and all(
        is_whole(c) and 0 <= c <= MAX_SAMPLE_ROWS for c in v) and sum(v) > 0,
        expected=f"a list of {len(classes)} row counts (one per class), not all 0")
    return list(classes), np.asarray(counts, dtype=np.int64)


def _network(meta: dict, encoder: TableEncoder, n_classes: int) -> NetworkConfig:
    """The generators' shape, checked as the parameters are and against the encoder's output widths."""
    data = field(meta, "network", ok=lambda v: isinstance(v, dict), expected="a mapping")
    data = {"generator_norm": "batch", **data}  # older files: batch norm
    names = [f.name for f in fields(NetworkConfig)]
    data = _known_keys(data, names, "network")
    missing = sorted(set(names) - set(data))
    if missing:
        raise ModelFileError(f"{META_FILE}: network: missing key {shown(missing[0])}")
    with checked_as("network"):
        check_network(data)
    condition_dim = sum(s.width for s in encoder.discrete_spans())
    for name, expected in (("data_dim", encoder.output_dim_), ("condition_dim", condition_dim),
                           ("n_classes", n_classes)):
        if data[name] != expected:
            raise ModelFileError(f"{META_FILE}: network.{name} must be {expected} (from encoder, classes and "
                                 f"params.strategy); got {shown(data[name])}")
    return NetworkConfig.from_dict(data)


def _generators(net: NetworkConfig, tensors: dict[str, torch.Tensor],
                n_models: int) -> tuple[list[Generator], set[str]]:
    """Generators 0 .. n_models-1 in eval mode, their weights from ``generator.<i>.*`` (shapes checked before
    any is built: a tampered width could ask for terabytes); and the names of the tensors read."""
    generators = []
    for i in range(n_models):
        prefix = f"generator.{i}."
        state = {k[len(prefix):]: v for k, v in tensors.items() if k.startswith(prefix)}
        generators.append(loaded_module(lambda: Generator(net), state, prefix, f"generator {i}").eval())
    return generators, {f"generator.{i}.{key}" for i, G in enumerate(generators) for key in G.state_dict()}


def _target_categories(model: TabularCGAN) -> dict:
    """A categorical label's categories and order, for model.json's ``target``; empty for other dtypes."""
    if model.target_categories_ is None:
        return {}
    return {"categories": model.target_categories_, "ordered": model.target_ordered_}


def _restore_target(model: TabularCGAN, meta: dict) -> None:
    """The label column's name and dtype (a categorical label's categories and order too), checked
    by casting the classes to it as sampling does."""
    target = field(meta, "target", ok=lambda v: isinstance(v, dict), expected="a mapping")
    model.target_name_ = field(meta, "target", "name", ok=_is_text, expected="text")
    model.target_dtype_ = field(meta, "target", "dtype", ok=_is_text, expected="a pandas dtype name")
    model.target_categories_ = target.get("categories")  # None in model files before it was stored
    model.target_ordered_ = target.get("ordered", False)
    categories = model.target_categories_
    if categories is not None and not (isinstance(categories, list) and len(categories) == len(model.classes_)
                                       and all(c in categories for c in model.classes_)):
        raise ModelFileError(f"{META_FILE}: target.categories must list the classes; got {shown(categories)}")
    if not isinstance(model.target_ordered_, bool):
        raise ModelFileError(f"{META_FILE}: target.ordered must be true or false; got {shown(model.target_ordered_)}")
    try:
        pd.Series(np.asarray(model.classes_, dtype=object)).astype(model._target_dtype())
    except (TypeError, ValueError) as exc:
        raise ModelFileError(f"{META_FILE}: target.dtype {shown(model.target_dtype_)} cannot hold the classes "
                             f"({one_line(exc)})") from None


def _columns(meta: dict, encoder: TableEncoder, target: str) -> list[str]:
    """The output column order: the encoder's columns and the target, each once."""
    features = [s.name for s in encoder.specs_]
    if len(set(features)) < len(features):
        raise ModelFileError(f"{META_FILE}: encoder.columns: a column name appears twice")
    if target in features:
        raise ModelFileError(f"{META_FILE}: target.name {shown(target)} is also a feature column of encoder")
    names = {*features, target}
    return list(field(meta, "columns", ok=lambda v: isinstance(v, list) and all(isinstance(c, str) for c in v)
                      and len(v) == len(names) and set(v) == names,
                      expected=f"the names of the target {target!r} and the encoder's {len(features)} columns, "
                               f"each once"))


def _column_labels(meta: dict, columns: list[str]) -> dict[str, int | float | bool]:
    """The labels sampling gives the columns named by number or boolean in ``fit`` ({"0": 0}); files
    from before they were stored: none (every column named as text)."""
    if "column_labels" not in meta:
        return {}
    return dict(field(meta, "column_labels", ok=lambda v: isinstance(v, dict) and all(
        k in columns and isinstance(label, (int, float)) and str(label) == k for k, label in v.items()),
        expected="a mapping of column names to the numbers or booleans they are the text of ({\"0\": 0})"))


def _training(meta: dict) -> tuple[int, float, list, int, int | None]:
    """(training rows, seconds, loss history, processes, torch threads) from ``training``; files from
    before ``processes`` was recorded were trained in one process (torchrun came later); files from
    before ``threads`` was recorded give None (unknown)."""
    field(meta, "training", ok=lambda v: isinstance(v, dict), expected="a mapping")
    processes = 1
    if "processes" in meta["training"]:
        processes = int(field(meta, "training", "processes", ok=lambda v: is_whole(v) and v >= 1,
                              expected="a count >= 1"))
    return (field(meta, "training", "n_rows", ok=lambda v: is_whole(v) and v >= 1, expected="a count >= 1"),
            float(field(meta, "training", "seconds", ok=lambda v: is_real(v) and v >= 0, expected="a number >= 0")),
            field(meta, "training", "history", ok=lambda v: isinstance(v, list), expected="a list"), processes,
            read_threads(meta))


def _privacy(meta: dict, dp: bool) -> dict | None:
    """The DP record: a mapping for a model trained with dp_epsilon, else null."""
    record = meta.get("privacy")
    if dp and not isinstance(record, dict):
        raise ModelFileError(f"{META_FILE}: privacy must be a mapping (params.dp_epsilon is set); got {shown(record)}")
    if not dp and record is not None:
        raise ModelFileError(f"{META_FILE}: privacy must be null (params.dp_epsilon is null); got {shown(record)}")
    return record


def _provenance(meta: dict) -> dict[str, str] | None:
    """Where the schema and class counts came from; None in files from before it was stored."""
    record = meta.get("provenance")
    if record is not None and not (isinstance(record, dict) and all(
            isinstance(k, str) and isinstance(v, str) for k, v in record.items())):
        raise ModelFileError(f"{META_FILE}: provenance must be a mapping of text to text; got {shown(record)}")
    return record


def _old_provenance(privacy: dict | None) -> dict[str, str]:
    """Model files written before public schemas existed: everything came from the data."""
    return {"schema": "inferred from the training data",
            "class_counts": "exact, from the training data" if privacy is None else "Laplace-noised"}
