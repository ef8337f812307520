"""The e-mails of the community: the member digest. Rendered and sent by the worker
(community.tasks), never in a request."""

from django.conf import settings
from django.core.mail import EmailMessage, mailers
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from community.models import DigestDelivery
from kit.site import site_url


def _claim(delivery_ids) -> list[int]:
    """Mark the deliveries nobody claimed yet as ours, committed before any mail goes
    out; rows another worker holds or claimed are left to it."""
    with transaction.atomic():
        free = list(
            DigestDelivery.objects.select_for_update(skip_locked=True)
            .filter(pk__in=delivery_ids, claimed_at__isnull=True)
            .values_list("pk", flat=True)
        )
        DigestDelivery.objects.filter(pk__in=free).update(claimed_at=timezone.now())
    return free


def _message(delivery: DigestDelivery, base: str) -> EmailMessage:
    groups = [
        {
            **group,
            "unsubscribe_url": base
            + reverse("community:digest_unsubscribe", args=[group["unsubscribe"]]),
        }
        for group in delivery.content
    ]
    context = {
        "user": delivery.user,
        "delivery": delivery,
        "groups": groups,
        "settings_url": base + reverse("community:digest_settings"),
    }
    return EmailMessage(
        subject=render_to_string("emails/digest_subject.txt", context).strip(),
        body=render_to_string("emails/digest_body.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[delivery.user.email],
    )


def digests_send(*, delivery_ids) -> int:
    """Send these digests, each at most once: they are claimed in a committed statement
    before the first mail goes out, so a rerun, a redelivered task or a second worker
    finds them claimed and sends nothing. All go over one connection; when the mail
    server is away, the claims of the digests not yet sent are given back and the error
    raised, so the task tries again later. Returns the number of messages sent."""
    claimed = _claim(delivery_ids)
    if not claimed:
        return 0
    deliveries = DigestDelivery.objects.select_related("user").filter(pk__in=claimed)
    base = site_url()
    with translation.override(settings.LANGUAGE_CODE):
        messages = [(delivery.pk, _message(delivery, base)) for delivery in deliveries]
    sent: list[int] = []
    try:
        with mailers.default as connection:
            for delivery_id, message in messages:
                connection.send_messages([message])
                sent.append(delivery_id)
    except OSError:
        unsent = set(claimed) - set(sent)
        DigestDelivery.objects.filter(pk__in=unsent).update(claimed_at=None)
        raise
    finally:
        DigestDelivery.objects.filter(pk__in=sent).update(sent_at=timezone.now())
    return len(sent)
