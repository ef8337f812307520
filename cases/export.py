"""The case list as a file: CSV or XLSX of exactly the filtered list. Column headers are
translated when the file is made (lazy labels), so an English export has English headers."""

import csv

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

LIMIT = 5000

COLUMNS = [
    (gettext_lazy("Titel"), lambda c: c.title),
    (gettext_lazy("Samenvatting"), lambda c: c.summary),
    (gettext_lazy("Organisaties"), lambda c: ", ".join(o.name for o in c.organisations.all())),
    (gettext_lazy("Regio"), lambda c: c.region.name if c.region else ""),
    (gettext_lazy("Sector"), lambda c: c.get_sector_display()),
    (
        gettext_lazy("Productcategorie"),
        lambda c: c.product_category.name if c.product_category else "",
    ),
    (gettext_lazy("Jaar"), lambda c: c.year or ""),
    (gettext_lazy("Procedure"), lambda c: c.get_procedure_display()),
    (
        gettext_lazy("R-strategieën"),
        lambda c: ", ".join(f"R{s.r_level_id}" for s in c.strategies.all()),
    ),
    (gettext_lazy("Zichtbaarheid"), lambda c: c.get_visibility_display()),
    (gettext_lazy("Adres"), lambda c: c.get_absolute_url()),
]


def escape_cell(value):
    """Neutralise spreadsheet formulas: a text cell starting with = + - @ gets a quote."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _table(cases):
    """The header (translated now, in the request's language) and a row per case."""
    header = [str(label) for label, _getter in COLUMNS]
    rows = ([escape_cell(getter(case)) for _label, getter in COLUMNS] for case in cases)
    return header, rows


def _rows(header, rows):
    yield header
    yield from rows


def csv_response(cases) -> StreamingHttpResponse:
    """A streamed CSV (semicolons, UTF-8 with a byte-order mark for Excel)."""

    class Echo:
        def write(self, value):
            return value

    writer = csv.writer(Echo(), delimiter=";")
    stream = (writer.writerow(row) for row in _rows(*_table(cases)))
    response = StreamingHttpResponse(_with_bom(stream), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="praktijkvoorbeelden.csv"'
    return response


def xlsx_response(cases) -> HttpResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Praktijkvoorbeelden"))
    for row in _rows(*_table(cases)):
        # Control characters pasted into a text are not allowed in a spreadsheet cell.
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row])
    response = HttpResponse(
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="praktijkvoorbeelden.xlsx"'
    workbook.save(response)
    return response


def _with_bom(stream):
    yield "\ufeff"  # Excel opens UTF-8 CSV correctly with a byte-order mark
    yield from stream
