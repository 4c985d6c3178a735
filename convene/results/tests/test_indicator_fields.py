"""The indicator's field list (results/fields.py) is the one the form, the services and the API use."""

from convene.results.fields import INDICATOR_FIELDS
from convene.results.forms import IndicatorForm
from convene.results.schemas import IndicatorIn, IndicatorOut, IndicatorPatch

# The API names related rows by id and carries the indicator's place under its result.
API_NAMES = {"result": "result_id", "responsible": "responsible_id"}


def api_names() -> set[str]:
    return {API_NAMES.get(name, name) for name in INDICATOR_FIELDS} | {"position"}


def test_the_form_offers_the_fields_in_their_order():
    assert tuple(IndicatorForm.FIELDS) == INDICATOR_FIELDS
    assert set(IndicatorForm.base_fields) == set(INDICATOR_FIELDS)


def test_the_api_bodies_carry_the_fields():
    assert set(IndicatorIn.model_fields) == api_names()
    assert set(IndicatorPatch.model_fields) == api_names() | {"revision"}


def test_the_api_answer_carries_the_fields():
    # The answer names the result by id and shows the responsible person (PersonRef).
    answer = set(IndicatorOut.model_fields) - {"id", "shared_id", "revision"}
    assert answer == {"result_id" if name == "result" else name for name in INDICATOR_FIELDS} | {"position"}
