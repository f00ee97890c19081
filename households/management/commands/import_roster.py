"""`manage.py import_roster FILE --area CODE`: a thin shell around households.roster.

FILE is a workbook (.xlsx, as the ward keeps it) or a CSV (UTF-8); the content decides,
not the name. Rows the import repaired (leading zeros Excel dropped, a second phone
number) are listed on stdout with their line, so the officer can check them. A re-import (the weekly refresh) also says how many people it
updated and which people of the area the file no longer lists; those are not changed.

Bad rows go to stderr, one per line with its line number, and the command fails without
importing anything, so a script or an officer can tell at once that nothing changed.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from households.models import Area
from django.utils.translation import gettext as _

from households.roster import RosterFileError, RosterRejected, format_count, roster_import


class Command(BaseCommand):
    help = (
        "Nhập danh sách nhân khẩu từ tệp Excel (.xlsx) hoặc CSV (UTF-8) vào một địa bàn. Nếu địa bàn có tổ dân "
        "phố bên dưới, tệp phải có cột “Mã tổ dân phố”. Có dòng lỗi thì không nhập dòng nào."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Tệp .xlsx hoặc CSV: Họ và tên, Ngày sinh, Số định danh, địa chỉ…")
        parser.add_argument("--area", required=True, help="Mã địa bàn (tổ dân phố, hoặc xã/phường)")
        parser.add_argument("--dry-run", action="store_true", help="Chỉ kiểm tra, không ghi gì")

    def handle(self, *args, file: str, area: str, dry_run: bool, **options):
        target = Area.objects.filter(code=area).first()
        if target is None:
            raise CommandError(f"Không có địa bàn mã “{area}”.")
        try:
            data = Path(file).read_bytes()
        except OSError as exc:
            raise CommandError(f"Không đọc được tệp {file}: {exc.strerror}.") from None
        try:
            result = roster_import(area=target, data=data, dry_run=dry_run)
        except RosterFileError as exc:
            raise CommandError(str(exc)) from None
        except RosterRejected as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            lines = len({e.line for e in exc.errors})
            raise CommandError(f"Không nhập gì: {format_count(lines)} dòng lỗi. Sửa tệp rồi chạy lại.") from None
        if result.notes:
            self.stdout.write(_("Đã tự sửa %(n)s dòng (kiểm tra lại):") % {"n": format_count(len({n.line for n in result.notes}))})
            for note in result.notes:
                self.stdout.write(f"  {note}")
        if result.ignored_columns:
            self.stdout.write("Bỏ qua các cột không nhận ra: " + ", ".join(f"“{c}”" for c in result.ignored_columns))
        eligible = sum(r.is_eligible for r in result.residents)
        verb = "Tệp hợp lệ, sẽ nhập" if dry_run else "Đã nhập"
        self.stdout.write(
            f"{verb} {format_count(len(result.residents))} nhân khẩu (trong đó {format_count(eligible)} người "
            f"từ 14 tuổi) vào {format_count(len(result.households))} hộ gia đình, {target.name}."
        )
        self._per_group(result)
        self._reimport(result, dry_run)

    def _per_group(self, result) -> None:
        per_group: dict[Area, list[int]] = {}
        for household in result.households:
            per_group.setdefault(household.area, [0, 0])[0] += 1
        for resident in result.residents:  # a new person may join a registered household
            per_group.setdefault(resident.household.area, [0, 0])[1] += 1
        if len(per_group) > 1:
            for group, (households, residents) in sorted(per_group.items(), key=lambda item: item[0].path):
                self.stdout.write(f"  {group.name}: {format_count(households)} hộ, {format_count(residents)} nhân khẩu")

    def _reimport(self, result, dry_run: bool) -> None:
        """A re-import's counts: updated, unchanged, and the people the file no longer lists."""
        changed = sum(row.change == "changed" for row in result.rows)
        if changed or result.unchanged:
            message = _("Sẽ cập nhật %(changed)s người, %(unchanged)s người không đổi.") if dry_run else _(
                "Đã cập nhật %(changed)s người, %(unchanged)s người không đổi.")
            self.stdout.write(message % {"changed": format_count(changed), "unchanged": format_count(result.unchanged)})
        if result.gone:
            self.stdout.write(_("%(n)s người có trong sổ nhưng không có trong tệp (chuyển đi, đã mất?), chưa thay "
                                "đổi gì, chờ cán bộ xác nhận:") % {"n": format_count(len(result.gone))})  # fmt: skip
            for resident in result.gone:
                self.stdout.write(f"  {resident.full_name} ({resident.birth_year or '?'}), "
                                  f"{resident.household.address_display}")  # fmt: skip
