"""``--set key=value`` overrides, checked against an estimator's real parameter names."""

from __future__ import annotations

import inspect
import json
import tomllib
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


def check_params(estimator_cls: type, params: dict, source: str) -> dict:
    """Return ``params`` if every key is a constructor parameter of the right type."""
    signature = inspect.signature(estimator_cls.__init__)
    names = [n for n in signature.parameters if n != "self"]
    for key, value in params.items():
        if key not in names:
            raise DataError(f"{source}: unknown parameter {key!r} for {estimator_cls.__name__}"
                            f"{closest_name(key, names)}")
        default = signature.parameters[key].default
        if not _same_kind(default, value):
            raise DataError(f"{source}: {key} expects {_kind(default)}, got {value!r}")
    return params


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
