"""What every API built on Convene shares: the NinjaAPI class with its error handlers, the JSON parser,
the session authentication, the decimal patches of the OpenAPI document.

Imports no app: the instance under /api/v1/, with the personal-token authentication and each app's
router, is assembled above the apps in ``convene.api``."""

import math
from decimal import Decimal
from functools import partial

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.http.request import RawPostDataException
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from ninja.schema import NinjaGenerateJsonSchema
from ninja.security.session import SessionAuth

from convene.core.concurrency import EditConflict
from convene.core.errors import StateConflict, error_body
from convene.core.security import MfaRequired


def _decimal_pattern(self, schema):
    """A decimal sent or answered as text carries its pattern in the OpenAPI document: its digits and
    decimal places (``max_digits``/``decimal_places``), next to the number's bounds. Pydantic builds the
    pattern; ninja's generator leaves it out by default."""
    return self.build_decimal_pattern(schema)


_plain_decimal_schema = NinjaGenerateJsonSchema.decimal_schema


def _decimal_schema(self, schema):
    """The number a decimal may also be sent as gets the bounds its digits imply (14 digits with 2
    decimal places: at most 999999999999.99), unless tighter ones are declared."""
    json_schema = _plain_decimal_schema(self, schema)
    digits, places = schema.get("max_digits"), schema.get("decimal_places") or 0
    if digits is not None and "anyOf" in json_schema:
        exact = 10 ** (digits - places) - Decimal(10) ** -places
        biggest = float(exact)
        if Decimal(biggest) > exact:  # rounded up past the limit: the float just below it
            biggest = math.nextafter(biggest, 0)
        number = json_schema["anyOf"][0]
        if "maximum" not in number and "exclusiveMaximum" not in number:
            number["maximum"] = biggest
        if "minimum" not in number and "exclusiveMinimum" not in number:
            number["minimum"] = -biggest
    return json_schema


NinjaGenerateJsonSchema.get_decimal_pattern = _decimal_pattern
NinjaGenerateJsonSchema.decimal_schema = _decimal_schema


class JsonObjectParser(Parser):
    """A request body is a JSON object: ``[null, null]``, ``null`` or ``0`` is refused (400)."""

    def parse_body(self, request):
        data = super().parse_body(request)
        # ninja also parses each part of a multipart form with this parser, through a bare HttpRequest
        # (method None): only a real request's body must be an object.
        if request.method is not None and not isinstance(data, dict):
            raise BodyNotAnObject
        return data


class BodyNotAnObject(ValueError):
    pass


class SessionAuthWhenLoggedIn(SessionAuth):
    """The browser's session, for calls made from Convene's own pages. Its CSRF check applies only when
    there is a session to protect: a call with no session cookie (a script with a missing or revoked
    token) is simply not authenticated, 401, not "CSRF check Failed"."""

    def _get_key(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None  # before the CSRF check: there is no session to protect
        return super()._get_key(request)

    def authenticate(self, request, key):
        return super().authenticate(request, key) if key else None


def _error(api, request, status: int, msg, type: str, loc=(), **extra):
    return api.create_response(request, {**error_body(msg, type, loc), **extra}, status=status)


def _not_authenticated(api, request, exc: AuthenticationError):
    """No token, or one that is unknown, revoked or of a deactivated person: 401 with the challenge."""
    sent = request.headers.get("Authorization", "")
    challenge = 'Bearer realm="Convene API"'
    if sent:
        challenge += ', error="invalid_token"'
    response = _error(
        api,
        request,
        401,
        _("Send a valid personal token: Authorization: Bearer <token>."),
        "not_authenticated",
        ["header", "Authorization"],
    )
    response["WWW-Authenticate"] = challenge
    return response


def _http_error(api, request, exc: HttpError):
    if isinstance(exc.__cause__, BodyNotAnObject):
        return _error(
            api, request, 400, _("The request body must be a JSON object."), "body_not_an_object", ["body"]
        )
    if exc.status_code == 400:
        return _error(api, request, 400, _("The request body is not valid JSON."), "json_invalid", ["body"])
    if "CSRF" in exc.message:
        msg = _("CSRF check failed: send the CSRF token with a call made with the browser's session.")
        return _error(api, request, exc.status_code, msg, "csrf_failed")
    return _error(api, request, exc.status_code, exc.message, "http_error")


def _request_invalid(api, request, exc: NinjaValidationError):
    """ninja's own checks of the path, query and body: the standard shape, without echoing the input."""
    detail = [
        {
            "loc": list(error.get("loc", [])),
            "msg": str(error.get("msg", "")),
            "type": str(error.get("type", "")),
        }
        for error in exc.errors
    ]
    return api.create_response(request, {"detail": detail}, status=422)


def _not_found(api, request, exc: Http404):
    return _error(api, request, 404, _("Not found."), "not_found")


def _mfa_required(api, request, exc: MfaRequired):
    """A secretariat member must turn on two-factor authentication before using the API."""
    return _error(api, request, 403, str(exc), "mfa_required")


def _permission_denied(api, request, exc: PermissionDenied):
    """A refused rule (``ensure`` in a service): 403 in JSON, not Django's HTML page."""
    return _error(api, request, 403, _("You may not do this."), "permission_denied")


def _messages(exc: ValidationError, type: str) -> list[dict]:
    """A service's messages, each with the field it is about when the service said so."""
    if hasattr(exc, "error_dict"):
        return [
            {"loc": ["body"] if field == NON_FIELD_ERRORS else ["body", field], "msg": str(m), "type": type}
            for field, errors in exc.error_dict.items()
            for m in ValidationError(errors).messages
        ]
    return [{"loc": [], "msg": str(m), "type": type} for m in exc.messages]


def _validation_error(api, request, exc: ValidationError):
    """Bad input refused by a service: 422 with its messages, in the one error shape."""
    return api.create_response(request, {"detail": _messages(exc, "invalid")}, status=422)


def _state_conflict(api, request, exc: StateConflict):
    """The record's state forbids the request now (already answered, closed, a member…): 409."""
    return api.create_response(request, {"detail": _messages(exc, "state_conflict")}, status=409)


def _edit_conflict(api, request, exc: EditConflict):
    """An edit made from an outdated ``revision``: 409 with what changed since, nothing written."""
    body = exc.as_dict()
    body.update(error_body(body.pop("detail"), "edit_conflict", ["body", "revision"]))
    return api.create_response(request, body, status=409)


def _form_body(api, request, exc: RawPostDataException):
    """A form-encoded POST to an endpoint that reads JSON: say so rather than fail."""
    return _error(api, request, 415, _("Send the request body as JSON."), "unsupported_media_type", ["body"])


# Each handler gets the API it answers for (to render the response as that API does).
ERROR_HANDLERS = {
    AuthenticationError: _not_authenticated,
    HttpError: _http_error,
    NinjaValidationError: _request_invalid,
    Http404: _not_found,
    MfaRequired: _mfa_required,
    PermissionDenied: _permission_denied,
    ValidationError: _validation_error,
    StateConflict: _state_conflict,
    EditConflict: _edit_conflict,
    RawPostDataException: _form_body,
}


class ConveneAPI(NinjaAPI):
    """A NinjaAPI whose bodies are JSON objects and whose every refusal has the one error shape."""

    def __init__(self, **kwargs):
        kwargs.setdefault("parser", JsonObjectParser())
        super().__init__(**kwargs)
        for exc_class, handler in ERROR_HANDLERS.items():
            self.add_exception_handler(exc_class, partial(handler, self))

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        """An optional body (``payload: JoinIn | None = None``) is left out, never sent as ``null`` (a body
        must be an object): the document says so, rather than ninja's ``anyOf [JoinIn, null]``."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for item in schema["paths"].values():
            for operation in item.values():
                for media in operation.get("requestBody", {}).get("content", {}).values():
                    any_of = media.get("schema", {}).get("anyOf")
                    if any_of and {"type": "null"} in any_of:
                        rest = [option for option in any_of if option != {"type": "null"}]
                        media["schema"] = rest[0] if len(rest) == 1 else {"anyOf": rest}
        return schema


@csrf_exempt
def not_found(request, rest: str = ""):
    """Any other path under /api/v1/: 404 in JSON, like the API's own answers."""
    return JsonResponse(error_body(_("No such API endpoint."), "not_found"), status=404)
