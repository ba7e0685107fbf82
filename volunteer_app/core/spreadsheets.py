"""The one way the app writes spreadsheets: CSV with a byte-order mark (so Excel reads the Chinese as UTF-8) and
.xlsx through openpyxl's write-only mode (rows go to a temporary file, not into memory). Every text cell that a
spreadsheet program would run as a formula is neutralised first (CSV injection)."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from volunteer_app.core.time import to_local

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIMETYPE = "text/csv; charset=utf-8"
FORMATS = ("xlsx", "csv")
BOM = "\ufeff"
# A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets (tab and carriage return
# too, which some of them strip before looking).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | float | date | datetime | None


def safe_cell(value: Any) -> Cell:
    """Numbers and dates stay what they are; text that starts like a formula gets a leading quote, so it stays text."""
    if value is None or isinstance(value, bool):
        return "" if value is None else str(value)
    if isinstance(value, int | float | date):
        return to_local(value).replace(tzinfo=None) if isinstance(value, datetime) else value
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def safe_row(row: Iterable[Any]) -> list[Cell]:
    return [safe_cell(value) for value in row]


@dataclass
class Sheet:
    """One sheet of a workbook: a title (at most 31 characters), the header, the rows, optional column widths (in
    characters) and a totals row written in bold after the rows."""

    title: str
    header: Sequence[str]
    rows: Iterable[Sequence[Any]]
    widths: Sequence[int] = ()
    totals: Sequence[Any] | None = None
    _bold: Font = field(default_factory=lambda: Font(bold=True), repr=False)


def write_csv(out: IO[bytes], header: Sequence[str], rows: Iterable[Sequence[Any]], *, every: int = 500) -> int:
    """The CSV into `out` as UTF-8 with a byte-order mark, `every` rows at a time; answers how many rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write(BOM)
    writer.writerow(safe_row(header))
    count = 0
    for count, row in enumerate(rows, start=1):
        writer.writerow(_text_row(row))
        if count % every == 0:
            out.write(buffer.getvalue().encode("utf-8"))
            buffer.seek(0)
            buffer.truncate()
    out.write(buffer.getvalue().encode("utf-8"))
    return count


def write_xlsx(out: IO[bytes], sheets: Iterable[Sheet]) -> None:
    """A workbook of `sheets` into `out`, written row by row (write-only mode keeps the rows in a temporary file)."""
    book = Workbook(write_only=True)
    for sheet in sheets:
        ws = book.create_sheet(title=_sheet_title(sheet.title))
        for column, width in enumerate(sheet.widths, start=1):
            ws.column_dimensions[get_column_letter(column)].width = width
        ws.append([_bold_cell(ws, sheet._bold, title) for title in sheet.header])
        for row in sheet.rows:
            ws.append(safe_row(row))
        if sheet.totals is not None:
            ws.append([_bold_cell(ws, sheet._bold, value) for value in sheet.totals])
    book.save(out)


def spooled() -> IO[bytes]:
    """Where a file is made before it is sent: memory while small, a temporary file past a few megabytes."""
    return tempfile.SpooledTemporaryFile(max_size=4 * 1024 * 1024)


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    out = io.BytesIO()
    write_csv(out, header, rows)
    return out.getvalue()


def xlsx_bytes(sheets: Iterable[Sheet]) -> bytes:
    out = io.BytesIO()
    write_xlsx(out, sheets)
    return out.getvalue()


def spreadsheet(fmt: str, title: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """One list as a file: `fmt` is "csv" or "xlsx"."""
    if fmt == "csv":
        return csv_bytes(header, rows)
    return xlsx_bytes([Sheet(title, header, rows)])


def _text_row(row: Sequence[Any]) -> list[str]:
    cells = safe_row(row)
    return [cell.isoformat(sep=" ", timespec="minutes") if isinstance(cell, datetime) else cell for cell in cells]


def _bold_cell(ws, font: Font, value: Any) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=safe_cell(value))
    cell.font = font
    return cell


def _sheet_title(title: str) -> str:
    """Excel refuses sheet names over 31 characters or holding any of []:*?/\\."""
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in title).strip()
    return (cleaned or "Sheet")[:31]
