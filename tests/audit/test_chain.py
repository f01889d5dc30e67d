"""The audit log is a hash chain that `yingji audit verify` checks; young events cannot be removed."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from yingji.audit.chain import GENESIS, chain_algorithm, event_hash, verify_chain
from yingji.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_events_are_chained_in_order(demo):
    events = list(AuditEvent.objects.order_by("seq"))
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert events[0].prev_hash == GENESIS
    assert all(b.prev_hash == a.hash for a, b in zip(events, events[1:], strict=False))
    assert {e.hash_algo for e in events} == {chain_algorithm()} == {"sm3"}
    assert all(event_hash(e) == e.hash and len(e.hash) == 64 for e in events)


def test_verify_passes_on_an_intact_chain(demo, capsys):
    call_command("audit", "verify")
    assert f"audit chain verifies: {AuditEvent.objects.count()} events." in capsys.readouterr().out


def test_verify_names_the_first_tampered_event(demo):
    target = AuditEvent.objects.get(seq=7)
    with connection.cursor() as cursor:  # tamper behind the application's back
        cursor.execute(
            "UPDATE audit_auditevent SET actor_label = %s WHERE id = %s", ["篡改者", target.pk]
        )
    checked, broken = verify_chain()
    assert (checked, broken.seq, broken.event_id, broken.reason) == (
        6,
        7,
        target.pk,
        "hash does not match the event's content",
    )
    with pytest.raises(CommandError, match=f"broken at event seq 7 \\(id {target.pk}\\)"):
        call_command("audit", "verify")


def test_verify_finds_a_removed_event(demo):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE seq = 5")
    _, broken = verify_chain()
    assert (broken.seq, broken.reason) == (6, "missing events 5–5")


def test_events_cannot_be_changed_or_deleted_young(demo):
    event = AuditEvent.objects.order_by("seq").first()
    event.actor_label = "别人"
    with pytest.raises(PermissionDenied):
        event.save()
    with pytest.raises(PermissionDenied):
        AuditEvent.objects.filter(pk=event.pk).update(actor_label="别人")
    with pytest.raises(PermissionDenied):
        AuditEvent.objects.all().delete()
    with pytest.raises(PermissionDenied):
        AuditEvent.objects.get(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).actor_label == "demo"


def test_events_older_than_six_months_may_be_deleted(demo):
    with time_machine.travel(timezone.now() + timedelta(days=184)):
        deleted, _ = AuditEvent.objects.all().delete()
    assert deleted > 0 and AuditEvent.objects.count() == 0
