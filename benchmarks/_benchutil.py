"""Helpers shared by the benchmark scripts: machine state, timing, atomic result files.

Not part of the synthaug package; the scripts import it as a sibling module.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import importlib
import json
import os
import platform
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import torch

RESULTS_DIR = Path(__file__).resolve().parent / "results"


def set_threads(threads: int | None) -> None:
    """Set torch's intra-op thread count (``None`` keeps torch's default)."""
    if threads is not None:
        if threads < 1:
            raise ValueError(f"--threads must be >= 1; got {threads}")
        torch.set_num_threads(threads)


def machine_info() -> dict[str, Any]:
    """Cores, torch threads and library versions of this process."""
    import numpy
    import pandas
    import sklearn

    import synthaug

    package = Path(synthaug.__file__).resolve().parent  # the code that runs may be a clone
    info = {
        "cpu_count": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "torch_threads": torch.get_num_threads(),
        "torch_interop_threads": torch.get_num_interop_threads(),
        "numpy": numpy.__version__,
        "pandas": pandas.__version__,
        "sklearn": sklearn.__version__,
        "synthaug": synthaug.__version__,
        "synthaug_path": str(package),
        "synthaug_commit": _git_commit(package),
        "synthaug_uncommitted_changes": _git_dirty(package),
    }
    for name, module in (("ctgan", "ctgan"), ("scipy", "scipy"), ("imblearn", "imblearn"), ("pyarrow", "pyarrow")):
        try:
            info[name] = importlib.import_module(module).__version__
        except ImportError:
            info[name] = None
    return info


def _git_commit(package: Path) -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                             text=True, check=True, cwd=package)
    except (OSError, subprocess.CalledProcessError):
        return None
    return out.stdout.strip()


def _git_dirty(package: Path) -> list[str] | None:
    """Files of the package that differ from its commit (the code that ran may not be HEAD's)."""
    try:
        out = subprocess.run(["git", "status", "--porcelain", "--", "."], capture_output=True,
                             text=True, check=True, cwd=package)
    except (OSError, subprocess.CalledProcessError):
        return None
    return [line[3:] for line in out.stdout.splitlines()]


def load_snapshot() -> dict[str, Any]:
    """Load averages and the busiest processes right now (from ``top``), to judge noise."""
    snap: dict[str, Any] = {"time": time.strftime("%H:%M:%S"),
                            "loadavg_1_5_15": [round(x, 2) for x in os.getloadavg()]}
    try:
        out = subprocess.run(["top", "-bn1", "-w", "200"], capture_output=True, text=True,
                             check=True, timeout=10).stdout.splitlines()
    except (OSError, subprocess.CalledProcessError, subprocess.TimeoutExpired):
        return snap
    cpu_line = next((line for line in out if line.startswith("%Cpu")), None)
    header = next((i for i, line in enumerate(out) if line.lstrip().startswith("PID")), None)
    if cpu_line:
        snap["cpu"] = cpu_line.strip()
    if header is not None:
        procs = []
        for line in out[header + 1 :]:
            fields = line.split()
            if len(fields) >= 12 and float(fields[8]) >= 5.0:
                procs.append({"pid": int(fields[0]), "cpu_percent": float(fields[8]),
                              "command": fields[11], "mine": int(fields[0]) == os.getpid()})
        snap["busy_processes"] = procs
    return snap


def timed(func: Callable[[], Any]) -> tuple[float, Any]:
    """Wall seconds of one call and its result."""
    start = time.perf_counter()
    result = func()
    return time.perf_counter() - start, result


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to a temporary sibling, then rename it over ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(tmp, 0o644)  # mkstemp creates 0600; results are for everyone to read
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_results(out_dir: Path, stem: str, payload: dict[str, Any], markdown: str) -> None:
    """Write ``<stem>.json`` and ``<stem>.md`` atomically into ``out_dir``."""
    atomic_write_text(out_dir / f"{stem}.json", json.dumps(payload, indent=2, default=str) + "\n")
    atomic_write_text(out_dir / f"{stem}.md", markdown)
    print(f"wrote {out_dir / (stem + '.json')} and {out_dir / (stem + '.md')}")


def string_columns(frame) -> list[str]:
    """Columns holding strings (object or string dtype): CTGAN's discrete columns. pandas 3 reads
    text as its ``str`` dtype, which ``str(dtype).startswith("string")`` missed (adult had none)."""
    import pandas as pd

    return [c for c in frame.columns if frame[c].dtype == object or pd.api.types.is_string_dtype(frame[c].dtype)]


def parse_set(parser: argparse.ArgumentParser, items: list[str]) -> dict[str, Any]:
    """``--set KEY=VALUE`` strings to TabularCGAN keyword arguments, read as the CLI's ``--set`` reads
    them (JSON/TOML: ``true``, ``0.1``, ``[128, 128]``; Python literals such as ``True`` too) and
    checked against the constructor's annotations (``rounding=false`` was the truthy text 'false')."""
    import synthaug
    from synthaug._errors import DataError
    from synthaug._overrides import check_params, parse_value

    known = set(synthaug.TabularCGAN._get_param_names())
    params: dict[str, Any] = {}
    for item in items:
        key, sep, raw = item.partition("=")
        if not sep or key not in known:
            parser.error(f"--set {item!r}: expected KEY=VALUE with KEY one of {sorted(known)}")
        params[key] = parse_value(raw)
        if isinstance(params[key], str):
            with contextlib.suppress(ValueError, SyntaxError):
                params[key] = ast.literal_eval(raw)
    try:
        return check_params(synthaug.TabularCGAN, params, "--set")
    except DataError as exc:
        parser.error(str(exc))
