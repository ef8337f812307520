"""Onboarding: a signed-in person asks to be linked to an organisation (and sees and
withdraws their requests); the coordinators of the organisation's region decide in
their queue. Every change goes through `community.services`."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from community import forms, permissions, services
from community.models import MembershipRequest


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@require_http_methods(["GET", "POST"])
def membership_request_create(request):
    """ "Organisatie aanvragen": the form, and the person's own requests with their
    status (an open one can be withdrawn)."""
    form = forms.MembershipRequestForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                membership_request = services.membership_request_create(
                    actor=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(
                    request,
                    _(
                        "Uw aanvraag voor %(organisation)s is verstuurd. Een coördinator van "
                        "de regio beoordeelt haar; u krijgt bericht per e-mail."
                    )
                    % {"organisation": membership_request.organisation.name},
                )
                return redirect(reverse("community:membership_request_create") + "#mijn-aanvragen")
        status = 400
    own = (
        MembershipRequest.objects.filter(user=request.user)
        .select_related("organisation", "organisation__region")
        .order_by("-created_at", "-id")
    )
    return render(
        request,
        "community/membership_request_create.html",
        {"form": form, "own_requests": own},
        status=status,
    )


@require_POST
def membership_request_withdraw(request, pk):
    """The applicant withdraws their open request; anyone else's is not found."""
    membership_request = get_object_or_404(MembershipRequest, pk=pk, user=request.user)
    if not permissions.can_withdraw_membership_request(request.user, membership_request):
        raise PermissionDenied
    try:
        services.membership_request_withdraw(
            actor=request.user, membership_request=membership_request
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Uw aanvraag is ingetrokken."))
    return redirect(reverse("community:membership_request_create") + "#mijn-aanvragen")


def _queue_or_403(request):
    if not permissions.can_view_membership_requests(request.user):
        raise PermissionDenied
    return MembershipRequest.objects.decidable_by(request.user)


def _render_queue(request, requests, status=200, bound=None):
    """The open requests of the reader's regions, oldest first, each with its decision
    form (the one just sent, with its errors, if `bound`)."""
    open_requests = list(requests.open().for_queue())
    for membership_request in open_requests:
        if bound is not None and bound.membership_request_pk == membership_request.pk:
            membership_request.form = bound
        else:
            membership_request.form = forms.MembershipRequestDecisionForm(
                prefix=f"aanvraag-{membership_request.pk}"
            )
    return render(
        request,
        "community/membership_request_list.html",
        {"open_requests": open_requests, "bound": bound},
        status=status,
    )


@require_GET
def membership_request_list(request):
    """The coordinator's queue: requests for organisations of the regions they coordinate
    (staff: all). Inkopers and bestuurders are refused (403)."""
    return _render_queue(request, _queue_or_403(request))


@require_POST
def membership_request_decide(request, pk):
    """Approve or decline one request (a decline with its reason). A request of another
    region is not found (404)."""
    requests = _queue_or_403(request)
    membership_request = get_object_or_404(requests.select_related("organisation__region"), pk=pk)
    if not permissions.can_decide_membership_request(request.user, membership_request):
        raise PermissionDenied
    if not membership_request.is_open:
        messages.error(request, _("Over deze aanvraag is al beslist."))
        return redirect("community:membership_request_list")
    form = forms.MembershipRequestDecisionForm(request.POST, prefix=f"aanvraag-{pk}")
    form.membership_request_pk = membership_request.pk
    if form.is_valid():
        approve = form.cleaned_data["decision"] == "goedkeuren"
        try:
            services.membership_request_decide(
                actor=request.user,
                membership_request=membership_request,
                approve=approve,
                reason=form.cleaned_data["decline_reason"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            name = membership_request.user.full_name or membership_request.user.email
            messages.success(
                request,
                (
                    _("%(name)s is gekoppeld aan %(organisation)s.")
                    if approve
                    else _("De aanvraag van %(name)s is afgewezen.")
                )
                % {"name": name, "organisation": membership_request.organisation.name},
            )
            return redirect("community:membership_request_list")
    return _render_queue(request, requests, status=400, bound=form)
