"""The roster import's bulk path: rows inserted by COPY on PostgreSQL (bulk_create
elsewhere) arrive whole — ids that link residents to the households inserted just before,
the derived keys and timestamps a save would set — and a row the model would refuse is
still refused with the model's own message, although most rows skip its full check."""

import datetime

import pytest
from django.db import connection

from households.bulk_copy import bulk_insert
from households.model_limits import fits
from households.models import Household, Resident
from households.roster import roster_preview
from households.text import nfc, search_key


def test_inserted_rows_are_whole_and_linked(world):
    homes = [Household(area=world.group1, house_number=str(n), street="Phố Đội Cấn") for n in (7, 9)]
    for home in homes:
        home.derive_fields()
    bulk_insert(Household, homes)
    assert all(h.pk for h in homes) and len({h.pk for h in homes}) == 2
    people = [Resident(full_name="Đỗ Thị Hà", birth_year=1990, household=homes[0]),
              Resident(full_name="Ngô Quý Dương", birth_date=datetime.date(2001, 2, 3), household=homes[1])]
    for person in people:
        person.derive_fields()
    bulk_insert(Resident, people)
    ha = Resident.objects.get(pk=people[0].pk)
    assert ha.household_id == homes[0].pk and ha.name_key == "do thi ha" and ha.name_order == "Hà Thị Đỗ"
    assert ha.created_at and ha.updated_at and not ha._state.adding
    duong = Resident.objects.get(pk=people[1].pk)
    assert duong.birth_year == 2001 and duong.household.address_text == "số 9, Phố Đội Cấn"
    # The sequence moved past the ids taken: an ordinary save after a bulk insert does not collide.
    later = Household.objects.create(area=world.group1, house_number="11", street="Phố Đội Cấn")
    assert later.pk > max(h.pk for h in homes)
    if connection.vendor == "postgresql":
        assert Household.objects.get(pk=homes[1].pk).walk_key  # derived before the COPY, written by it


def test_fits_sends_only_doubtful_rows_to_the_model(world):
    ok = Resident(full_name="Nguyễn Văn An", sex="M", phone="+84912345678")
    assert fits(ok, exclude=("household", "id_number"))
    assert not fits(Resident(full_name="A" * 201), exclude=("household", "id_number"))
    assert not fits(Resident(full_name=""), exclude=("household", "id_number"))
    assert not fits(Resident(full_name="Nguyễn Văn An", sex="X"), exclude=("household", "id_number"))


def test_a_name_too_long_for_its_column_is_refused_with_the_models_message(world):
    data = ("Họ và tên,Ngày sinh,Số nhà,Đường/phố\n"
            f"{'Nguyễn ' * 40}An,01/02/1990,5,Phố Đội Cấn\n"
            "Trần Thị Lan,1978,5,Phố Đội Cấn\n").encode()  # fmt: skip
    result = roster_preview(area=world.group1, data=data)
    first, second = result.rows
    said = " ".join(first.errors)
    assert first.status == "refused" and "tối đa 200" in said  # the model's rule, in its words
    assert "Họ và tên" in said or "họ và tên" in said
    assert second.status == "ok"


@pytest.mark.parametrize("text, stored", [
    ("Nguyễn Văn An", "Nguyễn Văn An"),
    ("  Nguyễn   Văn\tAn ", "Nguyễn Văn An"),
    ("Nguye\u0302\u0303n Va\u0306n An", "Nguyễn Văn An"),  # decomposed, as macOS and some exports type it
    ("Hoa\u00a0Bình", "Hoa Bình"),
    ("", ""),
])  # fmt: skip
def test_text_is_stored_composed_and_single_spaced(text, stored):
    assert nfc(text) == stored
    assert search_key(text) == search_key(stored)


def test_search_keys_of_empty_and_plain_text():
    assert search_key(None) == "" and search_key("") == ""
    assert search_key("  Pho  Doi Can ") == "pho doi can" and search_key("Đội Cấn") == "doi can"
