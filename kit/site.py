"""The address the portal is served on, for links in mails.

A request sets it (`portal.middleware.SiteAddressMiddleware`, from the validated Host
header), so a mail queued while answering a request links to the address the user used;
outside a request (a beat task) it is `settings.SITE_URL`."""

from contextvars import ContextVar

from django.conf import settings

_current: ContextVar[str | None] = ContextVar("site_url", default=None)


def site_url() -> str:
    """The base address without a trailing slash, e.g. https://portal.example.nl."""
    return _current.get() or settings.SITE_URL


def serving(base: str):
    """Set the address for the rest of this request; returns a token for `done`."""
    return _current.set(base.rstrip("/"))


def done(token) -> None:
    _current.reset(token)
