"""Hot issues: groups by matter and place on the real messages-with-votes.xlsx; proposals accepted only by a person."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from tests.complaints.conftest import NOW, SH, data
from tests.conftest import member_of
from yingji.complaints.actions import accept_hot_issue, dismiss_hot_issue, propose_hot_issues
from yingji.complaints.hotissues import Message, find_groups, places
from yingji.complaints.models import HotIssue
from yingji.complaints.parsing import Row, guess_mapping, parse_rows, read_sheet
from yingji.earlywarning.models import Warning
from yingji.orgs.access import Actor
from yingji.orgs.choices import Role
from yingji.petitions.actions import receive_case

#: 魅力之城小区 (劳动东路, A5区): oil smoke and night barbecue stalls of the street-front shops,
#: read from the file (2019-07-28 … 2019-09-25); the organisers' example table lists this matter.
OIL_SMOKE = {"236798", "360101", "195095", "360100", "268914", "360102", "246598", "360103"}
#: Same estate, other matters (cracked floors, school places), and the same matter at another
#: estate (润芳园, 看云路): none of these may join the group.
UNRELATED = {"198084", "205168", "263498", "253314", "228107", "192337", "269977"}


@pytest.fixture(scope="module")
def groups():
    headers, rows = read_sheet(data("messages-with-votes.xlsx"))
    messages = [
        Message(r.number, r.subject, r.text, r.posted_at, r.votes_up or 0)
        for r in parse_rows(headers, rows, guess_mapping(headers))
        if isinstance(r, Row)
    ]
    assert len(messages) == 4326
    return find_groups(messages)


def test_one_matter_at_one_place_is_one_group(groups):
    group = next(g for g in groups if OIL_SMOKE & set(g.keys))
    assert OIL_SMOKE <= set(group.keys)
    assert not UNRELATED & set(group.keys)
    assert group.place == "魅力之城"
    assert group.first_at.astimezone(SH).date().isoformat() == "2019-07-28"
    assert group.last_at == datetime(2019, 9, 25, 0, 31, 33, tzinfo=SH)


def test_groups_ranked_by_score(groups):
    scores = [g.score for g in groups]
    assert scores == sorted(scores, reverse=True)
    assert groups[0].size >= 30  # the largest matter of the stream leads


def test_places_are_specific():
    assert places("A5区劳动东路魅力之城小区一楼的夜宵摊") == {"劳动东路", "魅力之城"}
    assert places("我们是魅力之城的业主，A市A5区") == {"魅力之城"}
    assert places("请A市市政府解决") == set()


def _cases(staff, demo, texts, start):
    return [
        receive_case(
            staff,
            demo,
            channel="online",
            summary=text,
            content=text,
            received_at=start + timedelta(days=i),
        )
        for i, text in enumerate(texts)
    ]


def test_propose_then_a_person_accepts_or_dismisses(demo, other, staff):
    start = NOW - timedelta(days=20)
    smoke = [f"东岭村幸福花园小区楼下烧烤摊油烟扰民{n}" for n in "一二三四五"]
    with time_machine.travel(NOW, tick=False):
        cases = _cases(staff, demo, smoke, start)
        _cases(staff, demo, ["幸福花园小区楼板开裂", "西坪村自来水停水三天"], start)
        _cases(staff, demo, [f"西坪村学校门口堵车{n}" for n in "一二"], start)
        found = propose_hot_issues(staff, demo)
        assert Warning.objects.count() == 0  # nothing enters the ledger without a person
        assert len(found) == 1  # the 2-message group is below the plan's threshold (5)
        issue = found[0]
        assert set(issue.cases.all()) == set(cases)
        assert issue.size == 5 and issue.place == "幸福花园"
        assert issue.first_at == start and issue.last_at == start + timedelta(days=4)
        again = propose_hot_issues(staff, demo)
        assert [i.pk for i in again] == [issue.pk] and HotIssue.objects.count() == 1
        outsider = Actor.for_member(member_of(other, Role.PEACE_OFFICE_STAFF))
        with pytest.raises(PermissionDenied):
            accept_hot_issue(outsider, issue, category="internal_dispute")
        with pytest.raises(ValidationError):
            accept_hot_issue(staff, issue, category="no_such_category")
        accepted = accept_hot_issue(staff, issue, category="internal_dispute")
    warning = Warning.objects.get()
    assert accepted.warning == warning and accepted.state == "accepted"
    assert warning.address == "幸福花园" and warning.source == "online"
    assert warning.discovered_at == NOW and warning.registered_by == staff.member
    with pytest.raises(ValidationError):
        dismiss_hot_issue(staff, accepted, reason="重复")


def test_dismiss_needs_a_reason(demo, staff):
    start = NOW - timedelta(days=10)
    with time_machine.travel(NOW, tick=False):
        _cases(staff, demo, [f"南山路桥面破损坑洼{n}" for n in "一二三四五六"], start)
        issue = propose_hot_issues(staff, demo)[0]
        with pytest.raises(ValidationError):
            dismiss_hot_issue(staff, issue, reason=" ")
        done = dismiss_hot_issue(staff, issue, reason="已由交通部门处理")
    assert done.state == "dismissed" and Warning.objects.count() == 0
