"""The demo data: what someone opening the app for the first time would see, and what the
benchmarks stand on. Most tests seed a small ward (--households 200) to stay fast."""

import io
import re
import time
import unicodedata
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone

from households.idnumber import validate_id_number
from households.models import Area, AreaKind, Household, ResidenceStatus, Resident, Turf, VneidStatus
from households.phones import normalize_phone, phone_is_mobile
from outreach.demo import DEMO_PASSWORD, DEMO_USERS
from outreach.demo.names import FAMILY_NAMES
from outreach.demo.visits import LOCAL
from outreach.models import Assignment, Campaign, Quota, Role, RoleGrant, TeamMembership, Visit, VisitResidentOutcome

pytestmark = pytest.mark.django_db
FAMILIES = {name for name, _ in FAMILY_NAMES}


def seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", "--households", "200", *args, stdout=out)
    return out.getvalue()


def test_it_builds_one_ward_of_hanoi_with_eight_residential_groups():
    seed()
    province = Area.objects.get(kind=AreaKind.PROVINCE)
    commune = Area.objects.get(kind=AreaKind.COMMUNE)
    assert (province.code, province.name) == ("01", "Thành phố Hà Nội")
    assert commune.parent == province and re.fullmatch(r"\d{5}", commune.code)
    assert Area.objects.filter(kind=AreaKind.GROUP, parent=commune).count() == 8
    assert Household.objects.count() == 200
    assert 500 <= Resident.objects.count() <= 700


def test_it_writes_vietnamese_names_in_nfc_family_name_first():
    seed()
    names = list(Resident.objects.values_list("full_name", flat=True))
    assert all(unicodedata.normalize("NFC", n) == n for n in names)
    assert all(n.split()[0] in FAMILIES for n in names)
    assert sum(not n.isascii() for n in names) > 0.9 * len(names)  # diacritics: Nguyễn, Thị, Đức...


def test_it_never_repeats_the_family_name_in_one_persons_name():
    """A young person may carry the mother's family name too (Nguyễn Trần Minh Anh), never
    the father's twice (Nguyễn Nguyễn Văn Duy)."""
    import random

    from outreach.demo.names import person_name

    rng = random.Random(7)
    names = [person_name(rng, family="Nguyễn", sex=rng.choice("MF"), birth_year=2005) for _ in range(3000)]
    assert any(n.split()[1] in FAMILIES for n in names)  # the two-family-name fashion is there
    assert not [n for n in names if n.split()[1] == "Nguyễn"]


def test_it_gives_household_members_the_heads_family_name():
    seed()
    shared = total = 0
    for household in Household.objects.annotate(n=Count("residents")).filter(n__gte=3).prefetch_related("residents"):
        family = household.head_name.split()[0]
        total += 1
        shared += sum(r.full_name.split()[0] == family for r in household.residents.all()) >= 2
    # Wives and maternal grandmothers keep their own family names; children take the head's.
    assert total and shared > 0.8 * total


def test_it_gives_most_adults_a_valid_unique_id_number_matching_birth_year_and_sex():
    seed()
    residents = list(Resident.objects.all())
    numbers = [r.id_number for r in residents if r.id_number]
    assert len(numbers) == len(set(numbers))
    for r in residents:
        if r.id_number:
            assert validate_id_number(r.id_number, birth_year=r.birth_date.year, sex=r.sex) == r.id_number
    adults = [r for r in residents if r.age_on(timezone.localdate()) >= 18]
    assert sum(bool(r.id_number) for r in adults) > 0.85 * len(adults)
    assert any(n.startswith("001") for n in numbers)  # born in Hà Nội


def test_it_gives_most_adults_a_mobile_number_in_e164():
    seed()
    residents = list(Resident.objects.all())
    phones = [r.phone for r in residents if r.phone]
    assert all(p.startswith("+84") and len(p) == 12 and normalize_phone(p) == p and phone_is_mobile(p) for p in phones)
    adults = [r for r in residents if r.age_on(timezone.localdate()) >= 18]
    assert sum(bool(r.phone) for r in adults) > 0.75 * len(adults)
    assert not any(r.phone for r in residents if r.age_on(timezone.localdate()) < 14)


def test_it_puts_every_household_on_a_turf_and_every_turf_in_an_open_assignment():
    seed()
    campaign = Campaign.objects.get()
    assert not Household.objects.filter(turf=None).exists()
    assert not Household.objects.exclude(turf__area=F("area")).exists()
    open_turfs = set(Assignment.objects.filter(campaign=campaign, ended_at=None).values_list("turf_id", flat=True))
    assert open_turfs == set(Turf.objects.values_list("id", flat=True))
    kinds = set(Turf.objects.values_list("kind", flat=True))
    assert {Turf.Kind.STREET, Turf.Kind.LANE, Turf.Kind.BUILDING} <= kinds
    assert Household.objects.filter(lane__startswith="Ngách ").exists()


def test_it_builds_an_apartment_building_with_units_on_several_floors():
    seed()
    units = Household.objects.filter(turf__kind=Turf.Kind.BUILDING)
    assert units.exists()
    assert units.values("floor").distinct().count() >= 2
    unit = units.first()
    assert unit.building and unit.unit.startswith(unit.floor)
    assert unit.address_text.startswith(f"Căn {unit.unit}, tầng {unit.floor}, {unit.building}")


def test_it_spans_ages_residence_statuses_and_vneid_statuses():
    seed("--households", "600")
    today = timezone.localdate()
    residents = list(Resident.objects.all())
    ages = [r.age_on(today) for r in residents]
    assert min(ages) < 14 and max(ages) >= 75
    assert any(13 <= a <= 15 for a in ages)
    statuses = Counter(r.residence_status for r in residents)
    assert set(statuses) == set(ResidenceStatus.values)
    assert statuses[ResidenceStatus.PERMANENT] > 0.75 * len(residents)
    assert any(r.elderly_alone for r in residents) and any(r.disabled for r in residents)
    assert any(r.sick for r in residents)
    assert {r.vneid_level2 for r in residents} == set(VneidStatus.values)
    assert {r.vneid_level1 for r in residents} == set(VneidStatus.values)
    assert all(r.vneid_level2 == VneidStatus.NONE for r in residents if not r.is_eligible_on(today))


def test_it_records_evening_visits_in_the_last_days_for_a_quarter_of_households():
    seed("--households", "400")
    visits = list(Visit.objects.all())
    visited = {v.household_id for v in visits}
    assert 0.12 < len(visited) / Household.objects.count() < 0.4
    now = timezone.now()
    for v in visits:
        local = v.device_time.astimezone(LOCAL)
        assert 17 <= local.hour < 21
        assert (now - v.device_time).days < 14 and v.server_time >= v.device_time
        assert v.client_uuid.version == 4 and re.fullmatch(r"[0-9a-f]{64}", v.content_hash)
    assert len({v.client_uuid for v in visits}) == len(visits)
    assert {v.outcome.code for v in visits} == {"visited", "nobody_home", "refused"}
    outcomes = VisitResidentOutcome.objects.select_related("outcome", "resident")
    assert outcomes.filter(outcome__code="already_activated_l2").exists()
    assert outcomes.exclude(reason=None).exists()
    for o in outcomes.filter(outcome__code="not_eligible"):
        assert not o.resident.is_eligible_on(o.visit.device_time.date())


def test_it_sets_quotas_near_the_eligible_count_for_the_ward_and_each_group():
    seed()
    campaign = Campaign.objects.get()
    today = timezone.localdate()
    commune = Area.objects.get(kind=AreaKind.COMMUNE)
    eligible = Resident.objects.eligible_on(today).living_here().filter(household__area__parent=commune).count()
    quota = Quota.objects.get(campaign=campaign, area=commune)
    assert 0.85 * eligible <= quota.registered_target <= 0.96 * eligible
    assert 0.78 * eligible <= quota.activated_target <= quota.registered_target
    groups = Quota.objects.filter(campaign=campaign, area__kind=AreaKind.GROUP)
    assert groups.count() == 8
    assert sum(q.registered_target for q in groups) == quota.registered_target


def test_it_creates_demo_users_who_log_in_with_the_printed_password(client):
    output = seed()
    assert DEMO_PASSWORD in output
    User = get_user_model()
    for demo in DEMO_USERS:
        assert demo.username in output
        assert client.login(username=demo.username, password=DEMO_PASSWORD), demo.username
        user = User.objects.get(username=demo.username)
        assert user.get_full_name() == demo.full_name
        assert RoleGrant.objects.filter(user=user, role=demo.role).exists()
    admin, police = User.objects.get(username="admin"), User.objects.get(username="congan")
    assert admin.is_superuser and admin.is_staff and police.is_staff and not police.is_superuser
    assert police.has_perm("households.change_household")
    team = TeamMembership.objects.get(user__username="doivien1").team
    assert TeamMembership.objects.filter(team=team, user__username="doivien2").exists()
    assert not TeamMembership.objects.filter(team=team, user__username="doivien3").exists()
    assert RoleGrant.objects.get(user__username="lanhdao").role == Role.PROVINCE_LEADER


def test_it_does_nothing_the_second_time_with_if_empty():
    seed()
    counts = (Area.objects.count(), Household.objects.count(), Resident.objects.count(), Visit.objects.count())
    output = seed("--if-empty")
    assert "đã có" in output
    assert (Area.objects.count(), Household.objects.count(), Resident.objects.count(), Visit.objects.count()) == counts


def test_it_refuses_to_seed_over_existing_areas_without_if_empty():
    seed()
    with pytest.raises(CommandError):
        seed()


def test_it_builds_two_wards_with_scale_2():
    seed("--scale", "2")
    communes = Area.objects.filter(kind=AreaKind.COMMUNE)
    assert communes.count() == 2
    for commune in communes:
        assert Household.objects.filter(area__parent=commune).count() == 200
        assert RoleGrant.objects.filter(area=commune, role=Role.COMMUNE_POLICE).count() == 1
    assert Quota.objects.filter(area__kind=AreaKind.COMMUNE).count() == 2


def test_it_lists_the_demo_logins_and_the_urls():
    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    assert "seed_demo" in out.getvalue()  # nothing seeded yet: says how to seed
    seed()
    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    text = out.getvalue()
    for demo in DEMO_USERS:
        assert demo.username in text
    assert DEMO_PASSWORD in text and "Công an xã / phường" in text
    assert "http://127.0.0.1:8000/" in text and "http://127.0.0.1:8000/admin/" in text


def test_it_builds_the_same_ward_again_from_the_same_seed():
    def snapshot():
        return sorted(
            Resident.objects.values_list("household__address_text", "full_name", "birth_date", "id_number", "phone")
        )

    savepoint = transaction.savepoint()
    seed("--seed", "7", "--households", "80")
    first = snapshot()
    transaction.savepoint_rollback(savepoint)
    assert not Resident.objects.exists()
    seed("--seed", "7", "--households", "80")
    assert snapshot() == first
    transaction.savepoint_rollback(savepoint)
    seed("--seed", "8", "--households", "80")
    assert snapshot() != first


def test_it_builds_the_default_ward_quickly():
    started = time.monotonic()
    call_command("seed_demo", stdout=io.StringIO())
    assert time.monotonic() - started < 60
    assert Household.objects.count() == 2000
    assert 5500 <= Resident.objects.count() <= 6600
