from django import forms
from django.utils.translation import gettext_lazy as _

from convene.people.models import Person

from .models import Body


class TermForm(forms.Form):
    email = forms.EmailField(label=_("Person's e-mail address"))
    body = forms.ChoiceField(label=_("Role"), choices=Body.choices)
    title = forms.CharField(label=_("Title"), max_length=120, required=False)
    cohort = forms.CharField(label=_("Cohort"), max_length=40, required=False)
    starts_on = forms.DateField(label=_("Starts"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Ends"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean_email(self):
        email = self.cleaned_data["email"].lower()
        person = Person.objects.filter(email__iexact=email).first()
        if person is None:
            raise forms.ValidationError(_("Nobody with this e-mail address has an account."))
        self.person = person
        return email
