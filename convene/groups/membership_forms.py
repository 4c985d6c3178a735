"""Forms for joining, members, activities and threads: they read input, the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from convene.people.models import Organisation

from .models import Notify
from .services import MANAGED_ROLES


def _country_choices():
    return [("", _("Any country")), *countries]


class JoinForm(forms.Form):
    note = forms.CharField(
        label=_("A note for the co-chairs (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class NotifyForm(forms.Form):
    notify = forms.ChoiceField(label=_("E-mail from this group"), choices=Notify.choices)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=[(r.value, r.label) for r in MANAGED_ROLES])


class InviteSearchForm(forms.Form):
    q = forms.CharField(label=_("Name or expertise"), max_length=100, required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = _country_choices()


class ActivityForm(forms.Form):
    what = forms.CharField(
        label=_("What you do"),
        max_length=300,
        help_text=_(
            "For example: “Training 40 case workers in Lusaka on the new case management guidelines”."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    country = forms.ChoiceField(label=_("Where (country)"), required=False)
    place = forms.CharField(label=_("Where (place)"), max_length=120, required=False)
    organisation = forms.ModelChoiceField(
        label=_("With which organisation"), queryset=Organisation.objects.none(), required=False
    )
    since = forms.DateField(label=_("Since"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, organisation_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", "—"), *countries]
        # Bounded on purpose: the person's own organisation and the one already recorded.
        self.fields["organisation"].queryset = Organisation.objects.filter(
            pk__in=[i for i in organisation_ids if i]
        )


class ThreadForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Message"),
        max_length=20_000,
        help_text=_("You can use Markdown: **bold**, *italic*, [a link](https://example.org), lists."),
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    is_announcement = forms.BooleanField(
        label=_("Announcement (shown first, from the co-chairs)"), required=False
    )


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your reply"),
        max_length=20_000,
        help_text=_("You can use Markdown: **bold**, *italic*, [a link](https://example.org), lists."),
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class PostForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        max_length=20_000,
        help_text=_("You can use Markdown: **bold**, *italic*, [a link](https://example.org), lists."),
        widget=forms.Textarea(attrs={"rows": 8}),
    )
