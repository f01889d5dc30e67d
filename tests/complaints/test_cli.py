"""The command line: ``yingji petitions import``, ``yingji routing``, ``yingji hotissues propose``."""

from __future__ import annotations

import io

import pytest
import time_machine
from django.core.management import CommandError, call_command

from tests.complaints.conftest import NOW
from tests.complaints.test_api_pages import HOTLINE, _export
from yingji.complaints.models import HotIssue
from yingji.petitions.models import PetitionCase


def test_import_lists_unreadable_rows_and_is_idempotent(demo, tmp_path):
    path = tmp_path / "hotline.xlsx"
    path.write_bytes(_export(HOTLINE))
    mapping = (
        '{"number": "编号", "subject": "标题", "posted_at": "来电时间", "text": "诉求内容",'
        ' "replied_at": "办结时间", "reply": "办理结果"}'
    )
    out = io.StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("petitions", "import", str(path), township="demo", map=mapping, stdout=out)
        again = io.StringIO()
        call_command("petitions", "import", str(path), township="demo", stdout=again)
    text = out.getvalue()
    assert "第4行 (H3): 缺少留言主题" in text
    assert "第3行 (H2): 答复时间早于受理时间或晚于当前时间" in text
    assert "1 cases imported, 0 unchanged, 2 unreadable" in text
    assert "0 cases imported, 1 unchanged, 2 unreadable" in again.getvalue()  # mapping saved
    assert PetitionCase.objects.filter(township=demo).count() == 1


def test_routing_and_hot_issues_commands(demo):
    with pytest.raises(CommandError, match="至少需要两个"):
        call_command("routing", "train", township="demo", stdout=io.StringIO())
    out = io.StringIO()
    call_command("hotissues", "propose", township="demo", stdout=out)
    assert "0 hot issues proposed" in out.getvalue() and not HotIssue.objects.exists()
    with pytest.raises(CommandError):
        call_command("petitions", "import", "/no/such.xlsx", township="demo")
