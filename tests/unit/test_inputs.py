"""Bulk input files: encodings, delimiters, XLSX cells, headers in three languages, row checks."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agent.bulk.inputs import HEADER_ALIASES, InputFile, read_rows
from agent.core.errors import InputError

S10 = "RR473124829GB"
RP = "62009147017544"
P1, P2, P3 = "48173252-0033-2", "0132112277-0102-1", "48173252-0034-1"


def _csv(tmp_path: Path, text: str, encoding: str = "utf-8", name: str = "orders.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _xlsx(tmp_path: Path, rows: list[list[Any]], name: str = "orders.xlsx", **formats: str) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Orders"
    for row in rows:
        sheet.append(row)
    for coordinate, number_format in formats.items():
        sheet[coordinate].number_format = number_format
    path = tmp_path / name
    workbook.save(path)
    return path


def _problems(result: InputFile) -> list[tuple[int, str, str]]:
    return [(p.row_number, p.field, p.message) for p in result.problems]


# --- encodings and delimiters ------------------------------------------------------------------


def test_read_rows_should_detect_gbk_with_chinese_headers(tmp_path: Path) -> None:
    text = (
        "货件编号,新单号,物流公司,备注,通知买家\n"
        f"{P1},{S10},中国邮政,单号错了,是\n"
        f"{P2},{RP},俄罗斯邮政,,否\n"
    )
    result = read_rows(_csv(tmp_path, text, "gbk"))
    assert result.encoding == "gb18030"
    assert result.columns == ["货件编号", "新单号", "物流公司", "备注", "通知买家"]
    first, second = result.rows
    assert (first.posting_number, first.tracking_number, first.carrier) == (P1, S10, "china_post")
    assert (first.reason, first.notify) == ("单号错了", True)
    assert (second.carrier, second.notify, second.reason) == ("russian_post", False, None)
    assert first.original["备注"] == "单号错了"


def test_read_rows_should_read_utf8_with_bom_and_russian_headers(tmp_path: Path) -> None:
    text = f"Номер отправления,Трек-номер,Служба доставки,Причина\n{P1},{RP},Почта России,ошибка\n"
    result = read_rows(_csv(tmp_path, text, "utf-8-sig"))
    assert result.encoding == "utf-8-sig"
    assert result.columns[0] == "Номер отправления"
    assert [(r.posting_number, r.tracking_number, r.carrier, r.reason) for r in result.rows] == [
        (P1, RP, "russian_post", "ошибка")
    ]


def test_read_rows_should_report_plain_utf8(tmp_path: Path) -> None:
    assert read_rows(_csv(tmp_path, f"posting_number,tracking_number\n{P1},{S10}\n")).encoding == "utf-8"


@pytest.mark.parametrize("delimiter", [";", "\t", ","])
def test_read_rows_should_sniff_the_delimiter(tmp_path: Path, delimiter: str) -> None:
    text = delimiter.join(["posting_number", "tracking_number", "carrier"]) + "\n"
    text += delimiter.join([P1, S10, "China Post"]) + "\n"
    result = read_rows(_csv(tmp_path, text))
    rows = [(r.posting_number, r.tracking_number, r.carrier) for r in result.rows]
    assert rows == [(P1, S10, "china_post")]


def test_read_rows_should_honour_excels_sep_line(tmp_path: Path) -> None:
    result = read_rows(_csv(tmp_path, f"sep=;\nposting_number;tracking_number\n{P1};{S10}\n"))
    assert [(r.row_number, r.tracking_number) for r in result.rows] == [(2, S10)]


def test_read_rows_should_read_excels_utf16_unicode_text(tmp_path: Path) -> None:
    result = read_rows(_csv(tmp_path, f"posting_number\ttracking_number\r\n{P1}\t{S10}\r\n", "utf-16"))
    assert result.encoding == "utf-16"
    assert [r.tracking_number for r in result.rows] == [S10]


def test_read_rows_should_match_headers_ignoring_case_spaces_underscores_and_bom(tmp_path: Path) -> None:
    text = f"\ufeff\ufeff Posting Number ,TRACKING_number, Delivery service\n{P1},{S10},cdek\n"
    result = read_rows(_csv(tmp_path, text))
    assert [(r.posting_number, r.carrier) for r in result.rows] == [(P1, "cdek")]


def test_read_rows_should_prefer_the_new_number_column_over_a_plain_tracking_column(tmp_path: Path) -> None:
    text = f"posting_number,tracking_number,new_tracking\n{P1},62009147017551,{S10}\n"
    assert [r.tracking_number for r in read_rows(_csv(tmp_path, text)).rows] == [S10]


# --- XLSX --------------------------------------------------------------------------------------


def test_read_rows_should_keep_every_digit_of_numeric_xlsx_cells(tmp_path: Path) -> None:
    path = _xlsx(tmp_path, [
        ["posting_number", "tracking_number", "notify"],
        [P1, 62009147017544, True],
        [P2, 62009147017544.0, 1],
        [P3, 1234567890, None],
    ])
    result = read_rows(path)
    assert result.encoding == "xlsx"
    assert [(r.tracking_number, r.raw_tracking, r.notify) for r in result.rows] == [
        (RP, RP, True), (RP, RP, True), ("1234567890", "1234567890", None)
    ]
    assert result.rows[0].original["tracking_number"] == RP


def test_read_rows_should_restore_leading_zeros_kept_by_an_xlsx_number_format(tmp_path: Path) -> None:
    path = _xlsx(tmp_path, [["posting_number", "tracking_number"], [P1, 123456789]], B2="0000000000000")
    assert [r.tracking_number for r in read_rows(path).rows] == ["0000123456789"]


def test_read_rows_should_read_the_named_sheet(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    first = workbook.active
    assert first is not None
    first.append(["nothing here"])
    second = workbook.create_sheet("Changes")
    second.append(["posting_number", "tracking_number"])
    second.append([P1, S10])
    path = tmp_path / "book.xlsx"
    workbook.save(path)
    assert [r.posting_number for r in read_rows(path, sheet="Changes").rows] == [P1]
    with pytest.raises(InputError, match=r"book.xlsx: no sheet named 'Nope'.*'Changes'"):
        read_rows(path, sheet="Nope")


def test_read_rows_should_say_a_csv_named_xlsx_is_not_an_excel_workbook(tmp_path: Path) -> None:
    path = _csv(tmp_path, f"posting_number,tracking_number\n{P1},{S10}\n", name="orders.xlsx")
    with pytest.raises(InputError, match=r"^orders.xlsx: not an Excel workbook: .*plain text.*rename it to .csv"):
        read_rows(path)


@pytest.mark.parametrize(("name", "content", "expected"), [
    ("orders.xlsx", b"not a zip", r"orders.xlsx: not an Excel workbook: the file holds plain text"),
    ("orders.xlsx", "货件编号,新单号\n".encode("gbk"), r"orders.xlsx: not an Excel workbook: .*plain text"),
    ("orders.xlsx", b"<html><body><table><tr><td>x</td></tr></table>",
     r"orders.xlsx: not an Excel workbook: the file holds a web page.*save it as an .xlsx"),
    ("orders.xlsx", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8,
     r"orders.xlsx: not an Excel workbook: the file holds binary data"),
    ("orders.xlsm", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100,
     r"orders.xlsm: not an Excel workbook: the file holds an old Excel .xls workbook"),
    ("orders.xls", f"posting_number\ttracking_number\n{P1}\t{S10}\n".encode(),
     r"orders.xls: not an Excel .xls workbook: the file holds plain text"),
    ("orders.xls", b"PK\x03\x04rest", r"orders.xls: .*zip archive.*rename it to .xlsx"),
    ("orders.csv", b"PK\x03\x04" + b"\x00" * 50, r"orders.csv: not a CSV text file: .*zip archive.*rename it to .xlsx"),
    ("orders.txt", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100,
     r"orders.txt: not a TXT text file: the file holds an old Excel .xls workbook"),
], ids=["text-as-xlsx", "gbk-text-as-xlsx", "html-as-xlsx", "png-as-xlsx", "xls-as-xlsm", "tsv-as-xls",
        "xlsx-as-xls", "workbook-as-csv", "xls-as-txt"])
def test_read_rows_should_refuse_content_that_does_not_match_the_extension(
    tmp_path: Path, name: str, content: bytes, expected: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError, match=expected):
        read_rows(path)


def test_read_rows_should_let_the_content_decide_for_other_extensions(tmp_path: Path) -> None:
    text_path = _csv(tmp_path, f"posting_number,tracking_number\n{P1},{S10}\n", name="orders.export")
    book_path = _xlsx(tmp_path, [["posting_number", "tracking_number"], [P2, RP]], name="orders")
    assert [r.tracking_number for r in read_rows(text_path).rows] == [S10]
    assert [r.tracking_number for r in read_rows(book_path).rows] == [RP]


def test_read_rows_should_refuse_a_legacy_xls_file(tmp_path: Path) -> None:
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    with pytest.raises(InputError, match=r"old.xls: old Excel .xls format"):
        read_rows(path)


# --- fatal problems ----------------------------------------------------------------------------


def test_read_rows_should_name_the_file_when_the_tracking_column_is_missing(tmp_path: Path) -> None:
    expected = r"^orders.csv: no column for the new tracking number; expected one of:"
    with pytest.raises(InputError, match=expected):
        read_rows(_csv(tmp_path, f"posting_number,comment\n{P1},x\n"))


def test_read_rows_should_name_the_file_when_the_posting_column_is_missing(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"^orders.csv: no column for the posting number.*货件编号"):
        read_rows(_csv(tmp_path, f"order,tracking_number\n{P1},{S10}\n"))


@pytest.mark.parametrize("content", [b"", b"  \r\n\n", b",,,\n,,\n"])
def test_read_rows_should_refuse_an_empty_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "orders.csv"
    path.write_bytes(content)
    with pytest.raises(InputError, match="orders.csv: the file is empty"):
        read_rows(path)


def test_read_rows_should_refuse_a_header_without_rows(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="orders.csv: no data rows"):
        read_rows(_csv(tmp_path, "posting_number,tracking_number\n\n"))


def test_read_rows_should_refuse_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="nope.csv: file not found"):
        read_rows(tmp_path / "nope.csv")


def test_read_rows_should_refuse_binary_garbage(tmp_path: Path) -> None:
    path = tmp_path / "orders.xlsx"
    path.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 4)
    with pytest.raises(InputError, match="orders.xlsx: not a readable CSV or XLSX file"):
        read_rows(path)


# --- rows --------------------------------------------------------------------------------------


def test_read_rows_should_number_rows_as_excel_shows_them(tmp_path: Path) -> None:
    text = f"posting_number,tracking_number\n{P1},{S10}\n\n,\n{P2},{RP}\n"
    assert [r.row_number for r in read_rows(_csv(tmp_path, text)).rows] == [2, 5]


def test_read_rows_should_number_xlsx_rows_as_excel_shows_them(tmp_path: Path) -> None:
    path = _xlsx(tmp_path, [["posting_number", "tracking_number"], [P1, S10], [None, None], [P2, RP]])
    assert [r.row_number for r in read_rows(path).rows] == [2, 4]


def test_read_rows_should_find_the_header_below_a_title_row(tmp_path: Path) -> None:
    text = f"货件列表 2024-05\n货件号,运单号\n{P1},{S10}\n"
    result = read_rows(_csv(tmp_path, text))
    assert [(r.row_number, r.posting_number) for r in result.rows] == [(3, P1)]
    assert result.columns == ["货件号", "运单号"]


def test_read_rows_should_report_bad_rows_with_original_values_and_keep_the_rest(tmp_path: Path) -> None:
    text = (
        "posting_number,tracking_number,carrier\n"
        f"{P1},{S10},\n"
        "12345,RR473124829GB,\n"
        f"{P2},RR473124828GB,\n"
        f"{P3},{RP},Unknown Express\n"
        "48173252-0035-1,,\n"
    )
    result = read_rows(_csv(tmp_path, text))
    assert [r.posting_number for r in result.rows] == [P1]
    assert [(row, field) for row, field, _ in _problems(result)] == [
        (3, "posting_number"), (4, "tracking_number"), (5, "carrier"), (6, "tracking_number")
    ]
    assert "check digit should be 9" in result.problems[1].message
    assert result.problems[2].original == {
        "posting_number": P3, "tracking_number": RP, "carrier": "Unknown Express"
    }
    assert result.problems[0].posting_number == "12345"


def test_read_rows_should_accept_a_wrong_check_digit_when_forced(tmp_path: Path) -> None:
    result = read_rows(_csv(tmp_path, f"posting_number,tracking_number\n{P1},RR473124828GB\n"), force=True)
    assert result.problems == []
    assert any("check digit" in w for w in result.rows[0].warnings)


def test_read_rows_should_reject_both_rows_when_one_posting_gets_two_numbers(tmp_path: Path) -> None:
    text = f"posting_number,tracking_number\n{P1},{S10}\n{P2},{RP}\n{P1},{RP}\n"
    result = read_rows(_csv(tmp_path, text))
    assert [r.posting_number for r in result.rows] == [P2]
    (row_a, _, message_a), (row_b, _, message_b) = _problems(result)
    assert (row_a, row_b) == (2, 4)
    assert "row 4" in message_a and RP in message_a
    assert "row 2" in message_b and S10 in message_b


def test_read_rows_should_report_the_same_change_twice_as_a_duplicate(tmp_path: Path) -> None:
    text = f"posting_number,tracking_number\n{P1},{S10}\n{P1}, rr473124829gb \n"
    result = read_rows(_csv(tmp_path, text))
    assert [r.row_number for r in result.rows] == [2]
    assert _problems(result) == [(3, "posting_number", "duplicate of row 2")]


def test_read_rows_should_warn_when_two_postings_get_the_same_number(tmp_path: Path) -> None:
    result = read_rows(_csv(tmp_path, f"posting_number,tracking_number\n{P1},{S10}\n{P2},{S10}\n"))
    assert len(result.rows) == 2
    assert result.rows[0].warnings == []
    assert "row 2" in result.rows[1].warnings[0]


def test_read_rows_should_map_carrier_names_in_any_language(tmp_path: Path) -> None:
    names = ["Почта России", "СДЭК", "中国邮政", "菜鸟", "云途", "燕文", "Boxberry", "dpd", "4PX", "其他"]
    lines = [f"481732{n:02d}-0033-1,XYZ{n}-1,{name}" for n, name in enumerate(names)]
    result = read_rows(_csv(tmp_path, "posting_number,tracking_number,承运商\n" + "\n".join(lines)))
    assert [r.carrier for r in result.rows] == [
        "russian_post", "cdek", "china_post", "cainiao", "yunexpress",
        "yanwen", "boxberry", "dpd", "4px", "other",
    ]


def test_read_rows_should_read_pending_notify_and_expected_content(tmp_path: Path) -> None:
    text = (
        "posting_number,tracking_number,pending,notify,expected_items,expected_address\n"
        f"{P1},,да,yes,SKU-1 x2; SKU-2 ×1;SKU-1 x1,Москва\n"
        f"{P2},{S10},,,,\n"
        f"{P3},{RP},是,,,\n"
    )
    result = read_rows(_csv(tmp_path, text))
    first, second = result.rows
    assert (first.pending, first.tracking_number, first.notify) == (True, "", True)
    assert first.expected_items == {"SKU-1": 3, "SKU-2": 1}
    assert first.expected_address == "Москва"
    assert (second.pending, second.notify, second.expected_items, second.expected_address) == (
        False, None, None, None
    )
    assert [(row, field) for row, field, _ in _problems(result)] == [(4, "pending")]


def test_read_rows_should_keep_posting_numbers_as_strings_after_trimming(tmp_path: Path) -> None:
    text = f"posting_number,tracking_number\n  {P2}\u00a0,{S10}\n"
    assert [r.posting_number for r in read_rows(_csv(tmp_path, text)).rows] == [P2]


def test_header_aliases_should_list_every_field_in_three_languages() -> None:
    assert set(HEADER_ALIASES) == {
        "posting_number", "tracking_number", "carrier", "reason", "notify",
        "expected_items", "expected_address", "pending",
    }
    assert {"Трек-номер", "跟踪号", "tracking_number"} <= set(HEADER_ALIASES["tracking_number"])


# --- robustness --------------------------------------------------------------------------------

_FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _read_any(path: Path, data: bytes) -> None:
    path.write_bytes(data)
    try:
        result = read_rows(path)
    except InputError:
        return
    assert isinstance(result, InputFile)


@_FUZZ
@given(st.binary(max_size=2000))
def test_read_rows_should_turn_any_bytes_in_a_csv_into_rows_or_an_input_error(
    tmp_path: Path, data: bytes
) -> None:
    _read_any(tmp_path / "fuzz.csv", data)


@_FUZZ
@given(st.text(alphabet=st.sampled_from(f"{P1}{S10},;\t\n\r\"' 货件编号跟踪号posting_numbertracking"),
               max_size=300))
def test_read_rows_should_turn_any_csv_like_text_into_rows_or_an_input_error(
    tmp_path: Path, text: str
) -> None:
    _read_any(tmp_path / "fuzz.csv", text.encode("utf-8"))


@_FUZZ
@given(st.binary(max_size=2000))
def test_read_rows_should_turn_any_bytes_in_an_xlsx_into_rows_or_an_input_error(
    tmp_path: Path, data: bytes
) -> None:
    _read_any(tmp_path / "fuzz.xlsx", b"PK\x03\x04" + data)


def _valid_xlsx_bytes() -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["posting_number", "tracking_number"])
    sheet.append([P1, 62009147017544])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


_VALID_XLSX = _valid_xlsx_bytes()


@_FUZZ
@given(st.lists(st.tuples(st.integers(0, len(_VALID_XLSX) - 1), st.integers(0, 255)), max_size=8),
       st.integers(100, len(_VALID_XLSX)))
def test_read_rows_should_turn_a_damaged_xlsx_into_rows_or_an_input_error(
    tmp_path: Path, flips: list[tuple[int, int]], length: int
) -> None:
    data = bytearray(_VALID_XLSX)
    for offset, value in flips:
        data[offset] = value
    _read_any(tmp_path / "fuzz.xlsx", bytes(data[:length]))
