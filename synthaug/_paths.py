"""Path checks and atomic writes, which need no pandas: the CLI checks its arguments with them before
importing torch and pandas (a missing model folder was reported after ~8 s of imports)."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from ._errors import DataError

TABLE_SUFFIXES = {".csv": "csv", ".csv.gz": "csv", ".parquet": "parquet", ".pq": "parquet"}


def table_suffix(path: str | Path) -> str:
    """A path's extension as TABLE_SUFFIXES spells it: ``.csv.gz`` for ``T.CSV.GZ``, else the last one."""
    path = Path(path)
    double = "".join(path.suffixes[-2:]).lower()
    return double if double in TABLE_SUFFIXES else path.suffix.lower()


def is_gzip(path: str | Path) -> bool:
    """Whether ``path`` names a gzip-compressed table (``.csv.gz``)."""
    return table_suffix(path).endswith(".gz")


def table_format(path: str | Path) -> str:
    """``"csv"`` (also for ``.csv.gz``) or ``"parquet"`` from a path's extension, or a DataError naming it."""
    suffix = table_suffix(path)
    if suffix not in TABLE_SUFFIXES:
        known = ", ".join(sorted(TABLE_SUFFIXES))
        raise DataError(f"{path}: unknown table extension {suffix!r} (use one of {known})")
    return TABLE_SUFFIXES[suffix]


IMAGE_MANIFEST = "manifest.csv"
"""The file that marks a folder of sampled images (one line per image: file, label, synthetic)."""


def check_image_output(path: str | Path) -> Path:
    """``path`` if sampled images may go there: an ``.npz`` file, or a folder that is new, empty or an
    earlier sample (it holds IMAGE_MANIFEST, so a folder of the user's files is never replaced); never
    a table's path (a folder named ``out.csv`` is not what was meant). Else a DataError naming it."""
    path = Path(path)
    if table_suffix(path) in TABLE_SUFFIXES:
        raise DataError(f"{path}: images are written to a folder or an .npz file, not a {table_suffix(path)} table; "
                        "is MODEL a table model?")
    if path.suffix.lower() != ".npz":
        check_output_folder(path, lambda p: (p / IMAGE_MANIFEST).is_file(),
                            f"exists and is not a synthaug sample folder (no {IMAGE_MANIFEST}); it would be replaced: "
                            "choose another path, or an .npz file")
    return path


def check_table_file(path: str | Path) -> str:
    """``path``'s table format, once it is a non-empty file; else a DataError naming it."""
    path = Path(path)
    fmt = table_format(path)
    if not path.is_file():
        raise DataError(f"{path}: file not found")
    if path.stat().st_size == 0:
        raise DataError(f"{path}: file is empty")
    return fmt


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary sibling of ``path``; on success it replaces ``path``, else it vanishes."""
    path = Path(path)
    if path.is_dir():
        raise DataError(f"{path}: is a folder; give the path of a file to write")
    _make_parent(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise DataError(f"{path}: cannot write there ({exc.strerror})") from None
    os.close(fd)
    tmp_path = Path(tmp)
    tmp_path.chmod(0o666 & ~_umask())  # mkstemp makes 0600; a finished file gets the usual mode
    try:
        yield tmp_path
        os.replace(tmp_path, path)
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise


def check_replaceable_folder(path: str | Path) -> Path:
    """``path``, or a DataError if it is the current folder or one above it (which an output replaces)."""
    path = Path(path)
    resolved, here = path.resolve(), Path.cwd().resolve()
    if path.name in ("", "..") or resolved == here or resolved in here.parents:
        raise DataError(f"{path}: is the current folder or one above it, which the output would replace; "
                        "name a new folder, e.g. model")
    return path


def check_output_folder(path: str | Path, is_ours: Callable[[Path], bool], refusal: str,
                        error: type[Exception] = DataError) -> Path:
    """``path`` if an output that replaces the whole folder may go there: new, empty, or a folder
    ``is_ours`` recognises (an earlier output); else ``error(f"{path}: {refusal}")``. Checked
    before any work, so a folder of other files (the user's data) is never replaced."""
    path = check_replaceable_folder(path)
    if path.exists() and not (path.is_dir() and (not any(path.iterdir()) or is_ours(path))):
        raise error(f"{path}: {refusal}")
    blocker = next((p for p in path.parents if p.exists()), None)
    if blocker is not None and not blocker.is_dir():
        raise error(f"{path}: cannot create its folder: {blocker} is a file")
    return path


@contextlib.contextmanager
def atomic_directory(path: str | Path) -> Iterator[Path]:
    """Yield a temporary sibling directory; on success it replaces ``path`` (files or folder)."""
    path = check_replaceable_folder(path)
    _make_parent(path)
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent))
    except OSError as exc:
        raise DataError(f"{path}: cannot write there ({exc.strerror})") from None
    try:
        yield tmp
        _usual_modes(tmp)
        old = None
        if path.exists():
            old = path.with_name(f".{path.name}.old-{os.getpid()}")
            os.replace(path, old)
        os.replace(tmp, path)
        if old is not None:
            shutil.rmtree(old) if old.is_dir() else old.unlink()
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _make_parent(path: Path) -> None:
    """Create the folder ``path`` goes in, or a DataError (e.g. a file of that name is in the way)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        why = "a file is in the way" if isinstance(exc, (FileExistsError, NotADirectoryError)) else exc.strerror
        raise DataError(f"{path}: cannot create its folder {path.parent} ({why})") from None


def _usual_modes(folder: Path) -> None:
    """Give ``folder``, and every folder and file in it, the mode a new one gets under the umask
    (0777 or 0666 & ~umask): mkdtemp makes 0700, and safetensors' save_file 0600, so a shared model
    folder's weights were unreadable to colleagues who could read its model.json."""
    mask = _umask()
    folder.chmod(0o777 & ~mask)
    for root, dirs, files in os.walk(folder):
        for name in dirs:
            (Path(root) / name).chmod(0o777 & ~mask)
        for name in files:
            (Path(root) / name).chmod(0o666 & ~mask)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
