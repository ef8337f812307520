"""Reading the case pages as HTML structure (BeautifulSoup), not as text."""

from bs4 import BeautifulSoup


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def card_slugs(response) -> list[str]:
    """The slugs of the case cards on a list page, in order."""
    return [card["data-slug"] for card in soup(response).select("[data-testid=case-card]")]


def facet_counts(response, facet: str) -> dict[str, int]:
    """{option value: count shown next to its checkbox} of one facet panel."""
    counts = {}
    for option in soup(response).select(f"[data-facet={facet}] .portal-facet__option"):
        checkbox = option.select_one("input[type=checkbox]")
        count = option.select_one(".portal-count[data-count]")
        counts[checkbox["value"]] = int(count["data-count"])
    return counts


def error_links(page) -> list[str]:
    """The targets (without #) of the links in a form's error summary."""
    return [a["href"].removeprefix("#") for a in page.select("[data-testid=error-summary] a")]
