"""Ledger pages: the filtered, searchable list, registering, and the detail with its actions.

Thin: each view parses a form and calls one action; a rejected form is shown
again with what was typed and the errors next to their fields.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from yingji.deadlines.queries import deadlines_of
from yingji.orgs.access import Actor, can, get_in_township, require

from . import actions, queries, table
from .choices import TRANSITIONS
from .contents import missing_report_contents
from .forms import (
    AssessForm,
    ContentsForm,
    ConvertForm,
    DismissForm,
    EscalateForm,
    FilterForm,
    HandlingForm,
    NoteForm,
    ProgressForm,
    ReportForm,
    ResolveForm,
)
from .models import Warning

PAGE_SIZE = 50


def _apply(form: forms.BaseForm, do: Callable[[dict[str, Any]], Any]) -> Any:
    """Run ``do(cleaned_data)`` for a valid form; put an action's ``ValidationError`` on the form."""
    if not form.is_valid():
        return None
    try:
        return do(form.cleaned_data)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc)
        return None


def _township_plan(actor: Actor) -> tuple[Any, Any]:
    township = actor.township
    if township is None or township.plan_version_id is None:
        raise Http404
    return township, queries.Plans().of_version(township.plan_version_id)


def ledger_filter(form: FilterForm) -> queries.LedgerFilter:
    """Return the :class:`~queries.LedgerFilter` of a bound filter form (invalid values ignored)."""
    data = form.cleaned_data if form.is_valid() else {}
    return queries.LedgerFilter(
        status=data.get("status") or "",
        category=data.get("category") or "",
        village=data.get("village"),
        risk_level=data.get("risk_level") or "",
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
        q=(data.get("q") or "").strip(),
    )


@cache
def _ledger_urls() -> tuple[str, str]:
    """Return the warning pages' prefix ("/warnings/", + id + "/" is a detail page) and the export URL.

    Reversed once per process, as the page's cached fragments keep theirs:
    the ledger page is the busiest (issue 4's benchmark).
    """
    return reverse("earlywarning:detail", args=[0])[:-2], reverse("earlywarning:export")


@login_required
def ledger(request: HttpRequest) -> HttpResponse:
    """Show the ledger: filters, search, one page of rows with the four moments' durations."""
    actor = Actor.from_request(request)
    require(actor, "earlywarning.view")
    township, plan = _township_plan(actor)
    form = FilterForm(request.GET or None, township=township, plan=plan)
    found = queries.LedgerRows(township, ledger_filter(form))
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    detail_url, export_url = _ledger_urls()
    rows = page.object_list
    query_text = urlencode([(k, v) for k, vs in request.GET.lists() if k != "page" for v in vs])
    total = page.paginator.count
    return render(
        request,
        "earlywarning/ledger.html",
        {
            "form": form,
            "filters_html": form.filters_html(),
            "count_text": ngettext("%(n)s warning", "%(n)s warnings", total) % {"n": total},
            # On a phone the seven filters filled the first screen: folded unless one is set
            # (yingji.js unfolds them on a wide screen).
            "filtered": any(v for k, v in request.GET.items() if k != "page"),
            "filter_summary": _("Filter and search"),
            "page": page,
            "rows": rows,
            "rows_html": table.rows_html(rows, detail_url),  # written in Python: see table.py
            "query": query_text,
            "export_href": f"{export_url}?{query_text}" if query_text else export_url,
            "export_label": _("Export to Excel"),
            "can_register": can(actor, "earlywarning.register"),
            "can_import": can(actor, "earlywarning.import"),
        },
    )


@login_required
def register(request: HttpRequest) -> HttpResponse:
    """Register a warning (plan §五(二))."""
    actor = Actor.from_request(request)
    require(actor, "earlywarning.register")
    township, plan = _township_plan(actor)
    form = ContentsForm(request.POST or None, township=township, plan=plan)
    if request.method == "POST":

        def do(data: dict[str, Any]) -> Warning:
            return actions.register(actor, township, **data)

        warning = _apply(form, do)
        if warning is not None:
            messages.success(
                request, _("Warning %(number)s registered.") % {"number": warning.number}
            )
            return redirect("earlywarning:detail", pk=warning.pk)
    return render(request, "earlywarning/register.html", {"form": form})


#: The permissions each action of the detail page needs (all of them). Converting receives a
#: petition case, which the peace office does (``petitions.receive``); escalating receives an
#: incident (``incidents.receive``).
VERB_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "verify": ("earlywarning.verify",),
    "dismiss": ("earlywarning.verify",),
    "report": ("earlywarning.report",),
    "assess": ("earlywarning.assess",),
    "start_handling": ("earlywarning.handle",),
    "add_progress": ("earlywarning.progress",),
    "mark_controlled": ("earlywarning.handle",),
    "resolve": ("earlywarning.handle",),
    "escalate": ("earlywarning.escalate", "incidents.receive"),
    "convert": ("earlywarning.escalate", "petitions.receive"),
}


def _forms(
    actor: Actor, warning: Warning, data: Any = None, verb: str = ""
) -> dict[str, forms.Form]:
    """Return the action forms the actor may use on the warning now, ``verb``'s bound to ``data``."""
    township = warning.township
    plan = warning.plan_version.plan
    initial_contents = {
        f: getattr(warning, f)
        for f in ("summary", "cause", "expected_at", "village", "address", "headcount", "parties")
        + ("potential_harm", "urgency", "development", "measures")
    }
    builders: dict[str, Callable[..., forms.Form]] = {
        "verify": lambda d: NoteForm(d),
        "dismiss": lambda d: DismissForm(d),
        "report": lambda d: ReportForm(d, township=township, plan=plan, initial=initial_contents),
        "assess": lambda d: AssessForm(
            d,
            plan=plan,
            initial={"urgency": warning.urgency, "potential_harm": warning.potential_harm},
        ),
        "start_handling": lambda d: HandlingForm(
            d, township=township, initial={"measures": warning.measures}
        ),
        "add_progress": lambda d: ProgressForm(d),
        "mark_controlled": lambda d: NoteForm(d),
        "resolve": lambda d: ResolveForm(d),
        "escalate": lambda d: EscalateForm(d, plan=plan),
        "convert": lambda d: ConvertForm(d),
    }
    out = {}
    for name, build in builders.items():
        if warning.status in TRANSITIONS[name] and all(
            can(actor, p) for p in VERB_PERMISSIONS[name]
        ):
            out[name] = build(data if name == verb else None)
    return out


_DO: dict[str, Callable[[Actor, Warning, dict[str, Any]], Any]] = {
    "verify": lambda a, w, d: actions.verify(a, w, note=d["note"]),
    "dismiss": lambda a, w, d: actions.dismiss(a, w, reason=d["reason"]),
    "report": lambda a, w, d: actions.report(a, w, **d),
    "assess": lambda a, w, d: actions.assess(a, w, **d),
    "start_handling": lambda a, w, d: actions.start_handling(a, w, **d),
    "add_progress": lambda a, w, d: actions.add_progress(a, w, text=d["text"]),
    "mark_controlled": lambda a, w, d: actions.mark_controlled(a, w, note=d["note"]),
    "resolve": lambda a, w, d: actions.resolve(a, w, resolution=d["resolution"]),
    "escalate": lambda a, w, d: actions.escalate(a, w, category=d["category"]),
    "convert": lambda a, w, d: actions.convert(a, w, content=d["content"]),
}


def _detail(
    request: HttpRequest,
    actor: Actor,
    warning: Warning,
    action_forms: dict[str, forms.Form],
    status: int = 200,
) -> HttpResponse:
    durations = {k: queries.duration_text(v) for k, v in warning.durations().items()}
    report = getattr(warning, "report", None) if warning.reported_at else None
    return render(
        request,
        "earlywarning/detail.html",
        {
            "w": warning,
            "category": queries.category_name(warning.plan_version.plan, warning.category),
            "contents": [
                (name, queries.display_value(warning, key))
                for key, name in ((f.key, f.name) for f in warning.plan_version.plan.report_fields)
                if key != "lead_persons"
            ],
            "risk": queries.level_name(warning.plan_version.plan, "risk", warning.risk_level)
            if warning.risk_level
            else "",
            "durations": durations,
            "missing": missing_report_contents(warning),
            "report": report,
            "history": queries.history(warning),
            "deadlines": deadlines_of(warning),
            "outcome": warning.outcome if warning.outcome_type_id else None,
            "forms": action_forms,
        },
        status=status,
    )


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show one warning: contents, the four moments, report, task force, whole history, actions."""
    actor = Actor.from_request(request)
    require(actor, "earlywarning.view")
    warning = get_in_township(actor, Warning, pk)
    return _detail(request, actor, warning, _forms(actor, warning))


@login_required
@require_POST
def act(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    """Run the action ``verb`` on the warning from its form; on refusal show the page with the errors.

    403 for a role that may not do ``verb`` (``VERB_PERMISSIONS``); a warning in a state that
    does not allow it is shown again with the message.
    """
    actor = Actor.from_request(request)
    warning = get_in_township(actor, Warning, pk)
    if verb not in _DO:
        raise Http404
    for permission in VERB_PERMISSIONS[verb]:
        require(actor, permission, warning.township)
    action_forms = _forms(actor, warning, request.POST, verb)
    form = action_forms.get(verb)
    if form is None:
        messages.error(request, _("This cannot be done now."))
        return redirect("earlywarning:detail", pk=pk)
    done = _apply(form, lambda data: _DO[verb](actor, warning, data) or True)
    if done is not None:
        messages.success(request, _("Saved."))
        return redirect("earlywarning:detail", pk=pk)
    # The refused form may be far down a long page (on a phone, screens below): say so at the top.
    messages.warning(request, _("Not saved: correct what is marked below."))
    return _detail(request, actor, warning, action_forms, status=400)
