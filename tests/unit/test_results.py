"""results.csv and results.xlsx: the seller's columns plus outcomes, safe to open in Excel."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl

from agent.journal import ItemRecord
from agent.plan import Plan, PlanRow
from agent.records import ChangeRequest, Outcome
from agent.results import RESULT_COLUMNS, ResultRow, result_rows, write_results

P1, P2, P3 = "48173252-0033-2", "48173252-0034-1", "48173252-0035-1"
RP = "62009147017544"
COLUMNS = ["货件编号", "新单号", "原因"]


def _rows() -> list[ResultRow]:
    return [
        ResultRow(row_number=2, posting_number=P1, old_tracking="", new_tracking=RP, carrier="russian_post",
                  outcome=Outcome.CHANGED, reason="物流商换单", attempts=1,
                  evidence=[f"{P1}/before.png", f"{P1}/after.png"], notified="sent",
                  original={"货件编号": P1, "新单号": RP, "原因": "物流商换单"}),
        ResultRow(row_number=3, posting_number=P2, new_tracking="=HYPERLINK(\"x\")", outcome=Outcome.REJECTED,
                  reason="Почта: не найдено", original={"货件编号": P2, "新单号": "0012", "原因": ""}),
    ]


def test_csv_starts_with_a_bom_and_rereads_with_input_then_result_columns(tmp_path: Path) -> None:
    csv_path, _ = write_results(tmp_path, COLUMNS, _rows())
    data = csv_path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    with csv_path.open(encoding="utf-8-sig", newline="") as handle:
        table = list(csv.reader(handle))
    assert table[0] == COLUMNS + list(RESULT_COLUMNS)
    first = dict(zip(table[0], table[1], strict=True))
    assert first["货件编号"] == P1 and first["new_tracking"] == RP and first["outcome"] == "changed"
    assert first["evidence"] == f"{P1}/before.png; {P1}/after.png"
    assert table[2][1] == "0012"  # the seller's cell, leading zeros and all
    assert dict(zip(table[0], table[2], strict=True))["reason"] == "Почта: не найдено"


def test_result_columns_named_like_input_columns_get_a_suffix(tmp_path: Path) -> None:
    csv_path, _ = write_results(tmp_path, ["posting_number", "new_tracking"], _rows())
    header = next(csv.reader(csv_path.open(encoding="utf-8-sig")))
    assert header[:2] == ["posting_number", "new_tracking"]
    assert "posting_number (result)" in header and len(set(header)) == len(header)


def test_xlsx_keeps_long_numbers_and_posting_numbers_as_text(tmp_path: Path) -> None:
    _, xlsx_path = write_results(tmp_path, COLUMNS, _rows())
    sheet = openpyxl.load_workbook(xlsx_path).active
    assert sheet is not None
    header = [cell.value for cell in sheet[1]]
    assert header == COLUMNS + list(RESULT_COLUMNS)
    row = {name: sheet.cell(row=2, column=i + 1) for i, name in enumerate(header)}
    for name in ("新单号", "new_tracking", "货件编号", "posting_number", "attempts"):
        assert row[name].data_type == "s", name
    assert row["new_tracking"].value == RP and row["posting_number"].value == P1
    formula = sheet.cell(row=3, column=header.index("new_tracking") + 1)
    assert formula.data_type == "s" and formula.value == '=HYPERLINK("x")'  # never a live formula


def test_xlsx_has_a_bold_frozen_header(tmp_path: Path) -> None:
    _, xlsx_path = write_results(tmp_path, COLUMNS, _rows())
    sheet = openpyxl.load_workbook(xlsx_path).active
    assert sheet is not None
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.b for cell in sheet[1])


def _item(seq: int, row_number: int | None, posting: str, outcome: Outcome, **extra: object) -> ItemRecord:
    request = ChangeRequest(posting_number=posting, new_tracking=RP, row_number=row_number, reason="relabel")
    return ItemRecord.model_validate({"run_id": "r", "seq": seq, "row_number": row_number, "posting_number": posting,
                                      "request": request, "new_tracking": RP, "reason": "relabel",
                                      "outcome": outcome, **extra})


def test_result_rows_join_items_with_plan_rows_and_lose_no_row() -> None:
    plan = Plan(columns=COLUMNS, rows=[
        PlanRow(row_number=2, posting_number=P1, new_tracking=RP, original={"货件编号": P1}),
        PlanRow(row_number=3, posting_number="", action="rejected", why="posting number is empty",
                original={"货件编号": ""}),
        PlanRow(row_number=4, posting_number=P3, new_tracking=RP, original={"货件编号": P3}),
        PlanRow(row_number=5, posting_number=P2, new_tracking=RP, original={"货件编号": P2}),
    ])
    items = [_item(0, 2, P1, Outcome.CHANGED, attempts=1),
             _item(1, 4, P3, Outcome.FAILED, error="HTTP 503", attempts=3)]
    rows = result_rows(plan, items)
    assert [(r.row_number, r.outcome) for r in rows] == [
        (2, Outcome.CHANGED), (3, Outcome.REJECTED), (4, Outcome.FAILED), (5, Outcome.PENDING)]
    assert rows[0].original == {"货件编号": P1} and rows[0].reason == "relabel"
    assert rows[1].reason == "posting number is empty"
    assert rows[2].reason == "HTTP 503" and rows[2].attempts == 3
    assert "not reached" in rows[3].reason


def test_result_rows_without_a_plan_come_from_the_journal_alone() -> None:
    rows = result_rows(None, [_item(0, None, P1, Outcome.UNCHANGED)])
    assert [(r.posting_number, r.outcome, r.original) for r in rows] == [(P1, Outcome.UNCHANGED, {})]
