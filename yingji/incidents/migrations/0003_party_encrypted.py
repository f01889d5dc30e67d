"""Encrypt incident parties' name and contact at rest (DESIGN.md §6).

Existing rows are converted: the clear values are encrypted into ``name_enc``
and ``contact_enc`` (Fernet, key ``settings.YINGJI_PII_KEY``), then the clear
columns are dropped. Reversible: going back decrypts into the clear columns.
"""

from django.db import migrations, models

from yingji.crypto import decrypt, encrypt


def encrypt_existing(apps, schema_editor):
    Party = apps.get_model("incidents", "Party")
    for party in Party.objects.using(schema_editor.connection.alias).iterator():
        party.name_enc = encrypt(party.name)
        party.contact_enc = encrypt(party.contact)
        party.save(update_fields=["name_enc", "contact_enc"])


def decrypt_existing(apps, schema_editor):
    Party = apps.get_model("incidents", "Party")
    for party in Party.objects.using(schema_editor.connection.alias).iterator():
        party.name = decrypt(party.name_enc)[:50]
        party.contact = decrypt(party.contact_enc)[:100]
        party.save(update_fields=["name", "contact"])


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0002_response"),
    ]

    operations = [
        migrations.AddField(
            model_name="party",
            name="name_enc",
            field=models.TextField(default="", verbose_name="name (encrypted)"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="party",
            name="contact_enc",
            field=models.TextField(blank=True, verbose_name="contact for the reply (encrypted)"),
        ),
        migrations.RunPython(encrypt_existing, decrypt_existing),
        # A default, so that going back can re-add the clear column to existing rows.
        migrations.AlterField(
            model_name="party",
            name="name",
            field=models.CharField(default="", max_length=50, verbose_name="name"),
        ),
        migrations.RemoveField(model_name="party", name="name"),
        migrations.RemoveField(model_name="party", name="contact"),
    ]
