from django.db import migrations

from outreach.campaigns.codes import SEEDED_CODES


def seed(apps, schema_editor):
    OutcomeCode = apps.get_model("outreach", "OutcomeCode")
    for order, (code, scope, label_vi, label_en, effects) in enumerate(SEEDED_CODES):
        OutcomeCode.objects.update_or_create(
            code=code,
            campaign=None,
            defaults={"scope": scope, "label_vi": label_vi, "label_en": label_en, "sort_order": order, **effects},
        )


def seed_clock(apps, schema_editor):
    apps.get_model("outreach", "SyncClock").objects.get_or_create(id=1)


def unseed(apps, schema_editor):
    apps.get_model("outreach", "OutcomeCode").objects.filter(
        campaign=None, code__in=[c[0] for c in SEEDED_CODES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("outreach", "0001_initial")]
    operations = [
        migrations.RunPython(seed, unseed),
        migrations.RunPython(seed_clock, migrations.RunPython.noop),
    ]
