"""What a user may read and write, decided on the server from roles and team membership.
Nothing in a request can widen it."""

from functools import lru_cache

from households.models import Area, Household

from ..models import Assignment, Role, RoleGrant, TeamMembership
from ..rowsql import select_rows, table

# Roles that may record a visit anywhere inside their area, not only on their team's turfs.
OFFICER_ROLES = (Role.GROUP_LEADER, Role.COMMUNE_POLICE, Role.ADMIN)


def team_ids_of(*, user) -> list[int]:
    return list(TeamMembership.objects.filter(user=user).values_list("team_id", flat=True))


# Plain strings: a database adapter may send an enum member by its name.
_OFFICER_ROLE_VALUES = [role.value for role in OFFICER_ROLES]


@lru_cache(maxsize=1)
def _scope_sql() -> str:
    return (f"SELECT a.turf_id, a.team_id, NULL FROM {table(Assignment)} a "
            f"JOIN {table(TeamMembership)} m ON m.team_id = a.team_id "
            f"WHERE a.campaign_id = %s AND a.ended_at IS NULL AND m.user_id = %s "
            f"UNION ALL SELECT NULL, NULL, ar.path FROM {table(RoleGrant)} g JOIN {table(Area)} ar ON ar.id = g.area_id "
            f"WHERE g.user_id = %s AND g.role IN ({', '.join(['%s'] * len(OFFICER_ROLES))})")  # fmt: skip


def scope_of(*, user, campaign_id: int) -> tuple[dict[int, int], list[str]]:
    """What the user may reach in the campaign: turf id → team id for the turfs assigned
    (and not ended) to the user's teams, and the area paths of the user's officer roles.
    One round trip as plain SQL: every push and pull reads it, and building the querysets
    cost more than running them."""
    turf_team, paths = {}, []
    for turf_id, team_id, path in select_rows(_scope_sql(), [campaign_id, user.id, user.id, *_OFFICER_ROLE_VALUES]):
        if path is None:
            turf_team[turf_id] = team_id
        else:
            paths.append(path)
    return turf_team, paths


def team_turfs(*, user, campaign_id: int) -> dict[int, int]:
    """turf id → team id for the turfs open-assigned to the user's teams in the campaign."""
    return scope_of(user=user, campaign_id=campaign_id)[0]


class WriteScope:
    """Answers "may this user record a visit at this household?" without a query per item."""

    def __init__(self, *, user, campaign_id: int):
        self.turf_team, self.paths = scope_of(user=user, campaign_id=campaign_id)

    def team_for(self, *, household: Household, area_path: str) -> tuple[bool, int | None]:
        if household.turf_id in self.turf_team:
            return True, self.turf_team[household.turf_id]
        if any(area_path.startswith(p) for p in self.paths):
            return True, None
        return False, None

    def may_use_turf(self, *, turf_id: int, area_path: str) -> bool:
        return turf_id in self.turf_team or any(area_path.startswith(p) for p in self.paths)

