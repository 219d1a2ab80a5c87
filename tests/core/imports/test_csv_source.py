"""Reading CSV files from other systems: encodings, delimiters, limits, line numbers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.imports.csv_source import Encoding, ImportFileError, Limits, read_csv, write_csv

NOT_UTF8 = (
    "The file is not UTF-8 text (byte 0xE9 at line 3). Save it as CSV UTF-8 or choose the "
    "encoding Windows-1252."
)


def values(data: bytes, **kwargs: object) -> list[dict[str, str]]:
    return [row.as_dict() for row in read_csv(data, **kwargs).rows]  # type: ignore[arg-type]


def test_utf8_with_and_without_a_bom_read_the_same() -> None:
    text = "SKU,Name\nGTR-1,Café Strat\n"
    plain = read_csv(text.encode())
    with_bom = read_csv(b"\xef\xbb\xbf" + text.encode())
    assert plain.headers == with_bom.headers == ("SKU", "Name")
    assert [r.as_dict() for r in plain.rows] == [r.as_dict() for r in with_bom.rows]
    assert plain.rows[0].as_dict() == {"SKU": "GTR-1", "Name": "Café Strat"}
    assert (plain.encoding, plain.delimiter) == (Encoding.UTF8, ",")


def test_a_windows_1252_file_is_refused_with_the_byte_and_its_line() -> None:
    data = "SKU,Name\nA,Plain\nB,Café\n".encode("cp1252")
    with pytest.raises(ImportFileError) as caught:
        read_csv(data)
    assert str(caught.value) == NOT_UTF8


def test_the_encoding_can_be_chosen_for_an_old_file() -> None:
    data = "SKU,Name\nB,Café – “quoted”\n".encode("cp1252")
    assert values(data, encoding=Encoding.WINDOWS_1252) == [{"SKU": "B", "Name": "Café – “quoted”"}]
    assert values(b"SKU,Name\nB,Caf\xe9\n", encoding=Encoding.LATIN_1)[0]["Name"] == "Café"
    # 0x81 is not a Windows-1252 character: say so, and suggest Latin-1.
    with pytest.raises(ImportFileError, match=r"not Windows-1252 text \(byte 0x81 at line 2\)"):
        read_csv(b"SKU,Name\nB,\x81\n", encoding=Encoding.WINDOWS_1252)


def test_a_utf8_bom_wins_over_a_chosen_encoding() -> None:
    data = b"\xef\xbb\xbf" + "SKU,Name\nB,Café\n".encode()
    assert values(data, encoding=Encoding.WINDOWS_1252)[0]["Name"] == "Café"


def test_utf16_unicode_text_is_refused_with_what_to_do() -> None:
    with pytest.raises(ImportFileError, match=r"UTF-16.*Save it as CSV UTF-8"):
        read_csv("SKU\tName\nA\tB\n".encode("utf-16"))


@pytest.mark.parametrize(
    ("data", "delimiter"),
    [
        (b"SKU;Name;Price\nA;Strat, Sunburst;12,50\n", ";"),
        (b"SKU\tName\tPrice\nA\tStrat, Sunburst\t12,50\n", "\t"),
        (b'"SKU;x",Name,Price\nA,"Strat; Sunburst",12\n', ","),
        (b"sep=;\nSKU;Name;Price\nA;Strat, Sunburst;12,50\n", ";"),
    ],
)
def test_the_delimiter_is_found_from_the_header(data: bytes, delimiter: str) -> None:
    source = read_csv(data)
    assert source.delimiter == delimiter
    assert len(source.headers) == 3
    assert source.rows[0].get(source.headers[1]).startswith("Strat")


def test_a_single_column_file_needs_no_delimiter() -> None:
    assert values(b"SKU\nA\nB\n") == [{"SKU": "A"}, {"SKU": "B"}]


def test_line_numbers_count_blank_lines_and_quoted_line_breaks() -> None:
    data = b'\nSKU,Notes\nA,"two\nlines"\n\n ,  \nB,x\r\nC,y'
    source = read_csv(data)
    assert [(r.line, r.get("SKU")) for r in source.rows] == [(3, "A"), (7, "B"), (8, "C")]
    assert source.rows[0].get("Notes") == "two\nlines"


def test_an_empty_file_is_refused() -> None:
    for data in (b"", b"\xef\xbb\xbf", b"\r\n  \n", b",,,\n"):
        with pytest.raises(ImportFileError, match="The file is empty"):
            read_csv(data)


def test_a_header_without_rows_reads_as_no_rows() -> None:
    source = read_csv(b"SKU,Name,Price\r\n")
    assert source.headers == ("SKU", "Name", "Price")
    assert source.rows == ()


def test_blank_duplicate_and_padded_headers_get_usable_names() -> None:
    source = read_csv(b" SKU ,,Notes,notes\nA,b,c,d\n")
    assert source.headers == ("SKU", "Column 2", "Notes", "notes (2)")
    assert source.rows[0].as_dict() == {"SKU": "A", "Column 2": "b", "Notes": "c", "notes (2)": "d"}


def test_short_rows_are_padded_and_long_rows_flagged() -> None:
    source = read_csv(b"SKU,Name,Price\nA,Strat\nB,Tele,5,extra\nC,LP,6,,  \n")
    short, long, trailing = source.rows
    assert short.as_dict() == {"SKU": "A", "Name": "Strat", "Price": ""}
    assert short.problems == ()
    assert long.problems == (
        "This row has 4 values but the header has 3 columns; look for a stray comma or a "
        "missing quote.",
    )
    assert trailing.problems == ()  # empty trailing cells are what spreadsheets write


def test_a_value_over_the_field_limit_flags_its_row_only() -> None:
    data = b"SKU,Name\nA," + b"x" * 10_001 + b"\nB,fine\n"
    first, second = read_csv(data).rows
    assert first.problems == ("The Name value has 10,001 characters; at most 10,000 are read.",)
    assert second.problems == ()


def test_a_value_beyond_what_csv_can_hold_is_a_broken_file() -> None:
    data = b'SKU,Name\nA,"never closed\n' + b"y" * 200_000 + b"\n"
    with pytest.raises(ImportFileError, match=r"Line 2 cannot be read as CSV.*quote \(\"\)"):
        read_csv(data)


def test_files_and_row_counts_over_the_limits_are_refused() -> None:
    with pytest.raises(ImportFileError, match="at most 0 MB"):
        read_csv(b"SKU\nA\n", limits=Limits(max_bytes=4))
    with pytest.raises(ImportFileError, match="more than 2 rows; split it"):
        read_csv(b"SKU\nA\nB\nC\n", limits=Limits(max_rows=2))
    assert len(read_csv(b"SKU\nA\nB\n", limits=Limits(max_rows=2)).rows) == 2


def test_formulas_are_defused_on_export_and_read_back_as_they_were() -> None:
    cells = ["=SUM(A1)", "+1 312 555 0100", "-5.00", "@cmd", "'=x", "'quoted", "plain", "\tx"]
    data = write_csv(["v"], [[c] for c in cells])
    lines = data.decode("utf-8-sig").split("\r\n")
    assert lines[1:5] == ["'=SUM(A1)", "'+1 312 555 0100", "-5.00", "'@cmd"]
    assert [r.get("v") for r in read_csv(data).rows] == cells


def test_sql_and_quotes_are_just_text() -> None:
    text = "Robert'); DROP TABLE product;--"
    data = write_csv(["Name", "Other"], [[text, '"quoted", with comma']])
    assert read_csv(data).rows[0].as_dict() == {"Name": text, "Other": '"quoted", with comma'}


_HEADER = st.text(alphabet="abcdefghijklmnopqrstuvwxyz ", min_size=1, max_size=8).map(str.strip)


@st.composite
def _tables(draw: st.DrawFn) -> tuple[list[str], list[list[str]]]:
    headers = draw(st.lists(_HEADER.filter(bool), min_size=1, max_size=4, unique_by=str.casefold))
    cell = st.text(st.characters(exclude_categories=["Cs"]), max_size=12)
    row = st.lists(cell, min_size=len(headers), max_size=len(headers)).filter(
        lambda r: any(v.strip() for v in r)
    )
    return headers, draw(st.lists(row, max_size=5))


@given(_tables(), st.sampled_from([None, Encoding.UTF8, Encoding.WINDOWS_1252]))
def test_whatever_is_written_reads_back_exactly(
    table: tuple[list[str], list[list[str]]], encoding: Encoding | None
) -> None:
    headers, rows = table
    source = read_csv(write_csv(headers, rows), encoding)  # the BOM says UTF-8 regardless
    assert source.headers == tuple(headers)
    assert [list(r.values) for r in source.rows] == rows
