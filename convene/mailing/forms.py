"""Forms of bulk mail: the segment, an announcement (subject and Markdown per language), list choices."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from convene.core.regions import M49_CHOICES
from convene.groups.models import Group
from convene.people.models import Sector

from .models import BulkList


class SegmentForm(forms.Form):
    languages = forms.MultipleChoiceField(
        label=_("Language"), choices=settings.LANGUAGES, required=False, widget=forms.CheckboxSelectMultiple
    )
    regions = forms.MultipleChoiceField(
        label=_("Region"), choices=M49_CHOICES, required=False, widget=forms.CheckboxSelectMultiple
    )
    countries = forms.MultipleChoiceField(label=_("Country"), choices=list(countries), required=False)
    sectors = forms.MultipleChoiceField(
        label=_("Sector"), choices=Sector.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    groups = forms.ModelMultipleChoiceField(
        label=_("Members of the groups"), queryset=Group.objects.none(), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["groups"].queryset = Group.objects.order_by("name")

    def segment(self) -> dict:
        data = {
            key: list(self.cleaned_data.get(key) or [])
            for key in ("languages", "regions", "countries", "sectors")
        }
        data["groups"] = [group.pk for group in self.cleaned_data.get("groups") or []]
        return {key: value for key, value in data.items() if value}


class AnnouncementForm(SegmentForm):
    purpose = forms.ChoiceField(label=_("List"), choices=BulkList.choices, initial=BulkList.ANNOUNCEMENTS)
    title = forms.CharField(label=_("Title (for the secretariat)"), max_length=200)
    default_language = forms.ChoiceField(label=_("Default language"), choices=settings.LANGUAGES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code, name in settings.LANGUAGES:
            self.fields[f"subject_{code}"] = forms.CharField(
                label=_("Subject (%(language)s)") % {"language": name}, max_length=250, required=False
            )
            self.fields[f"body_{code}"] = forms.CharField(
                label=_("Message in Markdown (%(language)s)") % {"language": name},
                widget=forms.Textarea(attrs={"rows": 8}),
                required=False,
                max_length=50_000,
            )

    def clean(self):
        cleaned = super().clean()
        default = cleaned.get("default_language")
        if default and not (cleaned.get(f"subject_{default}") and cleaned.get(f"body_{default}")):
            raise forms.ValidationError(_("Write the subject and the message in the default language."))
        return cleaned

    def languages_written(self) -> list[str]:
        return [
            code
            for code, _name in settings.LANGUAGES
            if self.cleaned_data.get(f"subject_{code}") and self.cleaned_data.get(f"body_{code}")
        ]


class ListsForm(forms.Form):
    def __init__(self, *args, current: dict[str, bool], **kwargs):
        super().__init__(*args, **kwargs)
        for value, label in BulkList.choices:
            self.fields[value] = forms.BooleanField(
                label=label, required=False, initial=current.get(value, True)
            )
