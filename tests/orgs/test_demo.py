"""The demo township has what the issue lists: units, leading group, roster, one login per role."""

from collections import Counter

import pytest
from django.core.management import call_command
from django.utils import timezone

from yingji.orgs import queries
from yingji.orgs.choices import Role
from yingji.orgs.models import Member, Township

pytestmark = pytest.mark.django_db


def test_demo_units(demo):
    kinds = Counter(u.kind for u in demo.units.all())
    assert kinds == {
        "peace_office": 1,
        "police_station": 1,
        "law_enforcement_brigade": 1,
        "village": 3,
        "office": 2,
    }


def test_demo_leading_group(demo):
    seats = Counter(s.seat for s in queries.leading_group(demo))
    assert seats == {"head": 1, "deputy": 2, "member": 4}
    assert queries.leading_group(demo).first().member.name == "王建国"


def test_demo_roster_covers_now_and_two_weeks(demo):
    assert queries.on_duty(demo).count() == 1
    assert demo.duty_shifts.count() == 2 * 14 + 1
    last = demo.duty_shifts.order_by("-ends_at").first()
    assert (last.ends_at - timezone.now()).days >= 13


def test_one_login_per_role_each_to_change_at_first_login(demo):
    with_login = Member.objects.filter(township=demo, user__isnull=False)
    assert sorted(m.role for m in with_login) == sorted(Role.values)
    assert all(m.must_change_password for m in with_login)
    assert [m.user.username for m in with_login if m.user.is_superuser or m.user.is_staff] == []
    assert demo.plan_version.plan.code == "township-petition"


def test_setup_creates_the_demo_once_and_keeps_data(capsys):
    call_command("setup")
    first = capsys.readouterr().out
    assert "demo_head" in first and "一次性密码" in first
    Township.objects.filter(code="demo").update(county="改名区")
    call_command("setup")
    second = capsys.readouterr().out
    assert "demo_head" not in second and "existing data kept" in second
    assert Township.objects.get().county == "改名区"
