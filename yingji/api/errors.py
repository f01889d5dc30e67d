"""How the API answers refused actions: 422 with field errors, 403 for a missing permission."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI


def install(api: NinjaAPI) -> None:
    """Map ``ValidationError`` to 422 ``{"detail": {field: [messages]}}`` (``__all__`` for the
    whole object) and ``PermissionDenied`` to 403 on ``api`` (DESIGN.md §8).
    """

    def validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        return api.create_response(request, {"detail": detail}, status=422)

    def denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return api.create_response(request, {"detail": "permission denied"}, status=403)

    api.add_exception_handler(ValidationError, validation)
    api.add_exception_handler(PermissionDenied, denied)
