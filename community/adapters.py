"""How django-allauth behaves in this portal (settings.ACCOUNT_ADAPTER)."""

import contextlib

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse

from community import services, tasks
from community.models import ThemegroupInvitation

# The token of the themegroup invitation a visitor followed before signing up: when
# they verify the invited address, the membership is made (`confirm_email`).
INVITATION_SESSION_KEY = "themegroup_invitation"


class AccountAdapter(DefaultAccountAdapter):
    """Sends allauth's mails (verification, password reset, MFA notices, ...) through
    Celery, so that no page waits for the mail server or fails when it is away."""

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Render the mail here, in the request's language and with its site, then queue
        only the rendered text: the context holds the request and users, which a task
        cannot take. Queued once the request's writes have committed; a broker that is
        away is logged and does not fail the page."""
        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request)}
        ctx.update(context)
        message = self.render_mail(template_prefix, email, ctx)
        data = _message_data(message)
        transaction.on_commit(lambda: tasks.account_mail_send.delay(**data), robust=True)

    def confirm_email(self, request, email_address) -> bool:
        """Verify the address and announce the person's requests for an organisation to
        the coordinators (`services.membership_requests_announce`). If the visitor came
        through a themegroup invitation for exactly this address (its token is in the
        session), take the place it offers. An invitation that can no longer be used
        makes nothing; its page says why."""
        confirmed = super().confirm_email(request, email_address)
        if confirmed and email_address.email.lower() == email_address.user.email.lower():
            # Requests for an organisation made at sign-up reach the coordinators now.
            services.membership_requests_announce(user=email_address.user)
        token = request.session.get(INVITATION_SESSION_KEY) if request else None
        if confirmed and token:
            invitation = ThemegroupInvitation.objects.filter(
                token=token, email__iexact=email_address.email
            ).first()
            if invitation is not None:
                # Used, expired or withdrawn: nothing is made; the invitation page says so.
                with contextlib.suppress(ValidationError):
                    services.themegroup_invitation_accept(
                        actor=email_address.user, invitation=invitation
                    )
        return confirmed

    def get_email_verification_redirect_url(self, email_address) -> str:
        """After verifying through an invitation: back to the invitation, which leads on
        to the group."""
        token = self.request.session.get(INVITATION_SESSION_KEY)
        if token:
            return reverse("community:invitation_accept", args=[token])
        return super().get_email_verification_redirect_url(email_address)


def _message_data(message: EmailMessage) -> dict:
    """The plain, JSON-serialisable parts of an e-mail as allauth renders it."""
    html = [
        content
        for content, mimetype in getattr(message, "alternatives", [])
        if mimetype == "text/html"
    ]
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "from_email": str(message.from_email),
        "to": [str(address) for address in message.to],
        "html_body": str(html[0]) if html else "",
        "content_subtype": message.content_subtype,
        "headers": {str(key): str(value) for key, value in message.extra_headers.items()},
    }
