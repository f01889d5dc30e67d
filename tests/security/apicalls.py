"""How to call each API operation of the matrix: path parameters and a valid minimal body.

``API_CALLS["METHOD /api/path"](world)`` returns one :class:`ApiReq` per
variant of the operation's entry in ``yingji.orgs.matrix.API``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests import samples

from .pages import case_steps
from .world import MESSAGE_MAPPING, REPORT, SUMMARY, World


@dataclass
class ApiReq:
    """One call of an operation: path parameters, a JSON body or multipart fields, the object."""

    params: dict[str, Any] = field(default_factory=dict)
    body: dict[str, Any] | None = None
    multipart: Callable[[], dict[str, Any]] | None = None
    query: str = ""
    obj: str | None = None
    quiet: bool = False

    def url(self, path: str) -> str:
        """Return ``path`` (the schema's, with ``{name}`` parameters) filled in, with the query string."""
        return path.format(**self.params) + (f"?{self.query}" if self.query else "")


def _iso(delta: timedelta = timedelta()) -> str:
    return (timezone.now() + delta).isoformat()


API_CALLS: dict[str, Callable[[World], dict[str, ApiReq]]] = {}


def op(key: str):
    """Register the decorated function as the call of operation ``key`` ("METHOD /path", once)."""

    def register(fn: Callable[[World], dict[str, ApiReq]]):
        assert key not in API_CALLS, f"two calls for the operation {key}"
        API_CALLS[key] = fn
        return fn

    return register


def _plain(**kw: Any) -> Callable[[World], dict[str, ApiReq]]:
    return lambda w: {"": ApiReq(**kw)}


def _pk(key: str, **kw: Any) -> Callable[[World], dict[str, ApiReq]]:
    return lambda w: {"": ApiReq(params={"pk": w.pk(key)}, obj=key, **kw)}


API_CALLS["GET /api/plan"] = _plain()
# petitions
API_CALLS["GET /api/petitions/cases"] = _plain()
API_CALLS["POST /api/petitions/cases"] = _plain(body={"channel": "visit", "summary": "新信访事项"})
API_CALLS["GET /api/petitions/cases/{pk}"] = _pk("case_resolution")
API_CALLS["GET /api/petitions/cases/{pk}/parties"] = _pk("case_resolution", quiet=True)
API_CALLS["POST /api/petitions/cases/{pk}/accept"] = _pk("case_received")


@op("POST /api/petitions/cases/{pk}/five-ones")
def _five_ones(w: World) -> dict[str, ApiReq]:
    body = {
        "handling_unit_id": w.unit("东岭村").pk,
        "lead_official_id": w.member("李卫东").pk,
        "responsible_person_id": w.member("黄磊").pk,
        "measures": "走访",
        "resolution_plan": "答复",
    }
    return {"": ApiReq(params={"pk": w.pk("case_received")}, body=body, obj="case_received")}


API_CALLS["POST /api/petitions/cases/{pk}/start-resolution"] = _pk("case_accepted")


@op("POST /api/petitions/cases/{pk}/steps/{name}")
def _steps(w: World) -> dict[str, ApiReq]:
    out = {}
    for name, (key, data) in case_steps(w).items():
        body = dict(data)
        for k in ("delivered_at", "requested_at"):
            if k in body:
                body[k] = _iso(timedelta(minutes=-2))
        out[name] = ApiReq(params={"pk": w.pk(key), "name": name}, body=body, obj=key)
    return out


# earlywarning
API_CALLS["GET /api/warnings"] = _plain()


@op("POST /api/warnings")
def _register(w: World) -> dict[str, ApiReq]:
    body = {
        "category": "internal_dispute",
        "source": "village_reporter",
        "summary": "新登记的预警",
        "village_id": w.unit("东岭村").pk,
        "expected_at": _iso(timedelta(days=1)),
    }
    return {"": ApiReq(body=body)}


API_CALLS["GET /api/warnings/export.xlsx"] = _plain()


@op("POST /api/warnings/import")
def _import(w: World) -> dict[str, ApiReq]:
    content = w.data["ledger_file"]
    return {"": ApiReq(multipart=lambda: {"file": SimpleUploadedFile("l.xlsx", content)})}


API_CALLS["GET /api/warnings/{pk}"] = _pk("warning_registered")
API_CALLS["POST /api/warnings/{pk}/verify"] = _pk("warning_registered", body={"note": "属实"})
API_CALLS["POST /api/warnings/{pk}/dismiss"] = _pk("warning_registered", body={"reason": "不属实"})
API_CALLS["POST /api/warnings/{pk}/report"] = _pk("warning_verified", body={})
API_CALLS["POST /api/warnings/{pk}/assess"] = _pk(
    "warning_reported", body={"urgency": "urgent", "potential_harm": "serious"}
)


@op("POST /api/warnings/{pk}/handling")
def _handling(w: World) -> dict[str, ApiReq]:
    body = {"lead_official_id": w.member("李卫东").pk, "unit_ids": [w.unit("东岭村").pk]}
    return {"": ApiReq(params={"pk": w.pk("warning_assessed")}, body=body, obj="warning_assessed")}


API_CALLS["POST /api/warnings/{pk}/progress"] = _pk("warning_handling", body={"text": "走访"})
API_CALLS["POST /api/warnings/{pk}/controlled"] = _pk("warning_handling", body={"note": ""})
API_CALLS["POST /api/warnings/{pk}/resolve"] = _pk(
    "warning_controlled", body={"resolution": "化解"}
)
API_CALLS["POST /api/warnings/{pk}/escalate"] = _pk(
    "warning_handling", body={"category": "district"}
)
API_CALLS["POST /api/warnings/{pk}/convert"] = _pk("warning_handling", body={"content": "要求补偿"})
# deadlines
API_CALLS["GET /api/deadlines/due"] = _plain()
API_CALLS["POST /api/deadlines/{pk}/acknowledge"] = _pk("deadline_breached")
# incidents
API_CALLS["GET /api/incidents/"] = _plain()
API_CALLS["POST /api/incidents/"] = _plain(
    body={"category": "district", "source": "caller", "summary": "新事件"}
)
API_CALLS["GET /api/incidents/{pk}"] = _pk("incident_active")
API_CALLS["POST /api/incidents/{pk}/verify"] = _pk("incident_received", body={"true": True})
API_CALLS["POST /api/incidents/{pk}/report"] = _pk("incident_verified", body={"contents": REPORT})
API_CALLS["POST /api/incidents/{pk}/activate"] = _pk("incident_reported")


@op("POST /api/incidents/{pk}/task-force")
def _task_force(w: World) -> dict[str, ApiReq]:
    body = {"members": [{"unit": "villages", "member_id": w.member("黄磊").pk}]}
    return {"": ApiReq(params={"pk": w.pk("incident_bare")}, body=body, obj="incident_bare")}


API_CALLS["POST /api/incidents/task-force-members/{pk}/check-in"] = _pk(
    "place", body={"state": "dispatched"}
)


@op("POST /api/incidents/{pk}/ticks")
def _ticks(w: World) -> dict[str, ApiReq]:
    body = {"step": w.data["checklist_step"]}
    return {"": ApiReq(params={"pk": w.pk("incident_active")}, body=body, obj="incident_active")}


API_CALLS["POST /api/incidents/{pk}/log"] = _pk("incident_active", body={"text": "到场"})
API_CALLS["POST /api/incidents/{pk}/situation"] = _pk("incident_active", body={"text": "平稳"})


@op("POST /api/incidents/{pk}/evidence")
def _evidence(w: World) -> dict[str, ApiReq]:
    body = {
        "camera_id": "CAM-9",
        "wearer_id": w.member("刘洋").pk,
        "started_at": _iso(timedelta(minutes=-20)),
        "ended_at": _iso(timedelta(minutes=-10)),
        "file_name": "cam9.mp4",
        "sha256": "c" * 64,
        "storage_place": "证据柜",
    }
    return {"": ApiReq(params={"pk": w.pk("incident_active")}, body=body, obj="incident_active")}


@op("POST /api/incidents/{pk}/evidence/upload")
def _evidence_upload(w: World) -> dict[str, ApiReq]:
    wearer = w.member("刘洋").pk

    def data() -> dict[str, Any]:
        return {
            "camera_id": "CAM-9",
            "wearer_id": wearer,
            "started_at": _iso(timedelta(minutes=-20)),
            "ended_at": _iso(timedelta(minutes=-10)),
            "storage_place": "证据柜",
            "file": SimpleUploadedFile("cam9.mp4", samples.mp4()),
        }

    return {
        "": ApiReq(params={"pk": w.pk("incident_active")}, multipart=data, obj="incident_active")
    }


@op("POST /api/incidents/{pk}/log/upload")
def _log_upload(w: World) -> dict[str, ApiReq]:
    def data() -> dict[str, Any]:
        return {"text": "照片", "files": [SimpleUploadedFile("p.jpg", samples.jpeg())]}

    return {
        "": ApiReq(params={"pk": w.pk("incident_active")}, multipart=data, obj="incident_active")
    }


API_CALLS["GET /api/incidents/evidence/{pk}"] = _pk("evidence")
for _method in ("PUT", "PATCH", "DELETE"):
    API_CALLS[f"{_method} /api/incidents/evidence/{{pk}}"] = _pk("evidence")
API_CALLS["POST /api/incidents/evidence/{pk}/custody"] = _pk(
    "evidence", body={"from_holder": "刘洋", "to_holder": "陈静", "place": "柜"}
)
API_CALLS["POST /api/incidents/evidence/{pk}/notes"] = _pk("evidence", body={"text": "补充"})
API_CALLS["GET /api/incidents/{pk}/parties"] = _pk("incident_active", quiet=True)
API_CALLS["POST /api/incidents/{pk}/parties"] = _pk("incident_active", body={"name": "李四"})
API_CALLS["POST /api/incidents/{pk}/demands"] = _pk(
    "incident_active", body={"content": "要求公开账目"}
)
API_CALLS["POST /api/incidents/demands/{pk}/case"] = _pk("demand")
API_CALLS["POST /api/incidents/demands/{pk}/withdraw"] = _pk("demand", body={"note": "撤回"})
API_CALLS["POST /api/incidents/{pk}/close-scene"] = _pk("incident_bare")
API_CALLS["POST /api/incidents/{pk}/summary"] = _pk(
    "incident_aftermath", body={"contents": SUMMARY}
)
API_CALLS["POST /api/incidents/{pk}/close"] = _pk("incident_summarised")


# complaints
@op("POST /api/complaints/imports")
def _complaints_import(w: World) -> dict[str, ApiReq]:
    content = w.data["messages_file"]

    def data() -> dict[str, Any]:
        return {
            "source": "接口导入",
            "mapping": json.dumps(MESSAGE_MAPPING, ensure_ascii=False),
            "file": SimpleUploadedFile("m.xlsx", content),
        }

    return {"": ApiReq(multipart=data)}


API_CALLS["GET /api/complaints/imports/{pk}"] = _pk("import_uploaded")
API_CALLS["GET /api/complaints/reply-times"] = _plain()
API_CALLS["POST /api/complaints/routing/train"] = _plain()
API_CALLS["POST /api/complaints/cases/{pk}/suggestion"] = _pk("case_received")
API_CALLS["POST /api/complaints/suggestions/{pk}/decide"] = _pk("suggestion", body={})
API_CALLS["POST /api/complaints/hot-issues/propose"] = _plain()
API_CALLS["GET /api/complaints/hot-issues"] = _plain()
API_CALLS["GET /api/complaints/hot-issues/{pk}"] = _pk("hot_issue")
API_CALLS["POST /api/complaints/hot-issues/{pk}/accept"] = _pk(
    "hot_issue", body={"category": "brewing_unrest"}
)
API_CALLS["POST /api/complaints/hot-issues/{pk}/dismiss"] = _pk(
    "hot_issue", body={"reason": "不是苗头"}
)
