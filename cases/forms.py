"""Forms of the case library: the case itself, its structured parts and the review."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.text import Truncator, slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cases import permissions
from cases.models import PART_MAX, Case, Dimension, Tag
from community.models import Organisation
from kit import uploads
from procurement.models import RStrategy

MARKDOWN_HELP = _("Gewone tekst of Markdown (kopjes, lijstjes, vet, links).")


class CaseForm(forms.ModelForm):
    """The case's own fields. Organisations are limited to the writer's own."""

    tag_names = forms.CharField(
        label=_("Trefwoorden"),
        required=False,
        max_length=300,
        help_text=_(
            "Gescheiden door komma's, bijvoorbeeld: meubilair, hergebruik. "
            "Elk trefwoord hoogstens 60 tekens."
        ),
    )
    attachment = forms.FileField(
        label=_("Bijlage toevoegen"),
        required=False,
        help_text=_("PDF, PNG of JPEG, hoogstens 10 MB."),
    )
    attachment_title = forms.CharField(
        label=_("Titel van de bijlage"), required=False, max_length=200
    )

    class Meta:
        model = Case
        fields = [
            "title",
            "summary",
            "organisations",
            "region",
            "themegroup",
            "sector",
            "product_category",
            "year",
            "procedure",
            "special_method",
            "award_basis",
            "context",
            "approach",
            "involved_parties",
            "results",
        ]
        widgets = {
            "organisations": forms.CheckboxSelectMultiple,
            "summary": forms.Textarea(attrs={"rows": 3}),
            "context": forms.Textarea(attrs={"rows": 6}),
            "approach": forms.Textarea(attrs={"rows": 6}),
            "involved_parties": forms.Textarea(attrs={"rows": 3}),
            "results": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "context": MARKDOWN_HELP,
            "approach": MARKDOWN_HELP,
            "results": MARKDOWN_HELP,
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        writable = permissions.writable_organisations(user)
        choices = Q(pk__in=writable.values("pk"))
        own = self.instance.organisations.all() if self.instance.pk else None
        if own is not None and not own.filter(pk__in=writable.values("pk")).exists():
            # A coordinator of the region keeps a published case of another organisation
            # up to date: its organisations are offered as they are.
            choices |= Q(pk__in=own.values("pk"))
        self.fields["organisations"].queryset = Organisation.objects.filter(choices).order_by(
            "name"
        )
        self.fields["organisations"].required = True
        self.fields["region"].queryset = permissions.writable_regions(user)
        self.fields["region"].help_text = _(
            "De regio van een van de organisaties; leeg laten kiest die van de eerste."
        )
        self.fields["themegroup"].queryset = self.fields["themegroup"].queryset.select_related(
            "region"
        )
        if self.instance.pk:
            self.fields["tag_names"].initial = ", ".join(
                self.instance.tags.values_list("name", flat=True)
            )

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if upload:
            uploads.check_upload(upload)
        return upload

    def clean_tag_names(self):
        """Each keyword fits (a longer one is refused, never cut)."""
        value = self.cleaned_data.get("tag_names", "")
        limit = Tag._meta.get_field("name").max_length
        too_long = [name.strip() for name in value.split(",") if len(name.strip()) > limit]
        if too_long:
            raise ValidationError(
                ngettext(
                    "Een trefwoord mag hoogstens %(limit)d tekens hebben; "
                    "maak dit korter: %(names)s",
                    "Een trefwoord mag hoogstens %(limit)d tekens hebben; "
                    "maak deze korter: %(names)s",
                    len(too_long),
                ),
                params={
                    "limit": limit,
                    "names": ", ".join(f"“{Truncator(name).chars(40)}”" for name in too_long),
                },
                code="tag_too_long",
            )
        return value

    def clean(self):
        data = super().clean()
        region, organisations = data.get("region"), data.get("organisations")
        if region and organisations and region.pk not in {o.region_id for o in organisations}:
            self.add_error(
                "region", _("Kies de regio van een van de organisaties van het praktijkvoorbeeld.")
            )
        return data

    def tag_names_list(self) -> list[str]:
        """The keywords typed, as names (created by the service, not here)."""
        names = (name.strip() for name in self.cleaned_data.get("tag_names", "").split(","))
        return [name for name in names if name and slugify(name)]


class StrategyForm(forms.Form):
    r_level = forms.ModelChoiceField(
        label=_("R-strategie"), queryset=RStrategy.objects.all(), required=False
    )
    explanation = forms.CharField(
        label=_("Hoe is deze strategie toegepast?"),
        required=False,
        max_length=PART_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    applied = forms.BooleanField(
        label=_("Toegepast"),
        required=False,
        initial=True,
        help_text=_("Vink uit als de strategie is overwogen maar niet toepasbaar bleek."),
    )

    def clean(self):
        data = super().clean()
        if data.get("r_level") and not data.get("explanation", "").strip():
            self.add_error("explanation", _("Licht toe hoe deze R-strategie is toegepast."))
        if data.get("explanation", "").strip() and not data.get("r_level"):
            self.add_error("r_level", _("Kies de R-strategie bij deze toelichting."))
        return data


class BaseStrategyFormSet(forms.BaseFormSet):
    def clean(self):
        seen = set()
        for form in self.forms:
            level = form.cleaned_data.get("r_level") if hasattr(form, "cleaned_data") else None
            if level is None:
                continue
            if level.pk in seen:
                form.add_error("r_level", _("Elke R-strategie staat maar één keer in de lijst."))
            seen.add(level.pk)


class ObstacleForm(forms.Form):
    dimension = forms.ChoiceField(
        label=_("Dimensie"), choices=[("", "–"), *Dimension.choices], required=False
    )
    obstacle = forms.CharField(
        label=_("Obstakel"),
        required=False,
        max_length=PART_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    solution = forms.CharField(
        label=_("Oplossing"),
        required=False,
        max_length=PART_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        data = super().clean()
        if (data.get("obstacle", "").strip() or data.get("solution", "").strip()) and not data.get(
            "dimension"
        ):
            self.add_error("dimension", _("Kies bij welke dimensie dit obstakel hoort."))
        if data.get("dimension") and not data.get("obstacle", "").strip():
            self.add_error("obstacle", _("Beschrijf het obstakel."))
        return data


class LessonForm(forms.Form):
    text = forms.CharField(
        label=_("Les"),
        required=False,
        max_length=PART_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


StrategyFormSet = forms.formset_factory(
    StrategyForm, formset=BaseStrategyFormSet, extra=3, max_num=10, validate_max=True
)
ObstacleFormSet = forms.formset_factory(ObstacleForm, extra=4, max_num=20, validate_max=True)
LessonFormSet = forms.formset_factory(LessonForm, extra=3, max_num=20, validate_max=True)


class PublishForm(forms.Form):
    visibility = forms.ChoiceField(
        label=_("Publiceren voor"),
        choices=Case.Visibility.choices,
        widget=forms.RadioSelect,
        initial=Case.Visibility.COMMUNITY,
    )
    no_contract_values = forms.BooleanField(
        label=_("Er staan geen contractwaarden of bedragen uit offertes in."), required=True
    )
    no_running_tender_suppliers = forms.BooleanField(
        label=_("Er staan geen leveranciersgegevens van een lopende aanbesteding in."),
        required=True,
    )
    no_personal_data = forms.BooleanField(
        label=_("Er staan geen persoonsgegevens in, behalve de contactpersoon."), required=True
    )


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("Opmerking voor de auteur"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=PART_MAX,
    )

    def clean_comment(self):
        comment = self.cleaned_data["comment"].strip()
        if not comment:
            raise ValidationError(_("Schrijf de auteur waarom het praktijkvoorbeeld terug gaat."))
        return comment


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reden van terugtrekken"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=PART_MAX,
        help_text=_("Het praktijkvoorbeeld wordt weer een concept; de reden blijft bewaard."),
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(_("Schrijf waarom het praktijkvoorbeeld wordt teruggetrokken."))
        return reason


class ContactForm(forms.Form):
    message = forms.CharField(
        label=_("Uw bericht"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=PART_MAX,
        help_text=_(
            "Het bericht gaat per e-mail naar de contactpersoon of de auteur; zij antwoorden "
            "op uw bevestigde e-mailadres."
        ),
    )

    def clean_message(self):
        message = self.cleaned_data["message"].strip()
        if not message:
            raise ValidationError(_("Schrijf uw bericht."))
        return message
