"""Demo data for `make run`, the screenshots and the benchmarks.

A new developer or a police officer trying the app must see a believable ward on first
start: real-looking Vietnamese names and addresses, a mix of ages, households that are hard
to reach, a campaign half-way through. The builders live in this package; the two
management commands (seed_demo, demo_logins) only parse options and print.

DEMO_USERS is shared by both commands so the table printed after seeding and the one
printed by `make run` can never disagree.
"""

from dataclasses import dataclass

# Published on purpose: these accounts exist only in demo databases.
DEMO_PASSWORD = "tungnha2026"
APP_URL = "http://127.0.0.1:8000/"
ADMIN_URL = "http://127.0.0.1:8000/admin/"


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str  # an outreach.models.Role value
    family_middle: str  # "Nguyễn Văn": stored in first_name so get_full_name() reads in Vietnamese order
    given: str  # "Hùng": stored in last_name
    scope: str  # where the role is granted: province, commune, group, or team1/team2 (of the first group)
    is_staff: bool = False
    is_superuser: bool = False

    @property
    def full_name(self) -> str:
        return f"{self.family_middle} {self.given}"


DEMO_USERS = (
    DemoUser("admin", "admin", "Đỗ Minh", "Quân", "province", is_staff=True, is_superuser=True),
    DemoUser("lanhdao", "province_leader", "Trần Quốc", "Hưng", "province"),
    DemoUser("congan", "commune_police", "Phạm Đức", "Thắng", "commune", is_staff=True),
    DemoUser("totruong", "group_leader", "Lê Thị Thanh", "Hương", "group"),
    DemoUser("doivien1", "field_member", "Nguyễn Văn", "Hùng", "team1"),
    DemoUser("doivien2", "field_member", "Vũ Thị", "Mai", "team1"),
    DemoUser("doivien3", "field_member", "Hoàng Minh", "Khôi", "team2"),
)
