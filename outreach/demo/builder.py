"""Builds the demo world: wards, groups, turfs, households, residents, teams, a campaign with
quotas and assignments, and the first week of visits.

Everything is planned in memory from one seeded random generator (same seed, same ward) and
written with bulk inserts, one ward at a time, so memory stays flat and a 20-ward benchmark
seed is a few hundred statements rather than a few hundred thousand. bulk_create skips
save(), so derived fields (search keys, walk order) are filled in here by hand.
"""

import datetime
import random
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from households.models import Area, AreaKind, Household, ResidenceStatus, Resident, Turf
from outreach.models import Assignment, Campaign, OutcomeCode, Quota, Team, Visit, VisitResidentOutcome
from outreach.reports.history import snapshots_backfill
from outreach.visits.projection import projection_rebuild
from outreach.rollups.services import rollups_rebuild
from outreach.hometime.services import hometime_rebuild

from . import names, places
from .people import IdNumbers, make_household
from .teams import Accounts, staff_commune, staff_group
from .visits import LOCAL, VisitPlanner

GROUPS_PER_COMMUNE = 8
TEAMS_PER_GROUP = 2
BATCH = 2000
LIVING = (ResidenceStatus.PERMANENT, ResidenceStatus.TEMPORARY)


@dataclass
class Summary:
    counts: Counter = field(default_factory=Counter)
    campaign: Campaign | None = None


class DemoBuilder:
    def __init__(self, *, seed: int, households: int, today: datetime.date | None = None):
        self.rng = random.Random(seed)
        self.households_per_commune = households
        self.today = today or timezone.localdate()
        self.ids = IdNumbers(self.rng)
        self.accounts = Accounts(self.rng)
        self.summary = Summary()
        self.eligible: dict[Area, int] = {}  # per group, for the quotas

    def build(self, *, scale: int) -> Summary:
        codes = {c.code: c for c in OutcomeCode.objects.filter(campaign=None)}
        province = self._area(*names.PROVINCE, AreaKind.PROVINCE, None)
        start = self.today - datetime.timedelta(days=14)
        self.campaign = Campaign.objects.create(
            name="Cao điểm 90 ngày kích hoạt VNeID — đến từng nhà, rà từng người",
            start_date=start, deadline=start + datetime.timedelta(days=90), target_level=Campaign.Level.LEVEL2,
        )  # fmt: skip
        self.summary.campaign = self.campaign
        self.planner = VisitPlanner(rng=self.rng, campaign=self.campaign, codes=codes, today=self.today)
        communes = [self._commune(index, province) for index in range(scale)]
        self._quotas(province, communes)
        projection_rebuild(campaign=self.campaign)
        rollups_rebuild(campaign=self.campaign)
        hometime_rebuild()  # the demo's households show when someone is usually home
        if scale <= 2:
            # The campaign is two weeks old: give the trend chart, the forecast and "change
            # since last week" their past days (estimated from the visit log; demo only, and
            # skipped for the benchmark scales where it would dominate the seed time).
            snapshots_backfill(campaign=self.campaign, first_day=start,
                               last_day=self.today - datetime.timedelta(days=1))  # fmt: skip
        return self.summary

    def _area(self, code: str, name: str, kind: str, parent: Area | None) -> Area:
        area = Area(code=code, name=name, kind=kind, parent=parent)
        area.save()  # a handful per ward; save() computes the materialised path
        self.summary.counts[kind] += 1
        return area

    def _commune(self, index: int, province: Area) -> Area:
        """One ward: its groups and turfs, teams and accounts, then households, residents and
        visits, written before the next ward is planned."""
        code, name = names.commune(index)
        commune = self._area(code, name, AreaKind.COMMUNE, province)
        staff_commune(self.accounts, index=index, province=province, commune=commune)
        groups = self._plan_groups(index, code, commune)
        turfs = iter(
            Turf.objects.bulk_create(
                [Turf(area=group, name=p.name, kind=p.kind) for group, plans in groups for p in plans],
                batch_size=BATCH,
            )
        )
        teams_of, staffing = self._staff_teams(index, groups)
        assignments, households, residents = self._plan_households(index, groups, turfs, teams_of, staffing)
        self._write(assignments, households, residents)
        self.summary.counts["turfs"] += len(assignments)
        self.summary.counts["teams"] += sum(len(teams) for teams in teams_of)
        return commune

    def _plan_groups(self, index: int, code: str, commune: Area) -> list[tuple[Area, list]]:
        """The ward's residential groups (saved) with their turfs planned in memory: two
        streets and a share of the ward's households each."""
        rng = self.rng
        streets = names.streets_for(index, rng, GROUPS_PER_COMMUNE * 2)
        budgets = places.split_budget(
            self.households_per_commune, [rng.uniform(0.8, 1.2) for _ in range(GROUPS_PER_COMMUNE)]
        )
        groups = []
        for g in range(GROUPS_PER_COMMUNE):
            group = self._area(f"{code}-TDP{g + 1:02d}", f"Tổ dân phố số {g + 1}", AreaKind.GROUP, commune)
            main, side = streets[2 * g], streets[2 * g + 1]
            groups.append((group, places.plan_group(rng, group_no=g + 1, main=main, side=side, budget=budgets[g])))
        return groups

    def _staff_teams(self, index: int, groups: list[tuple[Area, list]]) -> tuple[list[list[Team]], list]:
        """TEAMS_PER_GROUP teams per group and the accounts that lead and fill them. Returns
        each group's teams and each group's (leader, members per team)."""
        teams = Team.objects.bulk_create(
            [
                Team(name=f"Tổ công tác số {t} — TDP số {g + 1}", area=group)
                for g, (group, _) in enumerate(groups)
                for t in range(1, TEAMS_PER_GROUP + 1)
            ],
            batch_size=BATCH,
        )
        teams_of = [teams[g * TEAMS_PER_GROUP : (g + 1) * TEAMS_PER_GROUP] for g in range(GROUPS_PER_COMMUNE)]
        staffing = [
            staff_group(self.accounts, index=index, group_no=g + 1, group=group, teams=teams_of[g])
            for g, (group, _) in enumerate(groups)
        ]
        self.summary.counts["users"] += len(self.accounts.users)
        self.accounts.save()
        return teams_of, staffing

    def _plan_households(self, index, groups, turfs, teams_of, staffing) -> tuple[list, list, list]:
        """Every turf's assignment, households and residents (not yet saved), with its visits
        planned."""
        assigned_at = datetime.datetime.combine(self.campaign.start_date, datetime.time(8, 0), tzinfo=LOCAL)
        assignments, households, residents = [], [], []
        for g, (group, plans) in enumerate(groups):
            leader, members = staffing[g]
            self.eligible[group] = 0
            for t, plan in enumerate(plans):
                turf, team_no = next(turfs), t % TEAMS_PER_GROUP  # neighbouring turfs alternate teams
                team = teams_of[g][team_no]
                assignments.append(
                    Assignment(
                        campaign=self.campaign, turf=turf, team=team, assigned_by=leader, assigned_at=assigned_at
                    )
                )
                walk = [self._household(index, g, t, group, turf, address) for address in plan.addresses]
                for household, members_here in walk:
                    households.append(household)
                    residents += members_here
                self.planner.plan_turf(team=team, members=members[team_no], households=walk)
        return assignments, households, residents

    def _write(self, assignments: list[Assignment], households: list[Household], residents: list[Resident]) -> None:
        """Insert one ward's rows, parents first: bulk_create fills the new ids into the
        objects, and children that were given the unsaved parent pick those ids up."""
        Assignment.objects.bulk_create(assignments, batch_size=BATCH)
        Household.objects.bulk_create(households, batch_size=BATCH)
        for resident in residents:
            resident.derive_fields()
            if resident.is_eligible_on(self.today) and resident.residence_status in LIVING:
                self.eligible[resident.household.area] += 1
        Resident.objects.bulk_create(residents, batch_size=BATCH)
        plan = self.planner.plan
        Visit.objects.bulk_create(plan.visits, batch_size=BATCH)
        VisitResidentOutcome.objects.bulk_create(plan.outcomes, batch_size=BATCH)
        counts = self.summary.counts
        counts["households"] += len(households)
        counts["residents"] += len(residents)
        counts["visits"] += len(plan.visits)
        counts["visited_households"] += len({v.household_id for v in plan.visits})
        counts["outcomes"] += len(plan.outcomes)
        plan.visits.clear()
        plan.outcomes.clear()

    def _household(self, index, g, t, group, turf, address) -> tuple[Household, list[Resident]]:
        lat, lon = places.coordinates(self.rng, commune_index=index, group_no=g, turf_no=t)
        members = make_household(self.rng, today=self.today, ids=self.ids)
        household = Household(
            area=group, turf=turf, head_name=members[0].full_name,
            latitude=Decimal(f"{lat:.6f}"), longitude=Decimal(f"{lon:.6f}"), **address,
        )  # fmt: skip
        household.derive_fields()
        for resident in members:
            resident.household = household  # its id is read when the residents are inserted
        return household, members

    def _quotas(self, province: Area, communes: list[Area]) -> None:
        """The ministry's targets: 88–95 % of eligible residents registered and 80–90 %
        activated, per group; a ward's quota is the sum of its groups', the city's of its wards'."""
        rows, totals = [], Counter()
        for group, eligible in self.eligible.items():
            registered = round(eligible * self.rng.uniform(0.88, 0.95))
            activated = min(registered, round(eligible * self.rng.uniform(0.80, 0.90)))
            rows.append(
                Quota(campaign=self.campaign, area=group, registered_target=registered, activated_target=activated)
            )
            for area_id in (group.parent_id, province.pk):
                totals[(area_id, "r")] += registered
                totals[(area_id, "a")] += activated
        for area in [*communes, province]:
            rows.append(
                Quota(
                    campaign=self.campaign, area=area,
                    registered_target=totals[(area.pk, "r")], activated_target=totals[(area.pk, "a")],
                )  # fmt: skip
            )
        Quota.objects.bulk_create(rows, batch_size=BATCH)
        self.summary.counts["quotas"] += len(rows)
