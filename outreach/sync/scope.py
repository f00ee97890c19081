"""What a user may read and write, decided on the server from roles and team membership.
Nothing in a request can widen it."""

from households.models import Household

from ..models import Assignment, Role, RoleGrant, TeamMembership

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


class WriteScope:
    """Answers "may this user record a visit at this household?" without a query per item."""

    def __init__(self, *, user, campaign_id: int):
        self.turf_team = team_turfs(user=user, campaign_id=campaign_id)
        self.paths = officer_paths(user=user)

    def team_for(self, *, household: Household, area_path: str) -> tuple[bool, int | None]:
        if household.turf_id in self.turf_team:
            return True, self.turf_team[household.turf_id]
        if any(area_path.startswith(p) for p in self.paths):
            return True, None
        return False, None

    def may_use_turf(self, *, turf_id: int, area_path: str) -> bool:
        return turf_id in self.turf_team or any(area_path.startswith(p) for p in self.paths)

