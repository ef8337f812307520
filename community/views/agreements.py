"""Agreements (Green Deals, regional manifestos): the list, one agreement with its
participants by type, its commitments and the progress computed from the portal's own
data, and the form through which a coordinator adds one for their region.

Who sees what (`Agreement.objects.visible_to`): a national agreement (no region) every
linked member, a regional one the members of that region, staff all; others 404. A
coordinator adds an agreement for a region they coordinate, staff for any region
(`permissions.can_create_agreement`); others 403. Progress comes from the
`commitment_progress` hook (procurement counts trajectories), which names only the
trajectories the reader may see."""

from collections import defaultdict

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from community import extensions, forms, permissions, services
from community.models import Agreement, Commitment, ParticipantType


@require_GET
def agreement_list(request):
    agreements = (
        Agreement.objects.visible_to(request.user)
        .select_related("region")
        .annotate(participant_count=Count("participants", distinct=True))
        .order_by("region__name", "name")
    )
    return render(
        request,
        "community/agreement_list.html",
        {
            "agreements": list(agreements),
            "can_create": permissions.can_create_agreement(request.user),
        },
    )


def _applies(commitment, participant) -> bool:
    return not commitment.applies_to or commitment.applies_to == participant.participant_type


@require_GET
def agreement_detail(request, slug):
    agreement = get_object_or_404(
        Agreement.objects.visible_to(request.user).select_related("region", "source"), slug=slug
    )
    participants = list(
        agreement.participants.select_related("organisation").order_by(
            "participant_type", "organisation__name"
        )
    )
    # Measured commitments first: their progress is what the page is for.
    commitments = sorted(
        agreement.commitments.all(),
        key=lambda c: (c.metric != Commitment.Metric.TRAJECTORIES_STARTED, c.key),
    )
    progress = {}
    for answer in extensions.call("commitment_progress", request.user, commitments, participants):
        progress.update(answer)
    by_type = defaultdict(list)
    for participant in participants:
        by_type[participant.participant_type].append(participant)
    groups = [
        {"type": label, "key": value, "participants": by_type[value]}
        for value, label in ParticipantType.choices
        if by_type[value]
    ]
    rows = []
    for commitment in commitments:
        applicable = [p for p in participants if _applies(commitment, p)]
        measured = [
            (p, progress[(commitment.pk, p.pk)])
            for p in applicable
            if (commitment.pk, p.pk) in progress
        ]
        rows.append(
            {
                "commitment": commitment,
                "applicable": applicable,
                "measured": measured,
                "met": sum(1 for _p, result in measured if result.met),
                "is_measured": bool(measured),
                "is_manual": commitment.metric != Commitment.Metric.TRAJECTORIES_STARTED,
            }
        )
    return render(
        request,
        "community/agreement_detail.html",
        {"agreement": agreement, "groups": groups, "rows": rows},
    )


@require_http_methods(["GET", "POST"])
def agreement_create(request):
    if not permissions.can_create_agreement(request.user):
        raise PermissionDenied
    form = forms.AgreementForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            agreement = services.agreement_create(
                actor=request.user,
                name=data["name"],
                region=data["region"],
                description=data["description"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                participants=form.participants(),
                commitments=form.commitments(),
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
        else:
            messages.success(request, _("De afspraak is toegevoegd."))
            return redirect(agreement)
    return render(
        request,
        "community/agreement_form.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )
