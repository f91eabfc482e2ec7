"""Bulk input files: read a seller's CSV or XLSX of tracking-number changes into checked rows.

Sellers (often cross-border sellers in China) prepare these files in Excel. A file either cannot be
read at all (InputError: nothing is touched) or yields rows; a bad row never stops the others, it
becomes a RowProblem that keeps the row's original values for the report.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, Field

from agent.bulk import input_headers as vocab
from agent.bulk.input_headers import HEADER_ALIASES
from agent.bulk.input_tables import read_table
from agent.core.errors import InputError, InvalidTrackingNumber
from agent.core.i18n import _
from agent.rules.tracking import CARRIERS, check, normalize

__all__ = ["HEADER_ALIASES", "POSTING_PATTERN", "InputFile", "InputRow", "RowProblem", "read_rows"]

#: A posting number: order number + shipment index, e.g. 48173252-0033-2 (a guess from public examples).
POSTING_PATTERN = re.compile(r"\d{8,10}-\d{4}-\d+")
_HEADER_SEARCH_ROWS = 10  # a title row or two above the header is common in Excel exports
_T = TypeVar("_T")


class InputRow(BaseModel):
    """One accepted change from the input file.

    Attributes:
        row_number: the row as Excel shows it (the header is row 1 in a plain file).
        posting_number: the posting, e.g. "48173252-0033-2".
        tracking_number: the new number, normalised; empty when `pending`.
        raw_tracking: the new number as written in the file.
        carrier: the carrier code, if the file names one.
        reason: why the number changes, if given.
        notify: whether to notify the buyer; None when the file does not say.
        expected_items: SKU -> quantity the posting should hold, checked before the change.
        expected_address: text the posting's address should contain, checked before the change.
        pending: the carrier has no number yet: the buyer is told, the posting is tracked as pending.
        original: the row's cells by column name, as read, for the report.
        warnings: doubts that do not block the change (e.g. the number looks like another carrier's).
    """

    row_number: int
    posting_number: str
    tracking_number: str
    raw_tracking: str
    carrier: str | None = None
    reason: str | None = None
    notify: bool | None = None
    expected_items: dict[str, int] | None = None
    expected_address: str | None = None
    pending: bool = False
    original: dict[str, str] = Field(default_factory=dict)
    warnings: list[str] = Field(default_factory=list)


class RowProblem(BaseModel):
    """Why one input row was not accepted.

    Attributes:
        row_number: the row as Excel shows it.
        field: the input field at fault (a HEADER_ALIASES key).
        message: a short human explanation.
        posting_number: the posting as written; may be empty.
        original: the row's cells by column name, as read.
    """

    row_number: int
    field: str
    message: str
    posting_number: str = ""
    original: dict[str, str] = Field(default_factory=dict)


class InputFile(BaseModel):
    """A read input file: accepted rows and problems, both in file order.

    Attributes:
        path: the file.
        encoding: the detected encoding ("utf-8", "utf-8-sig", "gb18030", "utf-16", ...) or "xlsx".
        columns: the header row as read.
        rows: the accepted rows.
        problems: the rejected rows' problems (a row may have several).
    """

    path: Path
    encoding: str
    columns: list[str]
    rows: list[InputRow]
    problems: list[RowProblem]


def _column_names(header: list[str], width: int) -> list[str]:
    """Unique names for the columns of `original`: the header text, else "column N"."""
    names: list[str] = []
    for index in range(width):
        base = header[index].strip() if index < len(header) else ""
        name = base or f"column {index + 1}"
        suffix = 2
        while name in names:
            name, suffix = f"{base or 'column'} ({suffix})", suffix + 1
        names.append(name)
    return names


def _find_header(rows: list[list[str]], name: str) -> int:
    """Index of the header row: the first of the leading rows naming both required columns."""
    filled = [i for i, row in enumerate(rows) if any(cell.strip() for cell in row)]
    if not filled:
        raise InputError(_("{file}: the file is empty", file=name))
    for index in filled[:_HEADER_SEARCH_ROWS]:
        found = vocab.match_columns(rows[index])
        if "posting_number" in found and "tracking_number" in found:
            return index
    header = rows[filled[0]]
    found = vocab.match_columns(header)
    required = (("posting_number", _("the posting number")), ("tracking_number", _("the new tracking number")))
    for field, label in required:
        if field not in found:
            expected = ", ".join(HEADER_ALIASES[field])
            seen = ", ".join(repr(cell) for cell in header if cell.strip())
            raise InputError(_("{file}: no column for {label}; expected one of: {expected} (found: {seen})", file=name,
                               label=label, expected=expected, seen=seen))
    raise AssertionError("unreachable: both columns were found")  # pragma: no cover


@dataclass
class _Entry:
    """A non-blank data row on its way through the checks."""

    row_number: int
    posting: str
    key: tuple[bool, str, str]  # (pending, normalised number, carrier) - what the row asks for
    row: InputRow | None
    problems: list[RowProblem]

    def describe(self) -> str:
        pending, number, carrier = self.key
        text = _("pending, no number yet") if pending else _("number {number}", number=number or _("(empty)"))
        return text + (_(", carrier {carrier}", carrier=carrier) if carrier else "")


def _parse_row(row_number: int, cells: dict[str, str], original: dict[str, str], force: bool) -> _Entry:
    """Check one row's fields into an entry holding the accepted row, or None and the problems."""
    posting_raw = cells.get("posting_number", "")
    posting = normalize(posting_raw)
    problems: list[RowProblem] = []

    def problem(field: str, message: str) -> None:
        problems.append(RowProblem(row_number=row_number, field=field, message=message,
                                   posting_number=posting_raw.strip(), original=original))

    def parse(field: str, parser: Callable[[str], _T]) -> _T | None:
        try:
            return parser(cells.get(field, ""))
        except ValueError as err:
            problem(field, f"{field}: {err}")
            return None

    if not posting:
        problem("posting_number", _("posting number is empty"))
    elif not POSTING_PATTERN.fullmatch(posting):
        problem("posting_number", _("{text} is not a posting number (like 48173252-0033-2)",
                                     text=repr(posting_raw.strip())))
    carrier_text = cells.get("carrier", "").strip()
    carrier = vocab.carrier_code(carrier_text) if carrier_text else None
    if carrier_text and carrier is None:
        problem("carrier", _("unknown carrier {carrier}; use one of: {known}", carrier=repr(carrier_text),
                              known=", ".join(CARRIERS)))
    pending = bool(parse("pending", vocab.parse_bool))
    notify = parse("notify", vocab.parse_bool)
    items = parse("expected_items", vocab.parse_items)
    raw_tracking = cells.get("tracking_number", "")
    number, warnings = normalize(raw_tracking), []
    if pending and number:
        problem("pending", _("marked pending but has tracking number {number}; clear one",
                              number=repr(raw_tracking.strip())))
    elif not pending:
        try:
            result = check(raw_tracking, carrier=carrier, force=force)
            number, warnings = result.number, result.warnings
        except InvalidTrackingNumber as err:
            problem("tracking_number", str(err))
    key = (pending, number, carrier or carrier_text)
    if problems:
        return _Entry(row_number, posting, key, None, problems)
    row = InputRow(
        row_number=row_number, posting_number=posting, tracking_number=number, raw_tracking=raw_tracking,
        carrier=carrier, reason=cells.get("reason", "").strip() or None, notify=notify,
        expected_items=items, expected_address=cells.get("expected_address", "").strip() or None,
        pending=pending, original=original, warnings=warnings,
    )
    return _Entry(row_number, posting, key, row, [])


def _reject(entry: _Entry, field: str, message: str) -> None:
    original = entry.row.original if entry.row else entry.problems[0].original
    raw = entry.row.posting_number if entry.row else entry.problems[0].posting_number
    entry.problems.append(RowProblem(row_number=entry.row_number, field=field, message=message,
                                     posting_number=raw, original=original))
    entry.row = None


def _check_repeats(entries: list[_Entry]) -> None:
    """Reject repeated postings in place: different requests conflict, equal ones are duplicates.

    A posting can get only one new number, so when two rows disagree neither is trusted (each names
    the other); when they agree, the first row stands and later ones are duplicates. Rows rejected for
    other reasons still count: they show what the seller meant.
    """
    by_posting: dict[str, list[_Entry]] = {}
    for entry in entries:
        if POSTING_PATTERN.fullmatch(entry.posting):
            by_posting.setdefault(entry.posting, []).append(entry)
    for posting, group in by_posting.items():
        if len({entry.key for entry in group}) > 1:
            for entry in group:
                others = "; ".join(
                    _("row {row} ({what})", row=o.row_number, what=o.describe()) for o in group if o.key != entry.key
                )
                _reject(entry, "tracking_number",
                        _("posting {posting} conflicts with {others}: one posting, one number; keep one row",
                          posting=posting, others=others))
        else:
            for entry in group[1:]:
                _reject(entry, "posting_number", _("duplicate of row {row}", row=group[0].row_number))
    # One parcel number on two postings can be right (one box), but is more often a paste error.
    first_seen: dict[str, InputRow] = {}
    for entry in entries:
        if entry.row is None or entry.row.pending:
            continue
        seen = first_seen.setdefault(entry.row.tracking_number, entry.row)
        if seen is not entry.row:
            entry.row.warnings.append(_("tracking number {number} is also given for posting {posting} on row {row}",
                                        number=entry.row.tracking_number, posting=seen.posting_number,
                                        row=seen.row_number))


def read_rows(path: Path, *, sheet: str | None = None, force: bool = False) -> InputFile:
    """Read a bulk input file (CSV or XLSX) into checked rows and row problems.

    Args:
        path: the CSV or XLSX file.
        sheet: for XLSX, the sheet to read; the first sheet by default.
        force: accept tracking numbers with a wrong check digit (they get a warning).

    Returns:
        The accepted rows and the problems, both in file order.

    Raises:
        InputError: the file is missing, empty, unreadable, or lacks the posting or tracking column.
    """
    path = Path(path)
    table = read_table(path, sheet=sheet)
    header_index = _find_header(table.rows, path.name)
    header = [cell.replace("\ufeff", "") for cell in table.rows[header_index]]
    fields = vocab.match_columns(header)

    entries: list[_Entry] = []
    for index in range(header_index + 1, len(table.rows)):
        cells = table.rows[index]
        if not any(cell.strip() for cell in cells):
            continue  # Excel leaves blank lines; they mean nothing
        names = _column_names(header, max(len(header), len(cells)))
        original = {n: cells[i] if i < len(cells) else "" for i, n in enumerate(names)}
        values = {f: cells[i] if i < len(cells) else "" for f, i in fields.items()}
        entries.append(_parse_row(index + 1, values, original, force))
    if not entries:
        raise InputError(_("{file}: no data rows under the header (row {row})", file=path.name, row=header_index + 1))
    _check_repeats(entries)
    return InputFile(
        path=path, encoding=table.encoding, columns=header,
        rows=[entry.row for entry in entries if entry.row is not None],
        problems=[problem for entry in entries for problem in entry.problems],
    )
