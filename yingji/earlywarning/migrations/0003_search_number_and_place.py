"""Search a warning by its number and place too: rebuild every warning's ``search_text``.

``search_text`` held the tokens of summary and cause; it now also holds those
of the number, the village name and the address (``search.warning_search_text``).
"""

from django.db import migrations

from yingji.earlywarning.search import index_text

BATCH = 2000


def reindex(apps, schema_editor):
    Warning = apps.get_model("earlywarning", "Warning")
    rows = Warning.objects.select_related("village").only(
        "id", "number", "village__name", "address", "summary", "cause", "search_text"
    )
    batch = []
    for w in rows.iterator(chunk_size=BATCH):
        village = w.village.name if w.village_id else ""
        w.search_text = index_text(w.number, village, w.address, w.summary, w.cause)
        batch.append(w)
        if len(batch) == BATCH:
            Warning.objects.bulk_update(batch, ["search_text"])
            batch = []
    if batch:
        Warning.objects.bulk_update(batch, ["search_text"])


class Migration(migrations.Migration):
    dependencies = [("earlywarning", "0002_import_interrupted")]

    operations = [migrations.RunPython(reindex, migrations.RunPython.noop)]
