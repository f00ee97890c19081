"""The change log without a global lock (issue 17, item 4): each row carries the
transaction that wrote it, stamped by a column default on PostgreSQL, and the pull reads in
(xact, id) order below the oldest running transaction. The clock row every writer locked
goes. Rows from before keep xact NULL: no cursor reads them again (the phones holding an
old cursor are told to download again, 410 cursor_expired)."""

from django.db import migrations, models
from django.db.models import Q

SET_DEFAULT = ("ALTER TABLE outreach_syncchange ALTER COLUMN xact SET DEFAULT (pg_current_xact_id()::text::bigint)",
               "ALTER TABLE outreach_syncchange ALTER COLUMN xact DROP DEFAULT")  # fmt: skip


def postgres_default(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SET_DEFAULT[0])


def drop_default(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SET_DEFAULT[1])


class Migration(migrations.Migration):
    dependencies = [("outreach", "0020_audit_confirm_gone")]

    operations = [
        migrations.AddField("syncchange", "xact", models.BigIntegerField(editable=False, null=True)),
        migrations.RunPython(postgres_default, drop_default),
        migrations.RemoveIndex("syncchange", "outreach_sy_turf_id_d7dd84_idx"),
        migrations.RemoveIndex("syncchange", "outreach_sy_team_id_cbf95d_idx"),
        migrations.RemoveIndex("syncchange", "syncchange_membership"),
        migrations.RemoveIndex("syncchange", "syncchange_code"),
        migrations.AddIndex("syncchange", models.Index(fields=["turf", "xact", "id"], name="syncchange_turf_xact")),
        migrations.AddIndex("syncchange", models.Index(fields=["team", "xact", "id"], name="syncchange_team_xact")),
        migrations.AddIndex("syncchange", models.Index(fields=["entity_id", "xact", "id"],
                                                       condition=Q(entity="membership"),
                                                       name="syncchange_membership_xact")),
        migrations.AddIndex("syncchange", models.Index(fields=["xact", "id"], condition=Q(entity="code"),
                                                       name="syncchange_code_xact")),
        migrations.DeleteModel("SyncClock"),
    ]
