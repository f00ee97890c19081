"""The field team's scope in one campaign, for the sync push and pull: the turfs assigned
(and not ended) to the user's teams, the teams themselves, and the user's role grants, in
one round trip of plain SQL. Every push and pull reads it, and building the querysets cost
more than running them; the rules applied to the grants are those of `rules.py`."""

from dataclasses import dataclass
from functools import lru_cache

from households.models import Area

from ..rowsql import select_rows, table
from ..turfs.models import Assignment, TeamMembership
from .models import RoleGrant
from .rules import Access, AreaScope, Capability


@lru_cache(maxsize=1)
def _scope_sql() -> str:
    return (f"SELECT a.turf_id, a.team_id, NULL, NULL FROM {table(Assignment)} a "
            f"JOIN {table(TeamMembership)} m ON m.team_id = a.team_id "
            f"WHERE a.campaign_id = %s AND a.ended_at IS NULL AND m.user_id = %s "
            f"UNION ALL SELECT NULL, m.team_id, NULL, NULL FROM {table(TeamMembership)} m WHERE m.user_id = %s "
            f"UNION ALL SELECT NULL, NULL, g.role, ar.path FROM {table(RoleGrant)} g "
            f"JOIN {table(Area)} ar ON ar.id = g.area_id WHERE g.user_id = %s")  # fmt: skip


@dataclass(frozen=True)
class FieldScope:
    """Answers "may this user record a visit at this household?" without a query per item."""

    turf_team: dict[int, int]  # turf id → the user's team holding it
    team_ids: tuple[int, ...]  # every team the user belongs to
    access: Access
    record: AreaScope  # where the user may record at any household (officers, superusers)

    def team_for(self, *, turf_id: int | None, area_path: str) -> tuple[bool, int | None]:
        """(allowed, the team the visit counts for: None when recorded as an officer)."""
        if turf_id in self.turf_team:
            return True, self.turf_team[turf_id]
        return self.record.covers(area_path), None

    def may_use_turf(self, *, turf_id: int, area_path: str) -> bool:
        return turf_id in self.turf_team or self.record.covers(area_path)


def field_scope(*, user, campaign_id: int) -> FieldScope:
    turf_team, team_ids, grants = {}, set(), []
    for turf_id, team_id, role, path in select_rows(_scope_sql(), [campaign_id, user.id, user.id, user.id]):
        if path is not None:
            grants.append((role, path))
        elif turf_id is not None:
            turf_team[turf_id] = team_id
        else:
            team_ids.add(team_id)
    access = Access.of_grants(grants, superuser=user.is_superuser)
    return FieldScope(turf_team=turf_team, team_ids=tuple(sorted(team_ids)), access=access,
                      record=access.scope(Capability.RECORD_VISITS))  # fmt: skip
