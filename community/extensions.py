"""Hooks through which the apps that build on community add to its pages and mails.

`community` imports none of `procurement`, `cases` or `reports` (the import-linter
layers). Where a community page or mail shows their data (a themegroup's trajectories
and cases, the trajectory an action follows up, an organisation's trajectories, the
progress on a commitment, new cases in the member digest), the community code calls a
named hook, and the portal's settings (`PORTAL_HOOKS`: the top layer, which knows every
app) name the providers: dotted paths to functions of the higher apps, called in the
order listed. So no app registers anything at start-up and none imports inside a
function.

Hooks (name — arguments — what each provider returns):

- ``themegroup_sections`` — ``(user, themegroup)`` — a `Section` or None.
- ``organisation_sections`` — ``(user, organisation)`` — a `Section` or None.
- ``action_trajectory_choices`` — ``(user, themegroup)`` — a list of
  ``(trajectory id, label)``: the trajectories the user may link an action of this
  group to (procurement: those the user may see, of the group or of the user's own
  organisations).
- ``action_trajectories`` — ``(user, action_ids)`` — a dict
  ``{action id: LinkedObject}``: the trajectory each of these actions follows up, only
  where the reader may see it, read in one query for the whole set.
- ``action_trajectory_set`` — ``(actor, action, trajectory_id)`` — links the action to
  that trajectory (None: unlinks it), recording the actor; raises `ValidationError`
  (keyed ``trajectory``) for a trajectory the actor may not link. Returns True.
- ``commitment_progress`` — ``(user, commitments, participants)`` — a dict
  ``{(commitment id, participant id): Progress}`` for the commitments whose metric the
  provider measures (procurement: ``trajectories_started``), or None. ``participants``
  are `AgreementParticipant` rows with their organisation; a provider answers only for
  the participants a commitment applies to, and names in `Progress.evidence` only what
  ``user`` may see (the rest is counted in `Progress.hidden`).
- ``digest_items`` — ``(themegroup_ids=, since=, until=)`` — ``{themegroup id:
  [DigestItem]}``: what is new in those groups in [since, until), for all at once.

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


@dataclass(frozen=True)
class LinkedObject:
    """Something of another app that a community object points to: what to call it and
    where it lives."""

    pk: int
    title: str
    url: str


@dataclass(frozen=True)
class Evidence:
    """One item counted towards a commitment that the reader may see: a name and a link."""

    title: str
    url: str


@dataclass(frozen=True)
class Progress:
    """How far one participant is with one measurable commitment, computed from the
    portal's own data: the count, whether it meets the target (None without a target),
    the evidence the reader may see and how many counted items they may not."""

    count: int
    met: bool | None
    evidence: tuple[Evidence, ...] = ()
    hidden: int = 0


@cache
def _providers(hook: str, paths: tuple[str, ...]) -> list:
    return [import_string(path) for path in paths]


def providers(hook: str) -> list:
    """The functions `settings.PORTAL_HOOKS` names for `hook` (imported once)."""
    return _providers(hook, tuple(settings.PORTAL_HOOKS.get(hook, ())))


def call(hook: str, *args, **kwargs) -> list:
    """Every provider's answer for `hook`, leaving out the ones that answered None."""
    answers = (provider(*args, **kwargs) for provider in providers(hook))
    return [answer for answer in answers if answer is not None]


def merged(hook, *args, **kwargs) -> dict:
    """The answers of a hook whose providers answer dicts, as one dict."""
    answer = {}
    for part in call(hook, *args, **kwargs):
        answer.update(part)
    return answer
