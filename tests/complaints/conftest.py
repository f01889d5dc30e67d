"""Fixtures of the complaints tests: the real message-board files of ../shared/data/complaints/."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import member_of
from yingji.orgs.access import Actor
from yingji.orgs.choices import Role

SH = ZoneInfo("Asia/Shanghai")
DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "complaints"
if not DATA.exists():  # a worktree next to ../shared, or the main checkout
    DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "complaints"
NOW = datetime(2026, 11, 29, 9, 0, tzinfo=SH)


def data(name: str) -> bytes:
    """The bytes of one of the real files."""
    return (DATA / name).read_bytes()


@pytest.fixture
def staff(demo) -> Actor:
    return Actor.for_member(member_of(demo, Role.PEACE_OFFICE_STAFF))
