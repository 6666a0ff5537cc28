"""``--set key=value`` overrides, checked against an estimator's real parameter names."""

from __future__ import annotations

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
    """Return ``params`` if every key is a constructor parameter of the right type."""
    signature = inspect.signature(estimator_cls.__init__)
    names = [n for n in signature.parameters if n != "self"]
    hints = _plain_hints(estimator_cls)
    for key, value in params.items():
        if key in SET_ELSEWHERE:  # the commands pass these themselves: a second value was a TypeError
            raise DataError(f"{source}: {key} is set by {SET_ELSEWHERE[key]}, not here")
        if key not in names:
            raise DataError(f"{source}: unknown parameter {key!r} for {estimator_cls.__name__}"
                            f"{closest_name(key, names)}")
        default = signature.parameters[key].default
        if key not in hints:
            if not _same_kind(default, value):
                raise DataError(f"{source}: {key} expects {_kind(default)}, got {value!r}")
            continue
        kinds = [k for k in hints[key] if k is not None]  # e.g. float | str | None: 0.2, "auto" or null
        if value is not None and not any(_same_kind(kind, value) for kind in kinds):
            words = [_kind(k) for k in kinds] + (["null"] if None in hints[key] else [])
            raise DataError(f"{source}: {key} expects {' or '.join(words)}, got {value!r}")
    return params


def _plain_hints(estimator_cls: type) -> dict[str, tuple]:
    """Constructor parameters annotated with several plain kinds (``float | str | None``): one
    example value of each kind (None for NoneType). Other parameters are checked by their default."""
    try:
        hints = typing.get_type_hints(estimator_cls.__init__)
    except (NameError, TypeError):
        return {}
    examples = {bool: False, int: 0, float: 0.0, str: "", type(None): None}
    out = {}
    for name, hint in hints.items():
        union = isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union
        args = typing.get_args(hint) if union else ()
        if sum(a is not type(None) for a in args) > 1 and all(a in examples for a in args):
            out[name] = tuple(examples[a] for a in args)
    return out


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
