"""What the case library adds to community pages and mails, through the hooks of
`community.extensions` (registered in `CasesConfig.ready`)."""

from collections import defaultdict

from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case
from community.digests import DigestItem
from kit.site import site_url


def digest_items(*, themegroup_ids, since, until) -> dict[int, list[DigestItem]]:
    """The cases published in [since, until) per themegroup, for the member digest. A
    published case may be read by every member, so the digest may name it."""
    found = defaultdict(list)
    base = site_url()
    cases = (
        Case.objects.filter(
            status=Case.Status.GEPUBLICEERD,
            themegroup__in=themegroup_ids,
            published_at__gte=since,
            published_at__lt=until,
        )
        .only("pk", "slug", "title", "themegroup_id", "published_at")
        .order_by("published_at", "pk")
    )
    for case in cases:
        found[case.themegroup_id].append(
            DigestItem(
                kind=_("Nieuw praktijkvoorbeeld"),
                title=case.title,
                url=base + case.get_absolute_url(),
                when=timezone.localdate(case.published_at).isoformat(),
            )
        )
    return found
