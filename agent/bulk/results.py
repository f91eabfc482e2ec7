"""results.csv and results.xlsx of a bulk run: the seller's own rows, each with its outcome.

The files go back into the seller's spreadsheet, so they keep the input's columns in order and add the
result columns after them. The CSV has a BOM so that Excel opens Chinese and Russian text right; the XLSX
stores every cell as text, because Excel turns a 14-digit tracking number stored as a number into 6.2E13.
"""

from __future__ import annotations

import io
import os
import unicodedata
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from pydantic import BaseModel, Field

from agent.bulk.plan import Plan, PlanRow
from agent.core.i18n import pgettext
from agent.core.journal.rows import ItemRecord, RunRecord
from agent.core.records import Outcome
from agent.core.spreadsheet_cells import SafeCsvWriter
from agent.core.vocabulary import outcome_label

#: The result columns, after the input's own columns. ``warnings``: what the row must not hide although its outcome
#: stands (a save the browser sent twice, a number replaced anyway), one after the other, "; " between them.
RESULT_COLUMNS: tuple[str, ...] = ("row_number", "posting_number", "old_tracking", "new_tracking", "carrier",
                                   "outcome", "reason", "attempts", "evidence", "notified", "warnings")
CSV_NAME = "results.csv"
XLSX_NAME = "results.xlsx"
_MAX_WIDTH = 60
_NOT_REACHED = "not reached: the run did not get to this row"


class ResultRow(BaseModel):
    """One input row's result: what was asked, what happened, and the input's cells as read."""

    row_number: int | None = None
    posting_number: str
    old_tracking: str = ""
    new_tracking: str = ""
    carrier: str = ""
    outcome: Outcome
    reason: str = ""  # the error for rejected / failed rows, else the change reason
    attempts: int = 0
    evidence: list[str] = Field(default_factory=list)  # paths relative to the run folder
    notified: str = ""
    warnings: list[str] = Field(default_factory=list)
    original: dict[str, str] = Field(default_factory=dict)

    def cells(self) -> dict[str, str]:
        """The result columns as text."""
        return {
            "row_number": "" if self.row_number is None else str(self.row_number),
            "posting_number": self.posting_number, "old_tracking": self.old_tracking,
            "new_tracking": self.new_tracking, "carrier": self.carrier, "outcome": self.outcome.value,
            "reason": self.reason, "attempts": str(self.attempts), "evidence": "; ".join(self.evidence),
            "notified": self.notified, "warnings": "; ".join(self.warnings),
        }


def _from_item(item: ItemRecord, plan_row: PlanRow | None) -> ResultRow:
    failed = item.outcome in (Outcome.REJECTED, Outcome.FAILED)
    reason = item.error if failed or item.error else item.reason
    if item.outcome == Outcome.PENDING and not item.request.pending and not item.error:
        reason = _NOT_REACHED  # a pending change, as opposed to a posting whose carrier has no number yet
    return ResultRow(
        row_number=item.row_number, posting_number=item.posting_number,
        old_tracking=item.old_tracking or (plan_row.old_tracking if plan_row else ""),
        new_tracking=item.new_tracking, carrier=item.carrier or "", outcome=item.outcome,
        reason=reason, attempts=item.attempts,
        evidence=list(item.evidence), notified=item.notified, warnings=list(item.warnings),
        original=dict(plan_row.original) if plan_row else {},
    )


def _from_plan_row(row: PlanRow) -> ResultRow:
    """A plan row the journal has no item for: rejected at planning, or never reached."""
    rejected = row.action == "rejected"
    return ResultRow(
        row_number=row.row_number, posting_number=row.posting_number, old_tracking=row.old_tracking,
        new_tracking=row.new_tracking, carrier=row.carrier or "",
        outcome=Outcome.REJECTED if rejected else Outcome.PENDING, reason=row.why if rejected else _NOT_REACHED,
        warnings=list(row.warnings), original=dict(row.original),
    )


def result_rows(plan: Plan | None, items: list[ItemRecord]) -> list[ResultRow]:
    """Join a run's journal items with the plan's rows (by row number) into one result per input row.

    Plan rows without a journal item still get a row (``rejected`` with the plan's reason, or ``pending``
    when the run never reached them): no input row is ever lost. Rows come in input order.

    Args:
        plan: the run's plan, for the input's original cells; None for a run without one.
        items: the run's journal items (``Journal.items``).

    Returns:
        The result rows.
    """
    by_number = {row.row_number: row for row in plan.rows if row.row_number is not None} if plan else {}
    seen: set[int] = set()
    results: list[ResultRow] = []
    for index, item in enumerate(items):
        plan_row = by_number.get(item.row_number) if item.row_number is not None else None
        if plan_row is None and plan is not None and item.row_number is None and index < len(plan.rows):
            plan_row = plan.rows[index]  # no row numbers (a plan built in code): same order
        if plan_row is not None and plan_row.row_number is not None:
            seen.add(plan_row.row_number)
        results.append(_from_item(item, plan_row))
    if plan is not None:
        results += [_from_plan_row(r) for r in plan.rows if r.row_number is not None and r.row_number not in seen]
    results.sort(key=lambda r: (r.row_number is None, r.row_number or 0))
    return results


def _headers(columns: list[str]) -> tuple[list[str], list[str]]:
    """(input column names, result column names); a result column named like an input one gets a suffix."""
    taken = set(columns)
    return list(columns), [f"{name} (result)" if name in taken else name for name in RESULT_COLUMNS]


def _table(columns: list[str], rows: list[ResultRow]) -> list[list[str]]:
    inputs, results = _headers(columns)
    table = [inputs + results]
    for row in rows:
        cells = row.cells()
        table.append([row.original.get(name, "") for name in inputs] + [cells[name] for name in RESULT_COLUMNS])
    return table


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _display_width(text: str) -> int:
    """Roughly how many character cells Excel needs: CJK and full-width characters take two."""
    longest = max(text.splitlines() or [""], key=len)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in longest)


#: Fill colours of the outcome cells: what a seller scans for first (soft tones that print well).
OUTCOME_FILLS: dict[Outcome, str] = {
    Outcome.CHANGED: "C6EFCE", Outcome.UNCHANGED: "DDEBF7", Outcome.REJECTED: "FFEB9C",
    Outcome.FAILED: "FFC7CE", Outcome.PENDING: "EDEDED",
}


def _text_cell(sheet: Worksheet, row: int, column: int, value: str) -> None:
    cell = sheet.cell(row=row, column=column, value=value)
    # Text, always: openpyxl would store "=..." as a formula, and a number type would round.
    cell.data_type = "s"
    cell.number_format = "@"


def _results_sheet(sheet: Worksheet, table: list[list[str]], outcomes: list[Outcome]) -> None:
    sheet.title = "results"
    for r, values in enumerate(table, start=1):
        for c, value in enumerate(values, start=1):
            _text_cell(sheet, r, c, value)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(vertical="top")
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    outcome_column = len(table[0]) - len(RESULT_COLUMNS) + RESULT_COLUMNS.index("outcome") + 1
    for r, outcome in enumerate(outcomes, start=2):
        sheet.cell(row=r, column=outcome_column).fill = PatternFill("solid", fgColor=OUTCOME_FILLS[outcome])
    for c in range(1, len(table[0]) + 1):
        width = max(_display_width(values[c - 1]) for values in table if c - 1 < len(values))
        sheet.column_dimensions[get_column_letter(c)].width = min(_MAX_WIDTH, max(8, width + 2))


def _summary_sheet(sheet: Worksheet, outcomes: list[Outcome], about: Sequence[tuple[str, str]] = ()) -> None:
    """Counts by outcome, so a seller sees the whole run before scrolling through rows; then ``about`` the run."""
    counts = Counter(outcomes)
    _text_cell(sheet, 1, 1, pgettext("summary sheet", "outcome"))  # for people: in their language
    _text_cell(sheet, 1, 2, pgettext("summary sheet", "rows"))
    for r, outcome in enumerate(Outcome, start=2):
        _text_cell(sheet, r, 1, outcome_label(outcome))
        sheet.cell(row=r, column=2, value=counts.get(outcome, 0))  # a count: a number on purpose
        sheet.cell(row=r, column=1).fill = PatternFill("solid", fgColor=OUTCOME_FILLS[outcome])
    total = len(Outcome) + 2
    _text_cell(sheet, total, 1, pgettext("summary sheet", "total"))
    sheet.cell(row=total, column=2, value=len(outcomes))
    for cell in (*sheet[1], sheet.cell(row=total, column=1)):
        cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 14
    sheet.column_dimensions["B"].width = 10
    for r, (label, value) in enumerate(about, start=total + 2):  # who planned and approved, with which keys
        _text_cell(sheet, r, 1, label)
        _text_cell(sheet, r, 2, value)


def about_run(run: RunRecord) -> list[tuple[str, str]]:
    """Who planned and approved a run, and their keys' fingerprints, for the XLSX summary sheet (what is known)."""
    lines = [(pgettext("summary sheet", "planned by"), run.planned_by),
             (pgettext("summary sheet", "planner's key"), run.planner_key),
             (pgettext("summary sheet", "approved by"), run.approved_by),
             (pgettext("summary sheet", "approver's key"), run.approver_key)]
    return [(label, value) for label, value in lines if value]


def _xlsx(table: list[list[str]], outcomes: list[Outcome], about: Sequence[tuple[str, str]] = ()) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new workbook always has one sheet
    _results_sheet(sheet, table, outcomes)
    _summary_sheet(workbook.create_sheet("summary"), outcomes, about)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_results(run_dir: Path, columns: list[str], rows: list[ResultRow],
                  about: Sequence[tuple[str, str]] = ()) -> tuple[Path, Path]:
    """Write ``results.csv`` (UTF-8 with BOM) and ``results.xlsx`` (all text) into the run folder.

    Args:
        run_dir: the run's folder (created if missing).
        columns: the input file's columns, in order (``Plan.columns``); may be empty.
        rows: the result rows (``result_rows``).
        about: (label, value) lines about the run for the XLSX summary sheet (who planned and approved it).

    Returns:
        The paths of the CSV and the XLSX file.
    """
    run_dir.mkdir(parents=True, exist_ok=True)
    table = _table(columns, rows)
    text = io.StringIO(newline="")
    SafeCsvWriter(text, lineterminator="\r\n").writerows(table)  # CRLF: what Excel writes and expects
    csv_path, xlsx_path = run_dir / CSV_NAME, run_dir / XLSX_NAME
    _write_atomic(csv_path, text.getvalue().encode("utf-8-sig"))
    _write_atomic(xlsx_path, _xlsx(table, [row.outcome for row in rows], about))
    return csv_path, xlsx_path
