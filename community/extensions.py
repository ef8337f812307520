"""Hooks through which the apps that build on community add to its pages and mails.

`community` imports none of `procurement`, `cases` or `reports` (the import-linter
layers). Where a community page or mail shows their data (a themegroup's trajectories
and cases, the trajectory an action follows up, new cases in the member digest), the
community code calls a named hook, and the portal's settings (`PORTAL_HOOKS`, the top
layer that knows every app) name the providers: dotted paths to functions of the
higher apps, called in the order listed.

Hooks (name — keyword arguments — what each provider returns):

- ``digest_items`` — ``themegroup_ids, since, until`` — {themegroup id: [DigestItem]}
  of what is new in those groups in [since, until), for all groups at once.

An app adding a hook documents it here.
"""

from dataclasses import dataclass, field
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Section:
    """A part of a community page drawn by another app: a heading, the template that
    renders it and that template's context."""

    key: str
    title: str
    template: str
    context: dict = field(default_factory=dict)


@cache
def _providers(hook: str, paths: tuple[str, ...]):
    return [import_string(path) for path in paths]


def providers(hook: str) -> list:
    """The functions `settings.PORTAL_HOOKS` names for `hook` (read once per setting)."""
    return _providers(hook, tuple(settings.PORTAL_HOOKS.get(hook, ())))


def call(hook: str, *args, **kwargs) -> list:
    """Every provider's answer for `hook`, leaving out the ones that answered None."""
    answers = (provider(*args, **kwargs) for provider in providers(hook))
    return [answer for answer in answers if answer is not None]
