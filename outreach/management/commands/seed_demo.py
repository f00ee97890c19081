"""`python manage.py seed_demo`: a believable ward to try the app on, or --scale N wards to
benchmark it. Refuses to write into a database that already has areas (it would clash with
real data); `make run` passes --if-empty so a second start leaves the demo as it is. Refuses
too where DEBUG is off outside the embedded mode, i.e. on a server: the demo users include a
superuser whose password is published in the README."""

import argparse
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils.formats import number_format

from households.models import Area
from outreach.demo import DEMO_PASSWORD, DEMO_USERS
from outreach.demo.builder import DemoBuilder
from outreach.demo.logins import logins_lines
from outreach.models import OutcomeCode


def positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("phải là số nguyên dương")
    return number


class Command(BaseCommand):
    help = (
        "Tạo dữ liệu mẫu: một phường của Hà Nội với 8 tổ dân phố, khoảng 2.000 hộ và 6.000 nhân khẩu,"
        " tổ công tác, chiến dịch, chỉ tiêu, lượt đến nhà và tài khoản dùng thử."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=positive, default=1, help="Số phường cần tạo (để đo hiệu năng).")
        parser.add_argument(
            "--seed", type=int, default=2026, help="Hạt giống ngẫu nhiên (cùng hạt giống, cùng dữ liệu)."
        )
        parser.add_argument("--if-empty", action="store_true", help="Bỏ qua nếu cơ sở dữ liệu đã có địa bàn.")
        parser.add_argument(
            "--force-on-production",
            action="store_true",
            help="Vẫn tạo khi DEBUG tắt (máy chủ thật), dù có tài khoản quản trị với mật khẩu công khai.",
        )
        # Households per ward; the tests shrink it to stay fast.
        parser.add_argument("--households", type=positive, default=2000, help=argparse.SUPPRESS)

    def handle(self, *args, scale, seed, if_empty, households, force_on_production, **options):
        if not settings.DEBUG and not settings.EMBEDDED and not force_on_production:
            raise CommandError(
                "DEBUG đang tắt và TUNGNHA_EMBEDDED chưa bật: có vẻ đây là máy chủ thật. Dữ liệu mẫu tạo tài khoản"
                f" quản trị admin với mật khẩu công khai ({DEMO_PASSWORD}), nên không tạo ở đây. Hãy dùng một cơ sở"
                " dữ liệu thử với TUNGNHA_EMBEDDED=1 (như make run), hoặc thêm --force-on-production nếu thật sự"
                " muốn tạo dữ liệu mẫu trên máy chủ này."
            )
        if Area.objects.exists():
            if if_empty:
                self.stdout.write("Cơ sở dữ liệu đã có địa bàn: không tạo thêm dữ liệu mẫu.")
                return
            raise CommandError(
                "Cơ sở dữ liệu đã có địa bàn; dữ liệu mẫu chỉ tạo trên cơ sở dữ liệu trống (dùng --if-empty để bỏ qua)."
            )
        usernames = [d.username for d in DEMO_USERS]
        taken = list(get_user_model().objects.filter(username__in=usernames).values_list("username", flat=True))
        if taken:
            raise CommandError(f"Tài khoản đã tồn tại: {', '.join(sorted(taken))}. Hãy dùng cơ sở dữ liệu trống.")
        if not OutcomeCode.objects.filter(campaign=None).exists():
            raise CommandError("Chưa có mã kết quả: hãy chạy python manage.py migrate trước.")

        started = time.monotonic()
        with transaction.atomic():
            summary = DemoBuilder(seed=seed, households=households).build(scale=scale)
        if connection.vendor == "postgresql":
            # Fresh bulk-loaded tables have no planner statistics until autovacuum comes by
            # (never, where it is off): the rollup counts then pick nested loops and take
            # seconds per group.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        # Vietnamese grouping (2.000, 14,3) whatever the shell's locale.
        c = {k: number_format(v, force_grouping=True) for k, v in summary.counts.items()}
        seconds = number_format(round(time.monotonic() - started, 1), decimal_pos=1)
        self.stdout.write(
            f"Đã tạo {c['commune']} phường, {c['group']} tổ dân phố, {c['turfs']} khu vực, {c['teams']} tổ công tác,"
            f" {c['households']} hộ, {c['residents']} nhân khẩu, {c['users']} tài khoản;"
            f" {c['visits']} lượt đến {c['visited_households']} hộ ({c['outcomes']} kết quả theo người)"
            f" trong {seconds} giây."
        )
        self.stdout.write(f"Chiến dịch: {summary.campaign.name}")
        self.stdout.write("")
        for line in logins_lines():
            self.stdout.write(line)
