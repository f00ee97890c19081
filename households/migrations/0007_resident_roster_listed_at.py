"""Resident.roster_listed_at: when a roster import first listed the person. Only such people
can be "gone" from a later roster (roster_match), so that the first import into an area
whose people were added at the door does not list all of them as gone.

Residents imported before the field existed: the audit log knows where and when a roster
was imported (an "import" event per import, CLI or browser, with the area's path), not who
was on it. Every resident of such an area created up to the area's last import and not
created by a phone (client_uuid null) is taken as listed then. People added in the admin
or by the demo before an import are counted as listed too (they cannot be told apart); an
area never imported is left unmarked, and its first import lists nobody as gone."""

from django.db import migrations, models
from django.db.models import Max


def mark_imported(apps, schema_editor):
    audit_event = apps.get_model("outreach", "AuditEvent")
    resident = apps.get_model("households", "Resident")
    imports = (audit_event.objects.filter(action="import").exclude(path="").values("path")
               .annotate(last=Max("at")).order_by("path"))  # fmt: skip
    for row in imports:
        resident.objects.filter(household__area__path__startswith=row["path"], client_uuid__isnull=True,
                                created_at__lte=row["last"], roster_listed_at__isnull=True,
                                ).update(roster_listed_at=row["last"])  # fmt: skip


class Migration(migrations.Migration):

    dependencies = [
        ("households", "0006_vietnamese_order_keys"),
        ("outreach", "0008_audit_events"),
    ]

    operations = [
        migrations.AddField(
            model_name="resident",
            name="roster_listed_at",
            field=models.DateTimeField(blank=True, editable=False, null=True,
                                       verbose_name="có trong danh sách nhập từ"),
        ),
        migrations.RunPython(mark_imported, migrations.RunPython.noop),
    ]
