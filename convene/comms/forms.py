"""Forms of the E-Update: they read input, the services decide."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import BlockKind, ContributionKind, ContributionState, IssueVisibility


class ContributionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ContributionKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Markdown: *emphasis*, **bold**, [links](https://…)."),
    )
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    links = forms.CharField(
        label=_("Links"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One address per line."),
    )
    image = forms.FileField(
        label=_("Image"), required=False, help_text=_("PNG, JPEG, GIF or WebP, at most 5 MB.")
    )
    group = forms.ChoiceField(label=_("On behalf of"), required=False)

    def __init__(self, *args, groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.groups = {str(g.pk): g for g in groups}
        if self.groups:
            self.fields["group"].choices = [
                ("", _("Myself")),
                *[(pk, g.name) for pk, g in self.groups.items()],
            ]
        else:
            del self.fields["group"]

    def chosen_group(self):
        return self.groups.get(self.cleaned_data.get("group") or "")


class ReviseForm(ContributionForm):
    note = forms.CharField(
        label=_("A word to the editors"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReviewForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("request_changes", _("Request changes")),
            ("accept", _("Accept")),
            ("decline", _("Decline")),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment to the author"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed when you request changes or decline."),
    )


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}))


class QueueFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("Open")), *ContributionState.choices]
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("Any")), *ContributionKind.choices]
    )
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=[("", _("Any")), *settings.LANGUAGES]
    )


class IssueForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    languages = forms.MultipleChoiceField(
        label=_("Languages"), choices=settings.LANGUAGES, widget=forms.CheckboxSelectMultiple
    )
    default_language = forms.ChoiceField(label=_("Default language"), choices=settings.LANGUAGES)
    visibility = forms.ChoiceField(label=_("In the archive"), choices=IssueVisibility.choices)
    review_year = forms.IntegerField(
        label=_("Year in review"),
        required=False,
        help_text=_("For a year-in-review issue: the year its figures are for."),
    )


class IssueTextForm(forms.Form):
    language = forms.ChoiceField(choices=settings.LANGUAGES, widget=forms.HiddenInput)
    title = forms.CharField(label=_("Subject"), max_length=200, required=False)
    editorial = forms.CharField(
        label=_("Editorial"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )


class ItemAddForm(forms.Form):
    contribution = forms.IntegerField(widget=forms.HiddenInput)


class BlockAddForm(forms.Form):
    kind = forms.ChoiceField(label=_("Block"), choices=BlockKind.choices)


class TranslationForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"))
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Markdown: *emphasis*, **bold**, [links](https://…)."),
    )

    def __init__(self, *args, original_language: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [
            (code, name) for code, name in settings.LANGUAGES if code != original_language
        ]


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("What needs changing"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
