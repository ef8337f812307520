"""KPI measurements in bulk: export a trajectory's (or several trajectories') targets and
actuals per period to CSV or XLSX, edit the file, and import the same file back.

The import works in two steps, and the views only wire them together:

1. `parse(upload, user=..., allowed_trajectory_ids=...)` reads the file and returns a
   `Preview`: every row with its status (unchanged, changed with old → new per field,
   new, or its errors by column). Nothing is saved. Problems with the file as a whole
   (not CSV/XLSX by its content, too big, too many rows, wrong columns) raise a
   `ValidationError` with a Dutch message for the upload field.
2. When the preview has no errors, `preview.token()` is a signed, compressed string the
   confirm form carries in a hidden field; `Preview.from_token(token, user=...)` reads it
   back (a changed, expired or someone else's token is refused), and
   `apply(preview, actor=...)` saves every changed and new row in one transaction, after
   checking them again against the database and the actor's current rights. If any row
   is wrong then, nothing is saved at all.

Who may import: whoever may edit the trajectory (`editable_trajectories`, the same rule as
`procurement.permissions.can_edit_trajectory`). A KPI or measurement outside those
trajectories gets the same message as one that does not exist, so the import never tells
whether another organisation's id exists.
"""

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.utils import formats, translation
from django.utils.formats import number_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from kit.export import XLSX_TYPE, escape_cell
from procurement import services
from procurement.models import Kpi, KpiMeasurement, Trajectory

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
# An XLSX is a zip: refuse one that unpacks to far more than any real export (zip bomb).
MAX_XLSX_UNPACKED_BYTES = 50 * 1024 * 1024
TOKEN_SALT = "procurement.kpi_transfer.preview"  # noqa: S105 (a salt, not a secret)
TOKEN_MAX_AGE = 60 * 60  # seconds: a preview older than an hour is loaded again

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"

XLSX_SIGNATURE = b"PK\x03\x04"
# Characters that make a spreadsheet read a text cell as a formula: `escape_cell` puts a
# quote before them on export, the import takes it off again.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _label(model, name):
    """A model field's label as a column header (lazy: translated when the file is
    made, and already translated into English with the model)."""
    return capfirst(model._meta.get_field(name).verbose_name)


@dataclass(frozen=True)
class Column:
    key: str
    label: object  # a lazy string: str() it in the language wanted
    read_only: bool = False


COLUMNS = (
    Column("trajectory_id", gettext_lazy("Traject-id")),
    Column("trajectory", capfirst(Trajectory._meta.verbose_name), read_only=True),
    Column("kpi_id", gettext_lazy("KPI-id")),
    Column("kpi", capfirst(Kpi._meta.verbose_name), read_only=True),
    Column("unit", _label(Kpi, "unit"), read_only=True),
    Column("label", _label(KpiMeasurement, "label")),
    Column("period_start", _label(KpiMeasurement, "period_start")),
    Column("period_end", _label(KpiMeasurement, "period_end")),
    Column("target", _label(KpiMeasurement, "target")),
    Column("actual", _label(KpiMeasurement, "actual")),
    Column("measurement_id", gettext_lazy("Meting-id")),
)
COLUMN_KEYS = tuple(c.key for c in COLUMNS)
# The fields of a measurement an import may change (its period start identifies it).
COMPARED = ("label", "period_end", "target", "actual")


def headers() -> list[str]:
    """The column headers in the active language."""
    return [str(c.label) for c in COLUMNS]


def column_label(key: str | None) -> str:
    """The header of a column in the active language ("" for a row-wide message)."""
    for column in COLUMNS:
        if column.key == key:
            return str(column.label)
    return ""


# --- Who may import ------------------------------------------------------------------


def editable_trajectories(user):
    """The trajectories whose KPI measurements the user may change: those they may edit
    (`Trajectory.objects.editable_by`, the rule of `permissions.can_edit_trajectory`)."""
    return Trajectory.objects.editable_by(user)


def _allowed_ids(user, allowed_trajectory_ids):
    """The caller's choice of trajectories, narrowed to what the user may edit now (a
    subquery of ids)."""
    trajectories = editable_trajectories(user)
    if allowed_trajectory_ids is not None:
        trajectories = trajectories.filter(pk__in=list(allowed_trajectory_ids))
    return trajectories.order_by().values("pk")


# --- Export --------------------------------------------------------------------------


def export_rows(trajectories) -> list[list]:
    """The header and a row per KPI measurement of these trajectories (a KPI without
    measurements gets one row with the period left empty, to fill in). Values are typed
    (int, str, date, Decimal, None); texts are escaped against formulas."""
    kpis = (
        Kpi.objects.filter(trajectory__in=trajectories.order_by().values("pk"))
        .select_related("trajectory")
        .only("name", "unit", "trajectory__title")
        .prefetch_related("measurements")
        .order_by("trajectory_id", "name", "pk")
    )
    rows = [headers()]
    for kpi in kpis:
        start = [
            kpi.trajectory.pk,
            escape_cell(kpi.trajectory.title),
            kpi.pk,
            escape_cell(kpi.name),
            escape_cell(kpi.unit),
        ]
        measurements = sorted(kpi.measurements.all(), key=lambda m: m.period_start)
        if not measurements:
            rows.append([*start, "", None, None, None, None, None])
        for m in measurements:
            rows.append(
                [
                    *start,
                    escape_cell(m.label),
                    m.period_start,
                    m.period_end,
                    m.target,
                    m.actual,
                    m.pk,
                ]
            )
    return rows


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        # The active language's decimal mark: "18,50" in Dutch, as Dutch Excel reads it.
        return str(value).replace(".", formats.get_format("DECIMAL_SEPARATOR"))
    return str(value)


def export_csv(trajectories) -> bytes:
    """The export as CSV: UTF-8 with a byte-order mark and semicolons (as the case
    export, so Excel opens it correctly); dates as YYYY-MM-DD."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";")
    for row in export_rows(trajectories):
        writer.writerow([_csv_value(v) for v in row])
    return out.getvalue().encode("utf-8")


def export_xlsx(trajectories) -> bytes:
    """The export as an Excel workbook: numbers as numbers, dates as dates."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("KPI-metingen"))
    for row in export_rows(trajectories):
        cells = []
        for value in row:
            if isinstance(value, str):
                # Control characters pasted into a text are not allowed in a cell.
                value = ILLEGAL_CHARACTERS_RE.sub("", value)
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
            cells.append(cell)
        sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def export_response(trajectories, *, file_format: str) -> HttpResponse:
    """The export as a download: `file_format` is "csv" or "xlsx"."""
    if file_format == "xlsx":
        content, content_type = export_xlsx(trajectories), XLSX_TYPE
    elif file_format == "csv":
        content, content_type = export_csv(trajectories), CSV_CONTENT_TYPE
    else:
        raise ValueError(f"Unknown export format: {file_format!r}")
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="kpi-metingen.{file_format}"'
    return response


# --- The preview ---------------------------------------------------------------------


class RowStatus:
    UNCHANGED = "unchanged"
    CHANGED = "changed"
    NEW = "new"
    ERROR = "error"

    LABELS = {
        UNCHANGED: gettext_lazy("Ongewijzigd"),
        CHANGED: gettext_lazy("Gewijzigd"),
        NEW: gettext_lazy("Nieuw"),
        ERROR: gettext_lazy("Fout"),
    }


@dataclass
class RowError:
    """A problem with one row: `column` is a key of COLUMNS (None: the row as a whole)."""

    column: str | None
    message: str

    @property
    def column_label(self) -> str:
        return column_label(self.column)


@dataclass
class Change:
    """One field of an existing measurement: the stored value and the file's value."""

    column: str
    old: object
    new: object

    @property
    def column_label(self) -> str:
        return column_label(self.column)


@dataclass
class PreviewRow:
    """One data row of the file: its typed values, and what the import would do."""

    number: int  # the row in the spreadsheet; the header is row 1
    cells: dict = field(default_factory=dict)  # as read, for showing the row
    trajectory_id: int | None = None
    kpi_id: int | None = None
    measurement_id: int | None = None
    label: str = ""
    period_start: date | None = None
    period_end: date | None = None
    target: Decimal | None = None
    actual: Decimal | None = None
    status: str = ""
    changes: list[Change] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    # From the database (only for KPIs the user may edit): what the row refers to.
    trajectory_title: str = ""
    kpi_name: str = ""
    unit: str = ""
    # The stored values of the measurement when the preview was made: a confirm after
    # someone else changed them is refused rather than overwriting their change.
    seen: dict | None = None

    @property
    def status_label(self) -> str:
        return str(RowStatus.LABELS.get(self.status, ""))

    @property
    def is_blank(self) -> bool:
        """A KPI's empty period row from the export, not filled in: nothing to do."""
        return (
            self.measurement_id is None
            and not self.label
            and self.period_start is None
            and self.period_end is None
            and self.target is None
            and self.actual is None
            and not any(e.column in (*COMPARED, "period_start") for e in self.errors)
        )

    def error(self, column: str | None, message: str) -> None:
        self.errors.append(RowError(column, message))

    def errors_in(self, column: str) -> bool:
        return any(e.column == column for e in self.errors)


@dataclass
class Preview:
    """What an import would do, row by row. Save it with `apply` (after `token()` /
    `from_token()` between the preview and the confirm request)."""

    rows: list[PreviewRow]

    @property
    def errors(self) -> int:
        """The number of errors over all rows."""
        return sum(len(row.errors) for row in self.rows)

    @property
    def changes(self) -> int:
        """The number of rows that would be saved (changed or new)."""
        return len(self.to_save)

    @property
    def new(self) -> int:
        return sum(1 for row in self.rows if row.status == RowStatus.NEW)

    @property
    def unchanged(self) -> int:
        return sum(1 for row in self.rows if row.status == RowStatus.UNCHANGED)

    @property
    def is_valid(self) -> bool:
        return self.errors == 0

    @property
    def to_save(self) -> list[PreviewRow]:
        return [r for r in self.rows if r.status in (RowStatus.CHANGED, RowStatus.NEW)]

    @property
    def error_rows(self) -> list[PreviewRow]:
        return [r for r in self.rows if r.errors]

    def token(self, *, user) -> str:
        """The rows to save, signed for this user (for a hidden field of the confirm
        form; compressed: some 80 kB for 5,000 changed rows). Only a preview without errors has
        one."""
        if not self.is_valid:
            raise ValueError("A preview with errors cannot be confirmed.")
        payload = {
            "user": user.pk,
            "rows": [
                [
                    row.number,
                    row.trajectory_id,
                    row.kpi_id,
                    row.measurement_id,
                    row.label,
                    _iso(row.period_start),
                    _iso(row.period_end),
                    _text(row.target),
                    _text(row.actual),
                    row.seen,
                ]
                for row in self.to_save
            ],
        }
        return signing.dumps(payload, salt=TOKEN_SALT, compress=True)

    @classmethod
    def from_token(cls, token: str, *, user, max_age: int = TOKEN_MAX_AGE) -> "Preview":
        """The rows to save from `token()`. Refuses a token that was changed, is older
        than `max_age` seconds or was made for someone else."""
        try:
            payload = signing.loads(token, salt=TOKEN_SALT, max_age=max_age)
        except signing.SignatureExpired:
            raise ValidationError(
                _("Dit voorbeeld is verlopen. Laad het bestand opnieuw."), code="expired"
            ) from None
        except signing.BadSignature:
            raise ValidationError(
                _("Dit voorbeeld is niet geldig. Laad het bestand opnieuw."), code="bad_token"
            ) from None
        if payload.get("user") != user.pk:
            raise ValidationError(
                _("Dit voorbeeld is niet geldig. Laad het bestand opnieuw."), code="bad_token"
            )
        rows = []
        for number, traj, kpi, meas, label, start, end, target, actual, seen in payload["rows"]:
            rows.append(
                PreviewRow(
                    number=number,
                    trajectory_id=traj,
                    kpi_id=kpi,
                    measurement_id=meas,
                    label=label,
                    period_start=date.fromisoformat(start) if start else None,
                    period_end=date.fromisoformat(end) if end else None,
                    target=Decimal(target) if target is not None else None,
                    actual=Decimal(actual) if actual is not None else None,
                    status=RowStatus.CHANGED if meas else RowStatus.NEW,
                    seen=seen,
                )
            )
        return cls(rows=rows)


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _text(value: Decimal | None) -> str | None:
    return str(value) if value is not None else None


# --- Reading the file ----------------------------------------------------------------


def parse(upload, *, user, allowed_trajectory_ids=None) -> Preview:
    """Read an uploaded CSV or XLSX (judged by its content, not its name) and compare it
    with the database. Nothing is saved.

    `allowed_trajectory_ids`: the trajectories this import is for (e.g. the one whose
    page it was started from); always narrowed to those the user may edit. Raises a
    ValidationError for a file that cannot be read as a whole.
    """
    data = _read(upload)
    table = _xlsx_rows(data) if data.startswith(XLSX_SIGNATURE) else _csv_rows(data)
    rows = _rows_from_table(table)
    _check(rows, allowed_ids=_allowed_ids(user, allowed_trajectory_ids))
    return Preview(rows=rows)


def _read(upload) -> bytes:
    if isinstance(upload, bytes | bytearray):
        data = bytes(upload)
    else:
        upload.seek(0)
        data = upload.read(MAX_BYTES + 1)
        upload.seek(0)
    if len(data) > MAX_BYTES:
        raise ValidationError(
            _("Het bestand is groter dan 2 MB. Splits het in kleinere bestanden."),
            code="too_big",
        )
    if not data.strip():
        raise ValidationError(_("Het bestand is leeg."), code="empty")
    return data


def _not_a_table() -> ValidationError:
    return ValidationError(
        _(
            "Dit bestand is geen CSV (UTF-8) of Excel-bestand (.xlsx); het portaal kijkt "
            "naar de inhoud, niet naar de naam. Sla het in Excel op als .xlsx of als "
            "'CSV UTF-8' en probeer het opnieuw."
        ),
        code="wrong_type",
    )


def _csv_rows(data: bytes) -> list[tuple[int, list]]:
    """(row number, cells) per row of a CSV: UTF-8 with or without byte-order mark,
    separated by semicolons, commas or tabs (whichever the header uses)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _not_a_table() from None
    if "\x00" in text:
        raise _not_a_table()
    first_line = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return _limited(enumerate(reader, start=1))
    except csv.Error:
        raise _not_a_table() from None


def _xlsx_rows(data: bytes) -> list[tuple[int, list]]:
    """(row number, cells) per row of the first sheet of an XLSX."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise _bad_xlsx() from None
    if unpacked > MAX_XLSX_UNPACKED_BYTES:
        raise _bad_xlsx()
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        # openpyxl raises many kinds of errors on a zip that is no workbook (a .docx,
        # a damaged file); to the user they all mean the same.
        raise _bad_xlsx() from None
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise _bad_xlsx()
        return _limited(enumerate(sheet.iter_rows(values_only=True), start=1))
    finally:
        workbook.close()


def _bad_xlsx() -> ValidationError:
    return ValidationError(
        _(
            "Dit Excel-bestand kan niet worden gelezen. Sla het op als .xlsx of als CSV "
            "(UTF-8) en probeer het opnieuw."
        ),
        code="bad_xlsx",
    )


def _limited(numbered_rows) -> list[tuple[int, list]]:
    """The non-empty rows, the header first; refuses more than MAX_ROWS data rows."""
    rows = []
    for number, cells in numbered_rows:
        cells = list(cells)
        if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
            continue
        rows.append((number, cells))
        if len(rows) > MAX_ROWS + 1:
            raise ValidationError(
                _("Het bestand heeft meer dan %(max)s regels. Splits het in kleinere bestanden.")
                % {"max": number_format(MAX_ROWS, force_grouping=True)},
                code="too_many_rows",
            )
    return rows


def _normalise_header(value) -> str:
    return " ".join(str(value or "").replace("\ufeff", "").split()).casefold()


def _header_map(cells: list) -> dict[int, str]:
    """Column index → column key, from the header row in Dutch or English."""
    known = {}
    for language in ("nl", "en", translation.get_language()):
        with translation.override(language):
            for column in COLUMNS:
                known.setdefault(_normalise_header(column.label), column.key)
    mapping, unknown = {}, []
    for index, value in enumerate(cells):
        name = _normalise_header(value)
        if not name:
            continue
        key = known.get(name)
        if key is None or key in mapping.values():
            unknown.append(str(value).strip())
        else:
            mapping[index] = key
    missing = [str(c.label) for c in COLUMNS if c.key not in mapping.values()]
    if missing or unknown:
        parts = []
        if missing:
            parts.append(_("Ontbrekende kolommen: %(names)s.") % {"names": ", ".join(missing)})
        if unknown:
            parts.append(
                _("Onbekende of dubbele kolommen: %(names)s.") % {"names": ", ".join(unknown)}
            )
        raise ValidationError(
            _(
                "De kolommen van dit bestand kloppen niet met de export. %(details)s "
                "Gebruik het bestand dat u hier hebt geëxporteerd, met dezelfde kolommen."
            )
            % {"details": " ".join(parts)},
            code="bad_headers",
        )
    return mapping


def _rows_from_table(table: list[tuple[int, list]]) -> list[PreviewRow]:
    if not table:
        raise ValidationError(_("Het bestand is leeg."), code="empty")
    _number, header = table[0]
    mapping = _header_map(header)
    rows = []
    for number, cells in table[1:]:
        values = dict.fromkeys(COLUMN_KEYS)
        for index, key in mapping.items():
            if index < len(cells):
                values[key] = _unescape(cells[index])
        rows.append(_typed_row(number, values))
    return rows


def _unescape(value):
    """Take off the quote `escape_cell` put before a formula character, and spaces."""
    if isinstance(value, str):
        value = value.strip()
        if value[:1] == "'" and value[1:2] in FORMULA_START:
            value = value[1:]
    return value


def _display(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _typed_row(number: int, values: dict) -> PreviewRow:
    """The row's cells as typed values; a cell that does not parse is an error there."""
    row = PreviewRow(number=number, cells={k: _display(v) for k, v in values.items()})
    for key in ("trajectory_id", "kpi_id", "measurement_id"):
        try:
            setattr(row, key, _parse_id(values[key]))
        except ValueError:
            row.error(key, _("Dit is geen geldig id (een heel getal)."))
    row.label = _display(values["label"]).strip()
    for key in ("period_start", "period_end"):
        try:
            setattr(row, key, _parse_date(values[key]))
        except ValueError:
            row.error(
                key,
                _("Dit is geen geldige datum; schrijf die als JJJJ-MM-DD of DD-MM-JJJJ."),
            )
    for key in ("target", "actual"):
        try:
            setattr(row, key, _parse_decimal(values[key]))
        except ValueError as error:
            row.error(key, str(error))
    return row


def _parse_id(value) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(value)
        value = int(value)
    if isinstance(value, str):
        if not value.isdigit() or not value.isascii():
            raise ValueError(value)
        value = int(value)
    if not isinstance(value, int) or value < 1:
        raise ValueError(value)
    # Larger than any id the database holds: unknown, without asking the database.
    return min(value, 2**63 - 1)


DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y")


def _parse_date(value) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        for pattern in DATE_FORMATS:
            try:
                return datetime.strptime(value, pattern).date()
            except ValueError:
                continue
    raise ValueError(value)


MAX_NUMBER = Decimal(10) ** 12  # the fields hold 14 digits, 2 after the decimal mark


def _parse_decimal(value) -> Decimal | None:
    """A number, also written the Dutch way ("18,5", "1.234,50")."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(_("Dit is geen getal."))
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        # Rounded first: a spreadsheet sum may give 18.000000000000004 for 18.
        number = Decimal(repr(round(value, 9)))
    else:
        text = str(value).replace(" ", "").replace("\u00a0", "")
        if "," in text and "." in text:
            # The mark that comes last separates the decimals, the other one thousands.
            if text.rfind(",") > text.rfind("."):
                text = text.replace(".", "").replace(",", ".")
            else:
                text = text.replace(",", "")
        elif text.count(",") == 1:
            text = text.replace(",", ".")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(_("Dit is geen getal.")) from None
    if not number.is_finite():
        raise ValueError(_("Dit is geen getal."))
    if number != number.quantize(Decimal("0.01"), rounding="ROUND_DOWN"):
        raise ValueError(_("Gebruik hoogstens twee cijfers achter de komma."))
    if abs(number) >= MAX_NUMBER:
        raise ValueError(_("Dit getal is te groot."))
    return number.quantize(Decimal("0.01"))


# --- Checking against the database -----------------------------------------------------


def _unknown_kpi(kpi_id: int) -> str:
    # The same words for a KPI that does not exist and one the user may not edit.
    return _("Er is geen KPI met id %(id)s in de trajecten die u mag bewerken.") % {"id": kpi_id}


def _stored(measurement: KpiMeasurement) -> dict:
    return {
        "label": measurement.label,
        "period_end": _iso(measurement.period_end),
        "target": _text(measurement.target),
        "actual": _text(measurement.actual),
    }


def _file_values(row: PreviewRow) -> dict:
    return {
        "label": row.label,
        "period_end": _iso(row.period_end),
        "target": _text(row.target),
        "actual": _text(row.actual),
    }


def _check(rows: list[PreviewRow], *, allowed_ids, lock: bool = False) -> dict[int, Kpi]:
    """Give every row its status, changes and errors against the database. Only KPIs of
    the allowed trajectories are read, so another organisation's ids stay unknown.
    Returns those KPIs by id."""
    kpi_ids = {row.kpi_id for row in rows if row.kpi_id}
    kpis_qs = Kpi.objects.filter(pk__in=kpi_ids, trajectory_id__in=allowed_ids).select_related(
        "trajectory"
    )
    measurements_qs = KpiMeasurement.objects.filter(
        kpi_id__in=kpi_ids, kpi__trajectory_id__in=allowed_ids
    )
    if lock:
        # Two imports of the same KPIs wait for each other instead of both inserting.
        kpis_qs = kpis_qs.select_for_update(of=("self",))
        measurements_qs = measurements_qs.select_for_update()
    kpis = {kpi.pk: kpi for kpi in kpis_qs}
    measurements = {m.pk: m for m in measurements_qs}
    by_period = {(m.kpi_id, m.period_start): m for m in measurements.values()}
    file_periods: dict[tuple, int] = {}
    file_measurements: dict[int, int] = {}

    for row in rows:
        row.changes = []
        kpi = kpis.get(row.kpi_id)
        _check_kpi(row, kpi)
        if row.is_blank:
            row.status = RowStatus.ERROR if row.errors else RowStatus.UNCHANGED
            continue
        measurement = None
        if row.measurement_id and kpi is not None:
            measurement = measurements.get(row.measurement_id)
            if measurement is None:
                row.error(
                    "measurement_id",
                    _("Er is geen meting met id %(id)s bij deze KPI.") % {"id": row.measurement_id},
                )
            elif measurement.kpi_id != kpi.pk:
                row.error(
                    "measurement_id",
                    _("Meting %(id)s hoort bij een andere KPI (id %(kpi)s).")
                    % {"id": row.measurement_id, "kpi": measurement.kpi_id},
                )
                measurement = None
            elif row.measurement_id in file_measurements:
                row.error(
                    "measurement_id",
                    _("Deze meting staat ook op regel %(row)s.")
                    % {"row": file_measurements[row.measurement_id]},
                )
            else:
                file_measurements[row.measurement_id] = row.number
        _check_period(row, measurement)
        if kpi is not None and row.period_start and not row.errors_in("period_start"):
            key = (kpi.pk, row.period_start)
            if key in file_periods:
                row.error(
                    "period_start",
                    _("Deze KPI heeft op regel %(row)s al een periode met deze begindatum.")
                    % {"row": file_periods[key]},
                )
            else:
                file_periods[key] = row.number
                existing = by_period.get(key)
                if measurement is None and existing is not None and not row.measurement_id:
                    if _stored(existing) == _file_values(row):
                        # Already stored as it is in the file (e.g. a confirm sent twice).
                        measurement = existing
                    else:
                        row.error(
                            "period_start",
                            _(
                                "Voor deze periode is er al een meting (meting-id %(id)s). "
                                "Vul dat id in om die meting te wijzigen."
                            )
                            % {"id": existing.pk},
                        )
        if row.errors:
            row.status = RowStatus.ERROR
            continue
        if measurement is None:
            row.status = RowStatus.NEW
            continue
        stored, wanted = _stored(measurement), _file_values(row)
        if row.seen is not None and stored != row.seen and stored != wanted:
            row.error(
                None,
                _(
                    "Deze meting is gewijzigd nadat het voorbeeld werd gemaakt. Exporteer "
                    "opnieuw en breng uw wijziging daarin aan."
                ),
            )
            row.status = RowStatus.ERROR
            continue
        row.seen = stored
        for name in COMPARED:
            if stored[name] != wanted[name]:
                row.changes.append(Change(name, getattr(measurement, name), getattr(row, name)))
        row.status = RowStatus.CHANGED if row.changes else RowStatus.UNCHANGED
    return kpis


def _check_kpi(row: PreviewRow, kpi: Kpi | None) -> None:
    if row.errors_in("kpi_id"):
        return
    if row.kpi_id is None:
        row.error("kpi_id", _("Vul het id van de KPI in."))
    elif kpi is None:
        row.error("kpi_id", _unknown_kpi(row.kpi_id))
    else:
        row.trajectory_title, row.kpi_name, row.unit = kpi.trajectory.title, kpi.name, kpi.unit
        if row.errors_in("trajectory_id"):
            return
        if row.trajectory_id is None:
            row.error("trajectory_id", _("Vul het id van het traject in."))
        elif row.trajectory_id != kpi.trajectory_id:
            row.error(
                "trajectory_id",
                _("KPI %(kpi)s hoort bij traject %(trajectory)s, niet bij dit traject.")
                % {"kpi": kpi.pk, "trajectory": kpi.trajectory_id},
            )


def _check_period(row: PreviewRow, measurement: KpiMeasurement | None) -> None:
    """Label and dates of a row that will be saved."""
    label_field = KpiMeasurement._meta.get_field("label")
    if not row.label:
        row.error("label", _("Vul de periode in, bijvoorbeeld: contractjaar 1."))
    elif len(row.label) > label_field.max_length:
        row.error(
            "label",
            _("Gebruik hoogstens %(max)s tekens.") % {"max": label_field.max_length},
        )
    for key in ("period_start", "period_end"):
        if getattr(row, key) is None and not row.errors_in(key):
            row.error(key, _("Vul een datum in (JJJJ-MM-DD)."))
    if (
        measurement is not None
        and row.period_start
        and row.period_start != measurement.period_start
    ):
        row.error(
            "period_start",
            _(
                "De begindatum van een bestaande meting verandert niet (was %(day)s). Voor "
                "een nieuwe periode laat u het meting-id leeg."
            )
            % {"day": measurement.period_start.isoformat()},
        )
    if row.period_start and row.period_end and row.period_end <= row.period_start:
        row.error("period_end", _("Een periode eindigt na het begin."))


# --- Saving --------------------------------------------------------------------------


@transaction.atomic
def apply(preview: Preview, *, actor, allowed_trajectory_ids=None) -> int:
    """Save every changed and new row of the preview through
    `services.kpi_measurement_record`, in one transaction, after checking the rows
    again against the database and the actor's current rights. Raises a
    ValidationError (and saves nothing at all) if any row is wrong. Returns the number
    of measurements saved."""
    if not preview.is_valid:
        raise ValidationError(_row_messages(preview.error_rows), code="rows")
    rows = preview.rows
    kpis = _check(rows, allowed_ids=_allowed_ids(actor, allowed_trajectory_ids), lock=True)
    problems = [row for row in rows if row.errors]
    if problems:
        raise ValidationError(_row_messages(problems), code="rows")
    saved = 0
    for row in rows:
        if row.status not in (RowStatus.CHANGED, RowStatus.NEW):
            continue
        services.kpi_measurement_record(
            actor=actor,
            kpi=kpis[row.kpi_id],
            period_start=row.period_start,
            period_end=row.period_end,
            label=row.label,
            target=row.target,
            actual=row.actual,
        )
        saved += 1
    return saved


def _row_messages(rows: list[PreviewRow]) -> list[str]:
    messages = []
    for row in rows:
        for error in row.errors:
            if error.column:
                messages.append(
                    _("Regel %(row)s, %(column)s: %(message)s")
                    % {"row": row.number, "column": error.column_label, "message": error.message}
                )
            else:
                messages.append(
                    _("Regel %(row)s: %(message)s") % {"row": row.number, "message": error.message}
                )
    return messages
