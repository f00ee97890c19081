"""Residents aged 14 and over on the day of the visit are eligible. The Python property and
the database query must agree, or a dashboard and a walk list would count differently."""

import datetime

import pytest
from django.utils import timezone

from households.models import Area, AreaKind, Resident, eligibility_cutoff
from households.services import household_create, resident_create, residents_bulk_create

D = datetime.date


@pytest.fixture
def household(db):
    province = Area.objects.create(code="01", name="Thành phố Hà Nội", kind=AreaKind.PROVINCE)
    group = Area.objects.create(code="00004-TDP01", name="Tổ dân phố 1", kind=AreaKind.GROUP, parent=province)
    return household_create(area=group, house_number="1", street="Phố Đội Cấn")


def person(household, **birth) -> Resident:
    return resident_create(household=household, full_name="Nguyễn Minh Khang", **birth)


def eligible_by_query(resident: Resident, on: datetime.date) -> bool:
    return Resident.objects.eligible_on(on).filter(pk=resident.pk).exists()


def assert_eligibility(resident: Resident, on: datetime.date, expected: bool) -> None:
    assert resident.is_eligible_on(on) is expected, f"property on {on}"
    assert eligible_by_query(resident, on) is expected, f"query on {on}"


def test_it_makes_a_resident_eligible_on_the_14th_birthday(household):
    resident = person(household, birth_date=D(2012, 11, 23))
    assert_eligibility(resident, D(2026, 11, 22), False)
    assert_eligibility(resident, D(2026, 11, 23), True)
    assert_eligibility(resident, D(2027, 1, 1), True)
    assert resident.age_on(D(2026, 11, 22)) == 13
    assert resident.age_on(D(2026, 11, 23)) == 14


def test_it_counts_a_29_february_birthday_from_1_march_in_common_years(household):
    resident = person(household, birth_date=D(2012, 2, 29))
    assert_eligibility(resident, D(2026, 2, 28), False)
    assert_eligibility(resident, D(2026, 3, 1), True)
    assert resident.age_on(D(2026, 2, 28)) == 13


def test_it_handles_a_visit_on_29_february(household):
    # The 14-year-old cut-off for 29/02/2028 is 28/02/2014 (there is no 29/02/2014).
    assert eligibility_cutoff(D(2028, 2, 29)) == D(2014, 2, 28)
    turned_14 = person(household, birth_date=D(2014, 2, 28))
    not_yet = person(household, birth_date=D(2014, 3, 1))
    assert_eligibility(turned_14, D(2028, 2, 29), True)
    assert_eligibility(not_yet, D(2028, 2, 29), False)


def test_it_counts_a_birth_year_from_1_january_of_the_14th_year(household):
    resident = person(household, birth_year=2012)
    assert resident.birth_date is None
    assert_eligibility(resident, D(2025, 12, 31), False)
    assert_eligibility(resident, D(2026, 1, 1), True)


def test_it_never_counts_someone_whose_age_is_unknown(household):
    resident = person(household)
    assert_eligibility(resident, D(2030, 1, 1), False)
    assert resident.age_on(D(2030, 1, 1)) is None


def test_it_uses_today_for_is_eligible(household):
    today = timezone.localdate()
    cutoff = eligibility_cutoff(today)
    turns_14_today = person(household, birth_date=cutoff)
    turns_14_tomorrow = person(household, birth_date=cutoff + datetime.timedelta(days=1))
    assert turns_14_today.is_eligible is True
    assert turns_14_tomorrow.is_eligible is False
    assert set(Resident.objects.eligible_on(today)) == {turns_14_today}


def test_it_agrees_between_property_query_and_age_around_every_boundary(household):
    # Every birth date from late 2011 to early 2013 (29/02/2012 included), and birth years
    # only, checked on every day around the 14th birthdays and the new year.
    births = [D(2011, 12, 25) + datetime.timedelta(days=n) for n in range(378)]
    residents = [Resident(household=household, full_name=f"Người {n}", birth_date=b) for n, b in enumerate(births)]
    residents += [Resident(household=household, full_name=f"Năm {y}", birth_year=y) for y in (2011, 2012, 2013)]
    residents_bulk_create(residents=residents)
    saved = list(Resident.objects.all())
    visit_days = [D(2025, 12, 24) + datetime.timedelta(days=n) for n in range(0, 380, 3)]
    visit_days += [D(2026, 2, 28), D(2026, 3, 1), D(2026, 12, 31), D(2027, 1, 1), D(2028, 2, 29)]
    for on in visit_days:
        by_query = set(Resident.objects.eligible_on(on).values_list("pk", flat=True))
        by_property = {r.pk for r in saved if r.is_eligible_on(on)}
        by_age = {r.pk for r in saved if (r.age_on(on) or 0) >= 14}
        assert by_query == by_property == by_age, on
