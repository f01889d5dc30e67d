"""Staff pages of petition cases: lists, the case page with its whole history, one page per action.

Thin: each view parses a form and calls one action; a rejected form is shown
again with what was typed and the errors next to their fields.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from yingji.deadlines.queries import deadlines_of
from yingji.orgs.access import Actor, can, require
from yingji.orgs.choices import Role
from yingji.orgs.permissions import PERMISSIONS
from yingji.orgs.views import _apply

from . import actions, queries
from . import forms as f
from .access import get_case, is_handler, party_details, require_handler
from .models import Document, PetitionCase
from .steps import STEPS
from .table import case_rows_html


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    """List cases: ``?view=all|mine|due|breached``, narrowed by ``?unit=`` or ``?lead=``."""
    actor = Actor.from_request(request)
    require(actor, "petitions.view", actor.township)
    view = request.GET.get("view", "mine")
    if view not in queries.VIEWS:
        view = "mine"

    def _int(name: str) -> int | None:
        value = request.GET.get(name, "")
        return int(value) if value.isdigit() else None

    cases = list(queries.cases(actor, view, unit_id=_int("unit"), lead_id=_int("lead"))[:500])
    return render(
        request,
        "petitions/list.html",
        {
            "cases": cases,
            "rows": case_rows_html(cases),
            "view": view,
            "views": [
                ("mine", _("My cases")),
                ("due", _("Due soon")),
                ("breached", _("Breached")),
                ("all", _("All cases")),
            ],
            "can_receive": can(actor, "petitions.receive"),
            "can_audit": can(actor, "audit.view"),
        },
    )


@login_required
def summary(request: HttpRequest, by: str) -> HttpResponse:
    """Count cases by responsible unit (``by='unit'``) or by lead official (``by='lead'``)."""
    actor = Actor.from_request(request)
    require(actor, "petitions.view", actor.township)
    if by not in ("unit", "lead"):
        raise Http404
    rows = queries.by_unit(actor) if by == "unit" else queries.by_lead(actor)
    return render(request, "petitions/summary.html", {"rows": rows, "by": by})


@login_required
def case_new(request: HttpRequest) -> HttpResponse:
    """Register a case received; the answer shows the query code once."""
    actor = Actor.from_request(request)
    require(actor, "petitions.receive", actor.township)
    township = actor.township
    assert township is not None
    form = f.ReceiveForm(request.POST or None, actor=actor)
    if request.method == "POST":
        case = _apply(form, lambda d: actions.receive_case(actor, township, **form.action_kwargs()))
        if case is not None:
            return _show_code_once(request, case, case.query_code)
    return render(
        request, "petitions/form.html", {"form": form, "title": _("Register a petition case")}
    )


#: Session key of a query code waiting to be shown once: ``{"case": pk, "code": text}``.
CODE_ONCE = "yingji_query_code_once"


def _show_code_once(request: HttpRequest, case: Any, code: str) -> HttpResponse:
    """Keep ``code`` in the session and redirect to the page that shows it once (post/redirect/get).

    Answering the POST with the code itself let a refresh post the form again:
    a second case, or a second new code that silently replaced the one just
    handed over. The redirected GET (``new_code``) shows the code and forgets it.
    """
    request.session[CODE_ONCE] = {"case": case.pk, "code": code}
    return redirect("petitions:new_code", pk=case.pk)


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a case with its deadlines, documents, deliveries and whole history.

    Petitioners' details appear only with ``?show=parties`` for a handler; the read is logged.
    """
    actor = Actor.from_request(request)
    require(actor, "petitions.view", actor.township)
    case = get_case(actor, pk)
    handler = is_handler(actor, case)
    parties = None
    if handler and request.GET.get("show") == "parties":
        parties = party_details(actor, case, purpose="case_page")
    documents = case.documents.prefetch_related("deliveries")
    return render(
        request,
        "petitions/detail.html",
        {
            "case": case,
            "handler": handler,
            "parties": parties,
            "party_count": case.parties.count(),
            "deadlines": deadlines_of(case),
            "documents": documents,
            "history": queries.history(case),
            "missing": actions.missing_five_ones(case),
            "five_ones_by": _who_may("petitions.assign"),
            "steps": [
                (name, step.title)
                for name, step in STEPS.items()
                if case.status in step.statuses
                and can(actor, step.permission)
                and _offered(name, case)
            ],
            "related": case.related.all(),
        },
    )


def _who_may(permission: str) -> str:
    """Return the names of the roles holding ``permission``, "、"-joined, in the active language."""
    roles = PERMISSIONS[permission]
    return "、".join(str(label) for value, label in Role.choices if value in roles)


def _offered(name: str, case: PetitionCase) -> bool:
    """Hide steps that cannot apply now: the extension once asked, its decision unless asked,
    starting the resolution while a five-ones field is empty (plan §七(一))."""
    if name == "start":
        return not actions.missing_five_ones(case)
    if name == "extension":
        return not case.extension_state
    if name == "decide_extension":
        return case.extension_state == "requested"
    if name == "object":
        return case.channel in ("transfer", "assignment")
    return True


@login_required
def case_step(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """Show (GET) or run (POST) one action on a case; errors stay next to their fields.

    403 for a role the step's action refuses (its permission; for ``petitions.handle``
    the case's handlers only), on GET as on POST.
    """
    actor = Actor.from_request(request)
    require(actor, "petitions.view", actor.township)
    case = get_case(actor, pk)
    step = STEPS.get(name)
    if step is None:
        raise Http404
    # The form is shown only to those whose submission the action would accept.
    require(actor, step.permission, case.township)
    if step.permission == "petitions.handle":
        require_handler(actor, case)
    kwargs: dict[str, Any] = {"actor": actor} if step.actor_form else {}
    initial = step.initial(case) if step.initial is not None else None
    if name == "deliver":
        initial = {"document": request.GET.get("document")}
    form = step.form(request.POST if request.method == "POST" else None, initial=initial, **kwargs)
    if request.method == "POST":
        result = _apply(form, lambda d: step.do(actor, case, dict(d)) or True)
        if result is not None:
            messages.success(request, _("Saved."))
            return redirect("petitions:detail", pk=case.pk)
    return render(
        request,
        "petitions/form.html",
        {"form": form, "title": f"{case.number} · {step.title}", "case": case},
    )


@login_required
def new_code(request: HttpRequest, pk: int) -> HttpResponse:
    """Issue a new query code (POST); show a code just issued once (GET), else go to the case.

    GET shows the code :func:`_show_code_once` kept for this case in the
    session, and forgets it: a reload or a later visit goes to the case page.
    """
    actor = Actor.from_request(request)
    case = get_case(actor, pk)
    if request.method != "POST":
        waiting = request.session.get(CODE_ONCE)
        if isinstance(waiting, dict) and waiting.get("case") == case.pk:
            del request.session[CODE_ONCE]
            return render(request, "petitions/code.html", {"case": case, "code": waiting["code"]})
        return redirect("petitions:detail", pk=case.pk)
    code = actions.reissue_query_code(actor, case)
    return _show_code_once(request, case, code)


@login_required
def document_print(request: HttpRequest, pk: int, doc: int) -> HttpResponse:
    """Show one written document for printing."""
    actor = Actor.from_request(request)
    case = get_case(actor, pk)
    try:
        document = case.documents.get(pk=doc)
    except Document.DoesNotExist:
        raise Http404 from None
    return render(request, "petitions/document.html", {"case": case, "document": document})


@login_required
def access_log(request: HttpRequest) -> HttpResponse:
    """The auditor's list of every read of petitioners' details in the township."""
    actor = Actor.from_request(request)
    require(actor, "audit.view", actor.township)
    assert actor.township is not None
    return render(
        request, "petitions/access_log.html", {"rows": queries.access_log(actor.township)[:1000]}
    )
