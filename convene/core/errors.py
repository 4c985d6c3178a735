"""Errors the services raise, shared by every app."""

from django.core.exceptions import ValidationError


class StateConflict(ValidationError):
    """The request is well-formed but the record's state forbids it now: a request already answered,
    a group already closed, a person already a member. Nothing was changed.

    A ValidationError, so that a page shows it as a form error like any other refusal; the API answers
    409 (not 422), since sending the same request again cannot succeed until the state changes."""


def error_body(msg, type: str, loc: list | tuple = ()) -> dict:
    """The API's one error shape (see convene.core.api_schemas): one message, where, and what kind."""
    return {"detail": [{"loc": list(loc), "msg": str(msg), "type": type}]}
