"""The member digest: choosing it per themegroup, and switching one off from the link
in a digest mail without logging in."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from community import digests, forms, permissions, services
from community.models import ThemegroupMembership


@require_http_methods(["GET", "POST"])
def digest_settings(request):
    """Per themegroup of which the user is a member or coordinator: no mail, a daily or
    a weekly digest. A guest gets no digest; without any group the page says so."""
    places = list(
        ThemegroupMembership.objects.filter(themegroup__in=_own_groups(request.user))
        .filter(user=request.user)
        .exclude(role=ThemegroupMembership.Role.GAST)
        .select_related("themegroup__region")
        .order_by("themegroup__region__name", "themegroup__name")
    )
    form = forms.DigestSettingsForm(
        request.POST if request.method == "POST" else None, places=places
    )
    if request.method == "POST" and form.is_valid():
        for place, digest in form.changes():
            services.digest_set(actor=request.user, place=place, digest=digest)
        messages.success(request, _("Uw keuze voor de samenvattingen is opgeslagen."))
        return redirect("community:digest_settings")
    return render(request, "community/digest_settings.html", {"form": form})


def _own_groups(user):
    """The groups in which the user's place counts (`community.permissions`)."""
    return list(permissions.themegroup_roles(user))


@login_not_required
@require_http_methods(["GET", "POST"])
def digest_unsubscribe(request, token):
    """The link in a digest mail: asks on GET (mail scanners open links), switches off
    that one setting on POST. Works without logging in; a forged or altered token
    answers 404."""
    place = digests.place_from_token(token)
    if place is None:
        raise Http404
    if request.method == "POST":
        services.digest_set(actor=None, place=place, digest=ThemegroupMembership.Digest.GEEN)
        return render(request, "community/digest_unsubscribe.html", {"place": place, "done": True})
    return render(request, "community/digest_unsubscribe.html", {"place": place})
