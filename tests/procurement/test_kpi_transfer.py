"""procurement.kpi_transfer: KPI measurements out to CSV/XLSX and the same file back in,
with a preview of every row and nothing saved unless every row is right."""

import csv
import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import load_workbook

from community.models import Membership
from procurement import kpi_transfer, services
from procurement.kpi_transfer import Preview, RowStatus
from procurement.models import Kpi, KpiExample, KpiMeasurement, Trajectory
from tests.procurement.factories import TrajectoryFactory

COL = {key: index for index, key in enumerate(kpi_transfer.COLUMN_KEYS)}


@pytest.fixture
def trajectory(alfa):
    return TrajectoryFactory(organisation=alfa, title="Meubilair stadskantoor")


@pytest.fixture
def kpi(trajectory, alice):
    return services.kpi_create(
        actor=alice,
        trajectory=trajectory,
        name="Aandeel hergebruikt meubilair",
        unit="%",
        direction=KpiExample.Direction.HOGER,
    )


@pytest.fixture
def year1(kpi, alice):
    return services.kpi_measurement_record(
        actor=alice,
        kpi=kpi,
        period_start=date(2026, 1, 1),
        period_end=date(2027, 1, 1),
        label="Contractjaar 1",
        target=Decimal("20"),
        actual=Decimal("21.5"),
    )


@pytest.fixture
def year2(kpi, alice):
    return services.kpi_measurement_record(
        actor=alice,
        kpi=kpi,
        period_start=date(2027, 1, 1),
        period_end=date(2028, 1, 1),
        label="Contractjaar 2",
        target=Decimal("18"),
    )


@pytest.fixture
def foreign_kpi(charlie_org, charlie):
    """A KPI of Gemeente Charlie's trajectory (another organisation, another region)."""
    other = TrajectoryFactory(organisation=charlie_org, title="Geheim traject")
    return services.kpi_create(
        actor=charlie,
        trajectory=other,
        name="Geheime KPI",
        unit="ton",
        direction=KpiExample.Direction.LAGER,
    )


def _alices_trajectories(alice):
    return kpi_transfer.editable_trajectories(alice)


def _read_csv(content: bytes) -> list[list[str]]:
    assert content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def _write_csv(rows, delimiter=";", bom=True) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)
    return (("\ufeff" if bom else "") + out.getvalue()).encode()


def _upload(content: bytes, name="kpi-metingen.csv"):
    return SimpleUploadedFile(name, content)


def _measurements():
    return sorted(
        KpiMeasurement.objects.values_list(
            "pk", "kpi_id", "label", "period_start", "period_end", "target", "actual"
        )
    )


def _row_of(rows, measurement):
    return next(r for r in rows[1:] if r[COL["measurement_id"]] == str(measurement.pk))


# --- Round trip ------------------------------------------------------------------------


def test_it_shows_an_unchanged_csv_export_as_unchanged_and_saves_nothing(
    alice, year1, year2, foreign_kpi
):
    content = kpi_transfer.export_csv(_alices_trajectories(alice))
    rows = _read_csv(content)
    assert len(rows) == 3  # header and alice's two measurements; not Charlie's KPI
    before = _measurements()

    preview = kpi_transfer.parse(_upload(content), user=alice)

    assert [r.status for r in preview.rows] == [RowStatus.UNCHANGED] * 2
    assert (preview.errors, preview.changes) == (0, 0)
    assert (
        kpi_transfer.apply(Preview.from_token(preview.token(user=alice), user=alice), actor=alice)
        == 0
    )
    assert _measurements() == before


def test_it_shows_an_unchanged_xlsx_export_as_unchanged(alice, year1, year2):
    content = kpi_transfer.export_xlsx(_alices_trajectories(alice))
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    assert sheet.cell(2, COL["period_start"] + 1).value.date() == date(2026, 1, 1)
    assert sheet.cell(2, COL["target"] + 1).value == 20

    preview = kpi_transfer.parse(_upload(content, "export.xlsx"), user=alice)

    assert [r.status for r in preview.rows] == [RowStatus.UNCHANGED] * 2
    assert kpi_transfer.apply(preview, actor=alice) == 0


def test_a_kpi_without_measurements_is_exported_as_an_empty_period_to_fill_in(alice, kpi):
    rows = _read_csv(kpi_transfer.export_csv(_alices_trajectories(alice)))
    assert rows[1][COL["kpi_id"]] == str(kpi.pk)
    assert rows[1][COL["period_start"]] == rows[1][COL["measurement_id"]] == ""

    rows[1][COL["label"]] = "Contractjaar 1"
    rows[1][COL["period_start"]] = "01-01-2026"  # the Dutch way
    rows[1][COL["period_end"]] = "2027-01-01"
    rows[1][COL["target"]] = "18,5"
    preview = kpi_transfer.parse(_upload(_write_csv(rows)), user=alice)

    assert [r.status for r in preview.rows] == [RowStatus.NEW]
    assert kpi_transfer.apply(preview, actor=alice) == 1
    saved = KpiMeasurement.objects.get(kpi=kpi)
    assert (saved.period_start, saved.target, saved.actual) == (
        date(2026, 1, 1),
        Decimal("18.50"),
        None,
    )


def test_the_empty_period_row_left_empty_is_unchanged(alice, kpi):
    content = kpi_transfer.export_csv(_alices_trajectories(alice))
    preview = kpi_transfer.parse(_upload(content), user=alice)
    assert [r.status for r in preview.rows] == [RowStatus.UNCHANGED]
    assert kpi_transfer.apply(preview, actor=alice) == 0


# --- Changes -------------------------------------------------------------------------


def test_a_changed_target_in_csv_shows_old_and_new_and_is_saved_on_confirm(alice, year1, year2):
    rows = _read_csv(kpi_transfer.export_csv(_alices_trajectories(alice)))
    assert _row_of(rows, year2)[COL["target"]] == "18,00"  # Dutch decimal comma
    _row_of(rows, year2)[COL["target"]] = "16,5"

    preview = kpi_transfer.parse(_upload(_write_csv(rows)), user=alice)

    changed = next(r for r in preview.rows if r.measurement_id == year2.pk)
    assert changed.status == RowStatus.CHANGED
    assert [(c.column, c.old, c.new) for c in changed.changes] == [
        ("target", Decimal("18.00"), Decimal("16.50"))
    ]
    assert changed.changes[0].column_label == "Doel"
    assert (preview.errors, preview.changes) == (0, 1)
    assert KpiMeasurement.objects.get(pk=year2.pk).target == Decimal("18")  # not yet

    token = preview.token(user=alice)
    assert kpi_transfer.apply(Preview.from_token(token, user=alice), actor=alice) == 1

    year2.refresh_from_db()
    year1.refresh_from_db()
    assert year2.target == Decimal("16.50")
    assert year1.target == Decimal("20")


def test_a_changed_target_in_xlsx_shows_old_and_new_and_is_saved(alice, year1, year2):
    workbook = load_workbook(io.BytesIO(kpi_transfer.export_xlsx(_alices_trajectories(alice))))
    sheet = workbook.worksheets[0]
    for row in sheet.iter_rows(min_row=2):
        if row[COL["measurement_id"]].value == year1.pk:
            row[COL["target"]].value = 19.25
            row[COL["label"]].value = "Eerste contractjaar"
    out = io.BytesIO()
    workbook.save(out)

    preview = kpi_transfer.parse(_upload(out.getvalue(), "metingen.csv"), user=alice)

    changed = next(r for r in preview.rows if r.measurement_id == year1.pk)
    assert changed.status == RowStatus.CHANGED
    assert {c.column: (c.old, c.new) for c in changed.changes} == {
        "label": ("Contractjaar 1", "Eerste contractjaar"),
        "target": (Decimal("20.00"), Decimal("19.25")),
    }
    assert kpi_transfer.apply(preview, actor=alice) == 1
    year1.refresh_from_db()
    assert (year1.label, year1.target) == ("Eerste contractjaar", Decimal("19.25"))


def test_a_comma_separated_file_without_byte_order_mark_is_read(alice, year1):
    rows = _read_csv(kpi_transfer.export_csv(_alices_trajectories(alice)))
    _row_of(rows, year1)[COL["actual"]] = "22.75"
    preview = kpi_transfer.parse(_write_csv(rows, delimiter=",", bom=False), user=alice)
    assert [(c.column, c.new) for c in preview.rows[0].changes] == [("actual", Decimal("22.75"))]


# --- Errors --------------------------------------------------------------------------


def test_broken_rows_give_errors_by_row_and_column_and_nothing_is_saved(
    alice, kpi, year1, year2, foreign_kpi
):
    rows = _read_csv(kpi_transfer.export_csv(_alices_trajectories(alice)))
    _row_of(rows, year1)[COL["target"]] = "19"  # a good change
    _row_of(rows, year2)[COL["period_end"]] = "31-02-2028"  # no such date
    _row_of(rows, year2)[COL["actual"]] = "veel"  # text in a number
    foreign = list(_row_of(rows, year2))
    foreign[COL["kpi_id"]] = str(foreign_kpi.pk)
    foreign[COL["measurement_id"]] = ""
    foreign[COL["period_start"]] = "2030-01-01"
    foreign[COL["period_end"]] = "2031-01-01"
    foreign[COL["actual"]] = ""
    rows.append(foreign)
    before = _measurements()

    preview = kpi_transfer.parse(_upload(_write_csv(rows)), user=alice)

    found = {(r.number, e.column) for r in preview.rows for e in r.errors}
    assert found == {(3, "period_end"), (3, "actual"), (4, "kpi_id")}
    assert preview.errors == 3
    assert [r.status for r in preview.rows] == [
        RowStatus.CHANGED,
        RowStatus.ERROR,
        RowStatus.ERROR,
    ]
    # No names of the other organisation's trajectory or KPI in the preview.
    assert preview.rows[2].kpi_name == preview.rows[2].trajectory_title == ""
    with pytest.raises(ValueError, match="errors"):
        preview.token(user=alice)
    with pytest.raises(ValidationError) as raised:
        kpi_transfer.apply(preview, actor=alice)
    assert "Regel 3, Einde periode:" in raised.value.messages[0]
    assert _measurements() == before  # also the good row is not saved


def test_nothing_is_saved_when_a_row_went_wrong_between_preview_and_confirm(alice, year1, kpi):
    rows = _read_csv(kpi_transfer.export_csv(_alices_trajectories(alice)))
    _row_of(rows, year1)[COL["target"]] = "19"
    new = list(_row_of(rows, year1))
    new[COL["measurement_id"]] = ""
    new[COL["label"]] = "Contractjaar 2"
    new[COL["period_start"]] = "2027-01-01"
    new[COL["period_end"]] = "2028-01-01"
    rows.append(new)
    preview = kpi_transfer.parse(_upload(_write_csv(rows)), user=alice)
    assert [r.status for r in preview.rows] == [RowStatus.CHANGED, RowStatus.NEW]
    token = preview.token(user=alice)
    # Meanwhile a colleague records that period with another target.
    services.kpi_measurement_record(
        actor=alice,
        kpi=kpi,
        period_start=date(2027, 1, 1),
        period_end=date(2028, 1, 1),
        label="Contractjaar 2",
        target=Decimal("5"),
    )
    before = _measurements()

    with pytest.raises(ValidationError) as raised:
        kpi_transfer.apply(Preview.from_token(token, user=alice), actor=alice)

    assert "Regel 3, Begin periode:" in raised.value.messages[0]
    assert _measurements() == before  # the good change of row 2 was rolled back too


def test_a_measurement_changed_by_someone_else_after_the_preview_is_not_overwritten(alice, year1):
    rows = _read_csv(kpi_transfer.export_csv(_alices_trajectories(alice)))
    _row_of(rows, year1)[COL["target"]] = "19"
    token = kpi_transfer.parse(_upload(_write_csv(rows)), user=alice).token(user=alice)
    KpiMeasurement.objects.filter(pk=year1.pk).update(actual=Decimal("30"))

    with pytest.raises(ValidationError):
        kpi_transfer.apply(Preview.from_token(token, user=alice), actor=alice)
    year1.refresh_from_db()
    assert (year1.target, year1.actual) == (Decimal("20"), Decimal("30"))


def test_confirming_the_same_preview_twice_saves_once(alice, kpi, year1):
    rows = _read_csv(kpi_transfer.export_csv(_alices_trajectories(alice)))
    _row_of(rows, year1)[COL["target"]] = "19"
    new = list(_row_of(rows, year1))
    new[COL["measurement_id"]] = ""
    new[COL["period_start"]], new[COL["period_end"]] = "2027-01-01", "2028-01-01"
    rows.append(new)
    token = kpi_transfer.parse(_upload(_write_csv(rows)), user=alice).token(user=alice)

    assert kpi_transfer.apply(Preview.from_token(token, user=alice), actor=alice) == 2
    assert kpi_transfer.apply(Preview.from_token(token, user=alice), actor=alice) == 0
    assert KpiMeasurement.objects.filter(kpi=kpi).count() == 2


def test_another_organisations_kpi_gets_the_same_error_as_one_that_does_not_exist(
    alice, kpi, foreign_kpi
):
    missing_id = Kpi.objects.order_by("-pk").first().pk + 1000
    rows = _read_csv(kpi_transfer.export_csv(_alices_trajectories(alice)))
    template = rows[1]
    for kpi_id, trajectory_id in (
        (foreign_kpi.pk, foreign_kpi.trajectory_id),
        (missing_id, kpi.trajectory_id),
    ):
        row = list(template)
        row[COL["kpi_id"]], row[COL["trajectory_id"]] = str(kpi_id), str(trajectory_id)
        row[COL["label"]] = "Contractjaar 1"
        row[COL["period_start"]], row[COL["period_end"]] = "2026-01-01", "2027-01-01"
        rows.append(row)

    preview = kpi_transfer.parse(_upload(_write_csv(rows[:1] + rows[2:])), user=alice)

    foreign_row, missing_row = preview.rows
    assert [e.column for e in foreign_row.errors] == ["kpi_id"]
    assert [e.column for e in missing_row.errors] == ["kpi_id"]
    assert foreign_row.errors[0].message.replace(str(foreign_kpi.pk), "ID") == (
        missing_row.errors[0].message.replace(str(missing_id), "ID")
    )
    assert "Geheim" not in repr(preview)


def test_another_organisations_measurement_id_is_unknown(alice, kpi, charlie, foreign_kpi):
    theirs = services.kpi_measurement_record(
        actor=charlie,
        kpi=foreign_kpi,
        period_start=date(2026, 1, 1),
        period_end=date(2027, 1, 1),
        label="Jaar 1",
        target=Decimal("3"),
    )
    rows = _read_csv(kpi_transfer.export_csv(_alices_trajectories(alice)))
    rows[1][COL["measurement_id"]] = str(theirs.pk)
    rows[1][COL["label"]] = "Jaar 1"
    rows[1][COL["period_start"]], rows[1][COL["period_end"]] = "2026-01-01", "2027-01-01"

    preview = kpi_transfer.parse(_upload(_write_csv(rows)), user=alice)

    assert [e.column for e in preview.rows[0].errors] == ["measurement_id"]
    theirs.refresh_from_db()
    assert theirs.target == Decimal("3")


def test_a_bestuurder_may_not_import(dora, alice, year1):
    rows = _read_csv(kpi_transfer.export_csv(_alices_trajectories(alice)))
    _row_of(rows, year1)[COL["target"]] = "1"
    preview = kpi_transfer.parse(_upload(_write_csv(rows)), user=dora)
    assert [e.column for e in preview.rows[0].errors] == ["kpi_id"]


def test_the_allowed_trajectories_narrow_the_import(alice, alfa, year1):
    other = TrajectoryFactory(organisation=alfa)
    rows = _read_csv(kpi_transfer.export_csv(_alices_trajectories(alice)))
    _row_of(rows, year1)[COL["target"]] = "1"
    preview = kpi_transfer.parse(
        _upload(_write_csv(rows)), user=alice, allowed_trajectory_ids=[other.pk]
    )
    assert [e.column for e in preview.rows[0].errors] == ["kpi_id"]


def test_a_lost_membership_between_preview_and_confirm_saves_nothing(alice, year1):
    rows = _read_csv(kpi_transfer.export_csv(_alices_trajectories(alice)))
    _row_of(rows, year1)[COL["target"]] = "1"
    token = kpi_transfer.parse(_upload(_write_csv(rows)), user=alice).token(user=alice)
    Membership.objects.filter(user=alice).delete()
    alice = type(alice).objects.get(pk=alice.pk)  # a new request: memberships read again

    with pytest.raises(ValidationError):
        kpi_transfer.apply(Preview.from_token(token, user=alice), actor=alice)
    year1.refresh_from_db()
    assert year1.target == Decimal("20")


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("period_start", "2026-13-01"),
        ("period_end", "2025-06-01"),  # before the start
        ("target", "12,345"),  # three decimals
        ("trajectory_id", "abc"),
        ("label", ""),
    ],
)
def test_it_names_the_column_of_a_wrong_value(alice, kpi, column, value):
    rows = _read_csv(kpi_transfer.export_csv(_alices_trajectories(alice)))
    rows[1][COL["label"]] = "Contractjaar 1"
    rows[1][COL["period_start"]], rows[1][COL["period_end"]] = "2026-01-01", "2027-01-01"
    rows[1][COL[column]] = value

    preview = kpi_transfer.parse(_upload(_write_csv(rows)), user=alice)

    assert [(e.column, bool(e.message)) for e in preview.rows[0].errors] == [(column, True)]


def test_a_period_twice_in_the_file_is_an_error(alice, kpi):
    rows = _read_csv(kpi_transfer.export_csv(_alices_trajectories(alice)))
    rows[1][COL["label"]] = "Contractjaar 1"
    rows[1][COL["period_start"]], rows[1][COL["period_end"]] = "2026-01-01", "2027-01-01"
    rows.append(list(rows[1]))

    preview = kpi_transfer.parse(_upload(_write_csv(rows)), user=alice)

    assert [r.status for r in preview.rows] == [RowStatus.NEW, RowStatus.ERROR]
    assert [(e.column, "regel 2" in e.message) for e in preview.rows[1].errors] == [
        ("period_start", True)
    ]


def test_a_new_row_for_a_stored_period_asks_for_its_measurement_id(alice, year1):
    rows = _read_csv(kpi_transfer.export_csv(_alices_trajectories(alice)))
    rows[1][COL["measurement_id"]] = ""
    rows[1][COL["target"]] = "1"
    preview = kpi_transfer.parse(_upload(_write_csv(rows)), user=alice)
    assert [e.column for e in preview.rows[0].errors] == ["period_start"]
    assert str(year1.pk) in preview.rows[0].errors[0].message


# --- The file as a whole -------------------------------------------------------------


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(256))


def test_a_png_renamed_to_csv_is_refused_by_its_content(alice):
    with pytest.raises(ValidationError) as raised:
        kpi_transfer.parse(_upload(PNG, "kpi-metingen.csv"), user=alice)
    assert raised.value.code == "wrong_type"
    assert "geen CSV (UTF-8) of Excel-bestand" in raised.value.messages[0]


def test_a_zip_that_is_no_workbook_is_refused(alice):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(ValidationError) as raised:
        kpi_transfer.parse(_upload(out.getvalue(), "kpi.xlsx"), user=alice)
    assert raised.value.code == "bad_xlsx"


def test_a_file_over_2_mb_is_refused(alice):
    with pytest.raises(ValidationError) as raised:
        kpi_transfer.parse(_upload(b"a;" * (1024 * 1024 + 1)), user=alice)
    assert raised.value.code == "too_big"


def test_more_than_5000_rows_are_refused(alice, kpi):
    header = kpi_transfer.headers()
    row = ["1"] * len(header)
    with pytest.raises(ValidationError) as raised:
        kpi_transfer.parse(_write_csv([header] + [row] * 5001), user=alice)
    assert raised.value.code == "too_many_rows"
    preview = kpi_transfer.parse(_write_csv([header] + [row] * 5000), user=alice)
    assert len(preview.rows) == 5000


def test_other_columns_are_refused_with_the_missing_ones_named(alice):
    header = kpi_transfer.headers()
    header[COL["target"]] = "Streefwaarde"
    with pytest.raises(ValidationError) as raised:
        kpi_transfer.parse(_write_csv([header]), user=alice)
    assert raised.value.code == "bad_headers"
    assert "Doel" in raised.value.messages[0]
    assert "Streefwaarde" in raised.value.messages[0]


def test_english_headers_under_english_and_either_language_is_read_back(alice, year1):
    dutch = _read_csv(kpi_transfer.export_csv(_alices_trajectories(alice)))[0]
    with translation.override("en"):
        content = kpi_transfer.export_csv(_alices_trajectories(alice))
        english = _read_csv(content)[0]
        xlsx_header = [
            c.value
            for c in next(
                load_workbook(io.BytesIO(kpi_transfer.export_xlsx(_alices_trajectories(alice))))
                .worksheets[0]
                .iter_rows(max_row=1)
            )
        ]
    assert {"Begin periode", "Eenheid", "Gerealiseerd", "Inkooptraject"} <= set(dutch)
    assert {"Period start", "Unit", "Achieved", "Procurement trajectory"} <= set(english)
    assert "Begin periode" not in english
    assert xlsx_header == english
    assert _read_csv(content)[1][COL["actual"]] == "21.50"  # English decimal point

    preview = kpi_transfer.parse(_upload(content), user=alice)  # read in Dutch
    assert [r.status for r in preview.rows] == [RowStatus.UNCHANGED]


# --- Tokens --------------------------------------------------------------------------


def test_a_changed_or_someone_elses_token_is_refused(alice, bob, year1):
    rows = _read_csv(kpi_transfer.export_csv(_alices_trajectories(alice)))
    _row_of(rows, year1)[COL["target"]] = "1"
    token = kpi_transfer.parse(_upload(_write_csv(rows)), user=alice).token(user=alice)

    with pytest.raises(ValidationError):
        Preview.from_token(token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1], user=alice)
    with pytest.raises(ValidationError):
        Preview.from_token(token, user=bob)
    with pytest.raises(ValidationError):
        Preview.from_token(token, user=alice, max_age=-1)


# --- Formula injection -----------------------------------------------------------------


def test_texts_that_look_like_formulas_are_exported_as_text_and_read_back_unchanged(
    alice, trajectory
):
    Trajectory.objects.filter(pk=trajectory.pk).update(title='=HYPERLINK("http://x.example")')
    kpi = Kpi.objects.create(
        trajectory=trajectory, name="@SUM(A1)", unit="+1", direction=KpiExample.Direction.HOGER
    )
    services.kpi_measurement_record(
        actor=alice,
        kpi=kpi,
        period_start=date(2026, 1, 1),
        period_end=date(2027, 1, 1),
        label="-1+1",
        target=Decimal("-5"),
    )
    rows = _read_csv(kpi_transfer.export_csv(_alices_trajectories(alice)))
    row = rows[1]
    assert row[COL["trajectory"]] == '\'=HYPERLINK("http://x.example")'
    assert (row[COL["kpi"]], row[COL["unit"]], row[COL["label"]]) == ("'@SUM(A1)", "'+1", "'-1+1")
    assert row[COL["target"]] == "-5,00"  # a number we write ourselves, not text

    sheet = load_workbook(
        io.BytesIO(kpi_transfer.export_xlsx(_alices_trajectories(alice)))
    ).worksheets[0]
    cells = next(sheet.iter_rows(min_row=2, max_row=2))
    assert cells[COL["trajectory"]].data_type == "s"
    assert cells[COL["trajectory"]].value.startswith("'=")
    assert cells[COL["target"]].value == -5

    preview = kpi_transfer.parse(_upload(_write_csv(rows)), user=alice)
    assert [r.status for r in preview.rows] == [RowStatus.UNCHANGED]
    assert preview.rows[0].label == "-1+1"


def test_a_row_refused_while_saving_rolls_back_the_rows_saved_before_it(
    alice, year1, year2, monkeypatch
):
    rows = _read_csv(kpi_transfer.export_csv(_alices_trajectories(alice)))
    _row_of(rows, year1)[COL["target"]] = "1"
    _row_of(rows, year2)[COL["target"]] = "2"
    preview = kpi_transfer.parse(_upload(_write_csv(rows)), user=alice)
    record = services.kpi_measurement_record
    calls = []

    def second_one_fails(**kwargs):
        calls.append(kwargs["label"])
        if len(calls) == 2:
            raise ValidationError("refused by the model")
        return record(**kwargs)

    monkeypatch.setattr(services, "kpi_measurement_record", second_one_fails)
    before = _measurements()

    with pytest.raises(ValidationError):
        kpi_transfer.apply(preview, actor=alice)

    assert len(calls) == 2
    assert _measurements() == before
