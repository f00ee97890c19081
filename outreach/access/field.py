"""The field team's scope in one campaign, for the sync push and pull: the turfs assigned
(and not ended) to the user's teams, the assignments of those teams that have ended, the
teams themselves, and the user's role grants, in one round trip of plain SQL. Every push and pull reads it, and building the querysets cost
more than running them; the rules applied to the grants are those of `rules.py`."""

import datetime
from dataclasses import dataclass
from functools import lru_cache

from households.models import Area

from ..rowsql import select_rows, table
from ..turfs.models import Assignment, TeamMembership
from .models import RoleGrant
from .rules import Access, AreaScope, Capability


@lru_cache(maxsize=1)
def _scope_sql() -> str:
    return (f"SELECT a.turf_id, a.team_id, a.ended_at, NULL, NULL FROM {table(Assignment)} a "
            f"JOIN {table(TeamMembership)} m ON m.team_id = a.team_id "
            f"WHERE a.campaign_id = %s AND m.user_id = %s "
            f"UNION ALL SELECT NULL, m.team_id, NULL, NULL, NULL FROM {table(TeamMembership)} m WHERE m.user_id = %s "
            f"UNION ALL SELECT NULL, NULL, NULL, g.role, ar.path FROM {table(RoleGrant)} g "
            f"JOIN {table(Area)} ar ON ar.id = g.area_id WHERE g.user_id = %s")  # fmt: skip


@dataclass(frozen=True)
class Recording:
    """Whether a visit may be stored, and for which team. `after_handover`: the team's
    assignment of the turf had ended before the visit's device time (kept and flagged for the
    officers and the new team: a phone never loses a visit, DESIGN.md §3)."""

    allowed: bool
    team_id: int | None = None
    after_handover: bool = False


@dataclass(frozen=True)
class FieldScope:
    """Answers "may this user record a visit at this household?" without a query per item."""

    turf_team: dict[int, int]  # turf id → the user's team holding it
    team_ids: tuple[int, ...]  # every team the user belongs to
    access: Access
    record: AreaScope  # where the user may record at any household (officers, superusers)
    # turf id → (team, ended at) of the user's teams' ended assignments, the latest end last
    ended: dict[int, tuple[tuple[int, datetime.datetime], ...]] = None

    def recording(self, *, turf_id: int | None, area_path: str, device_time: datetime.datetime) -> Recording:
        """May this user store a visit made at `device_time` at a household of `turf_id`?

        A turf taken from the team while a phone was offline still takes the visits its
        phones made: those made while the team held it count for that team as any other;
        those made after it ended are kept too, flagged, rather than dropped on the phone."""
        if turf_id in self.turf_team:
            return Recording(True, self.turf_team[turf_id])
        if self.record.covers(area_path):
            return Recording(True, None)
        held = (self.ended or {}).get(turf_id, ())
        for team_id, ended_at in held:
            if device_time < ended_at:
                return Recording(True, team_id)
        if held:
            return Recording(True, held[-1][0], after_handover=True)
        return Recording(False)


def field_scope(*, user, campaign_id: int) -> FieldScope:
    turf_team, team_ids, grants, ended = {}, set(), [], {}
    for turf_id, team_id, ended_at, role, path in select_rows(_scope_sql(), [campaign_id, user.id, user.id, user.id]):
        if path is not None:
            grants.append((role, path))
        elif turf_id is None:
            team_ids.add(team_id)
        elif ended_at is None:
            turf_team[turf_id] = team_id
        else:
            ended.setdefault(turf_id, []).append((team_id, _aware(ended_at)))
    access = Access.of_grants(grants, superuser=user.is_superuser)
    return FieldScope(turf_team=turf_team, team_ids=tuple(sorted(team_ids)), access=access,
                      record=access.scope(Capability.RECORD_VISITS),
                      ended={t: tuple(sorted(spans, key=lambda s: s[1])) for t, spans in ended.items()})  # fmt: skip


def _aware(value) -> datetime.datetime:
    """SQLite's raw rows give naive UTC datetimes (or text); PostgreSQL's aware ones."""
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=datetime.UTC)
