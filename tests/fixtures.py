"""A small world every test can stand on: one province with two communes, named users for
every role, two teams with one turf each, and a campaign.

    world.alice    field member of team A (turf "Ngõ 12 Đội Cấn", group TDP 1, Ba Đình)
    world.bob      her teammate
    world.carol    field member of team B (turf "Toà nhà CT1", group TDP 2, Ba Đình)
    world.dave     field member in another commune (Phường Hoàn Kiếm)
    world.leader   group leader of TDP 1
    world.police   commune police of Ba Đình
    world.province province leader of Hà Nội

Every date is counted from today, so that the world means the same in any year: the campaign
started nine weeks ago and ends in four, the parents of each household are in their forties
and their son is eleven, too young for VNeID whatever year the suite runs in.
"""

import datetime
from dataclasses import dataclass, field
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import User
from django.utils import timezone

from households.models import Area, AreaKind, Household, Resident, Turf
from households.services import household_create, resident_create
from outreach.models import Assignment, Campaign, OutcomeCode, Quota, Role, RoleGrant, Team, TeamMembership


seed_outcome_codes = import_module("outreach.migrations.0002_seed_outcome_codes").seed


@dataclass
class World:
    province: Area
    commune: Area
    group1: Area
    group2: Area
    other_commune: Area
    other_group: Area
    turf_a: Turf
    turf_b: Turf
    turf_other: Turf
    team_a: Team
    team_b: Team
    team_other: Team
    campaign: Campaign
    alice: User
    bob: User
    carol: User
    dave: User
    leader: User
    police: User
    province_user: User
    households_a: list[Household] = field(default_factory=list)
    households_b: list[Household] = field(default_factory=list)
    households_other: list[Household] = field(default_factory=list)

    def code(self, code: str) -> OutcomeCode:
        return OutcomeCode.objects.get(code=code, campaign=None)


def make_user(username: str, *, area: Area, role: str, team: Team | None = None) -> User:
    user = User.objects.create_user(username=username, password="matkhau-123", first_name=username.title())
    RoleGrant.objects.create(user=user, area=area, role=role)
    if team:
        TeamMembership.objects.create(team=team, user=user)
    return user


def years_ago(years: int, *, days: int = 0) -> datetime.date:
    """Today `years` years back (28 February for a 29th), then `days` further back."""
    today = timezone.localdate()
    try:
        anniversary = today.replace(year=today.year - years)
    except ValueError:
        anniversary = today.replace(year=today.year - years, day=28)
    return anniversary - datetime.timedelta(days=days)


def id_number_for(resident: Resident, serial: str = "012345") -> str:
    """A Hà Nội-born ID number whose century, sex and year digits match the resident, as
    the services check: the fixture's birth years move with today."""
    year = resident.birth_date.year if resident.birth_date else resident.birth_year
    century_and_sex = 2 * (year // 100 - 19) + (resident.sex == "F")
    return f"001{century_and_sex}{year % 100:02d}{serial}"


def make_households(turf: Turf, street: str, count: int) -> list[Household]:
    households = []
    for n in range(1, count + 1):
        household = household_create(area=turf.area, turf=turf, house_number=str(n), street=street, head_name=f"Hộ {n}")
        resident_create(
            household=household, full_name=f"Nguyễn Văn An {n}", birth_date=years_ago(46, days=n), sex="M"
        )
        resident_create(
            household=household, full_name=f"Trần Thị Hoà {n}", birth_date=years_ago(41, days=n), sex="F"
        )
        # Only a birth year: eligible from 1 January of the year he turns 14, three years away.
        resident_create(household=household, full_name=f"Nguyễn Minh Đức {n}", birth_year=years_ago(11).year, sex="M")
        households.append(household)
    return households


def build_world(households_per_turf: int = 3) -> World:
    # Transactional tests flush every table, the data migration's outcome codes included.
    seed_outcome_codes(django_apps, None)
    province = Area.objects.create(code="01", name="Thành phố Hà Nội", kind=AreaKind.PROVINCE)
    commune = Area.objects.create(code="00004", name="Phường Ba Đình", kind=AreaKind.COMMUNE, parent=province)
    group1 = Area.objects.create(code="00004-TDP01", name="Tổ dân phố 1", kind=AreaKind.GROUP, parent=commune)
    group2 = Area.objects.create(code="00004-TDP02", name="Tổ dân phố 2", kind=AreaKind.GROUP, parent=commune)
    other_commune = Area.objects.create(code="00070", name="Phường Hoàn Kiếm", kind=AreaKind.COMMUNE, parent=province)
    other_group = Area.objects.create(code="00070-TDP01", name="Tổ dân phố 1", kind=AreaKind.GROUP, parent=other_commune)
    turf_a = Turf.objects.create(area=group1, name="Ngõ 12 Đội Cấn", kind=Turf.Kind.LANE)
    turf_b = Turf.objects.create(area=group2, name="Toà nhà CT1", kind=Turf.Kind.BUILDING)
    turf_other = Turf.objects.create(area=other_group, name="Phố Hàng Bạc", kind=Turf.Kind.STREET)
    team_a = Team.objects.create(name="Tổ công tác số 1", area=group1)
    team_b = Team.objects.create(name="Tổ công tác số 2", area=group2)
    team_other = Team.objects.create(name="Tổ công tác Hoàn Kiếm", area=other_group)
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        name="Chiến dịch 90 ngày", start_date=today - datetime.timedelta(weeks=9), deadline=today + datetime.timedelta(weeks=4)
    )
    for turf, team in ((turf_a, team_a), (turf_b, team_b), (turf_other, team_other)):
        Assignment.objects.create(campaign=campaign, turf=turf, team=team)
    Quota.objects.create(campaign=campaign, area=commune, registered_target=20, activated_target=15)
    world = World(
        province=province, commune=commune, group1=group1, group2=group2, other_commune=other_commune,
        other_group=other_group, turf_a=turf_a, turf_b=turf_b, turf_other=turf_other, team_a=team_a,
        team_b=team_b, team_other=team_other, campaign=campaign,
        alice=make_user("alice", area=group1, role=Role.FIELD_MEMBER, team=team_a),
        bob=make_user("bob", area=group1, role=Role.FIELD_MEMBER, team=team_a),
        carol=make_user("carol", area=group2, role=Role.FIELD_MEMBER, team=team_b),
        dave=make_user("dave", area=other_group, role=Role.FIELD_MEMBER, team=team_other),
        leader=make_user("leader", area=group1, role=Role.GROUP_LEADER),
        police=make_user("police", area=commune, role=Role.COMMUNE_POLICE),
        province_user=make_user("province", area=province, role=Role.PROVINCE_LEADER),
    )  # fmt: skip
    world.households_a = make_households(turf_a, "Phố Đội Cấn", households_per_turf)
    world.households_b = make_households(turf_b, "Phố Liễu Giai", households_per_turf)
    world.households_other = make_households(turf_other, "Phố Hàng Bạc", households_per_turf)
    return world


@pytest.fixture
def world(db) -> World:
    return build_world()
