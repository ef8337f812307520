"""Forms of the community app."""

from django import forms
from django.utils.translation import gettext_lazy as _

from community.models import ThemegroupMembership


class SignupForm(forms.Form):
    """Extra fields on allauth's sign-up form: the person's full name."""

    full_name = forms.CharField(
        label=_("Volledige naam"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    field_order = ["full_name", "email", "password1", "password2"]

    def signup(self, request, user):
        user.full_name = self.cleaned_data["full_name"]
        user.save(update_fields=["full_name"])


class DigestSettingsForm(forms.Form):
    """Per themegroup: no mail, a daily or a weekly digest. One field per place the
    person holds as member or coordinator, named after the place."""

    def __init__(self, *args, places, **kwargs):
        super().__init__(*args, **kwargs)
        self.places = {}
        for place in places:
            name = f"groep_{place.pk}"
            self.places[name] = place
            self.fields[name] = forms.ChoiceField(
                label=f"{place.themegroup.name} ({place.themegroup.region.name})",
                choices=ThemegroupMembership.Digest.choices,
                initial=place.digest,
                widget=forms.RadioSelect,
            )

    def changes(self):
        """(place, frequency) for each field whose value differs from the stored one."""
        return [
            (self.places[name], value)
            for name, value in self.cleaned_data.items()
            if self.places[name].digest != value
        ]
