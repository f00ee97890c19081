"""What a user may read and write, decided on the server from roles and team membership.
Nothing in a request can widen it."""

from households.models import Area, Household

from ..models import Assignment, Role, RoleGrant, TeamMembership
from ..rowsql import select_rows, table

# Roles that may record a visit anywhere inside their area, not only on their team's turfs.
OFFICER_ROLES = (Role.GROUP_LEADER, Role.COMMUNE_POLICE, Role.ADMIN)


def team_ids_of(*, user) -> list[int]:
    return list(TeamMembership.objects.filter(user=user).values_list("team_id", flat=True))


def team_turfs(*, user, campaign_id: int) -> dict[int, int]:
    """turf id → team id for the turfs open-assigned to the user's teams in the campaign."""
    return dict(
        Assignment.objects.filter(campaign_id=campaign_id, ended_at__isnull=True, team__memberships__user=user)
        .values_list("turf_id", "team_id")
    )


def officer_paths(*, user) -> list[str]:
    return list(
        RoleGrant.objects.filter(user=user, role__in=OFFICER_ROLES).values_list("area__path", flat=True)
    )


# Plain strings: a database adapter may send an enum member by its name.
_OFFICER_ROLE_VALUES = [role.value for role in OFFICER_ROLES]


def _write_scope_sql() -> str:
    # team_turfs and officer_paths in one round trip, as plain SQL: the push reads this
    # once per batch, and building the two querysets cost more than running them.
    return (f"SELECT a.turf_id, a.team_id, NULL FROM {table(Assignment)} a "
            f"JOIN {table(TeamMembership)} m ON m.team_id = a.team_id "
            f"WHERE a.campaign_id = %s AND a.ended_at IS NULL AND m.user_id = %s "
            f"UNION ALL SELECT NULL, NULL, ar.path FROM {table(RoleGrant)} g JOIN {table(Area)} ar ON ar.id = g.area_id "
            f"WHERE g.user_id = %s AND g.role IN ({', '.join(['%s'] * len(OFFICER_ROLES))})")  # fmt: skip


class WriteScope:
    """Answers "may this user record a visit at this household?" without a query per item.
    The same rule as team_turfs and officer_paths (tests/test_sync_scope.py holds both)."""

    def __init__(self, *, user, campaign_id: int):
        self.turf_team, self.paths = {}, []
        for turf_id, team_id, path in select_rows(_write_scope_sql(), [campaign_id, user.id, user.id, *_OFFICER_ROLE_VALUES]):
            if path is None:
                self.turf_team[turf_id] = team_id
            else:
                self.paths.append(path)

    def team_for(self, *, household: Household, area_path: str) -> tuple[bool, int | None]:
        if household.turf_id in self.turf_team:
            return True, self.turf_team[household.turf_id]
        if any(area_path.startswith(p) for p in self.paths):
            return True, None
        return False, None

    def may_use_turf(self, *, turf_id: int, area_path: str) -> bool:
        return turf_id in self.turf_team or any(area_path.startswith(p) for p in self.paths)

