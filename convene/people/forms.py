from django import forms
from django.conf import settings
from django.db.models import Case, IntegerField, Value, When
from django.utils.translation import gettext_lazy as _
from django_countries.fields import LazyTypedChoiceField

from convene.core.timezones import canonical_time_zone, time_zone_choices
from convene.core.widgets import SearchableSelect

from .models import Language, Organisation, Profile, Topic


class ProfileForm(forms.ModelForm):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.only("id", "name"),
        required=False,
        label=_("Organisation"),
        help_text=_("Not in the list? Write it below and the secretariat will add it."),
        widget=SearchableSelect,
    )
    new_organisation = forms.CharField(label=_("Other organisation"), max_length=200, required=False)
    languages = forms.ModelMultipleChoiceField(
        queryset=Language.objects.all(),
        required=False,
        label=_("Languages you work in"),
        widget=forms.CheckboxSelectMultiple,
    )
    topics = forms.ModelMultipleChoiceField(
        queryset=Topic.objects.all(),
        required=False,
        label=_("Expertise topics"),
        widget=forms.CheckboxSelectMultiple,
    )
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices, widget=SearchableSelect)
    language = forms.ChoiceField(label=_("Language of this site"), choices=settings.LANGUAGES)

    class Meta:
        model = Profile
        fields = [
            "name",
            "country",
            "organisation",
            "job_title",
            "sector",
            "languages",
            "topics",
            "bio",
            "profile_visibility",
            "email_visibility",
        ]
        widgets = {
            "bio": forms.Textarea(attrs={"rows": 5, "maxlength": 2000}),
            "profile_visibility": forms.RadioSelect,
            "email_visibility": forms.RadioSelect,
        }

    field_order = ["name", "country", "organisation", "new_organisation", "job_title", "sector", "bio"]

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        # The person's own languages first, so that what they chose stays in view in a long list.
        chosen = list(self.instance.languages.values_list("code", flat=True)) if self.instance.pk else []
        self.fields["languages"].queryset = Language.objects.annotate(
            chosen=Case(When(code__in=chosen, then=Value(0)), default=Value(1), output_field=IntegerField())
        ).order_by("chosen", "name")
        self.fields["name"].required = True
        self.fields["country"].required = True
        self.fields["sector"].required = True
        # A zone saved before the list offered canonical names only shows as the zone it stands for.
        self.fields["time_zone"].initial = canonical_time_zone(person.time_zone or "UTC") or "UTC"
        self.fields["language"].initial = person.language or settings.LANGUAGE_CODE

    def clean(self):
        cleaned = super().clean()
        new_name = " ".join((cleaned.get("new_organisation") or "").split())
        if new_name and not cleaned.get("organisation"):
            existing = Organisation.objects.filter(name__iexact=new_name).first()
            cleaned["organisation"] = existing or Organisation(name=new_name)
        return cleaned


class DirectorySearchForm(forms.Form):
    q = forms.CharField(label=_("Name, organisation or expertise"), required=False, max_length=100)
    country = LazyTypedChoiceField(label=_("Country"), required=False, choices=())
    sector = forms.ChoiceField(label=_("Sector"), required=False, choices=())
    language = forms.ChoiceField(label=_("Language"), required=False, choices=())
    topic = forms.ChoiceField(label=_("Topic"), required=False, choices=())

    def __init__(self, *args, choices: dict, **kwargs):
        super().__init__(*args, **kwargs)
        everyone = [("", _("Any"))]
        self.fields["country"].choices = everyone + choices["countries"]
        self.fields["sector"].choices = everyone + choices["sectors"]
        self.fields["language"].choices = everyone + choices["languages"]
        self.fields["topic"].choices = everyone + choices["topics"]


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "sector", "country", "website"]

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        clash = Organisation.objects.filter(name__iexact=name)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("An organisation with this name already exists."))
        return name


class ApiTokenForm(forms.Form):
    """A token acts as the person until revoked: making one asks for the current password, checked
    the way a login is (allauth's limits and django-axes count the wrong ones)."""

    name = forms.CharField(label=_("What the token is for"), max_length=100)
    password = forms.CharField(
        label=_("Your current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person

    def clean_password(self):
        from allauth.account.adapter import get_adapter

        password = self.cleaned_data["password"]
        if not self.person.has_usable_password():
            raise forms.ValidationError(_("Set a password for your account first: no token was made."))
        if not get_adapter().reauthenticate(self.person, password):
            raise forms.ValidationError(_("This is not your current password: no token was made."))
        return password


class AccountEraseForm(forms.Form):
    """Erasure asks for the account's e-mail address, typed: no erasure by a slip of the mouse."""

    confirm = forms.CharField(max_length=254, strip=True)

    def __init__(self, *args, person, own: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person
        self.fields["confirm"].label = (
            _("Type your e-mail address to confirm")
            if own
            else _("Type the account's e-mail address to confirm")
        )
        self.fields["confirm"].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})

    def clean_confirm(self):
        typed = self.cleaned_data["confirm"]
        if typed.lower() != self.person.email.lower():
            raise forms.ValidationError(_("This is not the account's e-mail address: nothing was erased."))
        return typed
