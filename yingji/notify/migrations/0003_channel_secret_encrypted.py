"""Encrypt the township channels' secrets at rest (DESIGN.md §6, as petitioners' details).

Existing rows are converted: the clear ``secret`` is encrypted into
``secret_enc`` (Fernet, key ``settings.YINGJI_PII_KEY``, ``yingji.crypto``), then
the clear column is dropped. Reversible: going back decrypts into the clear column.
"""

from django.db import migrations, models

from yingji.crypto import decrypt, encrypt


def encrypt_existing(apps, schema_editor):
    TownshipChannel = apps.get_model("notify", "TownshipChannel")
    for config in TownshipChannel.objects.using(schema_editor.connection.alias).iterator():
        config.secret_enc = encrypt(config.secret)
        config.save(update_fields=["secret_enc"])


def decrypt_existing(apps, schema_editor):
    TownshipChannel = apps.get_model("notify", "TownshipChannel")
    for config in TownshipChannel.objects.using(schema_editor.connection.alias).iterator():
        config.secret = decrypt(config.secret_enc)[:200]
        config.save(update_fields=["secret"])


class Migration(migrations.Migration):
    dependencies = [
        ("notify", "0002_channelchoice_townshipchannel_notification_address_and_more"),
    ]

    operations = [
        migrations.AddField(
            model_name="townshipchannel",
            name="secret_enc",
            field=models.TextField(blank=True, verbose_name="secret (encrypted)"),
        ),
        migrations.RunPython(encrypt_existing, decrypt_existing),
        migrations.RemoveField(model_name="townshipchannel", name="secret"),
    ]
