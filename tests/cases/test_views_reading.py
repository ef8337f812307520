"""Reading a case: sorting, empty state, marks, bookmarks, history, snippets."""

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.utils import timezone

from cases import services
from cases.models import Case, CaseMark


def _soup(response):
    return BeautifulSoup(response.content, "html.parser")


def _published(slug, title=None, visibility="openbaar", **fields):
    return Case.objects.create(
        slug=slug,
        title=title or slug,
        summary="Samenvatting",
        status="gepubliceerd",
        visibility=visibility,
        published_at=timezone.now(),
        **fields,
    )


def _slugs(response):
    return [card["data-slug"] for card in _soup(response).select("[data-testid=case-card]")]


@pytest.mark.django_db
def test_it_sorts_by_title_and_pages_by_title(client):
    for index in range(23):
        _published(f"case-{index:02d}", title=f"Titel {chr(ord('A') + index)}")
    first = client.get("/praktijkvoorbeelden/", {"sorteer": "titel"})
    titles = [a.get_text() for a in _soup(first).select("[data-testid=case-card] h3 a")]
    assert titles == sorted(titles)
    assert len(titles) == 20
    next_link = _soup(first).select_one("a[rel=next]")["href"]
    second = client.get("/praktijkvoorbeelden/" + next_link)
    rest = [a.get_text() for a in _soup(second).select("[data-testid=case-card] h3 a")]
    assert rest == ["Titel U", "Titel V", "Titel W"]


@pytest.mark.django_db
def test_an_unreadable_cursor_does_not_break_the_list(client):
    _published("een")
    assert client.get("/praktijkvoorbeelden/", {"na": "%%%"}).status_code == 200
    # An unsigned cursor (base64 of ["x", 1]) is not ours: the first page.
    assert _slugs(client.get("/praktijkvoorbeelden/", {"na": "WyJ4IiwgMV0"})) == ["een"]


@pytest.mark.django_db
def test_the_empty_state_offers_to_remove_each_filter(client):
    _published("een", sector="gww")
    response = client.get("/praktijkvoorbeelden/", {"sector": "gww", "q": "onvindbaarwoord"})
    links = _soup(response).select("[data-testid=empty-state] [data-testid=remove-filter]")
    assert len(links) == 2
    without_search = client.get("/praktijkvoorbeelden/" + links[0]["href"])
    assert _slugs(without_search) == ["een"]


@pytest.mark.django_db
def test_marking_useful_needs_a_login_and_a_post(client, alice):
    case = _published("nuttig")
    url = f"/praktijkvoorbeelden/{case.slug}/markeren/nuttig/"
    assert client.post(url)["Location"].startswith("/account/login/")
    client.force_login(alice)
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    count = _soup(client.get(case.get_absolute_url())).select_one("[data-testid=useful-count]")
    assert count["data-count"] == "1"
    client.post(url)  # a second press takes the mark back
    assert not CaseMark.objects.filter(case=case).exists()


@pytest.mark.django_db
def test_nobody_marks_a_case_they_may_not_read(client, charlie, alfa):
    draft = Case.objects.create(slug="concept", title="Concept", summary="x")
    draft.organisations.add(alfa)
    client.force_login(charlie)
    assert client.post(f"/praktijkvoorbeelden/{draft.slug}/markeren/bewaard/").status_code == 404
    assert client.post("/praktijkvoorbeelden/nuttig/markeren/iets/").status_code == 404


@pytest.mark.django_db
def test_bookmarks_are_personal_and_follow_visibility(client, alice, bob):
    mine = _published("bewaard-door-alice")
    community = _published("community", visibility="community")
    CaseMark.objects.create(case=mine, user=alice, kind="bewaard")
    CaseMark.objects.create(case=community, user=alice, kind="bewaard")
    CaseMark.objects.create(case=mine, user=bob, kind="nuttig")
    assert client.get("/praktijkvoorbeelden/bewaard/")["Location"].startswith("/account/login/")
    client.force_login(alice)
    assert sorted(_slugs(client.get("/praktijkvoorbeelden/bewaard/"))) == [
        "bewaard-door-alice",
        "community",
    ]
    # Alice leaves her organisation: the community case is no longer hers to read.
    alice.memberships.all().delete()
    client.force_login(alice)
    assert _slugs(client.get("/praktijkvoorbeelden/bewaard/")) == ["bewaard-door-alice"]
    client.force_login(bob)
    assert _slugs(client.get("/praktijkvoorbeelden/bewaard/")) == []


@pytest.mark.django_db
def test_editors_see_who_changed_what(client, alice, bob, alfa):
    content = services.CaseContent(
        fields={"title": "Hergebruik meubilair", "summary": "Eerst"}, organisations=[alfa]
    )
    case = services.case_create(actor=alice, content=content)
    content.fields["summary"] = "Daarna"
    services.case_update(actor=alice, case=case, content=content)
    client.force_login(alice)
    rows = _soup(client.get(case.get_absolute_url())).select("[data-testid=history] tbody tr")
    assert len(rows) == 2
    assert "Alice Akkerman" in rows[0].get_text()
    assert "samenvatting" in rows[0].get_text()
    services.case_submit(actor=alice, case=case)
    client.force_login(bob)  # the region's coordinator reviews it and sees the history too
    assert _soup(client.get(case.get_absolute_url())).select_one("[data-testid=history]")


@pytest.mark.django_db
def test_readers_do_not_see_the_history(client, charlie):
    case = _published("openbaar")
    client.force_login(charlie)
    assert _soup(client.get(case.get_absolute_url())).select_one("[data-testid=history]") is None


@pytest.mark.django_db
def test_search_snippets_highlight_hits_but_escape_the_text(client, alice, alfa):
    assert connection.vendor == "postgresql", "Full-text search needs PostgreSQL: make test"
    content = services.CaseContent(
        fields={
            "title": "Kunstgras",
            "summary": "Over <b>kunstgrasvelden</b> en <script>alert(1)</script> rubber.",
        },
        organisations=[alfa],
    )
    case = services.case_create(actor=alice, content=content)
    Case.objects.filter(pk=case.pk).update(
        status="gepubliceerd", visibility="openbaar", published_at=timezone.now()
    )
    snippet = _soup(client.get("/praktijkvoorbeelden/", {"q": "kunstgras"})).select_one(
        "[data-testid=snippet]"
    )
    assert snippet.select("mark")
    assert not snippet.select("script")
    assert not snippet.select("b")


@pytest.mark.django_db
def test_cached_pages_follow_every_change(
    client, alice, bob, alfa, django_capture_on_commit_callbacks
):
    content = services.CaseContent(
        fields={"title": "Oude titel", "summary": "x"}, organisations=[alfa]
    )
    with django_capture_on_commit_callbacks(execute=True):
        case = services.case_create(actor=alice, content=content)
        services.case_submit(actor=alice, case=case)
        services.case_publish(actor=bob, case=case, visibility="openbaar", checklist_confirmed=True)
    assert _slugs(client.get("/praktijkvoorbeelden/")) == [case.slug]
    assert _soup(client.get(case.get_absolute_url())).h1.get_text() == "Oude titel"
    with django_capture_on_commit_callbacks(execute=True):
        Case.objects.filter(pk=case.pk).update(status="concept")
        case.refresh_from_db()
        content.fields["title"] = "Nieuwe titel"
        services.case_update(actor=alice, case=case, content=content)
        services.case_submit(actor=alice, case=case)
        services.case_publish(actor=bob, case=case, visibility="openbaar", checklist_confirmed=True)
    assert _soup(client.get(case.get_absolute_url())).h1.get_text() == "Nieuwe titel"
    titles = [a.get_text() for a in _soup(client.get("/praktijkvoorbeelden/")).select("h3 a")]
    assert titles == ["Nieuwe titel"]
