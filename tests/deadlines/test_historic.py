"""Deadlines of imported history keep their real outcome but never enter the day's work."""

from datetime import datetime, timedelta

import pytest
from django.db import transaction

from yingji.deadlines import actions
from yingji.deadlines.choices import DeadlineUnit
from yingji.deadlines.queries import breached_count, due_in_township
from yingji.orgs.access import Actor

from .conftest import SH, T0, open_minutes

pytestmark = pytest.mark.django_db


def test_an_unanswered_historic_case_is_breached_but_not_live_work(town):
    with transaction.atomic():
        old = actions.record_past(
            town,
            township=town,
            rule="petition.art34_conclude",
            label="办结",
            source="《信访工作条例》第三十四条",
            unit=DeadlineUnit.DAYS,
            amount=60,
            opened_at=datetime(2018, 2, 3, 16, 27, tzinfo=SH),
            satisfied_at=None,
            now=T0,
        )
    assert (old.state, old.historic, old.breached_at) == (
        "breached",
        True,
        datetime(2018, 4, 5, 0, 0, tzinfo=SH),
    )
    assert breached_count(town) == 0 and list(due_in_township(town)) == []
    live = open_minutes(town, 15, at=T0 - timedelta(minutes=20))
    with transaction.atomic():
        actions.breach(Actor.system("test"), live, at=T0 - timedelta(minutes=5))
    assert breached_count(town) == 1 and [d.pk for d in due_in_township(town)] == [live.pk]
