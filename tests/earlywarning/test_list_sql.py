"""The ledger list's own SQL (queries.LedgerRows) gives exactly what the ORM's ``ledger()`` gives."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.paginator import Paginator

from yingji.earlywarning.models import Warning
from yingji.earlywarning.queries import LIST_FIELDS, LedgerFilter, LedgerRows, ledger
from yingji.earlywarning.search import index_text
from yingji.orgs.choices import Role, UnitKind
from yingji.orgs.models import Member, Unit

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
SUMMARIES = ["村民因征地的补偿款分配不满", "商户反映拆迁安置房交付延期", "折扣50%_促销纠纷"]
STATUSES = ["registered", "verified", "assessed", "handling", "resolved", "dismissed"]


@pytest.fixture
def ledger_of_60(demo):
    villages = list(Unit.objects.filter(township=demo, kind=UnitKind.VILLAGE))
    units = list(Unit.objects.filter(township=demo).exclude(kind=UnitKind.VILLAGE))
    lead = Member.objects.filter(township=demo, role=Role.DEPUTY).first()
    start = datetime(2026, 3, 1, 23, 30, tzinfo=SH)  # half an hour before a local midnight
    for i in range(60):
        summary = SUMMARIES[i % 3]
        at = start + timedelta(hours=7 * i)
        w = Warning.objects.create(
            township=demo,
            number=f"T{i:03d}",
            plan_version=demo.plan_version,
            category=["brewing_unrest", "threatened_bypass", "other"][i % 3],
            source="walk_in",
            status=STATUSES[i % len(STATUSES)],
            discovered_at=at,
            village=villages[i % len(villages)] if i % 5 else None,
            address=f"{i}组",
            summary=summary,
            cause="补偿标准争议",
            headcount=None if i % 7 == 0 else i,
            risk_level=["", "low", "high"][i % 3],
            reported_at=at + timedelta(minutes=12) if i % 2 else None,
            resolved_at=at + timedelta(days=2) if STATUSES[i % 6] == "resolved" else None,
            lead_official=lead if i % 4 == 0 else None,
            search_text=index_text(summary, "补偿标准争议"),
        )
        w.units.set(units[: i % 3])
    return demo


FILTERS = [
    LedgerFilter(),
    LedgerFilter(status="open"),
    LedgerFilter(status="resolved"),
    LedgerFilter(category="threatened_bypass", risk_level="low"),
    LedgerFilter(date_from=date(2026, 3, 2), date_to=date(2026, 3, 9)),
    LedgerFilter(q="征地补偿"),
    LedgerFilter(q="50%"),  # LIKE's wildcards in a query are plain text
    LedgerFilter(q="促销_"),
    LedgerFilter(status="open", q="拆迁", date_from=date(2026, 3, 5)),
    LedgerFilter(date_from=date(1, 1, 1), date_to=date(9999, 12, 31)),  # the calendar's ends
]


@pytest.mark.parametrize("f", FILTERS, ids=[repr(f) for f in FILTERS])
def test_list_sql_gives_the_orms_rows_in_the_same_order(ledger_of_60, f):
    expected = list(ledger(ledger_of_60, f).values(*LIST_FIELDS))
    rows = LedgerRows(ledger_of_60, f)
    assert rows.count() == len(expected)
    got = LedgerRows.as_dicts(rows[0 : len(expected) + 5])
    assert [r["id"] for r in got] == [r["id"] for r in expected]
    for g, e in zip(got, expected, strict=True):
        assert {k: g[k] for k in LIST_FIELDS} == e  # datetimes aware and equal, names joined
        units = (
            Warning.objects.get(pk=e["id"]).units.order_by("name").values_list("name", flat=True)
        )
        assert g["unit_names"] == list(units)


def test_list_sql_filters_by_village_and_pages_like_the_orm(ledger_of_60):
    village = Unit.objects.filter(township=ledger_of_60, kind=UnitKind.VILLAGE).first()
    f = LedgerFilter(village=village.pk)
    expected = [w.pk for w in ledger(ledger_of_60, f)]
    assert 0 < len(expected) < 60
    page = Paginator(LedgerRows(ledger_of_60, LedgerFilter()), 25).get_page(3)
    assert [values[0] for values, _units in page.object_list] == [
        w.pk for w in ledger(ledger_of_60)
    ][50:]
    assert (page.paginator.count, page.paginator.num_pages) == (60, 3)
    assert [r["id"] for r in LedgerRows.as_dicts(LedgerRows(ledger_of_60, f)[0:60])] == expected


def test_list_sql_keeps_to_the_township(ledger_of_60, other):
    assert LedgerRows(other, LedgerFilter()).count() == 0
    assert LedgerRows(ledger_of_60, LedgerFilter()).count() == 60


def test_raw_datetimes_are_made_aware_as_the_orm_makes_them(db):
    from django.db import connection

    utc = ZoneInfo("UTC")
    naive = datetime(2026, 3, 1, 15, 30)  # how SQLite's driver gives a stored UTC time
    assert LedgerRows.aware(naive) == datetime(2026, 3, 1, 15, 30, tzinfo=utc)
    assert LedgerRows.aware(naive).astimezone(SH).hour == 23
    aware = datetime(2026, 3, 1, 23, 30, tzinfo=SH)  # how PostgreSQL's driver gives it
    assert LedgerRows.aware(aware) is aware
    # A page of rows gives the connection's zone once (rows_html); another zone is taken as given.
    assert LedgerRows.aware(naive, connection.timezone) == LedgerRows.aware(naive)
    assert LedgerRows.aware(naive, SH) == datetime(2026, 3, 1, 15, 30, tzinfo=SH)
    assert LedgerRows.aware(aware, utc) is aware
    if connection.vendor == "sqlite":  # text the driver left alone goes through Django's converter
        assert LedgerRows.aware("2026-03-01 15:30:00") == datetime(2026, 3, 1, 15, 30, tzinfo=utc)
