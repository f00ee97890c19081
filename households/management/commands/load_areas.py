"""`manage.py load_areas [--file PATH] [--dry-run]`: a thin shell around households.areas_load.

Loads the official provinces and communes (households/data/dvhc_2025.csv unless --file
names another list in the same format) under the national root. A wrong file or a code
held by an area of another level fails the command with every error on stderr and nothing
written; a re-run of the same list writes nothing.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from households.areas_load import DEFAULT_FILE, AreasFileError, areas_load, areas_read
from households.roster import format_count


class Command(BaseCommand):
    help = _(
        "Nạp danh mục tỉnh / thành phố và xã / phường / đặc khu (từ 1/7/2025) dưới cấp toàn quốc, "
        "theo mã của Cục Thống kê. Chạy lại không thay đổi gì; đơn vị đổi tên hoặc chuyển tỉnh được cập nhật theo mã."
    )

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(DEFAULT_FILE), help=_("Tệp CSV UTF-8: code,name,kind,parent_code"))
        parser.add_argument("--dry-run", action="store_true", help=_("Chỉ kiểm tra, không ghi gì"))

    def handle(self, *args, file: str, dry_run: bool, **options):
        started = time.monotonic()
        try:
            result = areas_load(units=areas_read(path=file), dry_run=dry_run)
        except AreasFileError as exc:
            for error in exc.errors:
                self.stderr.write(error)
            errors = format_count(len(exc.errors))
            raise CommandError(_("Không nạp gì: %(n)s lỗi. Sửa tệp rồi chạy lại.") % {"n": errors}) from None
        counts = {
            "created": format_count(len(result.created)), "renamed": format_count(len(result.renamed)),
            "moved": format_count(len(result.moved)), "unchanged": format_count(result.unchanged),
        }  # fmt: skip
        if dry_run:
            line = _("Tệp hợp lệ, sẽ: tạo mới %(created)s, đổi tên %(renamed)s, chuyển cấp trên %(moved)s, "
                     "giữ nguyên %(unchanged)s đơn vị.")  # fmt: skip
        else:
            line = _("Đã nạp danh mục hành chính: tạo mới %(created)s, đổi tên %(renamed)s, chuyển cấp trên "
                     "%(moved)s, giữ nguyên %(unchanged)s đơn vị.")  # fmt: skip
        self.stdout.write(line % counts)
        if result.below:
            self.stdout.write(_("Cập nhật đường dẫn của %(n)s địa bàn bên dưới các đơn vị được chuyển.")
                              % {"n": format_count(result.below)})  # fmt: skip
        self.stdout.write(_("Xong trong %(seconds).1f giây.") % {"seconds": time.monotonic() - started})
