"""Hooks through which the apps that build on community add to its pages.

`community` imports none of `procurement`, `cases` or `reports` (the import-linter
layers). Where a community page shows their data (a themegroup's trajectories and
cases, the trajectory an action follows up, an organisation's trajectories), that app
registers a provider for a named hook in its `AppConfig.ready()`, and the community
view calls the hook. Each hook's providers are called in registration order.

Hooks (name — arguments — what each provider returns):

- ``themegroup_sections`` — ``(user, themegroup)`` — a `Section` or None.
- ``organisation_sections`` — ``(user, organisation)`` — a `Section` or None.
- ``commitment_progress`` — ``(user, commitments, participants)`` — a dict
  ``{(commitment id, participant id): Progress}`` for the commitments whose metric the
  provider measures (procurement: ``trajectories_started``), or None. ``participants``
  are `AgreementParticipant` rows with their organisation; a provider answers only for
  the participants a commitment applies to, and names in `Progress.evidence` only what
  ``user`` may see (the rest is counted in `Progress.hidden`).

An app adding a hook documents it here.
"""

from collections import defaultdict
from dataclasses import dataclass, field

_providers = defaultdict(list)


@dataclass(frozen=True)
class Section:
    """A part of a community page drawn by another app: a heading, the template that
    renders it and that template's context."""

    key: str
    title: str
    template: str
    context: dict = field(default_factory=dict)


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


def register(hook, provider):
    """Add `provider` to `hook` (once, however often an app is readied)."""
    if provider not in _providers[hook]:
        _providers[hook].append(provider)


def call(hook, *args, **kwargs):
    """Every provider's answer for `hook`, leaving out the ones that answered None."""
    answers = (provider(*args, **kwargs) for provider in _providers[hook])
    return [answer for answer in answers if answer is not None]
