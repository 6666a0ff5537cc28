"""An :class:`~synthaug.evaluate.results.EvaluationResult` read back from its ``to_dict()`` form
(a saved ``report.json``), typed as it was written: the inverse of ``to_dict``."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any, get_args, get_origin, get_type_hints

from .._errors import DataError
from ..persist import user_path
from .defaults import REPORT_FILES


def read_report(path: str | Path) -> dict:
    """The JSON object of a report.json file (or of a folder's report.json); a one-line DataError naming
    the file when it is missing or not a JSON object."""
    path = user_path(path)
    if path.is_dir():
        path = path / REPORT_FILES[0]  # report.json
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"{path}: cannot be read ({type(exc).__name__})") from None
    except json.JSONDecodeError as exc:
        raise DataError(f"{path}: not JSON (line {exc.lineno}: {exc.msg})") from None
    if not isinstance(report, dict):
        raise DataError(f"{path}: not an evaluation report (a JSON object)")
    return report


def from_plain(cls: type, report: dict, version: int, where: str) -> Any:
    """``cls`` (EvaluationResult) rebuilt from ``report``, refusing another report ``version``; ``where``
    (the file, or "report") names the source in the one-line DataError."""
    found = report.get("version") if isinstance(report, dict) else None
    if found != version:
        raise DataError(f"{where}: report version {found!r} is not read by this synthaug, which reads version "
                        f"{version} (evaluate again with it to compare)")
    if isinstance(report.get("sizes"), dict) and "image_size" in report["sizes"]:
        raise DataError(f"{where}: an image evaluation report, which EvaluationResult (for tables) does not hold; "
                        "read it with json.load: evaluate_images returns the same dict")
    try:
        return _decoded(cls, report)
    except KeyError as exc:
        raise DataError(f"{where}: not an evaluation report of version {version}: key {exc} missing") from None
    except (TypeError, ValueError, AttributeError) as exc:
        raise DataError(f"{where}: not an evaluation report of version {version}: "
                        f"{str(exc).splitlines()[0] if str(exc) else type(exc).__name__}") from None


def _decoded(tp: Any, value: Any) -> Any:
    """``value`` (as ``to_dict`` wrote it) as type ``tp``: dataclasses field by field, NaN from None for
    floats, integers from text (seeds above 2**53 - 1), tuples from lists; other values as they are."""
    if dataclasses.is_dataclass(tp):
        hints = get_type_hints(tp)
        if not isinstance(value, dict):
            raise TypeError(f"{tp.__name__} must be a mapping")
        return tp(**{f.name: _decoded(hints[f.name], value[f.name]) for f in dataclasses.fields(tp)})
    origin, args = get_origin(tp), get_args(tp)
    if tp is float:  # a whole number stays one (details such as "non_members": 120), so to_json repeats
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
            raise TypeError(f"expected a number, got {type(value).__name__}")
        return float("nan") if value is None else value
    if tp is int:
        return int(value)
    if origin is list:
        return [_decoded(args[0], v) for v in _list(value)]
    if origin is tuple:
        return tuple(_decoded(args[0], v) for v in _list(value))
    if origin is dict:
        if not isinstance(value, dict):
            raise TypeError("expected a mapping")
        return {k: _decoded(args[1], v) for k, v in value.items()}
    return value  # text, unions, Any: JSON's own types


def _list(value: Any) -> list:
    if not isinstance(value, list):
        raise TypeError("expected a list")
    return value
