from django.db import migrations


def recompute(apps, schema_editor):
    from households.text import natural_key

    Household = apps.get_model("households", "Household")
    batch = []
    for h in Household.objects.only("street", "lane", "building", "house_number", "floor", "unit").iterator(2000):
        h.walk_key = "\t".join(
            natural_key(v) for v in (h.street, h.lane, h.building, h.house_number, h.floor, h.unit)
        )[:200]
        batch.append(h)
        if len(batch) == 2000:
            Household.objects.bulk_update(batch, ["walk_key"], batch_size=200)
            batch = []
    Household.objects.bulk_update(batch, ["walk_key"], batch_size=200)


class Migration(migrations.Migration):
    dependencies = [("households", "0001_initial")]
    operations = [migrations.RunPython(recompute, migrations.RunPython.noop)]
