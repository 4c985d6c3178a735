"""The resource form (thin: the service checks the values again and owns the rules)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from convene.people.models import Topic

from .models import BCP47, ResourceKind, ResourceVisibility


class ResourceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=ResourceKind.choices)
    title = forms.CharField(label=_("Title"), max_length=300)
    authors = forms.CharField(
        label=_("Authors"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One a line, in the order of the title page: a person as Family, Given; an organisation as its name."
        ),
    )
    publisher = forms.CharField(label=_("Publisher"), max_length=200, required=False)
    published_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    language = forms.CharField(
        label=_("Language"),
        max_length=35,
        validators=[BCP47],
        help_text=_("A language tag: en, fr, pt-BR, es-419."),
    )
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics"), queryset=Topic.objects.order_by("name"), required=False
    )
    countries = forms.MultipleChoiceField(label=_("Countries"), choices=list(countries), required=False)
    licence = forms.CharField(
        label=_("Licence"),
        max_length=100,
        required=False,
        help_text=_("e.g. CC BY 4.0, or All rights reserved."),
    )
    abstract = forms.CharField(
        label=_("Abstract"), required=False, widget=forms.Textarea(attrs={"rows": 6}), max_length=10_000
    )
    file = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_("PDF, PNG, JPEG, DOCX, XLSX, PPTX, CSV or text; at most 25 MB."),
    )
    link = forms.URLField(label=_("Or a link"), required=False, max_length=500, assume_scheme="https")
    group = forms.ChoiceField(label=_("Produced by"), required=False)
    visibility = forms.ChoiceField(label=_("Who sees it"), choices=ResourceVisibility.choices)

    def __init__(self, *args, group_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if group_choices is None:
            del self.fields["group"]
        else:
            self.fields["group"].choices = group_choices

    def values(self) -> dict:
        """The cleaned values as the service takes them."""
        data = dict(self.cleaned_data)
        data.pop("group", None)
        data["authors"] = [line for line in (data.get("authors") or "").splitlines() if line.strip()]
        data["file"] = data.get("file") or None
        return data
