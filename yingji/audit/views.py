"""The auditor's page: the township's audit log, newest first, with filters (issue 8 §3).

Read-only: nothing here changes anything, and the auditor can change nothing
anywhere (``orgs.permissions``). The hash chain is checked with
``yingji audit verify``; reads of petitioners' details are on their own page
(``petitions:access_log``), linked from here.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any

from django import forms
from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Model, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from yingji.numbering import SHANGHAI
from yingji.orgs.access import Actor, require

from .labels import actions_labelled, label, recorded_values
from .models import AuditEvent

PAGE_SIZE = 50
#: Filter dates outside these bound nothing: every event lies between them, and a local
#: midnight at the calendar's ends (0001-01-01, the day after 9999-12-31) is no ``datetime``.
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2199, 12, 31)


class AuditFilterForm(forms.Form):
    """Filters of the audit log: action and actor (parts of the text), local dates inclusive."""

    action = forms.CharField(
        label=_("action"),
        required=False,
        max_length=80,
        help_text=_("Part of the action's name or of its key."),
    )
    actor = forms.CharField(label=_("actor"), required=False, max_length=150)
    date_from = forms.DateField(
        label=_("from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


#: The result column's words (``AuditEvent.result``; actions record "ok").
RESULTS = {"ok": _("done")}


@cache
def _model(object_type: str) -> type[Model] | None:
    """Return the model named by an event's ``object_type`` ("app_label.model"), None if unknown."""
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


@login_required
def log(request: HttpRequest) -> HttpResponse:
    """Show the actor's township's audit events, newest first, 50 a page (``audit.view``).

    Filters (GET): ``action`` and ``actor`` match part of the text; ``date_from``
    / ``date_to`` are local (Asia/Shanghai) dates, both included; dates
    outside :data:`FIRST_DAY` … :data:`LAST_DAY` bound nothing. An invalid
    filter is shown with its error and ignored. What an event recorded is
    written by ``labels.recorded_values``, values the plan defines by the
    names a model's ``audit_value_names(township)`` gives (a warning's
    category and levels).
    """
    actor = Actor.from_request(request)
    require(actor, "audit.view", actor.township)
    form = AuditFilterForm(request.GET or None)
    events = AuditEvent.objects.filter(township=actor.township).order_by("-seq")
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["action"]:
            # The key ("petitions.accept") or part of its label in the reader's language (受理).
            events = events.filter(
                Q(action__icontains=data["action"]) | Q(action__in=actions_labelled(data["action"]))
            )
        if data["actor"]:
            events = events.filter(actor_label__icontains=data["actor"])
        if data["date_from"] and data["date_from"] > FIRST_DAY:
            events = events.filter(at__gte=datetime.combine(data["date_from"], time(0), SHANGHAI))
        if data["date_to"] and data["date_to"] < LAST_DAY:
            end = datetime.combine(data["date_to"] + timedelta(days=1), time(0), SHANGHAI)
            events = events.filter(at__lt=end)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = []
    value_names: dict[str, Any] = {}  # per model: the plan's names of what its events record
    for e in page.object_list:
        model = _model(e.object_type)
        names = None
        if model is not None and hasattr(model, "audit_value_names"):
            if e.object_type not in value_names:
                value_names[e.object_type] = model.audit_value_names(actor.township)
            names = value_names[e.object_type]
        kind = str(model._meta.verbose_name) if model is not None else e.object_type
        rows.append(
            {
                "event": e,
                "label": label(e.action),
                "object": f"{kind} {e.object_id}".strip(),
                "result": RESULTS.get(e.result, e.result),
                "before": recorded_values(e.before, model, names),
                "after": recorded_values(e.after, model, names),
            }
        )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/log.html",
        {"form": form, "page": page, "rows": rows, "query": query.urlencode()},
    )
