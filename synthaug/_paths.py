"""Path checks and atomic writes, which need no pandas: the CLI checks its arguments with them before
importing torch and pandas (a missing model folder was reported after ~8 s of imports)."""

from __future__ import annotations

import contextlib
import csv
import os
import re
import tempfile
from collections.abc import Callable, Container, Iterator
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


IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp", ".ppm", ".pgm",
                            ".heic", ".heif", ".avif", ".jp2", ".j2k", ".jxl"})
"""The image files a class folder is read from (other files are ignored); of the phone, scanner and web
formats (HEIC/HEIF, AVIF, JPEG 2000, JPEG XL), the files this Pillow cannot read are named in a warning."""

IMAGE_MANIFEST = "manifest.csv"
IMAGE_MANIFEST_HEADER = ["file", "label", "synthetic"]  # the first row of a manifest synthaug wrote
"""The file that marks a folder of sampled images (one line per image: file, label, synthetic)."""


ARRAY_SUFFIXES = (".npy", ".pt", ".pth")  # files that hold one array (or tensor)


def check_image_output(path: str | Path) -> Path:
    """``path`` if sampled images may go there: an ``.npz`` file, or a folder that is new, empty or an
    earlier sample (it holds IMAGE_MANIFEST, so a folder of the user's files is never replaced); never
    a table's, an image file's or a one-array file's path (a folder named ``out.csv``, ``out.png`` or
    ``out.npy`` is not what was meant). Else a
    DataError naming it."""
    path = Path(path)
    if table_suffix(path) in TABLE_SUFFIXES:
        raise DataError(f"{path}: images are written to a folder or an .npz file, not a {table_suffix(path)} table; "
                        "is MODEL a table model?")
    if path.suffix.lower() in IMAGE_SUFFIXES:  # a folder named foo.png was made, without a word
        raise DataError(f"{path}: images are written to a folder or an .npz file, and {path.suffix} names one "
                        f"image; choose a folder name (e.g. {path.with_suffix('')}) or {path.with_suffix('.npz')}")
    if path.suffix.lower() in ARRAY_SUFFIXES:  # o.npy was made a folder
        raise DataError(f"{path}: images are written to a folder or an .npz file, and a {path.suffix} holds one "
                        f"array; write images and labels together to {path.with_suffix('.npz')}, or a folder "
                        f"(e.g. {path.with_suffix('')})")
    if path.suffix.lower() != ".npz":
        check_output_folder(path, is_sample_folder,
                            f"exists and is not a synthaug sample folder (no {IMAGE_MANIFEST} of synthaug's); it "
                            "would be replaced: choose another path, or an .npz file",
                            own_files=lambda p: {IMAGE_MANIFEST, *(row[0] for row in _manifest_rows(p)[1:])})
    return path


def is_sample_folder(folder: Path) -> bool:
    """Whether ``folder`` holds a manifest synthaug wrote: its header, and every image marked
    synthetic. A user's manifest of real images in the same format (``synthetic`` false) is not one:
    its images were deleted by a sample into the folder."""
    rows = _manifest_rows(folder)
    return rows[:1] == [IMAGE_MANIFEST_HEADER] and all(len(row) == 3 and row[2] == "true" for row in rows[1:])


def _manifest_rows(folder: Path) -> list[list[str]]:
    """The rows of ``folder``'s image manifest ([] where there is none to read)."""
    try:
        with open(folder / IMAGE_MANIFEST, newline="", encoding="utf-8") as handle:
            return [row for row in csv.reader(handle) if row]
    except (OSError, UnicodeDecodeError, csv.Error):
        return []


def check_exists(path: str | Path) -> Path:
    """``path`` if it exists, else a DataError naming it (``file not found`` for a table's name), before
    anything is decided from what it is: a misspelt image folder was taken for a table."""
    path = Path(path)
    if not path.exists():
        raise DataError(f"{path}: {'file ' if table_suffix(path) in TABLE_SUFFIXES else ''}not found")
    return path


def table_output_format(path: str | Path) -> str:
    """A table model's output format from ``path``; an unknown extension's error says what a table
    model writes, and asks whether MODEL was meant to be an image model (``-o out/``)."""
    if Path(path).is_dir():  # "unknown table extension ''" for an existing folder out
        raise DataError(f"{path}: is a folder; give the path of a file to write, e.g. {Path(path) / 'synthetic.csv'}")
    try:
        return table_format(path)
    except DataError as exc:
        raise DataError(f"{exc}; a table model writes a .csv, .csv.gz or .parquet file (is MODEL an image "
                        "model? those write a folder or an .npz)") from None


EXCEL_TEXT = {
    "xlsx": "is an Excel workbook (.xlsx), not a text table; open it in Excel and save it as 'CSV UTF-8'",
    "xlsm": "is an Excel macro-enabled workbook (.xlsm), not a text table; open it in Excel and save it as "
            "'CSV UTF-8'",
    "xls": "is an Excel 97-2003 workbook (.xls), not a text table; open it in Excel and save it as 'CSV UTF-8'",
}
"""What a table read says of a workbook, found by its extension here, by its bytes in a ``.csv``
(:mod:`synthaug._csv_read`)."""
EXCEL_SUFFIXES = {".xlsx": "xlsx", ".xlsm": "xlsm", ".xls": "xls"}
TEXT_SUFFIXES = (".tsv", ".tab", ".txt", ".dat")  # text tables of another name, often separated by tabs
SEPARATORS = (("\t", "tabs"), (";", "semicolons"), ("|", "vertical bars"))


def _other_table_file(path: Path) -> str | None:
    """What to do with a table file synthaug does not read by its extension: a workbook to save as CSV,
    a tab- (semicolon-, bar-) separated text to save with commas, a comma-separated one to rename;
    None for other extensions. Reading tab-separated text would take every CSV check (codes, headers,
    stray rows) a second separator, so it is refused with the way to convert it."""
    suffix = path.suffix.lower()
    if not path.is_file():
        return None
    if suffix in EXCEL_SUFFIXES:
        return f"{path}: {EXCEL_TEXT[EXCEL_SUFFIXES[suffix]]}"
    if suffix not in TEXT_SUFFIXES:
        return None
    try:
        with open(path, encoding="utf-8-sig", errors="replace") as handle:
            header = handle.readline(65536)
    except OSError:
        return None
    sep, name = max(SEPARATORS, key=lambda sep: header.count(sep[0]))
    if header.count(sep) > header.count(","):
        from ._csv_read import convert_line  # it reads CSV text with this module's helpers

        return (f"{path}: a text table separated by {name} is not read (synthaug reads .csv, .csv.gz and Parquet); "
                f"save it with commas as a .csv: in Excel as 'CSV UTF-8', or in pandas "
                f"{convert_line(path, sep, path.with_suffix('.csv'))}")
    if header.count(","):
        return f"{path}: {suffix} is not a table extension synthaug reads; its header is separated by commas: " \
               f"rename it {path.with_suffix('.csv').name}"
    return None


def check_table_file(path: str | Path) -> str:
    """``path``'s table format, once it is a non-empty file; else a DataError naming it (and what to do
    with a workbook or a tab-separated file, by :func:`_other_table_file`)."""
    path = Path(path)
    if path.is_dir():
        raise DataError(f"{path}: is a folder; give a table file (.csv, .csv.gz or .parquet)")
    if table_suffix(path) not in TABLE_SUFFIXES and (why := _other_table_file(path)):
        raise DataError(why)
    fmt = table_format(path)
    if not path.is_file():
        raise DataError(f"{path}: file not found")
    if path.stat().st_size == 0:
        raise DataError(f"{path}: file is empty")
    return fmt


@contextlib.contextmanager
def report_folder(path: Path) -> Iterator[Path]:
    """``path`` made (with its parents) when missing; when the block fails, a folder it made is removed
    again if it is still empty (a full disk left an empty report folder behind)."""
    existed = path.exists()
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataError(f"{path}: cannot create this folder ({exc.strerror})") from None
    try:
        yield path
    except BaseException:
        if not existed:
            with contextlib.suppress(OSError):
                path.rmdir()
        raise


def check_can_create(folder: Path) -> None:
    """A DataError naming ``folder`` unless an entry can be made in it, or in its nearest existing parent
    when it does not exist yet: a probe folder is made there and removed at once (as root, os.access says
    yes even where sysfs or a read-only mount will refuse)."""
    if folder.is_symlink() and not folder.exists():  # mkdir there fails with a puzzling 'File exists'
        raise DataError(f"{folder}: a symbolic link to {os.readlink(folder)!r}, which does not exist")
    base = next((p for p in (folder, *folder.parents) if p.exists()), None)
    if base is None or not base.is_dir():
        return  # a file on the way: the callers name it
    try:
        os.rmdir(tempfile.mkdtemp(prefix=".synthaug-probe-", dir=base))
    except OSError as exc:
        where = "there" if base == folder else f"in {base}"
        raise DataError(f"{folder}: cannot write {where} ({exc.strerror})") from None


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary sibling of ``path``; on success it replaces ``path``, else it vanishes."""
    path = Path(path)
    if path.is_dir():
        raise DataError(f"{path}: is a folder; give the path of a file to write")
    make_parent(path)
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
    except OSError as exc:
        tmp_path.unlink(missing_ok=True)
        raise output_error(exc, path, tmp_path) from None
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise


def output_error(exc: OSError, path: Path, tmp: Path) -> OSError:
    """``exc`` (raised while ``path`` was written through its temporary sibling ``tmp``) naming ``path``
    when it named the temporary file or no file: a full disk said ``No space left on device`` with no
    path, and through pyarrow ``Error writing bytes to file. Detail: [errno 28] ...``. An error about
    another file (the model read meanwhile) is returned as it is."""
    named = exc.filename is not None and not str(exc.filename).startswith(str(tmp))
    if named and str(exc.filename) != str(path):
        return exc
    code = exc.errno
    if code is None and (found := re.search(r"\[errno (\d+)\]", str(exc), re.IGNORECASE)):
        code = int(found.group(1))
    if code is None:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return OSError(None, first, str(path))
    return OSError(code, os.strerror(code), str(path))


def check_replaceable_folder(path: str | Path) -> Path:
    """``path``, or a DataError if it is the current folder or one above it (which an output replaces)."""
    path = Path(path)
    resolved, here = path.resolve(), Path.cwd().resolve()
    if path.name in ("", "..") or resolved == here or resolved in here.parents:
        raise DataError(f"{path}: is the current folder or one above it, which the output would replace; "
                        "name a new folder, e.g. model")
    check_not_a_link(path)  # replacing it left the old folder, a new one and a dangling link behind
    return path


def check_not_a_link(path: Path) -> None:
    """A DataError if the output folder ``path`` is a symbolic link: ``fit``, ``share``, ``run`` and
    ``sample`` refuse one (replacing it broke it), and ``evaluate -o`` alike, rather than write through it."""
    if path.is_symlink():
        raise DataError(f"{path}: is a symbolic link; give the folder it points to ({path.resolve()}) or a new one")


def check_output_folder(path: str | Path, is_ours: Callable[[Path], bool], refusal: str,
                        error: type[Exception] = DataError,
                        own_files: Callable[[Path], Container[str]] = lambda _: ()) -> Path:
    """``path`` if an output that replaces the whole folder may go there: new, empty, or a folder
    ``is_ours`` recognises (an earlier output) holding only files synthaug writes there
    (``own_files(path)``: paths relative to it, with ``/``); else ``error`` naming the folder, or
    the first other file in it. Checked before any work, so the user's files are never deleted: a
    sample folder with the user's own ``manifest.csv``, or a note put into a model folder, were. A probe
    folder is made and removed beside it (in its nearest existing parent): as root, os.access says yes
    where sysfs or a read-only mount refuses, and ``fit -o /sys/model`` failed only after training."""
    path = check_replaceable_folder(path)
    if path.exists() and not (path.is_dir() and (not any(path.iterdir()) or is_ours(path))):
        raise error(f"{path}: {refusal}")
    stray = first_foreign_file(path, own_files(path)) if path.is_dir() else None
    if stray is not None:
        raise error(f"{path}: holds {stray}, which synthaug did not write there; the output replaces the whole "
                    "folder, so move that file out, or choose another path")
    blocker = next((p for p in path.parents if p.exists()), None)
    if blocker is not None and not blocker.is_dir():
        raise error(f"{path}: cannot create its folder: {blocker} is a file")
    if blocker is not None:  # /sys/model was refused only when written, after the whole training
        try:
            os.rmdir(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".probe", dir=blocker))
        except OSError as exc:
            where = "there" if blocker == path.parent else f"in {blocker}"
            raise error(f"{path}: cannot write {where} ({exc.strerror})") from None
    return path


def is_image_input(path: Path) -> bool:
    """Whether ``fit`` or ``evaluate`` reads ``path`` as images: a folder or an .npz; a .npy too, which the
    image reader refuses with how to save an .npz (as a table it was asked for --target)."""
    return path.is_dir() or path.suffix.lower() in (".npz", ".npy")


OS_METADATA = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})
"""Files a file browser leaves in any folder it shows (and ``._*``): an output replaces them unasked."""
OS_FOLDERS = frozenset({"__MACOSX"})
"""Folders an OS leaves behind (macOS's zip adds ``__MACOSX`` of ``._*`` files): an image folder's reader
skips them silently, as it skips hidden files and folders."""


def first_foreign_file(folder: Path, own: Container[str]) -> str | None:
    """The first file, or link to a folder, under ``folder`` (a sorted walk; its path relative to
    ``folder``, with ``/``) that is not in ``own`` and is not a file browser's metadata, or None.
    Folders themselves hold nothing to lose."""
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        links = [name for name in dirs if (Path(root) / name).is_symlink()]  # os.walk lists but never enters them
        for name in sorted(files + links):
            relative = (Path(root) / name).relative_to(folder).as_posix()
            if relative not in own and name not in OS_METADATA and not name.startswith("._"):
                return relative
    return None


def make_parent(path: Path) -> None:
    """Create the folder ``path`` goes in, or a DataError (e.g. a file of that name is in the way)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        why = "a file is in the way" if isinstance(exc, (FileExistsError, NotADirectoryError)) else exc.strerror
        raise DataError(f"{path}: cannot create its folder {path.parent} ({why})") from None


def usual_modes(folder: Path) -> None:
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
