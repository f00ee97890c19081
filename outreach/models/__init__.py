"""Campaign work: campaigns and quotas, outcome codes, roles and teams, assignments, visits,
the projection of visits onto households and residents, rollups and the sync change log."""

from .campaigns import Campaign, OutcomeCode, OutcomeScope, Quota
from .rollups import AreaDailySnapshot, AreaRollup, RollupDirty
from .sync import SyncChange, SyncClock
from .teams import Assignment, Role, RoleGrant, Team, TeamMembership
from .visits import HouseholdState, ResidentState, Visit, VisitResidentOutcome

__all__ = [
    "Campaign", "OutcomeCode", "OutcomeScope", "Quota", "AreaDailySnapshot", "AreaRollup", "RollupDirty", "SyncChange", "SyncClock",
    "Assignment", "Role", "RoleGrant", "Team", "TeamMembership", "HouseholdState", "ResidentState", "Visit",
    "VisitResidentOutcome",
]  # fmt: skip
