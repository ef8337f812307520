"""Tables as downloads: a streamed CSV (semicolons, UTF-8 with a byte-order mark, as
Dutch Excel opens it) or an XLSX workbook. Text cells that a spreadsheet would run as a
formula get a quote first."""

import csv
from collections.abc import Iterable

from django.http import HttpResponse, StreamingHttpResponse
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def escape_cell(value):
    """Neutralise spreadsheet formulas: a text cell starting with = + - @ gets a quote."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _escaped(header: list[str], rows: Iterable[list]):
    yield header
    for row in rows:
        yield [escape_cell(value) for value in row]


def csv_response(header: list[str], rows: Iterable[list], filename: str) -> StreamingHttpResponse:
    class Echo:
        def write(self, value):
            return value

    writer = csv.writer(Echo(), delimiter=";")
    stream = (writer.writerow(row) for row in _escaped(header, rows))
    response = StreamingHttpResponse(_with_bom(stream), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_response(
    header: list[str], rows: Iterable[list], filename: str, *, sheet: str
) -> HttpResponse:
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet[:31])
    for row in _escaped(header, rows):
        # Control characters pasted into a text are not allowed in a spreadsheet cell.
        worksheet.append(
            [ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row]
        )
    response = HttpResponse(content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    workbook.save(response)
    return response


def _with_bom(stream):
    yield "\ufeff"  # Excel opens UTF-8 CSV correctly with a byte-order mark
    yield from stream
