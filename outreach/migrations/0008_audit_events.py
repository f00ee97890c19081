# The audit log of personal data (outreach/audit/). Append-only: the model refuses update and
# delete in Python, and on PostgreSQL a trigger refuses UPDATE and DELETE on the table for
# everyone but a superuser's explicit DISABLE TRIGGER, so a bug or a hand-typed SQL statement
# cannot rewrite history either. TRUNCATE (the test suite's flush) is not refused. SQLite: the
# Python guard only.

import django.utils.timezone
from django.db import migrations, models

TABLE = "outreach_auditevent"

CREATE_TRIGGER = f"""
CREATE OR REPLACE FUNCTION outreach_auditevent_refuse() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'outreach_auditevent is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER outreach_auditevent_append_only BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION outreach_auditevent_refuse();
"""

DROP_TRIGGER = f"""
DROP TRIGGER IF EXISTS outreach_auditevent_append_only ON {TABLE};
DROP FUNCTION IF EXISTS outreach_auditevent_refuse();
"""


def add_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE_TRIGGER, params=None)  # None: the % in RAISE is not a placeholder


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_TRIGGER, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ('outreach', '0007_state_keys_checked_by_visits'),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='lúc')),
                ('user_id', models.IntegerField(blank=True, null=True, verbose_name='mã người dùng')),
                ('username', models.CharField(blank=True, max_length=150, verbose_name='người dùng')),
                ('ip', models.GenericIPAddressField(blank=True, null=True, verbose_name='địa chỉ IP')),
                ('device', models.CharField(blank=True, max_length=200, verbose_name='thiết bị')),
                ('action', models.CharField(choices=[('pull', 'Tải dữ liệu về điện thoại'), ('list_view', 'Xem danh sách'), ('export', 'Xuất tệp'), ('admin_view', 'Xem hồ sơ trong trang quản trị'), ('admin_add', 'Thêm trong trang quản trị'), ('admin_change', 'Sửa trong trang quản trị'), ('admin_delete', 'Xoá trong trang quản trị'), ('import', 'Nhập danh sách nhân khẩu'), ('assign', 'Giao khu vực'), ('reveal', 'Hiện số định danh đầy đủ'), ('audit_view', 'Xem nhật ký truy cập'), ('audit_export', 'Xuất nhật ký truy cập')], max_length=32, verbose_name='thao tác')),
                ('path', models.CharField(blank=True, max_length=500, verbose_name='đường dẫn địa bàn')),
                ('area_id', models.IntegerField(blank=True, null=True, verbose_name='mã địa bàn')),
                ('area_name', models.CharField(blank=True, max_length=200, verbose_name='địa bàn')),
                ('object_type', models.CharField(blank=True, max_length=64, verbose_name='loại bản ghi')),
                ('object_id', models.CharField(blank=True, max_length=64, verbose_name='mã bản ghi')),
                ('rows', models.PositiveIntegerField(default=0, verbose_name='số dòng')),
                ('fields', models.JSONField(blank=True, default=list, verbose_name='trường dữ liệu')),
                ('detail', models.JSONField(blank=True, default=dict, verbose_name='chi tiết')),
            ],
            options={
                'verbose_name': 'nhật ký truy cập',
                'verbose_name_plural': 'nhật ký truy cập',
                'ordering': ['-at', '-id'],
                'indexes': [models.Index(fields=['path', 'at'], name='audit_path_at'), models.Index(fields=['at'], name='audit_at'), models.Index(fields=['username', 'at'], name='audit_user_at')],
            },
        ),
        migrations.RunPython(add_trigger, drop_trigger),
    ]
