"""Attachments: judged by their content, stored under a generated name, downloaded only
through the case's visibility."""

import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from cases import services
from cases.models import Case, CaseAttachment
from kit import uploads
from tests.cases.factories import CaseFactory
from tests.cases.html import error_links, soup
from tests.cases.posts import case_form_data

CREATE = "/praktijkvoorbeelden/nieuw/"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


def _upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def _refusal(content) -> str:
    """The message the portal gives for this content (Dutch, from kit.uploads)."""
    with pytest.raises(ValidationError) as error:
        uploads.check_upload(_upload("x", content))
    return error.value.messages[0]


@pytest.fixture
def writer(client, alice):
    client.force_login(alice)
    return alice


@pytest.mark.parametrize(
    ("name", "content", "content_type", "extension"),
    [
        ("Eindrapport aanbesteding.pdf", PDF, "application/pdf", ".pdf"),
        ("foto.png", PNG, "image/png", ".png"),
        ("foto.jpeg", JPEG, "image/jpeg", ".jpg"),
        ("vermomd.png", JPEG, "image/jpeg", ".jpg"),  # the content decides, not the name
    ],
)
def test_an_upload_is_stored_under_a_generated_name(
    client, writer, alfa, settings, name, content, content_type, extension
):
    data = case_form_data(
        organisations=[alfa],
        attachment=_upload(name, content, "application/pdf"),
        attachment_title="Eindrapport",
    )

    response = client.post(CREATE, data)

    assert response.status_code == 302
    attachment = CaseAttachment.objects.get()
    assert re.fullmatch(rf"cases/\d{{4}}/\d{{2}}/[0-9a-f]{{32}}\{extension}", attachment.file.name)
    assert Path(name).stem not in attachment.file.name
    stored = Path(settings.MEDIA_ROOT) / attachment.file.name
    assert stored.read_bytes() == content
    assert attachment.content_type == content_type
    assert attachment.size == len(content)
    assert attachment.title == "Eindrapport"
    assert attachment.uploaded_by == writer


def test_an_executable_named_pdf_is_refused_and_nothing_is_saved(client, writer, alfa, settings):
    data = case_form_data(organisations=[alfa], attachment=_upload("rapport.pdf", EXE))

    response = client.post(CREATE, data)

    assert response.status_code == 400
    page = soup(response)
    assert "id_attachment" in error_links(page)
    error = page.select_one("#id_attachment_error")
    assert error.get_text(strip=True) == _refusal(EXE)
    assert not Case.objects.exists()
    assert not CaseAttachment.objects.exists()
    assert not list(Path(settings.MEDIA_ROOT).rglob("*.*"))


def test_a_file_over_10_mb_is_refused(client, writer, alfa):
    too_big = PDF + b"\x00" * (uploads.MAX_UPLOAD_BYTES - len(PDF) + 1)
    data = case_form_data(organisations=[alfa], attachment=_upload("groot.pdf", too_big))

    response = client.post(CREATE, data)

    assert response.status_code == 400
    assert soup(response).select_one("#id_attachment_error").get_text(strip=True) == (
        _refusal(too_big)
    )
    assert not Case.objects.exists()


def test_a_file_of_exactly_10_mb_is_accepted(client, writer, alfa):
    just_fits = PDF + b"\x00" * (uploads.MAX_UPLOAD_BYTES - len(PDF))
    data = case_form_data(organisations=[alfa], attachment=_upload("precies.pdf", just_fits))

    assert client.post(CREATE, data).status_code == 302
    assert CaseAttachment.objects.get().size == uploads.MAX_UPLOAD_BYTES


def test_an_attachment_added_while_editing_is_listed_on_the_case(client, writer, alfa, groene_hart):
    case = CaseFactory(author=writer, organisations=[alfa], region=groene_hart)
    data = case_form_data(
        organisations=[alfa],
        title=case.title,
        attachment=_upload("plan.pdf", PDF),
        attachment_title="Plan van aanpak",
    )

    assert client.post(f"/praktijkvoorbeelden/{case.slug}/bewerken/", data).status_code == 302

    attachment = case.attachments.get()
    links = soup(client.get(f"/praktijkvoorbeelden/{case.slug}/")).select(
        "[data-testid=attachments] a"
    )
    assert [a["href"] for a in links] == [
        f"/praktijkvoorbeelden/{case.slug}/bijlagen/{attachment.pk}/"
    ]


def test_a_refused_upload_while_editing_changes_nothing(client, writer, alfa, groene_hart):
    case = CaseFactory(author=writer, organisations=[alfa], region=groene_hart, title="Oud")
    data = case_form_data(organisations=[alfa], title="Nieuw", attachment=_upload("x.pdf", EXE))

    response = client.post(f"/praktijkvoorbeelden/{case.slug}/bewerken/", data)

    assert response.status_code == 400
    case.refresh_from_db()
    assert case.title == "Oud"
    assert not case.attachments.exists()


# --- download ---------------------------------------------------------------------------


def _with_attachment(alice, alfa, title="Eindrapport", **fields):
    case = CaseFactory(author=alice, organisations=[alfa], **fields)
    attachment = services.case_attachment_add(
        actor=alice, case=case, upload=_upload("eindrapport.pdf", PDF), title=title
    )
    return case, attachment


def _publish(case, visibility):
    Case.objects.filter(pk=case.pk).update(
        status="gepubliceerd", visibility=visibility, published_at=case.created_at
    )


def _download(client, case, attachment):
    return client.get(f"/praktijkvoorbeelden/{case.slug}/bijlagen/{attachment.pk}/")


def test_a_visible_case_gives_its_attachment_as_a_download(client, alice, alfa):
    case, attachment = _with_attachment(alice, alfa)
    _publish(case, "openbaar")

    response = _download(client, case, attachment)

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="Eindrapport.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF


def test_anonymous_visitors_get_no_attachment_of_a_community_case(client, alice, alfa):
    case, attachment = _with_attachment(alice, alfa)
    _publish(case, "community")

    assert _download(client, case, attachment).status_code == 404
    client.force_login(alice)
    assert _download(client, case, attachment).status_code == 200


def test_outsiders_get_no_attachment_of_a_draft(client, alice, bob, alfa):
    case, attachment = _with_attachment(alice, alfa)
    client.force_login(bob)
    assert _download(client, case, attachment).status_code == 404


def test_an_attachment_of_another_case_is_not_found(client, alice, alfa):
    public, _own = _with_attachment(alice, alfa)
    _publish(public, "openbaar")
    _hidden, other = _with_attachment(alice, alfa)  # a draft: not visible to anonymous

    assert _download(client, public, other).status_code == 404


def test_a_title_with_a_line_break_still_downloads_safely(client, alice, alfa):
    case, attachment = _with_attachment(alice, alfa, title="Rapport\r\nX-Injected: ja")
    _publish(case, "openbaar")

    response = _download(client, case, attachment)

    assert response.status_code == 200
    assert "X-Injected" not in response.headers
    assert response["Content-Disposition"].startswith("attachment;")


def test_the_download_answers_post_with_405(client, alice, alfa):
    case, attachment = _with_attachment(alice, alfa)
    _publish(case, "openbaar")
    assert (
        client.post(f"/praktijkvoorbeelden/{case.slug}/bijlagen/{attachment.pk}/").status_code
        == 405
    )


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("Foto <b>groen</b>", "Foto groen.png"),
        ('Plan 1/2: <i>fase</i> "a"', "Plan 1 2 fase a.png"),
        ("<script></script>", "bijlage.png"),
    ],
)
def test_a_title_with_markup_downloads_under_a_safe_name(client, alice, alfa, title, name):
    case = CaseFactory(author=alice, organisations=[alfa])
    attachment = services.case_attachment_add(
        actor=alice, case=case, upload=_upload("foto.jpg", PNG), title=title
    )
    _publish(case, "openbaar")

    response = _download(client, case, attachment)

    assert response.status_code == 200
    assert f'filename="{name}"' in response["Content-Disposition"]
