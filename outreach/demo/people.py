"""Households and their members: who lives together, how old, registered where, with which
papers and which VNeID status.

The mix is what the field reports describe and what the pages must cope with: elderly people
living alone who need home support, renters on temporary residence from other provinces,
grown children registered here but working elsewhere (KT2), teenagers just turning 14,
adults with no ID number on file or no phone, a few deceased still on the roster.
"""

import datetime
import random

from households.models import ResidenceStatus, Resident, Sex, VneidStatus

from .names import family_name, person_name

HOUSEHOLD_SIZES = ((1, 15), (2, 22), (3, 27), (4, 22), (5, 9), (6, 5))  # mean ≈ 3.0 people
_SIZES, _SIZE_W = zip(*HOUSEHOLD_SIZES, strict=True)

# Birth provinces of people who moved to Hà Nội (old 63-province codes, as on their ID cards).
OTHER_PROVINCES = (
    ("036", 14), ("038", 14), ("040", 10), ("034", 10), ("030", 8), ("033", 8), ("027", 6),
    ("025", 6), ("042", 5), ("035", 5), ("037", 5), ("022", 3), ("031", 3), ("079", 2), ("048", 1),
)  # fmt: skip
_OTHER, _OTHER_W = zip(*OTHER_PROVINCES, strict=True)

# Mobile prefixes of Viettel, Vinaphone, MobiFone, Vietnamobile and Gmobile, weighted roughly
# by market share (every one checked valid for VN by phonenumbers).
MOBILE_PREFIXES = (
    ("032", 5), ("033", 5), ("034", 5), ("035", 5), ("036", 5), ("037", 5), ("038", 5), ("039", 5),
    ("086", 6), ("096", 8), ("097", 8), ("098", 8), ("081", 2), ("082", 2), ("083", 2), ("084", 2),
    ("085", 2), ("088", 3), ("091", 6), ("094", 5), ("070", 2), ("076", 1), ("077", 2), ("078", 1),
    ("079", 2), ("090", 5), ("093", 4), ("056", 1), ("058", 1), ("092", 1), ("059", 1),
)  # fmt: skip
_PREFIX, _PREFIX_W = zip(*MOBILE_PREFIXES, strict=True)


class IdNumbers:
    """Unique, valid 12-digit personal ID numbers: province, century/sex digit, year, serial."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()

    def make(self, *, province: str, birth_year: int, sex: str) -> str:
        century = (birth_year // 100 - 19) * 2 + (1 if sex == Sex.FEMALE else 0)
        prefix = f"{province}{century}{birth_year % 100:02d}"
        while True:
            number = f"{prefix}{self.rng.randrange(1_000_000):06d}"
            if number not in self.used:
                self.used.add(number)
                return number


def mobile_phone(rng: random.Random) -> str:
    prefix = rng.choices(_PREFIX, weights=_PREFIX_W)[0]
    return f"+84{prefix[1:]}{rng.randrange(10_000_000):07d}"


def birth_date(rng: random.Random, today: datetime.date, age: int) -> datetime.date:
    return today - datetime.timedelta(days=int(age * 365.25) + rng.randint(1, 363))


def _members(rng: random.Random, size: int) -> tuple[list[tuple[str, int, str]], bool]:
    """[(relation, age, sex)] for a household of `size`, and whether it rents (temporary)."""
    r = rng.random()
    if size == 1:
        if r < 0.45:
            return [("head", rng.randint(62, 92), rng.choice("FFFM"))], False
        if r < 0.75:
            return [("head", rng.randint(19, 34), rng.choice("MF"))], True
        return [("head", rng.randint(35, 61), rng.choice("MF"))], False
    if size == 2:
        if r < 0.35:
            age = rng.randint(62, 86)
            return [("head", age, "M"), ("spouse", age - rng.randint(0, 6), "F")], False
        if r < 0.7:
            age = rng.randint(23, 34)
            return [("head", age, "M"), ("spouse", age - rng.randint(0, 4), "F")], rng.random() < 0.5
        mother = rng.randint(28, 52)
        return [("head", mother, "F"), ("child", max(0, mother - rng.randint(22, 32)), rng.choice("MF"))], False
    grandparents = 0
    if size >= 5 and r < 0.6:
        grandparents = 2 if size == 6 or r < 0.25 else 1
    elif size == 3 and r < 0.15:
        grandparents = 1
    kids = size - 2 - grandparents
    # Children two to five years apart, the first born when the mother was 22–30; parents
    # are made old enough for the number of children (no ward full of newborn triplets).
    wife = rng.randint(21, 55)
    ages = [max(wife - rng.randint(22, 30), 3 * (kids - 1) + rng.randint(0, 2))] if kids else []
    for left in range(kids - 1, 0, -1):
        step = rng.randint(2, 5) if ages[-1] - 5 >= 2 * (left - 1) else 2
        ages.append(max(0, ages[-1] - step))
    wife = max(wife, ages[0] + 20) if ages else wife
    husband = wife + rng.randint(0, 6)
    members = [("head", husband, "M"), ("spouse", wife, "F")]
    if grandparents:
        elder = min(95, husband + rng.randint(24, 32))
        members.append(("grandparent", elder, "F" if grandparents == 1 else "M"))
        if grandparents == 2:
            members.append(("grandparent", elder - rng.randint(0, 5), "F"))
    members += [("child", age, rng.choice("MF")) for age in ages]
    return members, rng.random() < 0.08


def make_household(rng: random.Random, *, today: datetime.date, ids: IdNumbers) -> list[Resident]:
    """The members of one household, head first, not yet saved (and without a household)."""
    members, renting = _members(rng, rng.choices(_SIZES, weights=_SIZE_W)[0])
    family = family_name(rng)
    origin = rng.choices(_OTHER, weights=_OTHER_W)[0] if renting or rng.random() < 0.22 else "001"
    alone = len(members) == 1
    residents = []
    for relation, age, sex in members:
        born = birth_date(rng, today, age)
        # Children and the paternal grandfather share the head's family name; wives keep theirs.
        shares_name = relation in ("head", "child") or (relation == "grandparent" and sex == "M")
        name = person_name(rng, family=family if shares_name else family_name(rng), sex=sex, birth_year=born.year)
        if relation == "child" and age < 18:
            province = "001"
        elif relation in ("spouse", "grandparent") and rng.random() < 0.4:
            province = rng.choices(_OTHER, weights=_OTHER_W)[0]
        else:
            province = origin
        resident = Resident(full_name=name, birth_date=born, birth_year=born.year, sex=sex)
        _status(rng, resident, age=age, relation=relation, renting=renting, alone=alone)
        _papers(rng, resident, age=age, province=province, ids=ids)
        _vneid(rng, resident, age=age)
        residents.append(resident)
    return residents


def _status(rng, resident: Resident, *, age: int, relation: str, renting: bool, alone: bool) -> None:
    if renting:
        resident.residence_status = ResidenceStatus.TEMPORARY
    elif relation == "child" and 18 <= age <= 40 and rng.random() < 0.18:
        resident.residence_status = ResidenceStatus.KT2  # studies or works in another city
    elif not alone and age >= 18 and rng.random() < 0.02:
        resident.residence_status = ResidenceStatus.MOVED
    elif not alone and age >= 72 and rng.random() < 0.05:
        resident.residence_status = ResidenceStatus.DECEASED
    resident.elderly_alone = alone and age >= 60
    resident.disabled = rng.random() < (0.06 if age >= 70 else 0.02)
    resident.sick = rng.random() < (0.12 if age >= 70 else 0.05 if age >= 60 else 0.01)


def _papers(rng, resident: Resident, *, age: int, province: str, ids: IdNumbers) -> None:
    # Adults nearly all have a number on file; children only since birth registration went
    # digital. The gaps are the "incomplete data" the campaign must clean.
    if rng.random() < (0.93 if age >= 14 else 0.5):
        resident.id_number = ids.make(province=province, birth_year=resident.birth_year, sex=resident.sex)
    own_phone = 0.45 if age >= 75 else 0.8 if age >= 60 else 0.9 if age >= 18 else 0.45 if age >= 14 else 0
    if rng.random() < own_phone:
        resident.phone = mobile_phone(rng)


# (activated, registered) probability of a VNeID level-2 account before the campaign's visits.
_LEVEL2_BY_AGE = ((14, 0.0, 0.0), (18, 0.35, 0.15), (60, 0.55, 0.12), (75, 0.4, 0.12), (200, 0.2, 0.1))


def _vneid(rng, resident: Resident, *, age: int) -> None:
    if age < 14 or resident.residence_status == ResidenceStatus.DECEASED:
        return
    activated, registered = next((a, r) for limit, a, r in _LEVEL2_BY_AGE if age < limit)
    roll = rng.random()
    if roll < activated:
        resident.vneid_level2 = VneidStatus.ACTIVATED
        resident.vneid_level1 = VneidStatus.ACTIVATED  # a level-2 account does everything level 1 does
        return
    if roll < activated + registered:
        resident.vneid_level2 = VneidStatus.REGISTERED
    roll = rng.random()
    if roll < 0.15:
        resident.vneid_level1 = VneidStatus.ACTIVATED
    elif roll < 0.19:
        resident.vneid_level1 = VneidStatus.REGISTERED
