"""Reading an uploaded file: .xlsx (the first sheet) or CSV (UTF-8 with or without BOM, or GBK as Excel writes it on
Chinese Windows); keeping it under instance/imports/ with a random name until the import is over."""

from __future__ import annotations

import csv
import io
import secrets
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import IO

from flask import current_app
from flask_babel import gettext as _
from openpyxl import load_workbook

from volunteer_app.core.errors import Invalid
from volunteer_app.core.text import clean_text
from volunteer_app.reports.services.imports.columns import Column, Row, header_names, normalised

EXTENSIONS = (".xlsx", ".csv")
MAX_CELL = 500  # characters kept of a cell: no field of any import is longer


def imports_folder() -> Path:
    folder = Path(current_app.instance_path) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def extension_of(filename: str) -> str:
    suffix = Path(filename or "").suffix.lower()
    if suffix not in EXTENSIONS:
        raise Invalid({"file": [_("Upload an Excel workbook (.xlsx) or a CSV file.")]})
    return suffix


def clean_filename(filename: str) -> str:
    """The name the user gave, as a label only (never a path here)."""
    return clean_text(Path(filename.replace("\\", "/")).name, 255) or "import"


def store(stream: IO[bytes], filename: str) -> str:
    """Saves the upload under a random name; returns that name."""
    name = secrets.token_urlsafe(18) + extension_of(filename)
    with (imports_folder() / name).open("wb") as handle:
        while chunk := stream.read(1 << 16):
            handle.write(chunk)
    return name


def remove(stored_name: str | None) -> None:
    if stored_name:
        (imports_folder() / stored_name).unlink(missing_ok=True)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a phone number typed as a number
    return clean_text(value, MAX_CELL)


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):  # GB 18030 reads every GBK file
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise Invalid({"file": [_("This CSV file is neither UTF-8 nor GBK text. Save it again as CSV (UTF-8).")]})


def _lines(path: Path) -> Iterator[Sequence[object]]:
    if path.suffix == ".csv":
        yield from csv.reader(io.StringIO(_decode(path.read_bytes())))
        return
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise Invalid({"file": [_("This file cannot be read as an Excel workbook (.xlsx).")]}) from None
    try:
        yield from workbook.worksheets[0].iter_rows(values_only=True)
    finally:
        workbook.close()


def read_rows(stored_name: str, columns: Sequence[Column]) -> list[Row]:
    """The data rows, by column key. The first line holds the headers (Chinese, English or the keys, in any
    order); a second header line (the template's English one) is passed over; blank lines are left out."""
    lines = _lines(imports_folder() / stored_name)
    header = next(lines, None)
    if header is None:
        raise Invalid({"file": [_("The file is empty.")]})
    wanted = {name: column.key for column in columns for name in header_names(column)}
    positions: dict[int, str] = {}
    for index, text in enumerate(header):
        key = wanted.get(normalised(text))
        if key is not None and key not in positions.values():
            positions[index] = key
    missing = [c for c in columns if c.required and c.key not in positions.values()]
    if missing:
        raise Invalid({"file": [_("The file has no column %(name)s.", name=c.headers()[0]) for c in missing]})
    limit = current_app.config.get("IMPORT_MAX_ROWS", 20_000)
    rows = []
    for number, line in enumerate(lines, start=2):
        values = {key: _cell_text(line[i]) if i < len(line) else "" for i, key in positions.items()}
        if not any(values.values()):
            continue
        if number == 2 and all(normalised(v) in wanted for v in values.values() if v):
            continue  # the template's second header line
        rows.append(Row(number, values))
        if len(rows) > limit:
            raise Invalid({"file": [_("A file may hold at most %(n)d rows.", n=limit)]})
    return rows
