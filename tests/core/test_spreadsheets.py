"""The one spreadsheet writer: formula-like text neutralised, numbers and dates kept, a BOM on CSV, sheets of a
workbook with their totals row, widths and Excel's limits on sheet names."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import openpyxl
import pytest

from volunteer_app.core.spreadsheets import Sheet, csv_bytes, safe_cell, xlsx_bytes


@pytest.mark.parametrize("text", ["=1+1", "+86 138", "-2", "@SUM(A1)", "\t=cmd", "\r=cmd"])
def test_text_starting_like_a_formula_stays_text(text):
    assert safe_cell(text) == "'" + text


def test_numbers_dates_and_plain_text_are_kept(app):
    assert safe_cell(-2) == -2 and safe_cell(1.5) == 1.5 and safe_cell(date(2026, 10, 1)) == date(2026, 10, 1)
    assert safe_cell("张三") == "张三" and safe_cell(None) == ""
    # An aware time is written as the town's local time (Asia/Shanghai in the tests' configuration).
    assert safe_cell(datetime(2026, 10, 1, 1, 30, tzinfo=UTC)) == datetime(2026, 10, 1, 9, 30)


def test_csv_has_a_bom_and_neutralised_cells(app):
    body = csv_bytes(["姓名", "备注"], [["张三", "=HYPERLINK(1)"], ["@x", 3]])
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows == [["姓名", "备注"], ["张三", "'=HYPERLINK(1)"], ["'@x", "3"]]


def test_a_workbook_has_its_sheets_totals_and_widths(app):
    body = xlsx_bytes([
        Sheet("各队伍服务时长", ["队伍", "时长"], [["=A", 1.5], ["乙", 2]], widths=(20, 8), totals=["合计", 3.5]),
        Sheet("a/b:c*d?e[f]g" * 4, ["x"], []),
    ])  # fmt: skip
    book = openpyxl.load_workbook(io.BytesIO(body))
    first, second = book.worksheets
    assert first.title == "各队伍服务时长" and len(second.title) == 31 and not set("/:*?[]") & set(second.title)
    assert [[c.value for c in row] for row in first.iter_rows()] == [
        ["队伍", "时长"], ["'=A", 1.5], ["乙", 2], ["合计", 3.5]
    ]  # fmt: skip
    assert first.column_dimensions["A"].width == 20 and first["A4"].font.bold
    assert not [c for row in first.iter_rows() for c in row if c.data_type == "f"]
