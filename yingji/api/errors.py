"""How the API answers what it refuses: JSON with a message in the reader's language (Chinese by default).

Every 4xx of ``/api/`` is JSON ``{"detail": ...}`` whose messages a person can
read (issue 8 §7): ``ValidationError`` of an action → 422 with field errors,
``PermissionDenied`` → 403, a missing or another township's object → 404, a
request the schema refuses (ninja's own validation) → 422 with one Chinese
message per field, no login → 401. What never reaches a view (405 for a
method the path does not have, 404 for a path no route matches, the CSRF
refusal) is rewritten by :class:`JsonErrorsMiddleware`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError
from ninja.errors import ValidationError as SchemaValidationError

from .parser import TextRefused

#: The path prefix of the API (``yingji/urls.py``).
API_PREFIX = "/api/"
#: How the texts of ninja's own ``HttpError``s begin (ninja 1.x): answered with our message instead.
NINJA_MESSAGES = (
    "Unauthorized",
    "Forbidden",
    "Too many requests.",
    "CSRF check Failed",
    "Cannot parse request body",
)


def permission_message() -> str:
    """The message of a refused permission (403)."""
    return _("You are not allowed to do this.")


def status_message(status: int) -> str:
    """A message for an HTTP error status that carries no message of its own."""
    messages = {
        400: _("The request cannot be read."),
        401: _("Log in first."),
        403: permission_message(),
        404: _("Not found (or not in your township)."),
        405: _("This address does not accept that method."),
        413: _("The request is too large."),
        415: _("This content type is not accepted."),
        429: _("Too many requests: wait a moment and try again."),
    }
    return messages.get(status, _("The request was refused."))


def schema_message(error: dict[str, Any]) -> str:
    """Return a message for one of pydantic's request errors (``{"type", "loc", "msg", "ctx"}``).

    ninja reports errors in the request's shape with pydantic's English texts;
    these are the ones a request to Yingji's API can meet. An unknown type
    keeps pydantic's text after a Chinese lead-in, so nothing is lost.
    """
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    messages: dict[str, str] = {
        "missing": _("This field is required."),
        "int_parsing": _("Enter a whole number."),
        "int_type": _("Enter a whole number."),
        "int_from_float": _("Enter a whole number."),
        "int_parsing_size": _("This number is too large."),
        "float_parsing": _("Enter a number."),
        "float_type": _("Enter a number."),
        "finite_number": _("Enter a number."),
        "bool_parsing": _("Enter true or false."),
        "bool_type": _("Enter true or false."),
        "string_type": _("Enter text."),
        "string_unicode": _("Enter text."),
        "list_type": _("Enter a list."),
        "dict_type": _("Enter an object of fields."),
        "model_type": _("Enter an object of fields."),
        "model_attributes_type": _("Enter an object of fields."),
        "json_invalid": _("This is not valid JSON."),
        "json_type": _("This is not valid JSON."),
        "datetime_parsing": _("Enter a date and time (ISO 8601, e.g. 2026-11-29T09:30:00+08:00)."),
        "datetime_from_date_parsing": _(
            "Enter a date and time (ISO 8601, e.g. 2026-11-29T09:30:00+08:00)."
        ),
        "datetime_type": _("Enter a date and time (ISO 8601, e.g. 2026-11-29T09:30:00+08:00)."),
        "datetime_object_invalid": _(
            "Enter a date and time (ISO 8601, e.g. 2026-11-29T09:30:00+08:00)."
        ),
        "date_parsing": _("Enter a date (e.g. 2026-11-29)."),
        "date_from_datetime_parsing": _("Enter a date (e.g. 2026-11-29)."),
        "date_from_datetime_inexact": _("Enter a date (e.g. 2026-11-29)."),
        "date_type": _("Enter a date (e.g. 2026-11-29)."),
        "literal_error": _("Choose one of: %(expected)s."),
        "enum": _("Choose one of: %(expected)s."),
        "string_too_long": _("At most %(max_length)s characters."),
        "string_too_short": _("At least %(min_length)s characters."),
        "too_long": _("At most %(max_length)s items."),
        "too_short": _("At least %(min_length)s items."),
        "greater_than": _("Must be greater than %(gt)s."),
        "greater_than_equal": _("Must be at least %(ge)s."),
        "less_than": _("Must be less than %(lt)s."),
        "less_than_equal": _("Must be at most %(le)s."),
        "value_error": _("This value is not valid: %(error)s"),
        "extra_forbidden": _("Unknown field."),
    }
    template = messages.get(kind)
    reason = str(error.get("msg", kind))
    if not error.get("ctx") and not reason.isascii():
        return reason  # the product's own message (an upload check …), already translated
    if template is None:
        return _("This value is not valid (%(reason)s).") % {"reason": reason}
    try:
        return template % {k: str(v) for k, v in ctx.items()}
    except (KeyError, TypeError, ValueError):
        return _("This value is not valid (%(reason)s).") % {"reason": error.get("msg", kind)}


def install(api: NinjaAPI) -> None:
    """Answer refusals on ``api`` with JSON messages (DESIGN.md §8).

    ``ValidationError`` → 422 ``{"detail": {field: [messages]}}`` (``__all__``
    for the whole object); ``PermissionDenied`` → 403; ``Http404`` → 404;
    ninja's request validation → 422 ``{"detail": [{"loc", "msg", "type"}]}``
    with ``msg`` from :func:`schema_message`; ``HttpError`` keeps its status,
    with its own message, or the status's one for ninja's defaults (401 …).
    """

    def validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        return api.create_response(request, {"detail": detail}, status=422)

    def denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return api.create_response(request, {"detail": permission_message()}, status=403)

    def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        return api.create_response(request, {"detail": status_message(404)}, status=404)

    def schema(request: HttpRequest, exc: SchemaValidationError) -> HttpResponse:
        detail = [
            {"loc": e.get("loc", []), "msg": schema_message(e), "type": e.get("type", "")}
            for e in exc.errors
        ]
        return api.create_response(request, {"detail": detail}, status=422)

    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if isinstance(exc.__cause__, TextRefused):  # ninja wraps the body parser's errors in a 400
            return api.create_response(request, {"detail": [exc.__cause__.error()]}, status=422)
        # ninja's own refusals carry English texts (NINJA_MESSAGES); the app's carry translated ones.
        own = isinstance(exc, AuthenticationError | AuthorizationError) or exc.message.startswith(
            NINJA_MESSAGES
        )
        message = status_message(exc.status_code) if own else exc.message
        return api.create_response(request, {"detail": message}, status=exc.status_code)

    api.add_exception_handler(ValidationError, validation)
    api.add_exception_handler(PermissionDenied, denied)
    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(SchemaValidationError, schema)
    api.add_exception_handler(HttpError, http_error)


class JsonErrorsMiddleware:
    """Turn a 4xx of ``/api/`` that is not JSON into ``{"detail": message}``.

    Covers what no view of the API answers: a path no route matches (404), a
    method the path does not have (405, ninja's plain text), the CSRF
    refusal (403 page), an unreadable request (400). The ``Allow`` header of a
    405 is kept.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.path.startswith(API_PREFIX)
            and 400 <= response.status_code < 500
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            rewritten = JsonResponse(
                {"detail": status_message(response.status_code)},
                status=response.status_code,
                json_dumps_params={"ensure_ascii": False},
            )
            for header in ("Allow", "Retry-After"):
                if header in response:
                    rewritten[header] = response[header]
            return rewritten
        return response
