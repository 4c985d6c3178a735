"""An indicator's fields, listed once (issue 10).

What a group sets about an indicator of its results framework, in the order the form shows them:
the indicator's form (results/forms.py) offers them, the services accept them (with ``position``,
the indicator's place under its result, which the API sets) and the API's bodies and answers carry
them (``result`` and ``responsible`` as ``result_id`` and ``responsible_id``; a test holds the API
to this list). The spreadsheet's columns and the plan document read the same list.
"""

INDICATOR_FIELDS = (
    "result",
    "code",
    "name",
    "definition",
    "unit",
    "direction",
    "cumulative",
    "frequency",
    "baseline_value",
    "baseline_on",
    "data_source",
    "verification",
    "responsible",
    "disaggregations",
)
