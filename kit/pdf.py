"""PDF from HTML with WeasyPrint, for every app that makes one (progress reports first;
in kit, the lowest layer, so any app may use it).

Nothing from outside: the URL fetcher serves only the portal's own static files (fonts,
style sheets, images found by the staticfiles finders under `STATIC_URL` of the
document's private base URL) and refuses every other address — http(s), `file:`,
`data:` and the rest — so text a user typed can never make a report fetch anything.
Documents are tagged PDF/UA-1 with their title and language, fonts embedded."""

import mimetypes
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

import weasyprint
from django.conf import settings
from django.contrib.staticfiles import finders

# The base URL documents are rendered against: a host that cannot exist (RFC 2606), so
# only this fetcher ever answers for it.
BASE_URL = "https://portal.invalid/"


class RefusedURL(weasyprint.urls.FatalURLFetchingError):
    """An address the PDF may not fetch."""


def static_prefix() -> str:
    return BASE_URL + settings.STATIC_URL.lstrip("/")


def asset_url(path: str) -> str:
    """The address of a static file (`fonts/DejaVuSans.ttf`) inside a PDF."""
    return static_prefix() + path


class StaticOnlyFetcher(weasyprint.URLFetcher):
    """Serves the portal's static files; refuses anything else (fatal: a document that
    asks for something else fails instead of silently rendering without it)."""

    def fetch(self, url, headers=None):
        prefix = static_prefix()
        if not url.startswith(prefix):
            raise RefusedURL(f"PDF may not fetch {url[:200]!r}")
        parts = urlsplit(url)
        relative = unquote(parts.path[len(urlsplit(prefix).path) :])
        if not relative or ".." in relative.split("/") or relative.startswith("/"):
            raise RefusedURL(f"PDF may not fetch {url[:200]!r}")
        path = finders.find(relative)
        if path is None:
            raise RefusedURL(f"No such static file: {relative!r}")
        content_type = mimetypes.guess_type(relative)[0] or "application/octet-stream"
        with open(path, "rb") as handle:
            body = handle.read()
        return weasyprint.urls.URLFetcherResponse(url, body, headers={"Content-Type": content_type})


@dataclass
class Pdf:
    content: bytes
    pages: int


def render(html: str, *, title: str, language: str) -> Pdf:
    """The PDF of an HTML document (its <html lang> and <title> should say the same as
    `language` and `title`, which go into the metadata)."""
    document = weasyprint.HTML(
        string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher()
    ).render(pdf_variant="pdf/ua-1", pdf_tags=True)
    document.metadata.title = title
    document.metadata.lang = language
    content = document.write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True)
    return Pdf(content=content, pages=len(document.pages))
