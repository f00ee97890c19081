"""Each check of the data-quality board (outreach.quality): what it lists, what it leaves
out, and that the board's count agrees with the list, inside the area read only."""

import datetime

import pytest
from django.utils import timezone

from households.models import PossibleDuplicate, ResidenceStatus, Resident
from households.services import household_create, resident_create
from outreach.quality.base import Params, Scope
from outreach.quality.checks import CHECKS

from .fixtures import build_world, id_number_for, years_ago
from .sync_helpers import VISIT_DAY, client_for, hanoi_time, push, statuses, visit

pytestmark = pytest.mark.django_db


def listed(world, slug: str, *, area=None, **params) -> list:
    """The check's items in the commune (or `area`), after asserting the board's count."""
    scope = Scope(area=area or world.commune, campaign=world.campaign, params=Params(**params))
    check = CHECKS[slug]
    items = list(check.items(scope))
    assert check.figure(scope) == len(items), slug
    return items


def ids(items) -> set[int]:
    return {i.pk for i in items}


def first(household) -> Resident:
    return household.residents.order_by("id").first()


def at(minutes: int, hour: int = 18) -> str:
    return (hanoi_time(VISIT_DAY, hour) + datetime.timedelta(minutes=minutes)).isoformat()


# ---------------------------------------------------------------- Đúng


def test_it_lists_one_id_number_in_two_households_of_the_area_only(world):
    """Inside the area the pair is listed; a number also held in another commune is not:
    the board would tell the officer that it exists there (DESIGN.md §6)."""
    a, b, other = first(world.households_a[0]), first(world.households_b[0]), first(world.households_other[0])
    number = id_number_for(a)
    Resident.objects.filter(pk__in=[a.pk, b.pk]).update(id_number=number)
    assert ids(listed(world, "trung-so-dinh-danh")) == {a.pk, b.pk}
    Resident.objects.filter(pk=b.pk).update(id_number=None)
    Resident.objects.filter(pk=other.pk).update(id_number=number)  # Hoàn Kiếm: another commune
    assert ids(listed(world, "trung-so-dinh-danh")) == set()


def test_it_lists_the_same_name_and_birth_date_in_two_households(world):
    Resident.objects.filter(household__in=world.households_b).update(birth_date=None)  # the fixture's namesakes
    a = first(world.households_a[0])
    twin = resident_create(household=world.households_b[1], full_name="Nguyễn Văn  An 1", birth_date=a.birth_date)
    assert ids(listed(world, "trung-ten-ngay-sinh")) == {a.pk, twin.pk}


def test_it_lists_one_phone_for_people_of_many_households(world):
    people = [first(h) for h in world.households_a + world.households_b[:1]]
    Resident.objects.filter(pk__in=[p.pk for p in people]).update(phone="+84912345678")
    assert ids(listed(world, "dung-chung-so-dien-thoai")) == {p.pk for p in people}
    assert listed(world, "dung-chung-so-dien-thoai", shared_phone_households=5) == []
    family = world.households_b[1].residents.all()
    Resident.objects.filter(pk__in=[p.pk for p in family]).update(phone="+84987654321")  # one household: normal
    assert not ids(listed(world, "dung-chung-so-dien-thoai")) & {p.pk for p in family}


def test_it_lists_id_numbers_whose_year_digits_disagree_with_the_birth_date(world):
    right, wrong = first(world.households_a[0]), first(world.households_a[1])
    Resident.objects.filter(pk=right.pk).update(id_number=id_number_for(right))
    year = wrong.birth_date.year + 1  # one year off, the century digit right
    Resident.objects.filter(pk=wrong.pk).update(id_number=f"001{2 * (year // 100 - 19)}{year % 100:02d}000111")
    items = listed(world, "so-dinh-danh-lech-nam-sinh")
    assert ids(items) == {wrong.pk}
    row = CHECKS["so-dinh-danh-lech-nam-sinh"].row(items[0], scope=Scope(area=world.commune, campaign=None),
                                                    shown=frozenset())  # fmt: skip
    assert (row["id_year"], row["known_year"]) == (year, wrong.birth_date.year)
    assert row["id_number"] == "••••••••0111"  # never the full number without SEE_FULL_ID


def test_it_lists_age_at_the_door_against_age_in_the_roster(world):
    household = world.households_a[0]
    parent, son = household.residents.order_by("id")[0], household.residents.order_by("id")[2]
    item = visit(world, household, residents=[{"resident": parent.pk, "outcome": "not_eligible"},
                                              {"resident": son.pk, "outcome": "assisted_l2_registered"}])  # fmt: skip
    assert statuses(push(client_for(world.alice), [item])) == ["accepted"]
    assert ids(listed(world, "tuoi-lech-tai-nha")) == {parent.pk, son.pk}


# ---------------------------------------------------------------- Đủ


def test_it_lists_eligible_residents_missing_an_id_number_a_phone_or_a_birth_date(world):
    parent, son = first(world.households_a[0]), world.households_a[0].residents.order_by("id")[2]
    Resident.objects.exclude(pk=parent.pk).update(id_number="001090000001", phone="+84912000000")
    Resident.objects.filter(pk=parent.pk).update(birth_date=None, birth_year=parent.birth_date.year)
    for slug in ("thieu-so-dinh-danh", "thieu-so-dien-thoai", "thieu-ngay-sinh"):
        assert ids(listed(world, slug)) == {parent.pk}, slug  # the 11-year-old son is not eligible
    Resident.objects.filter(pk=parent.pk).update(residence_status=ResidenceStatus.MOVED)
    assert listed(world, "thieu-so-dinh-danh") == []  # not living here: not the commune's to complete
    assert son.pk not in ids(listed(world, "thieu-ngay-sinh"))


def test_it_lists_households_with_nobody_in_them(world):
    empty = household_create(area=world.group1, turf=world.turf_a, house_number="40", street="Phố Đội Cấn")
    assert ids(listed(world, "ho-khong-co-nguoi")) == {empty.pk}


def test_it_lists_eligible_people_never_given_an_outcome_after_several_visits(world):
    household = world.households_a[0]
    mother = household.residents.order_by("id")[1]
    father = first(household)
    alice = client_for(world.alice)
    for n in range(3):
        outcomes = [{"resident": father.pk, "outcome": "interested"}] if n == 0 else []
        assert statuses(push(alice, [visit(world, household, when=at(n * 60), residents=outcomes)])) == ["accepted"]
    assert ids(listed(world, "chua-co-ket-qua")) == {mother.pk}  # not the father, not the boy of 11
    assert listed(world, "chua-co-ket-qua", visits_without_outcome=4) == []


# ---------------------------------------------------------------- Sạch


def test_it_lists_the_open_possible_duplicates_of_the_area(world):
    a, b = first(world.households_a[0]), first(world.households_b[0])
    PossibleDuplicate.objects.create(resident=b, other=a)
    done = PossibleDuplicate.objects.create(resident=a, other=b, resolution="different_people",
                                            resolved_at=timezone.now())  # fmt: skip
    items = listed(world, "nghi-trung")
    assert [i.pk for i in items] != [] and done.pk not in {i.pk for i in items}
    assert listed(world, "nghi-trung", area=world.other_commune) == []


def test_it_lists_mojibake_and_decomposed_names_with_the_registrys_own_test(world):
    garbled, decomposed, fine = (first(h) for h in world.households_a)
    Resident.objects.filter(pk=garbled.pk).update(full_name="Nguy?n V?n An")  # saved as Windows-1252
    Resident.objects.filter(pk=decomposed.pk).update(full_name="Nguye\u0302\u0303n Va\u0306n Hu\u0300ng")
    Resident.objects.filter(pk=fine.pk).update(full_name="Hỏi Ngã Nặng Đức?")  # a stray "?" at the end is not mojibake
    assert ids(listed(world, "loi-phong-chu")) == {garbled.pk}
    assert ids(listed(world, "chua-chuan-unicode")) == {decomposed.pk}


# ---------------------------------------------------------------- Sống


def test_it_lists_moved_deceased_and_kt2_people_reported_at_the_door(world):
    household = world.households_a[0]
    father, mother, son = household.residents.order_by("id")
    item = visit(world, household, residents=[{"resident": father.pk, "outcome": "moved_away"},
                                              {"resident": mother.pk, "outcome": "not_living_here"}])  # fmt: skip
    assert statuses(push(client_for(world.alice), [item])) == ["accepted"]
    Resident.objects.filter(pk=son.pk).update(residence_status=ResidenceStatus.DECEASED)  # the roster's, not the door's
    assert ids(listed(world, "chuyen-di-mat")) == {father.pk}
    kt2 = listed(world, "kt2-ban-giao")
    assert ids(kt2) == {mother.pk} and kt2[0].note == "Nhà có người già, hẹn cuối tuần"


def test_it_lists_households_not_visited_in_n_days(world):
    recent, old = world.households_a[0], world.households_a[1]
    alice = client_for(world.alice)
    yesterday = (timezone.localtime() - datetime.timedelta(days=1)).isoformat()
    push(alice, [visit(world, recent, when=yesterday), visit(world, old, when=at(0))])  # 13 days ago
    found = ids(listed(world, "lau-chua-den", stale_days=7))
    assert old.pk in found and recent.pk not in found and world.households_a[2].pk in found
    assert old.pk not in ids(listed(world, "lau-chua-den", stale_days=30))


# ---------------------------------------------------------------- visits to doubt


@pytest.fixture
def street(db):
    """Twelve households on turf A."""
    return build_world(households_per_turf=12)


def test_it_flags_an_evening_with_more_households_than_anyone_walks_to(street):
    alice = client_for(street.alice)
    fast = [visit(street, h, outcome="nobody_home", when=at(n // 2, hour=19)) for n, h in enumerate(street.households_a[:11])]
    assert set(statuses(push(alice, fast))) == {"accepted"}
    rows = listed(street, "nhanh-bat-thuong")
    assert len(rows) == 1 and rows[0]["visits"] == 11
    row = CHECKS["nhanh-bat-thuong"].row(rows[0], scope=Scope(area=street.commune, campaign=street.campaign),
                                         shown=frozenset())  # fmt: skip
    assert row["peak"] == 11 and row["day"] == VISIT_DAY and row["key"] == f"{street.alice.pk}:{VISIT_DAY:%Y%m%d}:{street.commune.pk}"
    assert listed(street, "nhanh-bat-thuong", pace_households=11) == []


def test_it_does_not_flag_a_steady_walk(street):
    walk = [visit(street, h, outcome="nobody_home", when=at(4 * n)) for n, h in enumerate(street.households_a)]
    push(client_for(street.alice), walk)
    assert listed(street, "nhanh-bat-thuong") == []


def test_it_flags_positions_kilometres_apart_minutes_apart(world):
    a, b, c = world.households_a
    alice = client_for(world.alice)
    assert set(statuses(push(alice, [visit(world, a, when=at(0), latitude=21.035, longitude=105.82),
                 visit(world, b, when=at(4), latitude=21.0351, longitude=105.8201),  # next door
                 visit(world, c, when=at(9), latitude=21.075, longitude=105.82)]))) == {"accepted"}  # 4.4 km north  # fmt: skip
    items = listed(world, "vi-tri-nhay-xa")
    assert [v.household_id for v in items] == [c.pk]
    assert listed(world, "vi-tri-nhay-xa", jump_km=5) == []


def test_it_flags_an_evening_where_every_door_opened(street):
    alice = client_for(street.alice)
    evening = [visit(street, street.households_a[n % 12], when=at(5 * n)) for n in range(15)]
    push(alice, evening)
    assert len(listed(street, "gap-gan-het")) == 1
    assert listed(street, "gap-gan-het", rate_min_visits=16) == []
    push(alice, [visit(street, street.households_a[0], outcome="nobody_home", when=at(80))])  # 15 of 16: 94 %
    assert listed(street, "gap-gan-het") == []


def test_it_flags_an_outcome_that_contradicts_an_earlier_one(world):
    household = world.households_a[0]
    father, mother, _ = household.residents.order_by("id")
    alice = client_for(world.alice)
    push(alice, [visit(world, household, when=at(0), residents=[{"resident": father.pk, "outcome": "assisted_l2_activated"},
                                                                {"resident": mother.pk, "outcome": "interested"}])])
    later = [{"resident": father.pk, "outcome": "interested", "reason": "no_smartphone"},
             {"resident": mother.pk, "outcome": "interested", "reason": "no_smartphone"}]  # fmt: skip
    push(alice, [visit(world, household, when=at(60), residents=later)])
    items = listed(world, "ket-qua-mau-thuan")
    assert [o.resident_id for o in items] == [father.pk]
    assert listed(world, "ket-qua-mau-thuan", area=world.other_commune) == []


def test_it_counts_the_board_with_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    from outreach.quality.board import board_figures

    scope = Scope(area=world.commune, campaign=world.campaign)
    with django_assert_max_num_queries(len(CHECKS)):
        small = board_figures(scope=scope)
    for h in world.households_a + world.households_b:
        for n in range(5):
            resident_create(household=h, full_name=f"Lê Văn Thêm {n}", birth_date=years_ago(30, days=n))
    with django_assert_max_num_queries(len(CHECKS)):
        board_figures(scope=scope)
    assert [g.key for g in small] == ["dung", "du", "sach", "song", "nghi-van"]
