"""The e-mails of the community: the member digest. Rendered and sent by the worker
(community.tasks), never in a request."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from community.models import DigestDelivery
from kit.site import site_url


def digest_send(*, delivery_id: int) -> int:
    """Send one digest, at most once: the delivery is claimed in its own committed
    statement before the mail goes out, so a rerun, a redelivered task or a second
    worker finds it claimed and sends nothing. When the mail server is away the claim
    is given back and the error raised, so the task tries again later. Returns the
    number of messages sent."""
    claimed = DigestDelivery.objects.filter(pk=delivery_id, claimed_at__isnull=True).update(
        claimed_at=timezone.now()
    )
    if not claimed:
        return 0
    delivery = DigestDelivery.objects.select_related("user").get(pk=delivery_id)
    base = site_url()
    with translation.override(settings.LANGUAGE_CODE):
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
        subject = render_to_string("emails/digest_subject.txt", context).strip()
        body = render_to_string("emails/digest_body.txt", context)
    message = EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[delivery.user.email],
    )
    try:
        sent = message.send()
    except OSError:
        DigestDelivery.objects.filter(pk=delivery_id).update(claimed_at=None)
        raise
    with transaction.atomic():
        DigestDelivery.objects.filter(pk=delivery_id).update(sent_at=timezone.now())
    return sent
