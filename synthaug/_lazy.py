"""Module attributes imported on first use (PEP 562), for packages whose names pull in heavy libraries."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping


def lazy_attributes(package: str, namespace: dict, names: Mapping[str, str],
                    submodules: Iterable[str] = ()) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """``(__getattr__, __dir__)`` for ``package``: each of ``names`` (public name -> relative module
    defining it) and each of ``submodules`` is imported when first looked up, then stored in
    ``namespace`` (the package's globals) so later look-ups do not come back here."""
    submodules = tuple(submodules)

    def __getattr__(name: str) -> object:
        if name in submodules:
            value = importlib.import_module(f".{name}", package)
        elif name in names:
            value = getattr(importlib.import_module(names[name], package), name)
        else:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted({*namespace, *names, *submodules})

    return __getattr__, __dir__
