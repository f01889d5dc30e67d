"""A member of another township never reads this township's records: lists, searches, exports, API, /q/.

The demo township's records carry marks (``world.MARK``): a warning, an
incident, a petition case, an imported message, a unit and a member. Every
list, search and export page and every list operation of the API is read as
every role of the other township, and no mark may appear; read as the demo
township's peace office head, every mark appears somewhere (so that the
absence means something). Detail pages and operations of the demo's objects
answer 404 to the other township (``test_pages``, ``test_api``).
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.cache import cache
from docx import Document as Docx
from openpyxl import load_workbook

from yingji.orgs.choices import Role
from yingji.orgs.matrix import API, PAGES
from yingji.petitions import actions as petitions
from yingji.petitions.models import PetitionCase

from .apicalls import API_CALLS
from .conftest import cell
from .pages import PAGE_CALLS
from .world import MARK, World

pytestmark = pytest.mark.django_db

#: Searches and filters on top of the plain lists. The search term is a word of the marked
#: warning's summary, not the mark, since the page shows the term back.
SEARCHES = [
    "/warnings/?q=warning_registered",
    "/warnings/export.xlsx?q=warning_registered",
    "/api/warnings?q=warning_registered",
    "/api/warnings/export.xlsx?q=warning_registered",
    "/reports/list/?kind=warnings",
    "/reports/list/?kind=incidents",
    "/reports/list/?kind=cases",
    "/api/petitions/cases?view=all",
    "/api/complaints/hot-issues",
]


def list_urls(world: World) -> list[str]:
    """Every page and GET operation that names no object: lists, boards, exports, reports."""
    urls = []
    for name, page in PAGES.items():
        if page.get is None or isinstance(page.get, dict) or name.startswith("petition_lookup"):
            continue
        req = PAGE_CALLS[name](world)[""]
        if req.obj is None and not any(k in req.kwargs for k in ("pk", "token")):
            urls.append(req.url(name))
    for key in API:
        method, path = key.split(" ", 1)
        if method == "GET" and "{" not in path:
            urls.append(API_CALLS[key](world)[""].url(path))
    return urls + SEARCHES


def text_of(response: Any) -> str:
    """The readable text of a response: HTML or JSON as it is, .xlsx cells, .docx paragraphs."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content[:2] == b"PK":  # an Office file
        kind = response.get("Content-Type", "") + response.get("Content-Disposition", "")
        if "wordprocessing" in kind or ".docx" in kind:
            return "\n".join(p.text for p in Docx(io.BytesIO(content)).paragraphs)
        book = load_workbook(io.BytesIO(content), read_only=True)
        return "\n".join(
            str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row
        )
    return content.decode(errors="replace")


def read_all(client: Any, urls: list[str]) -> dict[str, str]:
    out = {}
    for url in urls:
        with cell():
            response = client.get(url)
        if response.status_code == 200:
            out[url] = text_of(response)
        else:
            assert response.status_code in (302, 403), f"{url}: {response.status_code}"
    return out


def test_the_township_itself_sees_every_mark(world):
    texts = read_all(world.clients[Role.PEACE_OFFICE_HEAD], list_urls(world))
    everything = "\n".join(texts.values())
    assert [k for k, mark in MARK.items() if mark not in everything] == []
    # The searches find the warning itself.
    assert MARK["warning"] in texts[SEARCHES[0]] and MARK["warning"] in texts[SEARCHES[1]]


#: Members of the other township who read: together they are let into every list (the peace
#: office head nearly all, the auditor the log of reads), and the least privileged staff role.
READERS = [Role.PEACE_OFFICE_HEAD, Role.AUDITOR, Role.TASK_FORCE_MEMBER]


def test_another_township_sees_no_mark(world):
    urls = list_urls(world)
    opened: set[str] = set()
    leaks = []
    for role in READERS:
        texts = read_all(world.outsider_clients[role], urls)
        opened |= set(texts)
        leaks += [
            f"{role} {url}: {key}"
            for url, text in texts.items()
            for key, mark in MARK.items()
            if mark in text
        ]
    assert leaks == []
    assert sorted(set(urls) - opened) == []  # every list was read by one of them


def test_the_public_lookup_finds_a_case_of_the_township_that_issued_the_code(world):
    cache.clear()
    demo_case = world.obj("case_received")
    with cell():
        theirs = petitions.receive_case(
            world.outsiders[Role.PEACE_OFFICE_STAFF],
            world.other,
            channel="visit",
            summary="另一镇自己的信访事项",
        )
        # Both townships number their cases alike: the same number, two cases.
        assert theirs.number == demo_case.number
        assert PetitionCase.objects.filter(number=theirs.number).count() == 2
        mine = world.anonymous.post("/q/", {"number": theirs.number, "code": theirs.query_code})
        assert mine.context["case"].pk == theirs.pk
        assert MARK["case"] not in mine.content.decode()
        # The other township's code opens nothing of the demo township's case.
        wrong = world.anonymous.post("/q/", {"number": demo_case.number, "code": "ABCDEFGHJK"})
        assert wrong.context["case"] is None and wrong.context["error"]
        ok = world.anonymous.post(
            "/q/", {"number": demo_case.number, "code": world.data["case_received_code"]}
        )
        assert ok.status_code == 200 and ok.context["case"].pk == demo_case.pk
    cache.clear()
