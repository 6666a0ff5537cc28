"""``--set key=value`` overrides, checked against an estimator's real parameter names."""

from __future__ import annotations

import collections.abc
import dataclasses
import importlib
import inspect
import json
import tomllib
import types
import typing
from collections.abc import Iterable

from ._errors import DataError
from ._text import closest_name


def parse_value(text: str):
    """JSON or a TOML value when it parses (numbers, true/false, lists, inline tables), else the string."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        pass
    try:
        return tomllib.loads(f"value = {text}")["value"]
    except tomllib.TOMLDecodeError:
        return text


SET_ELSEWHERE = {"random_state": "--seed (data.seed in a recipe)", "verbose": "--quiet"}


def check_params(estimator_cls: type, params: dict, source: str) -> dict:
    """Return ``params`` if every key is a constructor parameter of the right type.

    The annotation decides (``float | None``: a number or null; ``Sequence[int]``: a list of
    integers; ``tuple[float, float]``: a list of exactly two numbers); a parameter whose annotation
    names a kind not listed here is checked against the kind of its default."""
    signature = inspect.signature(estimator_cls.__init__)
    names = [n for n in signature.parameters if n != "self"]
    hints = _hint_kinds(estimator_cls)
    for key, value in params.items():
        if key in SET_ELSEWHERE:  # the commands pass these themselves: a second value was a TypeError
            raise DataError(f"{source}: {key} is set by {SET_ELSEWHERE[key]}, not here")
        if key not in names:
            other = _other_model_hint(estimator_cls, key)
            raise DataError(f"{source}: {other}" if other else f"{source}: unknown parameter {key!r} for "
                            f"{estimator_cls.__name__}{closest_name(key, names)}")
        default = signature.parameters[key].default
        if key not in hints:
            if not _same_kind(default, value):
                raise DataError(f"{source}: {key} expects {_kind(default)}, got {value!r}")
            continue
        if not any(_matches(kind, value) for kind in hints[key]):
            raise DataError(f"{source}: {key} expects {' or '.join(_word(k) for k in hints[key])}, got {value!r}")
    return params


# each model -> the other modality's: (its module, its name, what it models, what this one reads the data as)
_OTHER_MODEL = {"TabularCGAN": ("synthaug.images.synthesizer", "ImageCGAN", "image", "a table"),
                "ImageCGAN": ("synthaug.tabular.synthesizer", "TabularCGAN", "table", "images")}


def _other_model_hint(estimator_cls: type, key: str) -> str | None:
    """For a parameter ``key`` that only the other modality's model takes (``image_size`` beside
    TabularCGAN): it, and that the data was read as this model's modality; else None. "did you
    mean 'batch_size'?" hid that the data was not read as images."""
    if estimator_cls.__name__ not in _OTHER_MODEL:
        return None
    module, name, models, read_as = _OTHER_MODEL[estimator_cls.__name__]
    other = getattr(importlib.import_module(module), name)
    if key not in inspect.signature(other.__init__).parameters or key in SET_ELSEWHERE:
        return None
    counterpart = _COUNTERPARTS.get((estimator_cls.__name__, key))
    return (f"{key} is a parameter of the {models} model ({name}), but the data was read as {read_as}, so the "
            f"model is {estimator_cls.__name__}, which has no {key}"
            + (f" (its training length is {counterpart})" if counterpart else ""))


_COUNTERPARTS = {("TabularCGAN", "steps"): "min_steps, and epochs", ("ImageCGAN", "epochs"): "steps",
                 ("ImageCGAN", "min_steps"): "steps"}
"""A parameter of the other model -> this model's parameter for the same thing."""


@dataclasses.dataclass(frozen=True)
class _List:
    """A list (or tuple) whose items are each of kind ``item``; ``length`` items when not None."""

    item: type
    length: int | None = None


_PLAIN = (bool, int, float, str, dict, type(None))


def _hint_kinds(estimator_cls: type) -> dict[str, tuple]:
    """Constructor parameter -> the kinds its annotation allows (plain types or :class:`_List`).
    Parameters whose annotation names anything else are left out (checked by their default)."""
    try:
        hints = typing.get_type_hints(estimator_cls.__init__)
    except (NameError, TypeError):
        return {}
    out = {}
    for name, hint in hints.items():
        union = isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union
        kinds = [_member_kind(member) for member in (typing.get_args(hint) if union else (hint,))]
        if all(kind is not None for kind in kinds):
            out[name] = tuple(kinds)
    return out


def _member_kind(hint):
    """``int`` -> int; ``Sequence[str]`` -> _List(str); ``tuple[float, float]`` -> _List(float, 2);
    ``dict[str, int]`` -> dict; None for anything else."""
    if hint in _PLAIN:
        return hint
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is dict:
        return dict
    if origin not in (list, tuple, collections.abc.Sequence) or not args:
        return None
    if origin is tuple and args[-1] is not Ellipsis:  # tuple[float, float]: a fixed length
        return _List(args[0], len(args)) if len(set(args)) == 1 and args[0] in _PLAIN else None
    return _List(args[0]) if args[0] in _PLAIN else None


def _matches(kind, value) -> bool:
    if isinstance(kind, _List):
        return (isinstance(value, (list, tuple)) and (kind.length is None or len(value) == kind.length)
                and all(_matches(kind.item, v) for v in value))
    if kind is type(None):
        return value is None
    if kind is bool:
        return isinstance(value, bool)
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind is dict:
        return isinstance(value, collections.abc.Mapping)
    return isinstance(value, kind)


_WORDS = {bool: ("true or false", "true/false values"), int: ("a number (an integer)", "integers"),
          float: ("a number", "numbers"), str: ("text", "text"), dict: ("a table", "tables"),
          type(None): ("null", "nulls")}


def _word(kind) -> str:
    if isinstance(kind, _List):
        return f"a list of {'' if kind.length is None else f'{kind.length} '}{_WORDS[kind.item][1]}"
    return _WORDS[kind][0]


def parse_overrides(items: Iterable[str], estimator_cls: type, source: str = "--set") -> dict:
    """``["epochs=5", "loss=hinge"]`` -> checked keyword arguments."""
    params = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise DataError(f"{source}: expected KEY=VALUE, got {item!r}")
        params[key.strip()] = parse_value(value.strip())
    return check_params(estimator_cls, params, source)


def _kind(default) -> str:
    if default is None:
        return "a value"
    if isinstance(default, bool):
        return "true or false"
    if isinstance(default, (int, float)):
        return "a number"
    if isinstance(default, (tuple, list)):
        return "a list"
    return "text"


def _same_kind(default, value) -> bool:
    if default is None or value is None:
        return True
    if isinstance(default, bool):
        return isinstance(value, bool)
    if isinstance(default, int):
        return isinstance(value, int) and not isinstance(value, bool)
    if isinstance(default, float):
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if isinstance(default, (tuple, list)):
        return isinstance(value, (tuple, list))
    return isinstance(value, type(default))


def add_flag_values(params: dict, flags: dict) -> dict:
    """``params`` (from ``--set``) with each given flag's value, or a DataError when a flag and a
    ``--set`` name the same parameter (the flag silently replaced the ``--set`` value)."""
    for key, value in flags.items():
        if value is None:
            continue
        if key in params:
            raise DataError(f"--{key.replace('_', '-')} and --set {key}=... both given; use one of them")
        params[key] = value
    return params
