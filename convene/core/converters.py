"""Path converters shared by every urls.py.

``<id:pk>`` matches a row id: digits whose value fits the database's integer columns (primary keys are
``BigAutoField``, 64-bit signed). A larger number is no match, so Django answers 404 instead of letting
it reach a query that overflows (SQLite raises OverflowError, a 500). ``<int:`` is not used for ids.
"""

from django.urls import register_converter

# The largest value of a BigAutoField / BigIntegerField (PostgreSQL bigint, SQLite INTEGER).
MAX_ID = 2**63 - 1


class IdConverter:
    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise ValueError("id out of range")  # no match: 404
        return number

    def to_url(self, value) -> str:
        return str(int(value))


register_converter(IdConverter, "id")
