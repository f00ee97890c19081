# Issue 19, part 1 (calls): who holds which number (CallClaim), the channel of a visit
# (door or phone), the caller role, the audit action for a caller's batch, and the phone
# counters of the rollups. Written by hand: the shared checkout holds another change's
# models (appointments, shifts) whose migration comes after this one.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

AUDIT_ACTIONS = [
    ('pull', 'Tải dữ liệu về điện thoại'), ('list_view', 'Xem danh sách'), ('export', 'Xuất tệp'),
    ('admin_view', 'Xem hồ sơ trong trang quản trị'), ('admin_add', 'Thêm trong trang quản trị'),
    ('admin_change', 'Sửa trong trang quản trị'), ('admin_delete', 'Xoá trong trang quản trị'),
    ('import', 'Nhập danh sách nhân khẩu'), ('load_areas', 'Nạp danh mục hành chính'), ('assign', 'Giao khu vực'),
    ('reveal', 'Hiện số định danh đầy đủ'), ('audit_view', 'Xem nhật ký truy cập'),
    ('audit_export', 'Xuất nhật ký truy cập'), ('device_revoke', 'Đăng xuất một thiết bị'),
    ('signin_unlock', 'Mở khoá đăng nhập'), ('quality_decision', 'Xử lý một mục chất lượng dữ liệu'),
    ('quality_merge', 'Gộp hai bản ghi nhân khẩu trùng'), ('confirm_gone', 'Xác nhận người không còn trong danh sách'),
    ('call_batch', 'Nhận số điện thoại để gọi'),
]
ROLES = [
    ('field_member', 'Thành viên tổ công tác'), ('group_leader', 'Tổ trưởng dân phố'),
    ('commune_police', 'Công an xã / phường'), ('province_leader', 'Lãnh đạo tỉnh / thành phố'), ('admin', 'Quản trị'),
    ('caller', 'Người gọi điện hỗ trợ'),
]


def phone_counter(name, label):
    return [migrations.AddField(model, name, models.PositiveIntegerField(default=0, verbose_name=label))
            for model in ("arearollup", "areadailysnapshot")]


class Migration(migrations.Migration):

    dependencies = [
        ('households', '0007_resident_roster_listed_at'),
        ('outreach', '0021_syncchange_xact'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='CallClaim',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('claimed_at', models.DateTimeField(blank=True, null=True, verbose_name='nhận lúc')),
                ('expires_at', models.DateTimeField(blank=True, null=True, verbose_name='hết hạn giữ lúc')),
                ('callback_at', models.DateTimeField(blank=True, null=True, verbose_name='hẹn gọi lại lúc')),
                ('available_at', models.DateTimeField(blank=True, null=True, verbose_name='được gọi lại từ')),
                ('done_at', models.DateTimeField(blank=True, null=True, verbose_name='đã xong lúc')),
                ('calls', models.PositiveIntegerField(default=0, verbose_name='số cuộc gọi')),
                ('campaign', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+',
                                               to='outreach.campaign', verbose_name='chiến dịch')),
                ('holder', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                             related_name='+', to=settings.AUTH_USER_MODEL,
                                             verbose_name='người gọi đang giữ')),
                ('resident', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+',
                                               to='households.resident', verbose_name='nhân khẩu')),
            ],
            options={
                'verbose_name': 'số đang giữ để gọi',
                'verbose_name_plural': 'số đang giữ để gọi',
                'indexes': [models.Index(fields=['campaign', 'holder', 'expires_at'], name='call_claim_holder')],
                'constraints': [models.UniqueConstraint(fields=('campaign', 'resident'), name='call_claim_unique')],
            },
        ),
        migrations.AddField(
            model_name='visit',
            name='channel',
            field=models.CharField(choices=[('door', 'Đến nhà'), ('phone', 'Qua điện thoại')], db_default='door',
                                   default='door', max_length=8, verbose_name='hình thức'),
        ),
        migrations.AlterField(
            model_name='rolegrant',
            name='role',
            field=models.CharField(choices=ROLES, max_length=32, verbose_name='vai trò'),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='action',
            field=models.CharField(choices=AUDIT_ACTIONS, max_length=32, verbose_name='thao tác'),
        ),
        *phone_counter('phone_called', 'người đã gọi điện'),
        *phone_counter('phone_answered', 'người nghe máy'),
        *phone_counter('phone_assisted', 'người được hỗ trợ qua điện thoại'),
    ]
