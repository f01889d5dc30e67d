"""The petitioner's own view: a public page, no login, keyed by case number and query code (DESIGN.md §5).

It shows the stage, the deadlines and whether they were kept, the written
documents once issued (in the unit's name only), and takes one satisfaction
rating. A wrong code and an unknown number answer exactly alike, and failed
attempts are rate-limited per client address and per case number.
"""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from yingji.deadlines.queries import deadlines_of
from yingji.orgs.access import Actor

from . import actions
from .access import code_matches
from .actions import OBJECTION_RULE
from .actions.replies import RATEABLE
from .choices import DocumentKind
from .forms import LookupForm, RatingForm
from .models import PetitionCase

#: At most this many failed lookups per client address per window …
MAX_FAILS_PER_IP = 5
#: … and per case number (against guessing from many addresses).
MAX_FAILS_PER_NUMBER = 10
WINDOW_S = 15 * 60

#: Documents the petitioner sees on the page.
PUBLIC_DOCUMENTS = frozenset(DocumentKind.values)


def _keys(request: HttpRequest, number: str) -> list[tuple[str, int]]:
    ip = request.META.get("REMOTE_ADDR", "")
    return [
        (f"petq:ip:{ip}", MAX_FAILS_PER_IP),
        (f"petq:no:{number.strip().upper()}", MAX_FAILS_PER_NUMBER),
    ]


def _limited(keys: list[tuple[str, int]]) -> bool:
    return any((cache.get(key) or 0) >= limit for key, limit in keys)


def _fail(keys: list[tuple[str, int]]) -> None:
    for key, _limit in keys:
        if cache.add(key, 1, WINDOW_S) is False:
            try:
                cache.incr(key)
            except ValueError:  # expired in between
                cache.set(key, 1, WINDOW_S)


def find_case(number: str, code: str) -> PetitionCase | None:
    """Return the case numbered ``number`` whose query code is ``code``, or None (any township)."""
    for case in PetitionCase.objects.filter(number=number.strip().upper()).select_related(
        "handling_unit", "township"
    ):
        if code_matches(case, code):
            return case
    return None


def _public_actor(request: HttpRequest) -> Actor:
    return Actor.public_visitor("信访人（查询页）", request.META.get("REMOTE_ADDR"))


@never_cache
def lookup(request: HttpRequest) -> HttpResponse:
    """Look a case up (POST number + code) and, once replied, take the one rating."""
    form: LookupForm = LookupForm(request.POST or None)
    case = None
    status = 200
    error = ""
    if request.method == "POST":
        number = request.POST.get("number", "")
        keys = _keys(request, number)
        if _limited(keys):
            error = _("Too many attempts. Please try again in 15 minutes.")
            status = 429
        elif form.is_valid():
            case = find_case(form.cleaned_data["number"], form.cleaned_data["code"])
            if case is None:
                _fail(keys)
                error = _("No case matches this number and query code.")
            elif "rating" in request.POST:
                rating = RatingForm(request.POST)
                if rating.is_valid():
                    try:
                        actions.rate_case(
                            _public_actor(request),
                            case,
                            query_code=rating.cleaned_data["code"],
                            rating=rating.cleaned_data["rating"],
                        )
                    except (ValidationError, PermissionDenied) as exc:
                        error = " ".join(getattr(exc, "messages", [str(exc)]))
                    case.refresh_from_db()
    context: dict[str, Any] = {"form": form, "case": case, "error": error}
    if case is not None:
        context.update(
            {
                # The Art. 23 objection is between the township and the higher level.
                "deadlines": deadlines_of(case).exclude(rule=OBJECTION_RULE),
                "documents": case.documents.filter(kind__in=PUBLIC_DOCUMENTS).prefetch_related(
                    "deliveries"
                ),
                "can_rate": case.status in RATEABLE and not case.satisfaction,
                "ratings": RatingForm.base_fields["rating"].choices,  # type: ignore[attr-defined]
                "code": form.cleaned_data["code"],
            }
        )
    return render(request, "petitions/public.html", context, status=status)
