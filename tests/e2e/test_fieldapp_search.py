"""The walk list's search box matches words from their start, without diacritics, as the
server's search does (issue 16, item 6): "an" finds An, not Lan."""

import pytest

from households.services import household_create, resident_create
from tests.fixtures import build_world

pytestmark = pytest.mark.browser


def test_the_search_box_matches_words_from_their_start(transactional_db, live_server, phone):
    world = build_world(households_per_turf=2)
    lan = household_create(area=world.group1, turf=world.turf_a, house_number="9", lane="Ngõ 12", street="Phố Đội Cấn")
    resident_create(household=lan, full_name="Phạm Thị Lan", birth_year=1980, sex="F")
    phone.sign_in("alice")
    box = phone.page.locator("input[type=search]").first
    box.fill("lan")
    phone.page.wait_for_function("() => document.querySelectorAll('.walk li a').length === 1")
    assert "Số 9" in phone.page.inner_text("#walk")
    box.fill("an")  # Nguyễn Văn An in the other two; "Lan" does not start with "an"
    phone.page.wait_for_function("() => document.querySelectorAll('.walk li a').length === 2")
    assert "Số 9" not in phone.page.inner_text("#walk")
    box.fill("pham thi lan")  # no diacritics
    phone.page.wait_for_function("() => document.querySelectorAll('.walk li a').length === 1")
