"""The JSON API (django-ninja); OpenAPI documentation at ``/api/docs`` (logged-in staff, served locally)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.security import django_auth

from yingji.earlywarning.api import router as warnings_router
from yingji.orgs.access import Actor
from yingji.petitions.api import router as petitions_router

from .errors import install as install_error_handlers
from .parser import YingjiParser

api = NinjaAPI(
    title="Yingji API",
    version="1",
    urls_namespace="api",
    auth=django_auth,
    parser=YingjiParser(),
    docs_decorator=login_required,  # the documentation is for staff, as the API is
)
install_error_handlers(api)
api.add_router("/petitions", petitions_router)
api.add_router("/warnings", warnings_router)


def _routers() -> None:
    # Each app's router, mounted under its name (imported here to keep the import order simple).
    from yingji.complaints.api import router as complaints
    from yingji.incidents.api import router as incidents

    api.add_router("/incidents", incidents)
    api.add_router("/complaints", complaints)


from yingji.deadlines.api import router as deadlines_router  # noqa: E402

api.add_router("/deadlines", deadlines_router)


@api.get("/plan", summary="The plan in force for the caller's township")
def plan_in_force(request: HttpRequest) -> dict[str, Any]:
    """Return ``{code, version, title, plan}`` of the caller's township plan in force."""
    actor = Actor.from_request(request)
    township = actor.township
    version = township.plan_version if township else None
    if version is None:
        return {"code": None, "version": None, "title": None, "plan": None}
    return {
        "code": version.code,
        "version": version.version,
        "title": version.title,
        "plan": version.data,
    }


_routers()
