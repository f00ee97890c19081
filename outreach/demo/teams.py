"""Demo accounts, teams and role grants.

The named demo users (DEMO_USERS) sit in the first ward so that every page has someone to
look at it: the province leader sees the ranking, the commune police the whole ward, the
group leader group 1, and doivien1/doivien2 share a team (two phones, one turf) while
doivien3 is in the other team of the same group. Every other team gets two generated
volunteers so every visit has a recorder, and each extra ward (--scale) its own police
account for benchmarks.

All demo accounts share one password hash: hashing is deliberately slow (hundreds of ms),
and a benchmark seed has hundreds of accounts; the password is published anyway.
"""

import random

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission

from households.models import Area
from outreach.models import Role, RoleGrant, Team, TeamMembership

from . import DEMO_PASSWORD, DEMO_USERS
from .names import family_name, person_name

# What the commune police may do in the admin: fix the registry and the team set-up, read
# the campaign figures. Campaign and outcome-code changes stay with the administrator.
POLICE_ADMIN_PERMISSIONS = {
    "households": ("view_area", "view_turf", "add_turf", "change_turf", "view_household", "add_household",
                   "change_household", "view_resident", "add_resident", "change_resident"),
    "outreach": ("view_campaign", "view_quota", "view_outcomecode", "view_team", "add_team", "change_team",
                 "view_teammembership", "add_teammembership", "change_teammembership", "delete_teammembership",
                 "view_assignment", "add_assignment", "change_assignment", "view_visit", "view_rolegrant"),
}  # fmt: skip


class Accounts:
    """Collects users, grants and memberships in memory; `save()` writes them in bulk."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.password = make_password(DEMO_PASSWORD)
        self.users = []
        self.grants: list[tuple[object, Area, str]] = []
        self.memberships: list[tuple[Team, object, bool]] = []

    def user(self, username: str, *, full_name: str | None = None, demo=None):
        User = get_user_model()
        if demo:
            first, last = demo.family_middle, demo.given
        else:
            full_name = full_name or self._random_name()
            first, _, last = full_name.rpartition(" ")
        # first_name holds family + middle name so get_full_name() reads "Nguyễn Văn Hùng".
        user = User(
            username=username, first_name=first, last_name=last, password=self.password,
            is_staff=bool(demo and demo.is_staff), is_superuser=bool(demo and demo.is_superuser),
        )  # fmt: skip
        self.users.append(user)
        return user

    def _random_name(self) -> str:
        sex = self.rng.choice("MF")
        return person_name(self.rng, family=family_name(self.rng), sex=sex, birth_year=self.rng.randint(1970, 2003))

    def grant(self, user, area: Area, role: str) -> None:
        self.grants.append((user, area, role))

    def join(self, team: Team, user, *, lead: bool = False) -> None:
        self.memberships.append((team, user, lead))

    def save(self) -> None:
        """Write what was collected since the last save, then forget it (one ward at a time)."""
        User = get_user_model()
        User.objects.bulk_create(self.users, batch_size=1000)
        RoleGrant.objects.bulk_create(
            [RoleGrant(user=u, area=a, role=r) for u, a, r in self.grants], batch_size=1000
        )
        TeamMembership.objects.bulk_create(
            [TeamMembership(team=t, user=u, is_lead=lead) for t, u, lead in self.memberships], batch_size=1000
        )
        police = [u for u in self.users if u.is_staff and not u.is_superuser]
        if police:
            permissions = Permission.objects.filter(
                content_type__app_label__in=POLICE_ADMIN_PERMISSIONS,
                codename__in=[c for codes in POLICE_ADMIN_PERMISSIONS.values() for c in codes],
            )
            through = User.user_permissions.through
            through.objects.bulk_create(
                [through(user_id=u.pk, permission_id=p.pk) for u in police for p in permissions], batch_size=1000
            )
        self.users, self.grants, self.memberships = [], [], []


def demo_for(scope: str):
    return [d for d in DEMO_USERS if d.scope == scope]


def staff_commune(accounts: Accounts, *, index: int, province: Area, commune: Area):
    """The commune police account (the named demo user in the first ward) and, for the first
    ward, the province-level accounts."""
    if index == 0:
        for demo in demo_for("province"):
            accounts.grant(accounts.user(demo.username, demo=demo), province, demo.role)
        demo = demo_for("commune")[0]
        police = accounts.user(demo.username, demo=demo)
        accounts.grant(police, commune, demo.role)
        return police
    police = accounts.user(f"congan.{commune.code}")
    accounts.grant(police, commune, Role.COMMUNE_POLICE)
    return police


def staff_group(accounts: Accounts, *, index: int, group_no: int, group: Area, teams: list[Team]):
    """The group leader and two volunteers per team; returns (leader, members per team)."""
    first_group = index == 0 and group_no == 1
    prefix = f"{group.code.lower().replace('-', '.')}"
    if first_group:
        demo = demo_for("group")[0]
        leader = accounts.user(demo.username, demo=demo)
    else:
        leader = accounts.user(f"totruong.{prefix}")
    accounts.grant(leader, group, Role.GROUP_LEADER)
    members = []
    for t, team in enumerate(teams, start=1):
        named = [accounts.user(d.username, demo=d) for d in demo_for(f"team{t}")] if first_group else []
        people = named + [accounts.user(f"doivien.{prefix}.{t}.{k}") for k in range(len(named) + 1, 3)]
        for k, person in enumerate(people):
            accounts.grant(person, group, Role.FIELD_MEMBER)
            accounts.join(team, person, lead=k == 0)
        members.append(people)
    return leader, members
