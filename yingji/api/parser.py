"""The API's request parser: ninja's, refusing text no database column can store.

A NUL character (U+0000) cannot be stored in a PostgreSQL text column, and a
lone surrogate (U+D800–U+DFFF, possible through JSON's ``\\ud800`` escape)
cannot be encoded to UTF-8 for either database; both would fail inside an
action as a server error. Django's forms refuse NUL the same way
(``ProhibitNullCharactersValidator``). Here the query string, form fields and
JSON bodies are checked once for every endpoint; a bad value answers 422
naming its place (``yingji.api.errors``). Found by the schemathesis run.
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from ninja.errors import ValidationError
from ninja.parser import Parser

_BAD = re.compile("[\x00\ud800-\udfff]")


class TextRefused(ValueError):
    """A request holds text that cannot be stored; ``loc`` is its place (``["body", "summary"]``)."""

    def __init__(self, loc: list[str | int]):
        super().__init__(_("Text may not contain the NUL character or unpaired surrogates."))
        self.loc = loc

    def error(self) -> dict[str, Any]:
        """The error in ninja's shape (``{"loc", "msg", "type"}``)."""
        return {"loc": self.loc, "msg": str(self), "type": "string_unstorable"}


def find_bad_text(value: Any, loc: list[str | int]) -> list[str | int] | None:
    """Return the place of the first string (key or value) in ``value`` that cannot be stored, or None."""
    if isinstance(value, str):
        return loc if _BAD.search(value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and _BAD.search(key):
                return [*loc, key]
            found = find_bad_text(item, [*loc, key])
            if found is not None:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = find_bad_text(item, [*loc, index])
            if found is not None:
                return found
    return None


class YingjiParser(Parser):
    """ninja's JSON and query-dict parser, refusing unstorable text (422 with the field's place)."""

    def parse_body(self, request: HttpRequest) -> Any:
        """Return the JSON body of ``request``; raise :class:`TextRefused` for unstorable text in it.

        ``json.JSONDecodeError`` for a body that is not JSON (ninja answers 400,
        rewritten by ``api.errors``).
        """
        data = json.loads(request.body)
        bad = find_bad_text(data, ["body"])
        if bad is not None:
            # ninja wraps any error of this method in a 400; the handler in errors.py
            # finds this one as the cause and answers 422 with its place.
            raise TextRefused(bad)
        return data

    def parse_querydict(
        self, data: MultiValueDict, list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        """Return ninja's dict of the query string or form ``data``; 422 for unstorable text.

        Keys and every value are checked (not the uploaded files); raises
        ninja's ``ValidationError`` naming ``["query" | "form", key]``.
        """
        source = "query" if data is request.GET else "form"
        if data is not request.FILES:
            for key in data:
                bad = find_bad_text([key, *data.getlist(key)], [source])
                if bad is not None:
                    raise ValidationError([TextRefused([source, key]).error()])
        return super().parse_querydict(data, list_fields, request)
