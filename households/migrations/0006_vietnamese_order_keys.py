"""Keys for Vietnamese order and search: Area/Turf name_key (diacritics-free, so the admin
finds "Phường Ba Đình" from "phuong ba dinh") and Resident.name_order (given name first,
sorted with the vi-x-icu collation). New rows fill them in DerivedKeyField.pre_save."""

from django.db import migrations, models

from households.collation import given_name_first
from households.text import search_key

BATCH = 2000


def fill(apps, schema_editor):
    for model_name, field, source, derive in (("Area", "name_key", "name", search_key),
                                              ("Turf", "name_key", "name", search_key),
                                              ("Resident", "name_order", "full_name", given_name_first)):
        model = apps.get_model("households", model_name)
        batch = []
        for row in model.objects.only("pk", source).iterator(chunk_size=BATCH):
            setattr(row, field, derive(getattr(row, source) or "")[:200])
            batch.append(row)
            if len(batch) >= BATCH:
                model.objects.bulk_update(batch, [field])
                batch = []
        model.objects.bulk_update(batch, [field])


class Migration(migrations.Migration):

    dependencies = [
        ("households", "0005_roster_upload"),
    ]

    operations = [
        migrations.AddField(
            model_name="area",
            name="name_key",
            field=models.CharField(default="", editable=False, max_length=200),
        ),
        migrations.AddField(
            model_name="resident",
            name="name_order",
            field=models.CharField(default="", editable=False, max_length=200),
        ),
        migrations.AddField(
            model_name="turf",
            name="name_key",
            field=models.CharField(default="", editable=False, max_length=200),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
