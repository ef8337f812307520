"""Forms of reporting: the period of a dashboard (a quarter, a year or custom dates),
the figure a map is shaded by, and the request for a PDF report. Field mapping and
validation only."""

import datetime

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reports import permissions
from reports.metrics import MAP_FIGURES, Period, Scope
from reports.models import ReportSubscription

CUSTOM = "aangepast"
EARLIEST = datetime.date(2000, 1, 1)
LONGEST = datetime.timedelta(days=366 * 10)


def period_choices(today: datetime.date) -> list[tuple[str, str]]:
    """This year and the two before, the quarters of this year and last year, and custom
    dates. Values are stable strings: `jaar-2026`, `kwartaal-2026-3`."""
    years = [(f"jaar-{y}", str(y)) for y in range(today.year, today.year - 3, -1)]
    quarters = [
        (f"kwartaal-{y}-{q}", _("kwartaal %(q)s %(y)s") % {"q": q, "y": y})
        for y in (today.year, today.year - 1)
        for q in range(4, 0, -1)
    ]
    return [
        (_("Jaar"), years),
        (_("Kwartaal"), quarters),
        (CUSTOM, _("Aangepaste datums")),
    ]


class InlineSelect(forms.Select):
    """A select whose options are written in its own template instead of one include
    each (the dashboard draws the period and map selects on every request)."""

    template_name = "reports/widgets/select.html"


def default_period(today: datetime.date) -> Period:
    return Period.year(today.year)


class PeriodForm(forms.Form):
    """The period selector (GET). `period` holds the chosen `Period` once valid."""

    periode = forms.ChoiceField(label=_("Periode"), required=False, widget=InlineSelect)
    van = forms.DateField(
        label=_("Van"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Alleen bij aangepaste datums."),
    )
    tot = forms.DateField(
        label=_("Tot en met"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Alleen bij aangepaste datums."),
    )
    kaart = forms.ChoiceField(
        label=_("Kaart kleurt naar"),
        required=False,
        choices=[(key, label) for key, label in MAP_FIGURES.items()],
        widget=InlineSelect,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = timezone.localdate()
        self.fields["periode"].choices = period_choices(self.today)

    def clean(self):
        data = super().clean()
        choice = data.get("periode") or f"jaar-{self.today.year}"
        if choice == CUSTOM:
            start, end = data.get("van"), data.get("tot")
            if "van" in self.errors or "tot" in self.errors:
                return data
            if start is None:
                self.add_error("van", _("Vul de begindatum in."))
            if end is None:
                self.add_error("tot", _("Vul de einddatum in."))
            if start is None or end is None:
                return data
            if end < start:
                self.add_error("tot", _("De einddatum ligt op of na de begindatum."))
                return data
            if start < EARLIEST:
                self.add_error("van", _("Kies een begindatum vanaf 1 januari 2000."))
                return data
            if end - start > LONGEST:
                self.add_error("tot", _("Kies een periode van hoogstens tien jaar."))
                return data
            data["period"] = Period(start, end)
        else:
            kind, *numbers = choice.split("-")
            numbers = [int(n) for n in numbers]
            data["period"] = Period.year(*numbers) if kind == "jaar" else Period.quarter(*numbers)
        return data

    @property
    def period(self) -> Period:
        if self.is_valid():
            return self.cleaned_data["period"]
        return default_period(self.today)

    @property
    def map_figure(self) -> str:
        if self.is_valid() and self.cleaned_data.get("kaart"):
            return self.cleaned_data["kaart"]
        return "trajecten"


def scope_choices(user) -> list:
    """The scopes a report may be asked for (or subscribed to), grouped for a select; each
    value is a scope's key (`organisatie-12`)."""
    groups = [
        (_("Organisaties"), permissions.report_organisations(user).order_by("name")),
        (_("Regio's"), permissions.dashboard_regions(user).order_by("name")),
        (_("Themagroepen"), permissions.dashboard_themegroups(user).order_by("name")),
    ]
    choices = [("", _("Kies waarover"))]
    for label, objects in groups:
        options = [(scope_key(scope := Scope.of(obj)), scope.name) for obj in objects]
        if options:
            choices.append((label, options))
    return choices


def scope_key(scope: Scope) -> str:
    return f"{scope.kind}-{scope.obj.pk}"


# The scopes of each kind a report may be asked for, as in `scope_choices`.
SCOPE_QUERYSETS = {
    Scope.ORGANISATION: permissions.report_organisations,
    Scope.REGION: permissions.dashboard_regions,
    Scope.THEMEGROUP: permissions.dashboard_themegroups,
}


def scope_for_key(user, key: str) -> Scope | None:
    """The scope behind a key of `scope_choices`, if the user may choose it: one lookup
    instead of listing every choice."""
    kind, _dash, pk = key.partition("-")
    if kind not in SCOPE_QUERYSETS or not (pk.isascii() and pk.isdigit()) or len(pk) > 9:
        return None
    found = list(SCOPE_QUERYSETS[kind](user).filter(pk=int(pk))[:1])
    return Scope.of(found[0]) if found else None


class ScopeField(forms.ChoiceField):
    """A scope the user may view, by its key. The options are listed only when the field
    is shown (a callable); a posted key is checked by looking up that one scope, which
    `scope(key)` then returns."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = None
        self._scopes: dict[str, Scope | None] = {}
        self._listed: list | None = None

    def for_user(self, user) -> None:
        """Called by each form on its own copy of the field (a new dict: the copy would
        otherwise share the class field's)."""
        self.user = user
        self._scopes = {}
        self._listed = None
        self.choices = self.listed

    def listed(self) -> list:
        """The grouped options, listed once per form when shown."""
        if self._listed is None:
            self._listed = scope_choices(self.user)
        return self._listed

    @property
    def has_options(self) -> bool:
        return len(self.listed()) > 1

    def scope(self, key: str) -> Scope | None:
        if key not in self._scopes:
            self._scopes[key] = scope_for_key(self.user, key) if key else None
        return self._scopes[key]

    def valid_value(self, value) -> bool:
        return self.scope(str(value)) is not None


class ReportRequestForm(PeriodForm):
    """Ask for a PDF report: a scope the reader may view (`reports.permissions`) and a
    period as on the dashboard. `scope` holds the chosen `Scope` once valid."""

    bereik = ScopeField(label=_("Rapportage over"))

    field_order = ["bereik", "periode", "van", "tot"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["kaart"]
        self.user = user
        self.fields["bereik"].for_user(user)

    def clean(self):
        data = super().clean()
        scope = self.fields["bereik"].scope(data.get("bereik") or "")
        if scope is not None:
            data["scope"] = scope
        return data

    @property
    def scope(self) -> Scope:
        return self.cleaned_data["scope"]


class SubscriptionForm(forms.Form):
    """Subscribe to a scheduled report: a scope the reader may view (the same choices as
    the request form), monthly or quarterly, in a language."""

    bereik = ScopeField(label=_("Rapportage over"))
    frequentie = forms.ChoiceField(
        label=_("Hoe vaak"),
        choices=ReportSubscription.Frequency.choices,
        widget=forms.RadioSelect,
        help_text=_("U krijgt de rapportage na afloop van elke maand of elk kwartaal."),
    )
    taal = forms.ChoiceField(label=_("Taal van de rapportage"), choices=settings.LANGUAGES)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["bereik"].for_user(user)

    def clean(self):
        data = super().clean()
        scope = self.fields["bereik"].scope(data.get("bereik") or "")
        frequency = data.get("frequentie")
        if scope is None or not frequency:
            return data
        field = {"organisatie": "organisation", "regio": "region", "themagroep": "themegroup"}
        exists = ReportSubscription.objects.filter(
            user=self.user,
            scope_kind=scope.kind,
            frequency=frequency,
            **{field[scope.kind]: scope.obj},
        ).exists()
        if exists:
            self.add_error("bereik", _("U hebt hier al een abonnement met deze frequentie op."))
            return data
        data["scope"] = scope
        return data

    @property
    def scope(self) -> Scope:
        return self.cleaned_data["scope"]
