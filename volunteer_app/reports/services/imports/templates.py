"""The template workbook of each kind of import: Chinese headers with the English beneath, a sample row, drop-down
lists for the choices (communities, political status, relations ...), text cells for ID and phone numbers, widths
that fit the content."""

from __future__ import annotations

import io
from collections.abc import Sequence

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from volunteer_app.reports.services.imports.columns import Column

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def workbook(columns: Sequence[Column], title: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    lists = book.create_sheet(_("Lists")[:31])  # the drop-down values, out of the way
    lists.sheet_state = "hidden"
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        chinese, english = column.headers()
        top = sheet.cell(row=1, column=index, value=f"{chinese}*" if column.required else chinese)
        top.font, top.fill = Font(bold=True), HEADER_FILL
        sheet.cell(row=2, column=index, value=english).font = Font(italic=True, color="666666")
        if column.note:
            top.comment = Comment(str(column.note), "Shanzhi")
        sheet.cell(row=3, column=index, value=column.sample_text() or None)
        sheet.column_dimensions[letter].width = column.width
        if column.text:
            for row in range(3, 1003):  # typed numbers stay as typed: no 4.4E+17 for an ID number
                sheet.cell(row=row, column=index).number_format = "@"
        if column.choices is not None:
            values = column.choices()
            for row, value in enumerate(values, start=1):
                lists.cell(row=row, column=index, value=value)
            if values:
                source = f"{quote_sheetname(lists.title)}!${letter}$1:${letter}${len(values)}"
                validation = DataValidation(type="list", formula1=source, allow_blank=True)
                validation.error = _("Choose a value from the list.")
                validation.showErrorMessage = False  # a warning, not a refusal: the check says what is wrong
                sheet.add_data_validation(validation)
                validation.add(f"{letter}3:{letter}10002")
    sheet.freeze_panes = "A3"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
