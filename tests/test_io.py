import gzip
import os
import stat

import pandas as pd
import pytest

from synthaug import DataError
from synthaug.io import TableWriter, atomic_directory, atomic_path, read_table


def test_table_writer_streams_chunks_and_round_trips(tmp_path):
    frame = pd.DataFrame({"a": [1, 2], "b": ["x", None], "c": [0.5, float("nan")]})
    for name in ("t.csv", "t.parquet"):
        with TableWriter(tmp_path / name) as writer:
            writer.write(frame)
            writer.write(frame)
        back = read_table(tmp_path / name)
        assert len(back) == 4 and back["a"].tolist() == [1, 2, 1, 2]
        assert back["b"].isna().tolist() == [False, True, False, True]


def test_failed_write_leaves_nothing(tmp_path):
    with pytest.raises(RuntimeError), TableWriter(tmp_path / "t.csv") as writer:
        writer.write(pd.DataFrame({"a": [1]}))
        raise RuntimeError("stop")
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(KeyboardInterrupt), atomic_path(tmp_path / "x.json") as tmp:
        tmp.write_text("{}")
        raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []


def test_read_errors_name_the_file(tmp_path):
    (tmp_path / "bad.parquet").write_bytes(b"not parquet")
    with pytest.raises(DataError, match="bad.parquet: cannot be read as parquet"):
        read_table(tmp_path / "bad.parquet")
    (tmp_path / "header.csv").write_text("a,b\n")
    with pytest.raises(DataError, match="header.csv: file has no rows"):
        read_table(tmp_path / "header.csv")


def test_template_fixes_types_a_first_chunk_leaves_all_missing(tmp_path):
    template = pd.DataFrame({"flag": pd.Series([True, None], dtype=object), "n": [1, 2]})
    for name in ("t.csv", "t.parquet"):
        with TableWriter(tmp_path / name, template) as writer:
            writer.write(pd.DataFrame({"flag": pd.Series([None], dtype=object), "n": [3]}))
            writer.write(pd.DataFrame({"flag": pd.Series([False], dtype=object), "n": [4]}))
        back = read_table(tmp_path / name)
        assert back["flag"].isna().tolist() == [True, False] and back["n"].tolist() == [3, 4]


def test_no_rows_still_writes_the_header(tmp_path):
    template = pd.DataFrame({"a": [1], "b": ["x"]})
    for name in ("t.csv", "t.parquet"):
        with TableWriter(tmp_path / name, template):
            pass
        path = tmp_path / name
        back = pd.read_csv(path) if name.endswith(".csv") else pd.read_parquet(path)
        assert list(back.columns) == ["a", "b"] and len(back) == 0


def test_output_paths_that_cannot_be_files_are_named(tmp_path):
    (tmp_path / "out.csv").mkdir()
    (tmp_path / "afile").write_text("")
    for path, message in ((tmp_path / "out.csv", "is a folder"), (tmp_path / "afile" / "t.csv", "cannot create")):
        with pytest.raises(DataError, match=message), TableWriter(path) as writer:
            writer.write(pd.DataFrame({"a": [1]}))
    with pytest.raises(DataError, match="cannot create"), atomic_directory(tmp_path / "afile" / "d"):
        pass
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile", "out.csv"]


def test_parquet_keeps_nullable_dtypes(tmp_path):
    frame = pd.DataFrame({"n": pd.array([1, None], dtype="Int64"), "b": pd.array([True, None], dtype="boolean")})
    with TableWriter(tmp_path / "t.parquet", frame) as writer:
        writer.write(frame)
        writer.write(frame.dropna())
    back = read_table(tmp_path / "t.parquet")
    assert back.dtypes.astype(str).tolist() == ["Int64", "boolean"] and len(back) == 3


def test_csv_writes_timestamps_at_their_resolution(tmp_path):
    frame = pd.DataFrame({
        "day": pd.to_datetime(["2021-08-14", "2021-08-15"]),
        "second": pd.to_datetime(["2021-08-14 10:00:01", "2021-08-15 00:00:00"]),
        "milli": pd.to_datetime(["2021-08-14 10:00:01.250", "2021-08-15 00:00:00.000"]),
        "local_day": pd.to_datetime(["2021-08-14", "2021-08-15"]).tz_localize("Europe/Berlin"),
        "none": pd.Series([pd.NaT, pd.NaT], dtype="datetime64[ns]"),
    })
    with TableWriter(tmp_path / "t.csv") as w:
        w.write(frame)
    lines = (tmp_path / "t.csv").read_text().splitlines()
    assert lines[1].split(",") == ["2021-08-14", "2021-08-14 10:00:01", "2021-08-14 10:00:01.250",
                                   "2021-08-14 00:00:00+02:00", ""]
    back = pd.read_csv(tmp_path / "t.csv", parse_dates=["day", "second", "milli"])
    for name in ("day", "second", "milli"):
        assert back[name].equals(frame[name].astype(back[name].dtype))


def test_csv_resolutions_given_with_a_template_hold_for_every_chunk(tmp_path):
    day = pd.DataFrame({"d": pd.to_datetime(["2021-08-14"])})
    with TableWriter(tmp_path / "t.csv", template=day, time_resolutions={"d": 10**9}) as w:
        w.write(day)  # a chunk that happens to fall on midnight keeps the column's seconds
        w.write(pd.DataFrame({"d": pd.to_datetime(["2021-08-14 10:00:01"])}))
    assert (tmp_path / "t.csv").read_text().splitlines()[1:] == ["2021-08-14 00:00:00", "2021-08-14 10:00:01"]
    with TableWriter(tmp_path / "p.parquet", template=day, time_resolutions={"d": 10**9}) as w:
        w.write(day)
    assert pd.read_parquet(tmp_path / "p.parquet")["d"].equals(day["d"])  # Parquet keeps the dtype


@pytest.mark.parametrize("name", ["out.parquet", "out.csv", "out.csv.gz"])
def test_a_writer_that_fails_when_closing_leaves_no_file(tmp_path, name):
    # A failing close (Parquet writes its footer then; a full disk) skipped the cleanup and left
    # the temporary .out.parquet.*.tmp next to the output.
    class FullDisk:
        def __init__(self, writer):
            self.writer = writer

        def close(self):
            self.writer.close()
            raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space"), TableWriter(tmp_path / name) as writer:
        writer.write(pd.DataFrame({"a": [1, 2]}))
        writer._writer = FullDisk(writer._writer)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("name", "error"), [
    ("x.csv", OSError(28, "No space left on device")),  # Python's write: no file named
    ("x.parquet", OSError("Error writing bytes to file. Detail: [errno 28] No space left on device")),  # pyarrow's
])
def test_a_full_disk_while_writing_names_the_output_not_the_temporary_file(tmp_path, name, error):
    class FullDisk:
        def __init__(self, writer):
            self.writer = writer

        def write_table(self, table):
            raise error

        def close(self):
            self.writer.close()

    with pytest.raises(OSError) as raised, TableWriter(tmp_path / "full" / name) as writer:
        writer.write(pd.DataFrame({"a": [1, 2]}))
        writer._writer = FullDisk(writer._writer)
        writer.write(pd.DataFrame({"a": [3]}))
    assert (raised.value.errno, raised.value.strerror, raised.value.filename) == (
        28, "No space left on device", str(tmp_path / "full" / name))
    assert list((tmp_path / "full").iterdir()) == []


def test_an_error_about_another_file_keeps_its_name(tmp_path):
    from synthaug._paths import atomic_path

    with pytest.raises(PermissionError) as raised, atomic_path(tmp_path / "x.csv"):
        raise PermissionError(13, "Permission denied", str(tmp_path / "model" / "model.json"))
    assert raised.value.filename == str(tmp_path / "model" / "model.json")


def test_csv_dates_beyond_nanoseconds_are_written_as_they_are(tmp_path):
    # a 9999-12-31 placeholder in a datetime64[us] column raised OutOfBoundsDatetime when choosing the resolution
    frame = pd.DataFrame({"end": pd.to_datetime(["2020-01-01", "9999-12-31"]).astype("datetime64[us]")})
    with TableWriter(tmp_path / "t.csv") as w:
        w.write(frame)
    assert (tmp_path / "t.csv").read_text().splitlines()[1:] == ["2020-01-01 00:00:00.000000",
                                                                  "9999-12-31 00:00:00.000000"]


def test_refusing_the_current_folder_quotes_no_cli_option(tmp_path, monkeypatch):
    # model.save(".") answered 'name a new folder, e.g. -o model' to a Python call
    from synthaug.io import check_replaceable_folder

    monkeypatch.chdir(tmp_path)
    with pytest.raises(DataError, match=r"^\.: is the current folder .*; name a new folder, e\.g\. model$"):
        check_replaceable_folder(".")


def test_csv_is_written_as_pandas_writes_it(tmp_path):
    """Quotes only where a field needs them (Arrow's writer quoted every header and text field),
    booleans as True/False, numbers as pandas writes them; over two chunks, missing values in both."""
    frame = pd.DataFrame({
        "spend": [12.5, 3.99, None], "n": pd.array([1, None, 3], dtype="Int64"), "whole": [1.0, 2.0, 3.0],
        "city": ["Oslo", "Lima", None], "member": pd.array([True, False, None], dtype="boolean"),
        "day": pd.to_datetime(["2021-08-14", None, "2021-08-16"]), "label": ["a", "b", "a"],
    })
    with TableWriter(tmp_path / "t.csv") as writer:
        writer.write(frame)
        writer.write(frame.iloc[:1])
    assert (tmp_path / "t.csv").read_text() == frame.iloc[[0, 1, 2, 0]].to_csv(index=False, lineterminator="\n")
    assert (tmp_path / "t.csv").read_text().splitlines()[:2] == ["spend,n,whole,city,member,day,label",
                                                                 "12.5,1,1.0,Oslo,True,2021-08-14,a"]


@pytest.mark.parametrize("zone", ["Europe/Berlin", "UTC", "Asia/Kolkata"])
def test_time_zone_timestamps_are_written_as_pandas_writes_them(tmp_path, zone):
    """Offsets as +02:00 (Arrow wrote +0200, and Z for UTC), local times, fractions by the column's resolution."""
    frame = pd.DataFrame({"at": pd.to_datetime(["2021-08-14 10:00:00.25", None, "2021-01-02 03:04:05"],
                                                format="ISO8601").tz_localize(zone), "y": [0, 1, 0]})
    with TableWriter(tmp_path / "t.csv") as writer:
        writer.write(frame)
    text = (tmp_path / "t.csv").read_text()
    assert text == frame.to_csv(index=False, lineterminator="\n")
    back = pd.to_datetime(pd.read_csv(tmp_path / "t.csv")["at"], utc=True).dt.tz_convert(zone)
    assert (back == frame["at"])[[0, 2]].all() and back.isna()[1]


TEXT = ["plain", "a, b", 'say "hi"', "two\nlines", "crlf\r\nhere", " padded ", "tab\there", "東京", ""]


@pytest.mark.parametrize("header", ["plain", "a, b", "cr\rname", 'say "hi"'])
def test_csv_text_with_commas_quotes_and_line_breaks_round_trips(tmp_path, header):
    """A lone carriage return too, which Python's csv module (and so pandas) left unquoted before
    3.11.9 (gh-67044), and which readers then take for the end of a row."""
    text = [*TEXT, "cr\rhere"]
    frame = pd.DataFrame({header: text, "x": range(len(text))})
    with TableWriter(tmp_path / "t.csv") as writer:
        writer.write(frame)
        writer.write(frame.iloc[:2])
    back = pd.read_csv(tmp_path / "t.csv", keep_default_na=False)
    assert list(back.columns) == [header, "x"] and back[header].tolist() == text + text[:2]
    assert '"cr\rhere",9\n' in (tmp_path / "t.csv").read_bytes().decode("utf-8")


def test_csv_quotes_only_the_fields_that_need_it(tmp_path):
    frame = pd.DataFrame({"a, b": TEXT, "x": range(len(TEXT))})
    with TableWriter(tmp_path / "t.csv") as writer:
        writer.write(frame)
    lines = (tmp_path / "t.csv").read_bytes().decode("utf-8")  # read_text would turn \r\n into \n
    assert lines == frame.to_csv(index=False, lineterminator="\n")
    assert lines.startswith('"a, b",x\nplain,0\n"a, b",1\n"say ""hi""",2\n"two\nlines",3\n')


def test_a_file_that_is_not_utf8_names_its_line_and_the_fix(tmp_path):
    # "'utf-8' codec can't decode byte 0xe9 in position 0": position in pandas' chunk, no hint
    path = tmp_path / "latin.csv"
    path.write_bytes("a,b,y\n1,2,0\n3,café,1\n".encode("cp1252"))
    with pytest.raises(DataError, match=r"latin\.csv: line 3 is not UTF-8 text \(byte 0xe9\); save the file as UTF-8"):
        read_table(path)


@pytest.mark.parametrize(("encoding", "named"), [("utf-16", "UTF-16"), ("utf-16-be", "UTF-16"),
                                                 ("utf-32", "UTF-32"), ("utf-32-be", "UTF-32")])
def test_a_utf16_or_utf32_file_is_named_by_its_byte_order_mark(tmp_path, encoding, named):
    # it was told "line 1 is not UTF-8 text (byte 0xff); ... (e.g. from Windows-1252/Latin-1)"
    path = tmp_path / "wide.csv"
    path.write_bytes(("\ufeff" if encoding.endswith("-be") else "").encode(encoding)
                     + "a,b,y\n1,2,0\n3,4,1\n".encode(encoding))
    with pytest.raises(DataError) as caught:
        read_table(path)
    assert str(caught.value) == (f"{path}: is {named} text (it starts with a {named} byte-order mark), not UTF-8; "
                                 "save the file as UTF-8 (e.g. Excel's 'CSV UTF-8')")


@pytest.mark.parametrize("sep, name", [(";", "semicolons"), ("\t", "tabs")])
def test_a_csv_separated_otherwise_says_so(tmp_path, sep, name):
    # read as one column 'a;b;y', then 'target column y not found'
    path = tmp_path / "t.csv"
    path.write_text(sep.join(["a", "b", "y"]) + "\n" + sep.join(["1", "2,5", "0"]) + "\n")
    with pytest.raises(DataError, match=f"read as a single column .*separated by {name}: save it with commas"):
        read_table(path)
    path.write_text(sep.join(["a", "b", "y"]) + "\n1,5" + sep + "2\n1,5,6" + sep + "2" + sep + "0\n")
    with pytest.raises(DataError, match=f"cannot be read as csv: .*; its header is separated by {name}"):
        read_table(path)
    path.write_text("only\n1\n2\n")
    assert read_table(path).columns.tolist() == ["only"]  # one column, no other separator: a table


def test_a_written_folder_and_everything_in_it_get_the_umasks_usual_modes(tmp_path):
    # mkdtemp makes 0700 and libraries (safetensors) write 0600: a shared output was unreadable to others
    previous = os.umask(0o022)
    try:
        with atomic_directory(tmp_path / "out") as tmp:
            (tmp / "sub").mkdir(mode=0o700)
            for path in (tmp / "a.bin", tmp / "sub" / "b.png"):
                os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    finally:
        os.umask(previous)
    out = tmp_path / "out"
    modes = {str(p.relative_to(tmp_path)): stat.S_IMODE(p.stat().st_mode) for p in [out, *out.rglob("*")]}
    assert modes == {"out": 0o755, "out/sub": 0o755, "out/a.bin": 0o644, "out/sub/b.png": 0o644}


def test_csv_gz_is_the_csv_text_gzipped_with_no_name_or_time(tmp_path):
    # "unknown table extension '.gz'": pandas users write df.to_csv("x.csv.gz")
    frame = pd.DataFrame({"a": [1, 2, 3], "b": ["x", "y, z", None], "c": [0.5, 1.0, float("nan")]})
    for name in ("t.csv", "T.CSV.GZ", "again/T.CSV.GZ"):
        with TableWriter(tmp_path / name) as writer:
            writer.write(frame.iloc[:2])
            writer.write(frame.iloc[2:])
    packed = (tmp_path / "T.CSV.GZ").read_bytes()
    assert gzip.decompress(packed) == (tmp_path / "t.csv").read_bytes()
    assert packed[3] == 0 and packed[4:8] == bytes(4)  # flags: no file name; mtime 0
    assert packed == (tmp_path / "again" / "T.CSV.GZ").read_bytes()  # the temporary file's name is in no header
    back = read_table(tmp_path / "T.CSV.GZ")
    assert back["b"].tolist()[:2] == ["x", "y, z"] and back["a"].tolist() == [1, 2, 3]


@pytest.mark.parametrize(("content", "message"), [
    (b"a,b\n1,2\n", "it is not gzip-compressed; if it is plain CSV, name it .csv"),  # the raw bytes were quoted
    (gzip.compress(b"a,b\n" + b"1,2\n" * 5000)[:-20], "it is cut short (an unfinished download or copy?)"),  # EOFError
], ids=["plain", "cut"])
def test_a_csv_gz_gzip_refuses_is_named_without_its_bytes(tmp_path, content, message):
    path = tmp_path / "t.csv.gz"
    path.write_bytes(content)
    with pytest.raises(DataError) as caught:
        read_table(path)
    assert str(caught.value) == f"{path}: cannot be read as gzip-compressed csv: {message}"


def test_a_csv_gz_gets_the_encoding_and_separator_advice_of_its_text(tmp_path):
    # the advice read the compressed bytes: "line 1 is not UTF-8 text (byte 0x8b)", and no separator hint
    path = tmp_path / "t.csv.gz"
    path.write_bytes(gzip.compress("a,b,y\n1,2,0\n3,café,1\n".encode("cp1252")))
    with pytest.raises(DataError, match=r"t\.csv\.gz: line 3 is not UTF-8 text \(byte 0xe9\)"):
        read_table(path)
    path.write_bytes(gzip.compress(b"a;b;y\n1,5;2\n1,5,6;2;0\n"))
    with pytest.raises(DataError, match="cannot be read as csv: .*; its header is separated by semicolons"):
        read_table(path)


def _model_folder_rule(path):
    from synthaug._paths import check_output_folder

    return check_output_folder(path, lambda p: (p / "model.json").exists(), "not ours",
                               own_files=lambda _: {"model.json"})


def test_a_file_put_into_the_output_during_the_work_is_not_deleted(tmp_path):
    """share, run and image sample checked their folder before minutes of work only: a file added
    meanwhile went with the old folder."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "model.json").write_text("{}")
    with (pytest.raises(DataError, match="holds notes.txt, which synthaug did not write there"),
          atomic_directory(out, recheck=_model_folder_rule) as tmp):
        (tmp / "model.json").write_text("new")
        (out / "notes.txt").write_text("mine")  # the user, during a long fit
    assert (out / "notes.txt").read_text() == "mine" and (out / "model.json").read_text() == "{}"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no temporary folder left


def test_browser_metadata_is_replaced_but_links_and_symlinked_outputs_are_not(tmp_path):
    out = tmp_path / "m"
    out.mkdir()
    (out / "model.json").write_text("{}")
    for name in (".DS_Store", "Thumbs.db", "._model.json"):  # Finder, Explorer: a refit was refused
        (out / name).write_bytes(b"x")
    _model_folder_rule(out)
    (tmp_path / "userdata").mkdir()
    (out / "link").symlink_to(tmp_path / "userdata", target_is_directory=True)  # os.walk never reported it
    with pytest.raises(DataError, match="holds link, which synthaug did not write there"):
        _model_folder_rule(out)
    (out / "link").unlink()
    (tmp_path / "mlink").symlink_to(out, target_is_directory=True)  # replacing it left three folders behind
    with pytest.raises(DataError, match="mlink: is a symbolic link; give the folder it points to"):
        _model_folder_rule(tmp_path / "mlink")


def _workbook(path):
    import zipfile

    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return path


@pytest.mark.parametrize(("name", "content", "message"), [
    ("book.xlsx", None, "book.xlsx: is an Excel workbook (.xlsx), not a text table; open it in Excel and save it "
                        "as 'CSV UTF-8'"),
    ("book.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "book.xls: is an Excel 97-2003 workbook (.xls)"),
    ("data.tsv", b"age\tlabel\n1\ta\n", "data.tsv: a text table separated by tabs is not read (synthaug reads "
                                       ".csv, .csv.gz and Parquet); save it with commas as a .csv: in Excel as "
                                       "'CSV UTF-8', or in pandas pd.read_csv("),
    ("data.txt", b"age;label\n1;a\n", "data.txt: a text table separated by semicolons"),
    ("data.txt", b"age,label\n1,a\n", "data.txt: .txt is not a table extension synthaug reads; its header is "
                                     "separated by commas: rename it data.csv"),
    ("notes.txt", b"just words\n", "notes.txt: unknown table extension '.txt'"),
])
def test_a_table_of_another_extension_says_what_to_do(name, content, message, tmp_path):
    """`fit book.xlsx` said "unknown table extension '.xlsx'", while the same workbook named .csv was named
    an Excel workbook to save as CSV; a .tsv was not told to use commas."""
    path = tmp_path / name
    _workbook(path) if content is None else path.write_bytes(content)
    with pytest.raises(DataError) as caught:
        read_table(path)
    assert str(caught.value).startswith(str(tmp_path)) and message in str(caught.value), str(caught.value)
    if name == "data.tsv":
        assert f"sep='\\t').to_csv({str(tmp_path / 'data.csv')!r}, index=False)" in str(caught.value)


def _other_process_writes(out, when):
    """os.replace as _paths calls it, with another process acting on ``out`` just before one of its moves:
    "aside", it moves the old output away before ours does; "in", its complete output lands before ours."""
    real, done = os.replace, []

    def replace(src, dst):
        if not done and when == "aside" and str(src) == str(out):
            real(out, out.with_name("elsewhere"))
            done.append(True)
        if not done and when == "in" and str(dst) == str(out):
            out.mkdir()
            (out / "model.json").write_text("theirs")
            done.append(True)
        return real(src, dst)
    return replace


@pytest.mark.parametrize("existed, when", [(False, "in"), (True, "in"), (True, "aside")])
def test_a_concurrent_write_of_the_same_folder_is_one_line_and_leaves_a_whole_output(tmp_path, monkeypatch,
                                                                                     existed, when):
    """Two processes saving one model: the check-then-replace raised a raw ``OSError: [Errno 39] Directory
    not empty`` (or ENOENT). Now the output there stays whole and the other write is one line naming it."""
    out = tmp_path / "out"
    if existed:
        out.mkdir()
        (out / "model.json").write_text("old")
    monkeypatch.setattr("synthaug._paths.os.replace", _other_process_writes(out, when))
    try:
        with atomic_directory(out) as tmp:
            (tmp / "model.json").write_text("mine")
    except DataError as exc:
        assert when == "in" and str(exc) == (f"{out}: another process wrote it at the same time; its output is "
                                             "there, complete, and this one was not written")
        assert (out / "model.json").read_text() == "theirs"
    else:  # the other process moved the old output aside and has not put its own in yet: ours is there
        assert when == "aside" and (out / "model.json").read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "elsewhere") == ["out"]  # no temporary left


@pytest.mark.parametrize("check", ["model", "images", "run"])
def test_an_output_that_cannot_be_written_is_refused_before_any_work(check, tmp_path):
    """``fit -o /sys/model`` trained every step, then said it cannot write there (os.access says yes as root)."""
    from synthaug._paths import check_image_output
    from synthaug.persist import check_model_path

    checks = {"model": check_model_path, "images": check_image_output, "run": _model_folder_rule}
    with pytest.raises(Exception, match=r"^/proc/nope/model: cannot write in /proc \(") as info:
        checks[check]("/proc/nope/model")
    assert isinstance(info.value, DataError) or type(info.value).__name__ == "ModelFileError"
    checks[check](tmp_path / "a" / "model")  # writable: nothing left behind by the probe
    assert list(tmp_path.iterdir()) == []
