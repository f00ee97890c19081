"""Excel and CSV exports of the work lists.

Excel: a real .xlsx (openpyxl, write-only so memory stays flat for any length), Vietnamese
headers, dates as Excel dates shown dd/mm/yyyy, and ID numbers and phone numbers as TEXT
cells, so the leading zeros of 001... (Hà Nội) and 09... survive; phones in the national
format shown everywhere (0974 363 407). An autofilter on the header row, so each column
can be filtered at once. The workbook is written to a temporary file and streamed from
there: it is the officers' format (Vietnamese Excel opens a CSV as one column, since its
list separator is ";").

CSV, for other software: UTF-8 with a byte-order mark, without which Excel reads Vietnamese as mojibake;
streamed row by row. Text that Excel would run as a formula (=, +, -, @ first) is quoted
with an apostrophe, the usual defence against CSV formula injection.
"""

import csv
import datetime
import tempfile
from collections.abc import Iterable, Iterator

from django.http import FileResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from households.phones import phone_display
from outreach.reports.lists import Column, ListSpec

DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WIDTHS = {"address": 42, "name": 26, "head": 24, "revisit_note": 30, "why": 34, "reason": 34, "outcome": 28,
          "vneid": 24, "support": 22, "group": 18, "turf": 26, "team": 26}  # fmt: skip
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _plain(column: Column, value):
    """The value a CSV cell holds: text, dd/mm/yyyy dates, plain integers."""
    if value is None or value == "":
        return ""
    if column.kind == "bool":
        return _("Có") if value else ""
    if column.kind == "phone":
        return phone_display(value)
    if isinstance(value, datetime.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, int):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_stream(*, spec: ListSpec, rows: Iterable[dict]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([str(c.header) for c in spec.columns])
    for row in rows:
        yield writer.writerow([_plain(c, row.get(c.key)) for c in spec.columns])


def csv_response(*, spec: ListSpec, rows: Iterable[dict], filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_stream(spec=spec, rows=rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _cell(ws, column: Column, value):
    if value is None or value == "":
        return None
    if column.kind == "bool":
        return _("Có") if value else None
    if column.kind in ("id", "phone"):
        cell = WriteOnlyCell(ws, value=phone_display(value) if column.kind == "phone" else str(value))
        cell.data_type = "s"  # never a number, or Excel drops the leading zero
        cell.number_format = "@"
        return cell
    if isinstance(value, datetime.datetime):
        cell = WriteOnlyCell(ws, value=value.replace(tzinfo=None))  # local time; Excel has no zones
        cell.number_format = DATETIME_FORMAT
        return cell
    if isinstance(value, datetime.date):
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    if isinstance(value, int):
        return value
    text = str(value)
    if text.startswith("="):
        cell = WriteOnlyCell(ws, value=text)
        cell.data_type = "s"  # openpyxl would store it as a formula
        return cell
    return text


def xlsx_file(*, spec: ListSpec, rows: Iterable[dict], about: list[tuple[str, str]]):
    """The workbook in a temporary file, positioned at its start: the list on the first
    sheet with its headers in row 1 (so sorting and filtering just work), and what was
    exported (area, campaign, filters, time) on a second sheet."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=str(spec.title)[:31])
    for i, column in enumerate(spec.columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = WIDTHS.get(column.key, 16)
    ws.freeze_panes = "A2"
    headers = []
    for column in spec.columns:
        cell = WriteOnlyCell(ws, value=str(column.header))
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        headers.append(cell)
    ws.append(headers)
    count = 0
    for row in rows:
        ws.append([_cell(ws, c, row.get(c.key)) for c in spec.columns])
        count += 1
    # Written with the sheet's tail, so it can be set once the row count is known.
    ws.auto_filter.ref = f"A1:{get_column_letter(len(spec.columns))}{count + 1}"
    info = wb.create_sheet(title=_("Thông tin"))
    info.column_dimensions["A"].width = 24
    info.column_dimensions["B"].width = 60
    for label, value in about:
        name = WriteOnlyCell(info, value=label)
        name.font = Font(bold=True)
        info.append([name, value])
    handle = tempfile.TemporaryFile()
    wb.save(handle)
    handle.seek(0)
    return handle


def xlsx_response(
    *, spec: ListSpec, rows: Iterable[dict], filename: str, about: list[tuple[str, str]]
) -> FileResponse:
    handle = xlsx_file(spec=spec, rows=rows, about=about)
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX_TYPE)
