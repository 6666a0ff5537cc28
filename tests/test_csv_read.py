"""synthaug._csv_read through synthaug.io.read_table: header names, spreadsheet leftovers, non-text files."""

import re
import zipfile

import numpy as np
import pandas as pd
import pytest

from synthaug import DataError, SynthaugWarning
from synthaug._csv_read import data_row_lines
from synthaug.io import read_table


def _csv(tmp_path, text, name="t.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode())
    return path


def test_a_name_given_twice_is_refused_with_both_columns(tmp_path):
    # pandas read outcome and outcome.1, and --target outcome used the first (the ages) silently
    path = _csv(tmp_path, "outcome,age,charge,sex,smoker,outcome\n64,64,3068.22,M,N,B\n42,42,158.39,M,Y,A\n")
    with pytest.raises(DataError, match=re.escape(f"column name 'outcome' appears twice in {path} (columns 1 and 6)")):
        read_table(path)
    with pytest.raises(DataError, match=r"'x' appears 3 times in .* \(columns 1, 2 and 3\)"):
        read_table(_csv(tmp_path, "x,x,x,y\n1,2,3,a\n"))


def test_names_that_differ_only_by_case_or_spaces_warn_once(tmp_path):
    path = _csv(tmp_path, "Age,age , AGE,outcome.1,outcome\n1,2,3,a,b\n")
    with pytest.warns(SynthaugWarning) as caught:
        frame = read_table(path)
    assert len(caught) == 1
    assert "'Age', 'age ' and ' AGE' (columns 1, 2 and 3) differ only by case or surrounding spaces" in str(
        caught[0].message)
    assert list(frame.columns) == ["Age", "age ", " AGE", "outcome.1", "outcome"]  # outcome.1 is a name as given


def test_empty_unnamed_columns_are_dropped_with_a_warning(tmp_path):
    path = _csv(tmp_path, "\ufeffa,b,,\r\n1,x,,\r\n2,y,,\r\n")  # Excel's BOM, CRLF and two trailing columns
    with pytest.warns(SynthaugWarning, match=r"left out 2 empty column\(s\) with no name \(column\(s\) 3 and 4"):
        frame = read_table(path)
    assert list(frame.columns) == ["a", "b"] and frame["a"].tolist() == [1, 2]


def test_an_unnamed_column_with_values_is_refused_by_its_position(tmp_path):
    with pytest.raises(DataError, match=r"t.csv: column 2 has no name in the header but holds values"):
        read_table(_csv(tmp_path, "a,,c\n1,5,x\n2,6,y\n"))


def test_a_saved_row_index_is_left_out_with_a_warning(tmp_path):
    path = tmp_path / "t.csv"
    pd.DataFrame({"a": [5, 6, 7], "y": ["p", "q", "p"]}).to_csv(path)  # index=True: ",a,y" then 0,5,p ...
    with pytest.warns(SynthaugWarning, match="left out column 1, which has no name and holds the row numbers"):
        frame = read_table(path)
    assert list(frame.columns) == ["a", "y"]


def test_trailing_commas_do_not_shift_the_columns(tmp_path):
    # pandas took the first field of each row for an index: a read 2, 4 and b was empty
    frame = read_table(_csv(tmp_path, "a,b\n1,2,\n3,4,\n"))
    assert list(frame.columns) == ["a", "b"] and frame["a"].tolist() == [1, 3] and frame["b"].tolist() == [2, 4]
    with pytest.raises(DataError, match=r"the data rows have 1 field\(s\) more than the header's 2 names"):
        read_table(_csv(tmp_path, "a,b\nx,1,2\ny,3,4\n"))


def test_empty_rows_are_dropped_with_their_count_and_first_line(tmp_path):
    path = _csv(tmp_path, 'age,note,y\n49,"two\nlines",A\n,,\n53,x,B\n\n,,\n')
    with pytest.warns(SynthaugWarning, match=r"dropped 2 empty row\(s\) \(the first on line 4\)"):
        frame = read_table(path)
    assert frame["age"].tolist() == [49, 53] and frame["y"].tolist() == ["A", "B"]


def test_a_repeated_header_is_named_by_its_line_before_any_column_check(tmp_path):
    rows = "".join(f"{i},{i % 3}.5,{'AB'[i % 2]}\n" for i in range(6))
    path = _csv(tmp_path, f'age,charge,outcome\n{rows}\nage,charge,outcome\n{rows}')  # a blank line before it
    with pytest.raises(DataError, match=r"t.csv: line 9 repeats the header; delete it"):
        read_table(path)  # was: target column 'outcome' ... or a numeric column with stray strings


def test_a_totals_row_at_the_end_is_named_by_its_line(tmp_path):
    rows = "".join(f"{i},{i}.5,{'AB'[i % 2]}\n" for i in range(4))
    with pytest.raises(DataError, match=r"line 6 looks like a totals row \(its first cell is 'Total'\)"):
        read_table(_csv(tmp_path, f"age,charge,outcome\n{rows}Total,12.0,\n,,\n"))  # empty rows after it too
    with pytest.raises(DataError, match=r"line 6 looks like a totals row \(its first cell is 'Sum:'\)"):
        read_table(_csv(tmp_path, f"age,charge,outcome\n{rows},Sum:,\n"))


def test_data_row_lines_count_quoted_line_breaks_and_skip_blank_lines():
    raw = b'\n a,b\r\n1,"x\r\ny"\r\n  \r\n2,z\r\n,\n3,"""q"""\n'
    assert data_row_lines(raw).tolist() == [3, 6, 7, 8]
    assert data_row_lines(b"a,b\r1,2\r3,4").tolist() == [2, 3]  # old Mac line ends


@pytest.mark.parametrize(("content", "message"), [
    ("xlsx", r"is an Excel workbook \(.xlsx\), not a text table; open it in Excel and save it as 'CSV UTF-8'"),
    ("zip", "is a zip archive, not a text table"),
    (b"PK\x03\x04garbage", "is not a text table"),  # was: file has no rows
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), r"is an Excel 97-2003 workbook \(.xls\)"),
    ("parquet", "is a Parquet file, not a text table; name it .parquet"),
])
def test_a_binary_file_named_csv_says_what_it_is(tmp_path, content, message):
    path = tmp_path / "t.csv"
    if content in ("xlsx", "zip"):
        with zipfile.ZipFile(path, "w") as archive:  # was: line 1 is not UTF-8 text (byte 0x..)
            archive.writestr("xl/workbook.xml" if content == "xlsx" else "data.csv", "a,b\n1,2\n" * 50)
    elif content == "parquet":
        pd.DataFrame({"a": np.arange(3)}).to_parquet(path)
    else:
        path.write_bytes(content)
    with pytest.raises(DataError, match=message):
        read_table(path)


@pytest.mark.parametrize(("name", "rows", "decimal"), [
    ("eu.csv", "46,0;Private;3674,25;0\n22,0;Sales;0,25;1\n", True),  # Excel's export in a European locale
    ("semi.csv", "46.0;Private;3674;0\n22.0;Sales;0;1\n", False),
    ("grouped.csv", "46;Private;1,234;0\n22;Sales;5,678;1\n", False),  # 1,234 may be a thousands separator
    ("eu.txt", "46,0;Private;3674,25;0\n22,0;Sales;0,25;1\n", True),
    ("dots.csv", "46,0;Private;1.234,50;0\n22,0;Sales;45,10;1\n", "dots"),  # thousands grouped by dots
], ids=["decimal-commas", "decimal-points", "thousands", "txt", "thousands-dots"])
def test_a_semicolon_separated_table_is_told_how_to_save_it_with_commas(tmp_path, name, rows, decimal):
    # a .csv was told "save it with commas" with no how-to; neither said decimal=',' for 46,0
    path = _csv(tmp_path, "age;job;amount;y\n" + rows, name)
    with pytest.raises(DataError) as caught:
        read_table(path)
    new = path.with_suffix(".csv") if name.endswith(".txt") else path.with_name(f"{path.stem}-commas.csv")
    decimal_comma = (", decimal=','" if decimal else "") + (", thousands='.'" if decimal == "dots" else "")
    line = f"pd.read_csv({str(path)!r}, sep=';'{decimal_comma}).to_csv({str(new)!r}, index=False)"
    assert str(caught.value).endswith(line), str(caught.value)
