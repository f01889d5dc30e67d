"""Pages and downloads of the reports app: the statistics board, its drill-downs, .docx / .xlsx / .pdf.

Thin: objects are looked up in the reader's township (``get_in_township``,
``petitions.access.get_case``); figures come from ``board`` / ``stats``;
files from ``documents`` / ``xlsx``. Nothing here changes state.
"""

from __future__ import annotations

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from yingji.incidents.models import Incident
from yingji.orgs.access import Actor, get_in_township, require
from yingji.petitions.access import get_case, visible_cases
from yingji.petitions.models import Document

from . import board, documents, pdf, stats, xlsx

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _actor(request: HttpRequest, permission: str = "reports.view") -> Actor:
    actor = Actor.from_request(request)
    require(actor, permission)
    return actor


def _file(name: str, data: bytes, content_type: str, want_pdf: bool) -> HttpResponse:
    if want_pdf:
        converted = pdf.to_pdf(name, data)
        if converted is None:
            raise Http404("PDF conversion needs LibreOffice (soffice) on this server")
        name, data, content_type = converted[0], converted[1], "application/pdf"
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@login_required
def board_page(request: HttpRequest) -> HttpResponse:
    """The statistics board for a range of months (``?from=YYYY-MM&to=YYYY-MM``)."""
    actor = _actor(request)
    now = timezone.now()
    start, end = board.parse_range(
        request.GET.get("from"), request.GET.get("to"), now.astimezone(stats.SHANGHAI).date()
    )
    data = board.board_data(actor.township, visible_cases(actor), start, end, now)
    return render(request, "reports/board.html", {"data": data})


@login_required
def drill(request: HttpRequest) -> HttpResponse:
    """The list behind one bar of the board."""
    actor = _actor(request)
    params = {k: v for k, v in request.GET.items() if k != "page"}
    kind, rows = board.drill_rows(actor.township, visible_cases(actor), params, timezone.now())
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    query = "&".join(f"{k}={quote(v)}" for k, v in params.items())
    return render(request, "reports/drill.html", {"kind": kind, "page": page, "query": query})


@login_required
def month_workbook(request: HttpRequest, month: str) -> HttpResponse:
    """The monthly statistics workbook (.xlsx) of ``month`` ("YYYY-MM")."""
    actor = _actor(request)
    try:
        data = xlsx.month_workbook(actor.township, visible_cases(actor), month, timezone.now())
    except ValueError:
        raise Http404 from None
    return _file(f"{actor.township.name}-{month}-统计.xlsx", data, XLSX, False)


@login_required
def incident_summary(request: HttpRequest, pk: int) -> HttpResponse:
    """The incident's summary report (plan §七(三)) as .docx, or .pdf with ``?format=pdf``."""
    actor = _actor(request, "incidents.view")
    incident = get_in_township(actor, Incident, pk)
    name, data = documents.incident_summary(incident)
    return _file(name, data, DOCX, request.GET.get("format") == "pdf")


@login_required
def incident_report(request: HttpRequest, pk: int) -> HttpResponse:
    """The verified report to the leading group (plan §六(二)) as .docx / .pdf; 404 before it was sent."""
    actor = _actor(request, "incidents.view")
    incident = get_in_township(actor, Incident, pk)
    try:
        name, data = documents.fifteen_minute_report(incident)
    except ValueError:
        raise Http404 from None
    return _file(name, data, DOCX, request.GET.get("format") == "pdf")


@login_required
def petition_document(request: HttpRequest, pk: int) -> HttpResponse:
    """A petition case's written document (notice, reply, opinion) as .docx / .pdf."""
    actor = _actor(request, "petitions.view")
    try:
        document = Document.objects.select_related("case").get(pk=pk)
    except Document.DoesNotExist:
        raise Http404 from None
    get_case(
        actor, document.case_id
    )  # 404 for another township's case or the accused unit (Art. 30)
    name, data = documents.petition_document(document)
    return _file(name, data, DOCX, request.GET.get("format") == "pdf")
