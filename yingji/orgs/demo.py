"""The demo township 示例镇: units, leading group, duty roster and one login per role.

Built only through the actions, as the system actor, so that it is audited like
any other change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from yingji.plans.actions import ensure_default_plan

from . import actions
from .access import Actor
from .choices import Role, Seat, UnitKind
from .models import Township

SHANGHAI = ZoneInfo("Asia/Shanghai")

UNITS = [
    ("镇平安办", UnitKind.PEACE_OFFICE),
    ("示例派出所", UnitKind.POLICE_STATION),
    ("镇综合执法大队", UnitKind.LAW_ENFORCEMENT_BRIGADE),
    ("东岭村", UnitKind.VILLAGE),
    ("西河村", UnitKind.VILLAGE),
    ("南湖社区", UnitKind.VILLAGE),
    ("党政综合办公室", UnitKind.OFFICE),
    ("社会事务办公室", UnitKind.OFFICE),
]

# (login suffix, name, post, unit index or None for the township leaders, role, seat)
PEOPLE: list[tuple[str | None, str, str, int | None, Role, str | None]] = [
    ("head", "王建国", "镇党委副书记、镇长", None, Role.HEAD, Seat.HEAD),
    ("deputy", "李卫东", "镇党委副书记、政法委员", None, Role.DEPUTY, Seat.DEPUTY),
    (None, "赵红梅", "副镇长", None, Role.DEPUTY, Seat.DEPUTY),
    ("member", "孙志强", "党政综合办公室主任", 6, Role.MEMBER, Seat.MEMBER),
    ("peace_head", "陈静", "平安办主任", 0, Role.PEACE_OFFICE_HEAD, Seat.MEMBER),
    (None, "周伟", "派出所所长", 1, Role.MEMBER, Seat.MEMBER),
    (None, "吴刚", "综合执法大队大队长", 2, Role.MEMBER, Seat.MEMBER),
    ("peace_staff", "刘洋", "平安办工作人员", 0, Role.PEACE_OFFICE_STAFF, None),
    (None, "郑敏", "平安办工作人员", 0, Role.PEACE_OFFICE_STAFF, None),
    ("task_force", "黄磊", "东岭村党支部书记", 3, Role.TASK_FORCE_MEMBER, None),
    (None, "何丽", "社会事务办公室干部", 7, Role.TASK_FORCE_MEMBER, None),
    ("auditor", "冯晓", "纪检监察员", None, Role.AUDITOR, None),
    ("admin", "林峰", "系统管理员", 6, Role.ADMIN, None),
]


@dataclass(frozen=True)
class DemoLogin:
    """A login created for the demo, with its one-time password (shown once)."""

    username: str
    name: str
    role: str
    password: str


def create_demo_township(
    name: str = "示例镇", code: str = "demo", *, days: int = 14
) -> list[DemoLogin]:
    """Create the demo township ``name`` with the default plan and return its logins.

    The duty roster covers ``days`` days from today (Asia/Shanghai), a day
    shift 08:30–17:30 and a night shift 17:30–08:30 next day, rotating through
    the peace office staff and head. Logins are ``{code}_{role}``. Raises
    ``ValidationError`` if ``code`` or a login name is taken; on any error
    nothing is written.
    """
    system = Actor.system("demo")
    logins: list[DemoLogin] = []
    with transaction.atomic():
        plan = ensure_default_plan(system)
        township = actions.create_township(
            system, name=name, code=code, county="示例区", plan_version=plan
        )
        units = [actions.create_unit(system, township, name=n, kind=k) for n, k in UNITS]
        members = []
        for order, (suffix, person, post, unit_index, role, seat) in enumerate(PEOPLE):
            unit = units[unit_index] if unit_index is not None else None
            member = actions.create_member(
                system,
                township,
                name=person,
                title=post,
                unit=unit,
                role=role,
                email=f"{code}.{suffix or order}@example.invalid",
            )
            members.append(member)
            if seat is not None:
                actions.set_seat(system, member, seat, order=order)
            if suffix is not None:
                username = f"{code}_{suffix}"
                # No demo login is a superuser: the system administrator works through
                # Yingji's pages (orgs.manage_accounts); the Django admin is read-only and
                # its superuser is made on the command line only (``yingji createsuperuser``).
                password = actions.create_login(system, member, username)
                with translation.override(settings.LANGUAGE_CODE):
                    logins.append(DemoLogin(username, person, str(Role(role).label), password))
        _demo_roster(system, township, [m for m in members if m.unit_id == units[0].pk], days)
    return logins


def _demo_roster(system: Actor, township: Township, officers: list, days: int) -> None:
    today = timezone.localdate(timezone=SHANGHAI)
    for day in range(days):
        date = today + timedelta(days=day)
        day_start = datetime.combine(date, time(8, 30), SHANGHAI)
        night_start = datetime.combine(date, time(17, 30), SHANGHAI)
        next_morning = datetime.combine(date + timedelta(days=1), time(8, 30), SHANGHAI)
        actions.add_duty_shift(
            system, officers[day % len(officers)], day_start, night_start, "白班"
        )
        actions.add_duty_shift(
            system, officers[(day + 1) % len(officers)], night_start, next_morning, "夜班"
        )
    # Cover the hours before today's first shift, so that someone is on duty from the start.
    midnight = datetime.combine(today, time(0, 0), SHANGHAI)
    actions.add_duty_shift(
        system, officers[-1], midnight, datetime.combine(today, time(8, 30), SHANGHAI), "夜班"
    )
