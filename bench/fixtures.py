"""The people and places the benchmark adds to the seeded wards (seed_demo --scale 20).

- Eight push teams, one per ward (wards 2–9): a new team takes over the turfs of the ward's
  first two residential groups (about 500 households), and one new field member per team
  is the HTTP client that pushes for it. Distinct teams, so no two clients write the same
  household, as in the field.
- One pull team (ward 10): a new lane turf of exactly 500 households and 2,000 residents,
  built with the demo generators (names, ages, ID numbers, +84 phones) and assigned to a
  new team whose only member is a plain field member, so the pull is the volunteer's one
  with ID numbers masked.

Runs in the bench process with the ORM, before the server starts.
"""

import datetime
import random
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from households.models import Area, AreaKind, Household, Resident, Turf
from outreach.demo import names, places
from outreach.demo.people import IdNumbers, make_household, mobile_phone
from outreach.models import Assignment, Campaign, Role, RoleGrant, Team, TeamMembership

PASSWORD = "thu-tai-2026"
PULL_HOUSEHOLDS = 500
PULL_RESIDENTS = 2000
# Household sizes of the pull turf (mean ≈ 3.9, then nudged to exactly 2,000 people): a
# dense old lane of extended families, bigger than the ward average of 3.
PULL_SIZES = ((1, 6), (2, 12), (3, 20), (4, 28), (5, 20), (6, 14))


@dataclass
class Home:
    id: int
    latitude: float
    longitude: float
    residents: list[tuple[int, int]]  # (resident id, age today)


@dataclass
class Crew:
    """A bench user, their team and the homes of their turfs."""

    username: str
    user_id: int
    team_id: int
    commune_id: int
    homes: list[Home] = field(default_factory=list)


@dataclass
class Fixtures:
    campaign_id: int
    pushers: list[Crew]
    puller: Crew
    pull_turf_id: int


def _age(born: datetime.date | None, birth_year: int | None, today: datetime.date) -> int:
    if born:
        return today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    return today.year - (birth_year or today.year - 30)


def _homes(turf_ids: list[int], today: datetime.date) -> list[Home]:
    homes = {
        h["id"]: Home(h["id"], float(h["latitude"] or 21.03), float(h["longitude"] or 105.82), [])
        for h in Household.objects.filter(turf_id__in=turf_ids).order_by("id").values("id", "latitude", "longitude")
    }
    for r in Resident.objects.filter(household_id__in=list(homes)).order_by("id").values(
        "id", "household_id", "birth_date", "birth_year"
    ):
        homes[r["household_id"]].residents.append((r["id"], _age(r["birth_date"], r["birth_year"], today)))
    return list(homes.values())


class _Builder:
    def __init__(self, *, seed: int):
        self.rng = random.Random(seed)
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.password = make_password(PASSWORD)
        self.campaign = Campaign.objects.get()
        self.communes = list(Area.objects.filter(kind=AreaKind.COMMUNE).order_by("id"))
        if len(self.communes) < 10:
            raise RuntimeError("the benchmark needs seed_demo --scale 10 or more")

    def _member(self, username: str, team: Team, groups: list[Area]):
        family = names.family_name(self.rng)
        sex = self.rng.choice("MF")
        first, _, last = names.person_name(self.rng, family=family, sex=sex, birth_year=1995).rpartition(" ")
        user = get_user_model().objects.create(username=username, first_name=first, last_name=last,
                                               password=self.password)  # fmt: skip
        TeamMembership.objects.create(team=team, user=user)
        for group in groups:
            RoleGrant.objects.create(user=user, area=group, role=Role.FIELD_MEMBER)
        return user

    def _assign(self, team: Team, turf_ids: list[int]) -> None:
        """Reassign turfs the way a group leader does: end the open assignment, add a new one."""
        Assignment.objects.filter(campaign=self.campaign, turf_id__in=turf_ids, ended_at__isnull=True).update(
            ended_at=self.now
        )
        Assignment.objects.bulk_create(
            [Assignment(campaign=self.campaign, turf_id=t, team=team, assigned_at=self.now) for t in turf_ids]
        )

    def pusher(self, n: int, commune: Area) -> Crew:
        groups = list(Area.objects.filter(parent=commune, kind=AreaKind.GROUP).order_by("code")[:2])
        team = Team.objects.create(name=f"Tổ công tác thử tải số {n}", area=groups[0])
        user = self._member(f"thutai.day{n}", team, groups)
        turf_ids = list(Turf.objects.filter(area__in=groups).values_list("id", flat=True))
        self._assign(team, turf_ids)
        return Crew(user.username, user.id, team.id, commune.id, _homes(turf_ids, self.today))

    def puller(self, commune: Area) -> tuple[Crew, int]:
        group = Area.objects.filter(parent=commune, kind=AreaKind.GROUP).order_by("code").first()
        street = self.rng.choice(names.HANOI_STREETS)
        plan = places.lane(self.rng, street, 158, PULL_HOUSEHOLDS)
        turf = Turf.objects.create(area=group, name=plan.name, kind=plan.kind)
        team = Team.objects.create(name="Tổ công tác thử tải — tải về", area=group)
        user = self._member("thutai.taive", team, [group])
        self._assign(team, [turf.id])
        self._households(group, turf, plan.addresses)
        return Crew(user.username, user.id, team.id, commune.id, _homes([turf.id], self.today)), turf.id

    def _sizes(self) -> list[int]:
        sizes, weights = zip(*PULL_SIZES, strict=True)
        chosen = self.rng.choices(sizes, weights=weights, k=PULL_HOUSEHOLDS)
        for _ in range(100_000):
            gap = PULL_RESIDENTS - sum(chosen)
            if gap == 0:
                return chosen
            i = self.rng.randrange(PULL_HOUSEHOLDS)
            if gap > 0 and chosen[i] < 6:
                chosen[i] += 1
            elif gap < 0 and chosen[i] > 1:
                chosen[i] -= 1
        raise RuntimeError("could not size the pull turf")

    def _households(self, group: Area, turf: Turf, addresses: list[dict]) -> None:
        ids = IdNumbers(self.rng)
        ids.used = set(Resident.objects.exclude(id_number=None).values_list("id_number", flat=True))
        pool: dict[int, list] = defaultdict(list)

        def members_of(size: int) -> list[Resident]:
            for _ in range(200_000):
                if pool[size]:
                    return pool[size].pop()
                members = make_household(self.rng, today=self.today, ids=ids)
                pool[len(members)].append(members)
            raise RuntimeError(f"no household of {size} drawn")

        households, residents = [], []
        lat0, lon0 = 21.0290 + self.rng.uniform(0, 0.01), 105.8400 + self.rng.uniform(0, 0.01)
        for n, (address, size) in enumerate(zip(addresses, self._sizes(), strict=True)):
            members = members_of(size)
            household = Household(
                area=group, turf=turf, head_name=members[0].full_name,
                latitude=Decimal(f"{lat0 + n * 0.000004:.6f}"), longitude=Decimal(f"{lon0 + n * 0.000003:.6f}"),
                **address,
            )  # fmt: skip
            household.derive_fields()
            households.append(household)
            for resident in members:
                # Every adult with an ID number and a mobile number: the heaviest roster
                # a phone has to carry, and what the campaign is cleaning the data towards.
                if _age(resident.birth_date, resident.birth_year, self.today) >= 18:
                    if not resident.id_number:
                        resident.id_number = ids.make(province="001", birth_year=resident.birth_year, sex=resident.sex)
                    if not resident.phone:
                        resident.phone = mobile_phone(self.rng)
                resident.household = household
                residents.append(resident)
        Household.objects.bulk_create(households)
        for resident in residents:
            resident.household_id = resident.household.id
            resident.derive_fields()
        Resident.objects.bulk_create(residents, batch_size=1000)
        assert len(households) == PULL_HOUSEHOLDS and len(residents) == PULL_RESIDENTS


def load_fixtures(*, clients: int) -> Fixtures:
    """The fixtures of an earlier run on this database (run.py --reuse, to try settings)."""
    today = timezone.localdate()
    campaign = Campaign.objects.get()

    def crew(username: str) -> tuple[Crew, list[int]]:
        membership = TeamMembership.objects.select_related("user", "team").get(user__username=username)
        turfs = list(Assignment.objects.filter(campaign=campaign, team=membership.team, ended_at__isnull=True)
                     .values_list("turf_id", flat=True))  # fmt: skip
        commune = Area.objects.get(path=membership.team.area.ancestors_paths()[-2])
        found = Crew(username, membership.user.id, membership.team.id, commune.id, _homes(turfs, today))
        return found, turfs

    pushers = [crew(f"thutai.day{n + 1}")[0] for n in range(clients)]
    puller, turfs = crew("thutai.taive")
    return Fixtures(campaign.id, pushers, puller, turfs[0])


def build_fixtures(*, clients: int, seed: int = 14) -> Fixtures:
    with transaction.atomic():
        builder = _Builder(seed=seed)
        if clients + 2 > len(builder.communes):
            raise RuntimeError(f"{clients} clients need seed_demo --scale {clients + 2} or more")
        # Ward 1 is the demo ward with the named users; leave it as it is.
        pushers = [builder.pusher(n + 1, commune) for n, commune in enumerate(builder.communes[1 : clients + 1])]
        puller, turf_id = builder.puller(builder.communes[clients + 1])
    return Fixtures(builder.campaign.id, pushers, puller, turf_id)
