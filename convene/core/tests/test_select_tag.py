"""The one-loop ``<select>`` gives the same choices, selection, escaping and attributes as Django's."""

from django import forms
from django.template import Context, Template

from convene.core.templatetags.fields import select


class _Form(forms.Form):
    country = forms.ChoiceField(
        label="Country",
        required=False,
        choices=[("", "Any"), ("ZM", "Zambia"), ("X", 'Fish & "chips" <b>')],
    )


def _options(html: str) -> list[str]:
    return [part.split(">")[0] for part in html.split("<option")[1:]]


def test_same_options_and_selection_as_django():
    form = _Form({"country": "ZM"})
    ours = str(select(form["country"]))
    theirs = str(form["country"])
    assert [o.strip() for o in _options(ours)] == [o.strip() for o in _options(theirs)]
    assert '<option value="ZM" selected>Zambia</option>' in ours
    assert ours.startswith('<select name="country" id="id_country">')


def test_labels_and_values_are_escaped():
    html = str(select(_Form()["country"]))
    assert "Fish &amp; &quot;chips&quot; &lt;b&gt;" in html
    assert "<b>" not in html


def test_unbound_selects_the_empty_choice_as_django_does_and_invalid_is_marked():
    html = str(select(_Form()["country"]))
    assert html.count(" selected") == 1
    assert '<option value="" selected>Any</option>' in html
    bound = _Form({"country": "nowhere"})
    assert not bound.is_valid()
    assert 'aria-invalid="true"' in str(select(bound["country"]))


def test_template_tag():
    html = Template("{% load fields %}{% select form.country %}").render(
        Context({"form": _Form({"country": "X"})})
    )
    assert '<option value="X" selected>' in html
