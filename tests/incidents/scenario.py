"""Build incidents at a given stage for the page, API and evidence tests."""

from __future__ import annotations

from yingji.incidents import actions
from yingji.incidents.models import Incident
from yingji.orgs.choices import Role
from yingji.orgs.models import Township

from .helpers import REPORT, actors, person


def activated(
    township: Township, category: str = "district", *, task_force: bool = True
) -> Incident:
    """Return an incident of ``township`` received, verified, reported and activated (with a task force)."""
    a = actors(township)
    incident = actions.receive_incident(
        a[Role.PEACE_OFFICE_STAFF],
        township,
        category=category,
        source="caller",
        summary="征地补偿款争议群众到区信访局集访",
        place="区信访局",
        headcount=23,
    )
    actions.verify_incident(a[Role.PEACE_OFFICE_STAFF], incident, true=True)
    actions.send_report(a[Role.PEACE_OFFICE_STAFF], incident, REPORT)
    actions.activate(a[Role.HEAD], incident)
    if task_force:
        actions.form_task_force(
            a[Role.HEAD],
            incident,
            members=[
                ("peace_office", person(township, "刘洋")),
                ("villages", person(township, "黄磊")),
                ("police_station", person(township, "周伟")),
            ],
            leader=person(township, "刘洋"),
        )
    incident.refresh_from_db()
    return incident
