"""Chain audit events by hash; number and chain any events written before the chain existed."""

from django.db import migrations, models


def chain_existing(apps, schema_editor):
    from yingji.audit.chain import GENESIS, chain_algorithm, event_hash

    AuditEvent = apps.get_model("audit", "AuditEvent")
    AuditChainHead = apps.get_model("audit", "AuditChainHead")
    previous = GENESIS
    seq = 0
    for event in AuditEvent.objects.order_by("at", "id"):
        seq += 1
        event.seq, event.prev_hash, event.hash_algo = seq, previous, chain_algorithm()
        event.hash = event_hash(event)
        AuditEvent.objects.filter(pk=event.pk).update(
            seq=event.seq, prev_hash=event.prev_hash, hash_algo=event.hash_algo, hash=event.hash
        )
        previous = event.hash
    AuditChainHead.objects.update_or_create(pk=1, defaults={"seq": seq, "hash": previous})


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_initial")]

    operations = [
        migrations.CreateModel(
            name="AuditChainHead",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("seq", models.PositiveBigIntegerField(default=0)),
                (
                    "hash",
                    models.CharField(
                        default="0000000000000000000000000000000000000000000000000000000000000000",
                        max_length=64,
                    ),
                ),
            ],
        ),
        migrations.AlterModelOptions(
            name="auditevent",
            options={
                "ordering": ["-seq"],
                "verbose_name": "audit event",
                "verbose_name_plural": "audit events",
            },
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="at",
            field=models.DateTimeField(db_index=True, verbose_name="time"),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="seq",
            field=models.PositiveBigIntegerField(null=True, verbose_name="sequence"),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="hash_algo",
            field=models.CharField(default="", max_length=10),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="prev_hash",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.RunPython(chain_existing, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="auditevent",
            name="seq",
            field=models.PositiveBigIntegerField(unique=True, verbose_name="sequence"),
        ),
    ]
