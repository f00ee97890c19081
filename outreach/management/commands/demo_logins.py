"""`python manage.py demo_logins`: print the demo accounts and the URLs (used by `make run`)."""

from django.core.management.base import BaseCommand

from outreach.demo.logins import logins_lines


class Command(BaseCommand):
    help = "In danh sách tài khoản dùng thử (tên đăng nhập, vai trò, địa bàn, mật khẩu) và địa chỉ ứng dụng."

    def handle(self, *args, **options):
        for line in logins_lines():
            self.stdout.write(line)
