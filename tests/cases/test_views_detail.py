"""The case page: who may read which case, what it shows, and that user text is inert."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import CaseArticle
from tests import factories
from tests.cases.factories import CaseFactory, SourceFactory
from tests.cases.html import soup


@pytest.fixture
def staff(staff):
    """Staff with two-factor authentication: without it every page sends them to set it
    up (tests/test_isolation.py)."""
    return factories.give_totp(staff)


def _url(case):
    return f"/praktijkvoorbeelden/{case.slug}/"


@pytest.fixture
def cases(r_ladder, alice, alfa, groene_hart):
    """One case in each state, all of Gemeente Alfa in the Groene Hart, written by alice."""
    common = {"author": alice, "organisations": [alfa], "region": groene_hart}
    return {
        "public": CaseFactory(public=True, slug="openbaar", **common),
        "community": CaseFactory(published=True, slug="community", **common),
        "draft": CaseFactory(slug="concept", **common),
        "submitted": CaseFactory(submitted=True, slug="ingediend", **common),
    }


@pytest.fixture
def persona(request, client):
    """Log the client in as the named persona (or stay anonymous)."""
    name = request.param
    if name != "anonymous":
        client.force_login(request.getfixturevalue(name))
    return name


ALL = ["anonymous", "alice", "dora", "bob", "charlie", "outsider", "zwolle_coordinator", "staff"]
MATRIX = {
    # state: personas who may read it (everyone else gets 404)
    "public": set(ALL),
    "community": {"alice", "dora", "bob", "charlie", "zwolle_coordinator", "staff"},
    # Drafts: the author and the members of the case's organisations (dora is a
    # bestuurder of Alfa); not the coordinator of the region.
    "draft": {"alice", "dora", "staff"},
    # Submitted: also the coordinators of the case's region (bob), no other region's.
    "submitted": {"alice", "dora", "bob", "staff"},
}


@pytest.mark.parametrize("persona", ALL, indirect=True)
@pytest.mark.parametrize("state", list(MATRIX))
def test_who_reads_which_case(client, cases, persona, state):
    response = client.get(_url(cases[state]))

    expected = 200 if persona in MATRIX[state] else 404
    assert response.status_code == expected
    if expected == 200:
        assert soup(response).select_one("[data-testid=case]")["data-status"] == (
            cases[state].status
        )


def test_the_page_answers_post_with_405(client, cases):
    assert client.post(_url(cases["public"])).status_code == 405


def test_an_unknown_case_is_not_found(client, db):
    assert client.get("/praktijkvoorbeelden/bestaat-niet/").status_code == 404


def test_it_shows_the_structured_parts_in_order(client, r_ladder):
    source = SourceFactory(title="NAMI-rapport", publisher="NAMI", year=2022)
    case = CaseFactory(
        public=True,
        strategies=[(3, "Kasten hergebruikt"), (0, "Niet gekocht")],
        obstacles=[
            ("juridisch", "Aanbestedingsregels", "Marktconsultatie"),
            ("economisch", "Budget per jaar", ""),
            ("juridisch", "Garantie", "Afspraak met de leverancier"),
        ],
        lessons=["Begin klein", "Betrek de gebruikers", "Meet het resultaat"],
        source=source,
        source_section="Casus 4",
    )

    page = soup(client.get(_url(case)))

    levels = [dt["data-level"] for dt in page.select("[data-testid=strategies] dt")]
    assert levels == ["0", "3"]
    rows = page.select("[data-testid=obstacles] [data-dimension]")
    assert [row["data-dimension"] for row in rows] == ["juridisch", "juridisch", "economisch"]
    lessons = [li.get_text(strip=True) for li in page.select("[data-testid=lessons] li")]
    assert lessons == ["Begin klein", "Betrek de gebruikers", "Meet het resultaat"]
    assert page.select_one("[data-testid=source]") is not None


def test_it_renders_markdown_as_html(client, r_ladder):
    case = CaseFactory(
        public=True,
        context="# Aanleiding\n\nDe **raad** wilde *minder* kopen:\n\n- stoelen\n- bureaus\n\n"
        "Zie [het besluit](https://example.org/besluit).",
        strategies=[(2, "Eerst **inventariseren**, dan:\n\n1. delen\n2. repareren")],
    )

    page = soup(client.get(_url(case)))

    context = page.select_one("[data-testid=context]")
    assert context.select_one("h3").get_text() == "Aanleiding"  # below the page's h1/h2
    assert context.select_one("h1, h2") is None
    assert [li.get_text() for li in context.select("ul li")] == ["stoelen", "bureaus"]
    assert context.select_one("strong").get_text() == "raad"
    assert context.select_one("em").get_text() == "minder"
    link = context.select_one("a")
    assert link["href"] == "https://example.org/besluit"
    assert "nofollow" in link["rel"]
    assert "noopener" in link["rel"]
    explanation = page.select_one("[data-testid=strategies] dd")
    assert len(explanation.select("ol li")) == 2


def test_related_cases_share_a_sector_or_an_r_strategy_and_follow_visibility(
    client, r_ladder, alice, alfa
):
    case = CaseFactory(public=True, slug="hoofd", sector="facilitair", strategies=[3])
    CaseFactory(public=True, slug="zelfde-sector", sector="facilitair", strategies=[8])
    CaseFactory(public=True, slug="zelfde-r", sector="ict", strategies=[3])
    CaseFactory(public=True, slug="anders", sector="gww", strategies=[9])
    CaseFactory(published=True, slug="community", sector="facilitair")
    CaseFactory(slug="concept", sector="facilitair", strategies=[3], author=alice)

    def related():
        page = soup(client.get(_url(case)))
        return {a["href"] for a in page.select("[data-testid=related] a")}

    assert related() == {"/praktijkvoorbeelden/zelfde-sector/", "/praktijkvoorbeelden/zelfde-r/"}
    client.force_login(alice)
    assert related() == {
        "/praktijkvoorbeelden/zelfde-sector/",
        "/praktijkvoorbeelden/zelfde-r/",
        "/praktijkvoorbeelden/community/",
    }


def test_a_case_without_sector_or_strategies_has_no_related_cases(client, db):
    case = CaseFactory(public=True)
    CaseFactory(public=True)  # no sector either: an empty sector is not a match
    assert soup(client.get(_url(case))).select_one("[data-testid=related]") is None


# --- user text is inert -------------------------------------------------------------

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
]
MARKDOWN_EXTRAS = [
    '<a href="JaVaScRiPt:alert(1)">a</a>',
    "[y]( javascript:alert(1) )",
    "<svg onload=alert(1)></svg>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<p onclick="alert(1)">p</p>',
    "[z](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
]


def assert_inert(page):
    scripts = page.find_all("script")
    assert all(s.get("src", "").startswith("/static/") and not s.get_text() for s in scripts)
    handlers = [
        (tag.name, attribute)
        for tag in page.find_all(True)
        for attribute in tag.attrs
        if attribute.lower().startswith("on")
    ]
    assert handlers == []
    for tag in page.find_all(href=True) + page.find_all(src=True):
        target = (tag.get("href") or tag.get("src")).strip().lower()
        assert not target.startswith(("javascript:", "data:")), tag
    assert page.select("iframe, svg, img[src=x], main img") == []


def test_script_in_every_text_field_renders_inert(client, r_ladder, alice):
    text = " ".join(PAYLOADS)
    markdown = "\n\n".join(PAYLOADS + MARKDOWN_EXTRAS)
    case = CaseFactory(
        published=True,
        title=text,
        summary=text,
        context=markdown,
        approach=markdown,
        involved_parties=markdown,
        results=markdown,
        strategies=[(1, markdown)],
        obstacles=[("juridisch", text, text)],
        lessons=[text],
        tags=["<b onmouseover=alert(1)>tag</b>"],
        review_comment=text,
    )
    client.force_login(alice)

    response = client.get(_url(case))

    assert response.status_code == 200
    page = soup(response)
    assert_inert(page)
    # The text is shown as text, not dropped: the reader sees what was written.
    assert page.select_one("h1").get_text() == text


def test_script_in_the_list_card_renders_inert(client, r_ladder):
    text = " ".join(PAYLOADS)
    CaseFactory(public=True, title=text, summary=text, strategies=[(1, text)])

    page = soup(client.get("/praktijkvoorbeelden/"))

    assert page.select_one("[data-testid=case-card] h3").get_text() == text
    assert_inert(page)


# --- query count --------------------------------------------------------------------


def _rich_case(n, alfa, groene_hart, alice):
    return CaseFactory(
        published=True,
        author=alice,
        organisations=[alfa],
        region=groene_hart,
        sector="facilitair",
        strategies=list(range(n)),
        obstacles=["juridisch", "economisch", "technologisch", "sociaal-cultureel"] * (n // 4)
        + ["juridisch"] * (n % 4),
        lessons=[f"Les {i}" for i in range(n)],
        tags=[f"trefwoord {i}" for i in range(n)],
    )


@pytest.mark.parametrize("as_member", [False, True], ids=["anonymous", "alice"])
def test_the_query_count_does_not_grow_with_the_parts(
    client, r_ladder, alice, alfa, groene_hart, as_member, django_assert_max_num_queries
):
    small = _rich_case(2, alfa, groene_hart, alice)
    large = _rich_case(8, alfa, groene_hart, alice)
    if as_member:
        client.force_login(alice)
    else:
        for case in (small, large):
            case.visibility = "openbaar"
            case.save()
    client.get(_url(small))  # warm up one-off lookups
    CaseArticle.objects.all().delete()

    # First views: no stored article yet, so the page renders and stores it.
    with CaptureQueriesContext(connection) as baseline:
        page = soup(client.get(_url(small)))
    assert len(page.select("[data-testid=lessons] li")) == 2

    with django_assert_max_num_queries(len(baseline)):
        page = soup(client.get(_url(large)))
    assert len(page.select("[data-testid=lessons] li")) == 8
    assert len(page.select("[data-testid=strategies] dt")) == 8
    assert len(page.select("[data-testid=obstacles] [data-dimension]")) == 8
    # A second visit reads the stored article with the case: fewer queries, same page.
    with CaptureQueriesContext(connection) as stored:
        again = soup(client.get(_url(large)))
    assert len(stored) < len(baseline)
    assert len(again.select("[data-testid=lessons] li")) == 8
