"""What every API endpoint shares: the error shape, bounded ids, strict dates (issue 9).

One error shape for every refusal (400, 401, 403, 404, 409, 422, 429), the shape ninja already gives
its own request-validation errors::

    {"detail": [{"loc": ["body", "decided_on"], "msg": "…", "type": "date_type"}]}

``loc`` says where the problem is (``[]`` for the request as a whole), ``msg`` is for people (in the
caller's language), ``type`` for programs. The handlers in ``convene.core.api`` and the rate limit in
``convene.core.security`` build it with ``error_body``.
"""

import re
from datetime import date, datetime
from decimal import Decimal
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Schema
from pydantic import BeforeValidator, field_validator
from pydantic_core import PydanticCustomError

from convene.core.converters import MAX_ID
from convene.core.errors import error_body  # noqa: F401 (the shape's one builder, also used here)

# --- Errors -----------------------------------------------------------------------------------------


class ErrorItem(Schema):
    loc: list[str | int] = Field(
        ..., description="Where: [] for the whole request, else e.g. ['body', 'name']."
    )
    msg: str = Field(..., description="What is wrong, for people.")
    type: str = Field(..., description="What is wrong, for programs: not_authenticated, not_found, …")


class ErrorOut(Schema):
    detail: list[ErrorItem]


class ConflictOut(ErrorOut):
    """409: the request conflicts with the record's state. After an edit made from an outdated
    ``revision`` (type ``edit_conflict``) the other fields say what changed since; nothing was written."""

    revision: int | None = Field(
        None, description="The record's revision now: send the change again with it."
    )
    theirs_changed: list[str] | None = Field(
        None, description="Fields others changed since the caller's revision."
    )
    mine_changed: list[str] | None = Field(None, description="Fields the caller changed.")
    conflicts: list[str] | None = Field(None, description="Fields both changed, to different values.")
    theirs: dict[str, Any] | None = Field(None, description="The saved values of the fields sent.")


# What may answer, declared in the OpenAPI document of every operation (``response={200: …, **ERRORS}``).
# 422: a path or query parameter out of its bounds; 429: the rate limit (convene.core.security).
READ_ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut}
# Writes: 400 a body that is not a JSON object, 409 a state conflict (already answered, closed…),
# 415 a body sent as a form to an endpoint that reads JSON.
ERRORS = {400: ErrorOut, **READ_ERRORS, 409: ConflictOut, 415: ErrorOut}
EDIT_ERRORS = ERRORS  # an edit's 409 also carries what changed since the caller's revision

# --- Bodies ------------------------------------------------------------------------------------------


def _types(annotation) -> set:
    """The plain types an annotation allows: ``int | None`` -> {int, NoneType}."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _types(get_args(annotation)[0])
    if origin in (Union, UnionType):
        return set().union(*(_types(arg) for arg in get_args(annotation)))
    return {origin or annotation}


class JsonBody(Schema):
    """A JSON request body: a yes/no field takes ``true``/``false`` and a whole number an integer, as the
    document says. Pydantic would also take ``0``, ``"yes"`` or ``"12"`` (its lax mode) and act on them."""

    @field_validator("*", mode="before")
    @classmethod
    def _json_types(cls, value, info):
        types = _types(cls.model_fields[info.field_name].annotation)
        if value is None or types & {str, Decimal}:
            return value
        if bool in types and not isinstance(value, bool):
            raise PydanticCustomError("bool_type", _("Give true or false."))
        if int in types and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise PydanticCustomError("int_type", _("Give a whole number."))
        return value


# --- Ids ---------------------------------------------------------------------------------------------

# An id in a path or a query: within a BigAutoField's range, so that a huge number is 422, never an
# overflow in the database driver (a 500).
PathId = Annotated[int, Path(..., ge=1, le=MAX_ID)]
BODY_ID = {"ge": 1, "le": MAX_ID}


def query_id(default=None, **kwargs):
    return Query(default, ge=1, le=MAX_ID, **kwargs)


# --- Dates -------------------------------------------------------------------------------------------

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_only(value):
    """Pydantic takes a number as a Unix time (``0`` is 1970-01-01) and ``2024-01-01T00:00`` as a date:
    an API date is an ISO string (YYYY-MM-DD) and nothing else."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        return value
    raise PydanticCustomError("date_format", _("Give the date as text in the form YYYY-MM-DD."))


IsoDate = Annotated[date, BeforeValidator(_iso_only)]


# --- References ----------------------------------------------------------------------------------


class PersonRef(Schema):
    id: int
    name: str
