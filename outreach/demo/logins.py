"""The demo logins table, printed after seeding and by `make run` before the server starts,
so whoever opens the app knows which account shows which role's view."""

from django.contrib.auth import get_user_model

from outreach.models import Role, RoleGrant, TeamMembership

from . import ADMIN_URL, APP_URL, DEMO_PASSWORD, DEMO_USERS


def _area_label(grant: RoleGrant | None, user, teams: dict) -> str:
    if user.is_superuser:
        return "Toàn hệ thống"
    if grant is None:
        return "—"
    area = grant.area
    label = f"{area.name}, {area.parent.name}" if area.parent_id and area.kind == "group" else area.name
    if user.pk in teams:
        label = f"{teams[user.pk]}, {area.parent.name if area.parent_id else area.name}"
    return label


def logins_lines() -> list[str]:
    """Lines of the table, for the demo users that exist (none before seeding)."""
    User = get_user_model()
    wanted = [d.username for d in DEMO_USERS]
    users = {u.username: u for u in User.objects.filter(username__in=wanted)}
    if not users:
        return ["Chưa có tài khoản dùng thử. Hãy chạy: python manage.py seed_demo"]
    grants = {}
    for grant in RoleGrant.objects.filter(user__in=users.values()).select_related("area__parent"):
        grants[(grant.user_id, grant.role)] = grant
    teams = {
        m.user_id: m.team.name
        for m in TeamMembership.objects.filter(user__in=users.values()).select_related("team")
    }
    rows = [("Tên đăng nhập", "Vai trò", "Địa bàn", "Mật khẩu")]
    for demo in DEMO_USERS:
        user = users.get(demo.username)
        if user is None:
            continue
        grant = grants.get((user.pk, demo.role))
        rows.append((demo.username, str(Role(demo.role).label), _area_label(grant, user, teams), DEMO_PASSWORD))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = [f"Tài khoản dùng thử (mật khẩu chung: {DEMO_PASSWORD})"]
    for n, row in enumerate(rows):
        lines.append("  " + "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
        if n == 0:
            lines.append("  " + "  ".join("-" * w for w in widths))
    lines += ["", f"Mở ứng dụng:     {APP_URL}", f"Trang quản trị:  {ADMIN_URL}"]
    return lines
