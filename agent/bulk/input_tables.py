"""Read a CSV or XLSX file into a plain table of strings, the way Excel would show it.

Row i of the table is the row Excel numbers i + 1, so row numbers in messages match what the seller
sees. Anything that cannot be read becomes an InputError naming the file; no other exception leaves
this module.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from pathlib import Path
from typing import Any, NamedTuple

import charset_normalizer
import openpyxl

from agent.core.errors import InputError
from agent.core.i18n import N_, _

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls (and other OLE2 documents)
_DELIMITERS = (",", ";", "\t")
_SEP_HINT = re.compile(r"sep=(.)\r?\n?")
_MAX_BYTES = 50 * 1024 * 1024
_WORKBOOK_SUFFIXES = frozenset({".xlsx", ".xlsm"})
_TEXT_SUFFIXES = frozenset({".csv", ".tsv", ".txt"})


class Table(NamedTuple):
    """A file's cells as text.

    Attributes:
        encoding: the detected text encoding, or "xlsx".
        rows: cells per row; row i is the row Excel numbers i + 1. Rows may differ in length.
    """

    encoding: str
    rows: list[list[str]]


def read_table(path: Path, *, sheet: str | None = None) -> Table:
    """Read a CSV (any common encoding and delimiter) or an XLSX sheet as text cells.

    A known extension must match the content (:func:`check_content_matches`): a text file named .xlsx
    is "not an Excel workbook", said as such, rather than read as CSV and reported as a file without
    the right columns. A file with another extension (or none) is read as its content says.

    Args:
        path: the file.
        sheet: for XLSX, the sheet name; the first sheet by default.

    Returns:
        The table and its detected encoding.

    Raises:
        InputError: missing, empty, too large or unreadable file, or no such sheet.
    """
    name = path.name
    try:
        if path.stat().st_size > _MAX_BYTES:
            raise InputError(_("{file}: file is larger than {mb} MB", file=name, mb=_MAX_BYTES // 2**20))
        data = path.read_bytes()
    except FileNotFoundError as err:
        raise InputError(_("{file}: file not found ({path})", file=name, path=path)) from err
    except IsADirectoryError as err:
        raise InputError(_("{file}: is a directory, not a file", file=name)) from err
    except (OSError, ValueError) as err:  # ValueError: a path with a NUL byte
        raise InputError(_("{file}: cannot read the file: {why}", file=name,
                           why=getattr(err, "strerror", None) or err)) from err
    if not data.strip():
        raise InputError(_("{file}: the file is empty", file=name))
    check_content_matches(name, data)
    if data.startswith(_ZIP_MAGIC):
        return Table("xlsx", _read_xlsx(data, name, sheet))
    if data.startswith(_OLE_MAGIC):
        raise InputError(_("{file}: old Excel .xls format is not supported; save it as .xlsx or CSV", file=name))
    encoding, text = _decode(data, name)
    return Table(encoding, _read_csv(text, name))


def _describe_content(data: bytes) -> str:
    """What a file that is not what its name says holds, in words a seller understands."""
    if data.startswith(_ZIP_MAGIC):
        return N_("a zip archive (an Excel .xlsx workbook?)")
    if data.startswith(_OLE_MAGIC):
        return N_("an old Excel .xls workbook")
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml")):
        return N_("a web page or XML (some shop systems export tables so)")
    sample = data[:4096]
    encodings = ("utf-16",) if sample.startswith((b"\xff\xfe", b"\xfe\xff")) else ("utf-8", "gb18030")
    for encoding in encodings:
        try:
            text = sample.decode(encoding, errors="strict" if len(data) <= len(sample) else "ignore")
        except UnicodeDecodeError:
            continue
        controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\t\r\n")
        if "\x00" not in text and controls <= max(2, len(text) // 100):
            return N_("plain text (CSV?)")
    return N_("binary data of an unknown kind")


def check_content_matches(name: str, data: bytes) -> None:
    """Refuse a file whose content does not match its extension, saying what it holds and what to do.

    ``.xlsx``/``.xlsm`` must be a zip workbook, ``.xls`` the old OLE format (refused later as too old, but
    with the right reason), ``.csv``/``.tsv``/``.txt`` text. Other extensions (or none) are not checked:
    the content decides. A mismatch is refused rather than guessed around, because the seller then knows
    which file they really gave (an export saved under the wrong name is often the wrong export).

    Raises:
        InputError: the content is of another kind than the extension says.
    """
    suffix = Path(name).suffix.lower()
    is_zip, is_ole = data.startswith(_ZIP_MAGIC), data.startswith(_OLE_MAGIC)
    if suffix in _WORKBOOK_SUFFIXES and not is_zip:
        what = _describe_content(data)
        hint = (_("rename it to .csv") if what.startswith("plain text")  # the English id: N_ above
                else _("open it in Excel and save it as an .xlsx workbook (or as CSV)"))
        raise InputError(_("{file}: not an Excel workbook: the file holds {what}, not an .xlsx workbook; {hint}",
                           file=name, what=_(what), hint=hint))
    if suffix == ".xls" and not is_ole:
        what = _describe_content(data)
        hint = _("rename it to .xlsx") if is_zip else _("open it in Excel and save it as .xlsx (or as CSV)")
        raise InputError(_("{file}: not an Excel .xls workbook: the file holds {what}; {hint}", file=name,
                           what=_(what), hint=hint))
    if suffix in _TEXT_SUFFIXES and (is_zip or is_ole):
        what = _describe_content(data)
        hint = _("rename it to .xlsx") if is_zip else _("open it in Excel and save it as .xlsx or CSV")
        raise InputError(_("{file}: not a {kind} text file: the file holds {what}; {hint}", file=name,
                           kind=suffix[1:].upper(), what=_(what), hint=hint))


def _not_readable(name: str) -> InputError:
    return InputError(_("{file}: not a readable CSV or XLSX file", file=name))


def _decode(data: bytes, name: str) -> tuple[str, str]:
    """Decode CSV bytes: UTF-16 by BOM, then strict UTF-8, then GB18030, then a guess."""
    text: str | None = None
    encoding = ""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text" export
        candidates = ["utf-16"]
    else:
        # GB18030 is a superset of GBK/GB2312, which Chinese Excel writes. It decodes almost any
        # bytes without error, so strict UTF-8 must go first (it rarely accepts non-UTF-8 text).
        candidates = ["utf-8-sig", "gb18030"]
    for candidate in candidates:
        try:
            text = data.decode(candidate)
        except UnicodeDecodeError:
            continue
        encoding = candidate
        break
    if text is None:
        best = charset_normalizer.from_bytes(data).best()
        if best is None:
            raise _not_readable(name)
        text, encoding = str(best), best.encoding
    if encoding == "utf-8-sig" and not data.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8"
    # Binary data sometimes "decodes"; real CSV text has next to no control characters.
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\t\r\n")
    if "\x00" in text or controls > max(2, len(text) // 100):
        raise _not_readable(name)
    return encoding, text


def _sniff_delimiter(lines: list[str]) -> str:
    """Pick the delimiter that splits the first non-empty lines into the most fields (',' on a tie)."""
    sample = [line for line in lines if line.strip()][:10]
    best, best_width = ",", 1
    for delimiter in _DELIMITERS:
        try:
            width = max((len(row) for row in csv.reader(sample, delimiter=delimiter)), default=1)
        except csv.Error:  # e.g. a field over the size limit; the real read reports it
            continue
        if width > best_width:
            best, best_width = delimiter, width
    return best


def _read_csv(text: str, name: str) -> list[list[str]]:
    """Split CSV text into rows, honouring Excel's optional first line "sep=;"."""
    delimiter = None
    if m := _SEP_HINT.match(text):
        # Excel hides the hint line and uses it as the delimiter, so row numbers start after it.
        delimiter, text = m.group(1), text[m.end():]
    if delimiter is None:
        delimiter = _sniff_delimiter(text.splitlines()[:200])
    try:
        return [list(row) for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error as err:
        raise InputError(_("{file}: not a readable CSV file: {why}", file=name, why=err)) from err


def _cell_text(value: Any, number_format: str | None) -> str:
    """Render an XLSX cell value as the text the seller meant.

    Numbers must keep every digit: a 14-digit tracking number stored as a number comes back as
    that digit string, never '6.2009147017544E13' or '...44.0'.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        text = str(value)
        # A format like "0000000000000" pads with zeros (how Excel keeps Boxberry's leading zeros).
        if number_format and set(number_format) == {"0"} and len(number_format) > len(text) >= 1:
            text = text.zfill(len(number_format))
        return text
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _read_xlsx(data: bytes, name: str, sheet: str | None) -> list[list[str]]:
    """Read one sheet of an XLSX workbook as text rows."""
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as err:
        # openpyxl lets through whatever its zip and XML layers raise for a broken file (BadZipFile,
        # KeyError, ValueError, XML parse errors, ...): all of them mean "not a readable workbook".
        raise _not_readable(name) from err
    try:
        if sheet is not None and sheet not in workbook.sheetnames:
            known = ", ".join(repr(s) for s in workbook.sheetnames)
            raise InputError(_("{file}: no sheet named {sheet}; the sheets are: {known}", file=name, sheet=repr(sheet),
                               known=known))
        if sheet is None and not workbook.worksheets:
            raise InputError(_("{file}: the workbook has no worksheet", file=name))
        worksheet = workbook[sheet] if sheet is not None else workbook.worksheets[0]
        # The stored dimension is sometimes wrong (files written by other tools); without it
        # openpyxl reads every row that is really there.
        worksheet.reset_dimensions()
        return [
            [_cell_text(cell.value, getattr(cell, "number_format", None)) for cell in row]
            for row in worksheet.iter_rows(min_row=1, min_col=1)
        ]
    except InputError:
        raise
    except Exception as err:  # same reason as above: a broken sheet fails in many ways
        raise _not_readable(name) from err
    finally:
        workbook.close()
