"""notify 0003: channel secrets already stored in clear are encrypted, and the clear column dropped."""

import pytest
from django.db import connection

from yingji.crypto import decrypt
from yingji.notify.models import TownshipChannel


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_existing_secrets_and_drops_the_clear_column(demo):
    from django.db.migrations.executor import MigrationExecutor

    before = ("notify", "0002_channelchoice_townshipchannel_notification_address_and_more")
    executor = MigrationExecutor(connection)
    executor.migrate([before])
    old = executor.loader.project_state([before]).apps.get_model("notify", "TownshipChannel")
    old.objects.create(
        township_id=demo.pk, channel="webhook", url="https://h.example.invalid/", secret="Old-Key-7"
    )
    old.objects.create(township_id=demo.pk, channel="wecom", url="https://w.example.invalid/")
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    with connection.cursor() as cursor:
        columns = [
            c.name
            for c in connection.introspection.get_table_description(
                cursor, TownshipChannel._meta.db_table
            )
        ]
        cursor.execute(f"SELECT channel, secret_enc FROM {TownshipChannel._meta.db_table}")
        stored = dict(cursor.fetchall())
    assert "secret" not in columns and "secret_enc" in columns
    assert stored["wecom"] == "" and "Old-Key-7" not in stored["webhook"]
    assert decrypt(stored["webhook"]) == "Old-Key-7"
    assert TownshipChannel.objects.get(channel="webhook").secret == "Old-Key-7"
