"""Forms of reporting: the period of a dashboard (a quarter, a year or custom dates),
the figure a map is shaded by, and the request for a PDF report. Field mapping and
validation only."""

import datetime

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
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


# The dashboard draws its period form on every request: its widgets write the markup of
# the portal's widget templates (templates/django/forms/widgets/) in Python from the same
# context, without a template render per widget and option.


def _attributes(attrs: dict) -> str:
    """The attributes but the class, as `_attrs_without_class.html` writes them."""
    return "".join(
        f" {conditional_escape(name)}"
        + ("" if value is True else f'="{conditional_escape(str(value))}"')
        for name, value in attrs.items()
        if value is not False and name != "class"
    )


def _css_class(base: str, attrs: dict) -> str:
    extra = attrs.get("class")
    return f"{base} {conditional_escape(extra)}" if extra else base


class InlineSelect(forms.Select):
    """The portal's select (`select.html`); options carry no attributes of their own."""

    def _render(self, template_name, context, renderer=None):
        widget = context["widget"]
        parts = [
            f'<select name="{conditional_escape(widget["name"])}" '
            f'class="{_css_class("utrecht-select utrecht-select--html-select", widget["attrs"])}"'
            f"{_attributes(widget['attrs'])}>"
        ]
        for group_name, group_choices, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            parts.extend(
                f'\n  <option value="{conditional_escape(str(option["value"]))}"'
                f"{' selected' if option['selected'] else ''}>"
                f"{conditional_escape(option['label'])}</option>"
                for option in group_choices
            )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 (every text above is escaped)


class InlineDateInput(forms.DateInput):
    """The portal's text box (`input.html`) for a date, `type="date"`."""

    def __init__(self):
        super().__init__(attrs={"type": "date"})

    def _render(self, template_name, context, renderer=None):
        widget = context["widget"]
        value = widget["value"]
        return mark_safe(  # noqa: S308 (every text is escaped)
            f'<input type="{conditional_escape(widget["type"])}" '
            f'name="{conditional_escape(widget["name"])}" '
            f'class="{_css_class("utrecht-textbox utrecht-textbox--html-input", widget["attrs"])}"'
            + ("" if value is None else f' value="{conditional_escape(str(value))}"')
            + f"{_attributes(widget['attrs'])}>"
        )


def default_period(today: datetime.date) -> Period:
    return Period.year(today.year)


class PeriodForm(forms.Form):
    """The period selector (GET). `period` holds the chosen `Period` once valid."""

    periode = forms.ChoiceField(label=_("Periode"), required=False, widget=InlineSelect)
    van = forms.DateField(
        label=_("Van"),
        required=False,
        widget=InlineDateInput,
        help_text=_("Alleen bij aangepaste datums."),
    )
    tot = forms.DateField(
        label=_("Tot en met"),
        required=False,
        widget=InlineDateInput,
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
