"""Writing a folder whole: a temporary sibling that replaces the output at the end, so a failed or
interrupted write leaves the earlier output (or none), never half of one."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from ._errors import DataError
from ._paths import check_replaceable_folder, make_parent, output_error, usual_modes


@contextlib.contextmanager
def atomic_directory(path: str | Path, recheck: Callable[[Path], object] | None = None) -> Iterator[Path]:
    """Yield a temporary sibling directory; on success it replaces ``path`` (files or folder).

    ``recheck(path)`` (a caller's output-folder check) runs again just before the replacement: a
    release, a run or a sample works for minutes, and a file put into the folder meanwhile was
    deleted with it."""
    path = check_replaceable_folder(path)
    make_parent(path)
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent))
    except OSError as exc:
        raise DataError(f"{path}: cannot write there ({exc.strerror})") from None
    try:
        yield tmp
        usual_modes(tmp)
        if recheck is not None:
            recheck(path)
        old = _replace_folder(tmp, path)
        if old is not None:
            shutil.rmtree(old) if old.is_dir() else old.unlink()
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise output_error(exc, path, tmp) from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _replace_folder(tmp: Path, path: Path) -> Path | None:
    """Move the finished ``tmp`` to ``path``; the earlier ``path`` is moved aside first and returned (None when
    there was none) for the caller to delete. When another process's output lands at ``path`` between the two
    moves, it stays (complete) and this one raises a DataError naming ``path``, leaving nothing of its own
    behind: a check-then-replace ended in a raw ``OSError: [Errno 39] Directory not empty``."""
    old = tmp.with_name(f"{tmp.name[:-len('.tmp')]}.old")  # unique, as ``tmp`` is (not per process: per write)
    try:
        os.replace(path, old)
    except FileNotFoundError:
        old = None  # no earlier output, or another process has just moved it aside
    try:
        os.replace(tmp, path)
    except OSError as exc:
        if not isinstance(exc, FileExistsError) and exc.errno not in (errno.ENOTEMPTY, errno.EEXIST):
            if old is not None:  # put the earlier output back rather than leave none
                with contextlib.suppress(OSError):
                    os.replace(old, path)
            raise
        if old is not None:
            shutil.rmtree(old, ignore_errors=True) if old.is_dir() else old.unlink(missing_ok=True)
        raise DataError(f"{path}: another process wrote it at the same time; its output is there, complete, "
                        "and this one was not written") from None
    return old
