"""Prepare the database of a crash test; run in a subprocess on that database (not the test's own).

``python -m tests.crash.prepare township``: the default plan and the township
``crash`` (the demo's people and units) with the peace office staff's login
``crash_peace_staff`` set to ``$CRASH_PASSWORD`` (no first-login change).

``python -m tests.crash.prepare notifications URL N``: the township's webhook
at ``URL``, chosen by the peace office staff, and ``N`` messages queued to
them, keys ``crash:0`` … ``crash:{N-1}`` (each a webhook row and a bell row).
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yingji.settings")

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402

from yingji.notify.models import ChannelChoice, TownshipChannel  # noqa: E402
from yingji.notify.outbox import queue  # noqa: E402
from yingji.orgs.demo import create_demo_township  # noqa: E402
from yingji.orgs.models import Member, Township  # noqa: E402

CODE = "crash"


def township() -> None:
    create_demo_township("事故镇", CODE)
    member = Member.objects.get(township__code=CODE, user__username=f"{CODE}_peace_staff")
    member.user.set_password(os.environ["CRASH_PASSWORD"])
    member.user.save()
    Member.objects.filter(pk=member.pk).update(must_change_password=False)


def notifications(url: str, count: int) -> None:
    town = Township.objects.get(code=CODE)
    member = Member.objects.get(township=town, user__username=f"{CODE}_peace_staff")
    TownshipChannel.objects.create(township=town, channel="webhook", url=url)
    ChannelChoice.objects.update_or_create(member=member, defaults={"channels": ["webhook"]})
    with transaction.atomic():
        for i in range(count):
            queue(
                town,
                [member],
                kind="crash.test",
                subject=f"第{i}条",
                body="崩溃测试",
                key=f"crash:{i}",
            )


if __name__ == "__main__":
    if sys.argv[1] == "township":
        township()
    else:
        notifications(sys.argv[2], int(sys.argv[3]))
