"""Stored case articles (cases.articles): a page reads the stored article, and nothing a
reader sees may be older than the case or the names it shows (those are read live)."""

import time

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from cases import articles, services, tasks
from cases.models import CaseArticle
from procurement.models import RStrategy
from tests.cases.factories import CaseFactory, ProductCategoryFactory, SourceFactory
from tests.cases.html import soup

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _url(case):
    return f"/praktijkvoorbeelden/{case.slug}/"


def _title(client, case) -> str:
    return soup(client.get(_url(case))).select_one("[data-testid=case] h1").get_text()


@pytest.fixture
def case(r_ladder, alfa, groene_hart, alice):
    return CaseFactory(
        public=True,
        title="Kasten hergebruikt",
        organisations=[alfa],
        region=groene_hart,
        contact=alice,
        source=SourceFactory(title="Rapport Alfa"),
        product_category=ProductCategoryFactory(name="Meubilair"),
        strategies=[3],
        tags=["meubels"],
    )


def test_the_first_view_stores_the_article_and_later_views_read_it(client, case):
    assert not CaseArticle.objects.exists()
    client.get(_url(case))
    stored = CaseArticle.objects.get(case=case, language="nl")
    assert stored.version == articles.version()
    assert stored.case_updated_at == case.updated_at

    # Prove the page shows the stored HTML, not a fresh rendering.
    stored.html = '<section data-testid="context">Uit de opslag</section>'
    stored.save()
    page = soup(client.get(_url(case)))
    assert page.select_one("[data-testid=case] [data-testid=context]").get_text() == (
        "Uit de opslag"
    )


def test_each_language_has_its_own_article(client, case):
    client.get(_url(case))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the visitor's choice
    client.get(_url(case))
    stored = dict(CaseArticle.objects.filter(case=case).values_list("language", "html"))
    assert set(stored) == {"nl", "en"}
    assert stored["nl"] != stored["en"]


def test_a_workflow_step_makes_the_stored_article_stale(client, case, alice, bob):
    case.status = "ingediend"
    case.save()
    client.force_login(bob)
    client.get(_url(case))
    services.case_return(actor=bob, case=case, comment="Graag bronnen toevoegen.")
    client.force_login(alice)
    page = soup(client.get(_url(case)))
    assert page.select_one("[data-testid=case]")["data-status"] == "concept"


def test_an_edit_through_the_service_shows_at_once(client, case, alice):
    client.force_login(alice)
    case.status = "concept"
    case.save()
    client.get(_url(case))
    content = services.CaseContent(
        fields={"title": "Kasten opnieuw gebruikt", "summary": case.summary},
        organisations=list(case.organisations.all()),
    )
    services.case_update(actor=alice, case=case, content=content)
    assert _title(client, case) == "Kasten opnieuw gebruikt"


def test_a_new_attachment_is_listed_at_once(client, case, alice):
    client.force_login(alice)
    case.status = "concept"
    case.save()
    assert not soup(client.get(_url(case))).select("[data-testid=attachments] li")
    services.case_attachment_add(
        actor=alice, case=case, upload=SimpleUploadedFile("r.pdf", PDF), title="Rapport"
    )
    assert len(soup(client.get(_url(case))).select("[data-testid=attachments] li")) == 1


def test_an_article_of_an_older_template_is_rendered_again(client, case):
    client.get(_url(case))
    CaseArticle.objects.update(version="oud", html="<p data-testid=oud>oud</p>")
    assert not soup(client.get(_url(case))).select("[data-testid=oud]")
    assert CaseArticle.objects.get(case=case, language="nl").version == articles.version()


# (what the article shows of the case, the field holding its name)
SHOWN = {
    "organisation": (lambda case: case.organisations.get(), "name"),
    "region": (lambda case: case.region, "name"),
    "source": (lambda case: case.source, "title"),
    "category": (lambda case: case.product_category, "name"),
    "tag": (lambda case: case.tags.get(), "name"),
    "contact": (lambda case: case.contact, "full_name"),
}


@pytest.mark.parametrize("shown", SHOWN)
def test_a_renamed_object_is_shown_by_its_new_name(client, case, shown):
    client.get(_url(case))
    get, field = SHOWN[shown]
    instance = get(case)
    setattr(instance, field, "Hernoemd")
    instance.save()
    article = soup(client.get(_url(case))).select_one("[data-testid=case]")
    assert "Hernoemd" in article.get_text()


def test_r_strategies_are_named_by_the_ladder_not_by_an_editable_row(client, case):
    RStrategy.objects.filter(pk=3).update(name_nl="Hernoemd")
    strategies = soup(client.get(_url(case))).select_one("[data-testid=strategies]")
    assert "Hernoemd" not in strategies.get_text()
    assert "Hergebruiken" in strategies.select_one("dt[data-level='3']").get_text()


def test_the_task_renders_every_language_and_skips_deleted_cases(case):
    assert tasks.articles_render.apply(args=[[case.pk, 999_999]]).get() == 2
    assert set(CaseArticle.objects.values_list("language", flat=True)) == {"nl", "en"}


@pytest.mark.integration
def test_a_write_has_the_article_rendered_by_a_real_worker(
    transactional_db, redis_worker, r_ladder, alice, alfa
):
    draft = services.case_create(
        actor=alice,
        content=services.CaseContent(
            fields={"title": "Kasten hergebruikt", "summary": "Minder nieuw."},
            organisations=[alfa],
        ),
    )
    deadline = time.monotonic() + 30
    while CaseArticle.objects.filter(case=draft).count() < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    stored = {a.language: a for a in CaseArticle.objects.filter(case=draft)}
    assert set(stored) == {"nl", "en"}
    assert all(a.case_updated_at == draft.updated_at for a in stored.values())
    assert all(a.version == articles.version() for a in stored.values())
