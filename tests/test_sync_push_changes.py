"""The push writes its change-log rows itself, once, as the last write of its transaction:
the visits and every household it created or gave a new resident, each household once.
Registry edits made one by one elsewhere (admin, services) are still logged by signals."""

import uuid
from unittest import mock

import pytest

from households.models import Household
from households.services import household_create, resident_create
from outreach.models import SyncChange, Visit
from outreach.sync import changes

from .sync_helpers import client_for, nothing_new, push, statuses, visit
from .test_sync_pull import pull, rows

pytestmark = pytest.mark.django_db


def _new_household_item(world, *, resident_uuid: str | None = None) -> dict:
    resident = {"client_uuid": resident_uuid or str(uuid.uuid4()), "full_name": "Lê Thị Thu",
                "birth_date": "1990-05-04", "sex": "F"}  # fmt: skip
    return {
        **visit(world, world.households_a[0]),
        "household": None,
        "new_household": {"client_uuid": str(uuid.uuid4()), "turf": world.turf_a.id, "house_number": "12B",
                          "street": "Phố Đội Cấn", "head_name": "Lê Thị Thu"},
        "residents": [{"new_resident": resident, "outcome": "assisted_l2_registered"}],
    }  # fmt: skip


def _logged(entity: str, *, since: int) -> list[int]:
    logged = SyncChange.objects.filter(entity=entity, id__gt=since).order_by("id")
    return list(logged.values_list("entity_id", flat=True))


def _last_change() -> int:
    """The log's last id: the world's own households were logged as they were made."""
    return SyncChange.objects.order_by("-id").values_list("id", flat=True).first() or 0


@pytest.fixture
def change_log_calls():
    """Every changes_record call, wherever it is made from, with whether the batch's visits
    were already stored when it was made."""
    calls = []
    real = changes.changes_record

    def record(*, changes):
        calls.append({"entities": [c.entity for c in changes], "visits_stored": Visit.objects.count()})
        real(changes=changes)

    with (mock.patch("outreach.sync.push.changes_record", side_effect=record),
          mock.patch("outreach.sync.signals.changes_record", side_effect=record)):  # fmt: skip
        yield calls


def test_it_writes_the_change_log_once_after_the_visit_for_a_new_household_and_resident(world, change_log_calls):
    item, since = _new_household_item(world), _last_change()
    assert statuses(push(client_for(world.alice), [item])) == ["accepted"]
    household = Household.objects.get(client_uuid=item["new_household"]["client_uuid"])
    assert change_log_calls == [{"entities": ["household", "visit"], "visits_stored": 1}]
    assert _logged("household", since=since) == [household.id]
    assert _logged("visit", since=since) == [Visit.objects.get().id]
    assert SyncChange.objects.get(entity="household", entity_id=household.id).turf_id == world.turf_a.id


def test_it_logs_a_household_once_when_the_batch_creates_it_and_adds_a_resident_later(world, change_log_calls):
    first = _new_household_item(world)
    household_uuid = first["new_household"]["client_uuid"]
    second = {**visit(world, world.households_a[0]), "household": None, "household_uuid": household_uuid,
              "residents": [{"new_resident": {"client_uuid": str(uuid.uuid4()), "full_name": "Lê Văn Minh",
                                              "birth_year": 1985, "sex": "M"}, "outcome": "interested"}]}  # fmt: skip
    existing = world.households_a[1]
    third = visit(world, existing, residents=[{"new_resident": {"client_uuid": str(uuid.uuid4()),
                  "full_name": "Trần Thị Hoa", "birth_year": 1950, "sex": "F"}, "outcome": "interested"}])  # fmt: skip
    since = _last_change()
    assert statuses(push(client_for(world.alice), [first, second, third])) == ["accepted"] * 3
    household = Household.objects.get(client_uuid=household_uuid)
    assert len(change_log_calls) == 1
    assert sorted(_logged("household", since=since)) == sorted([household.id, existing.id])
    assert len(_logged("visit", since=since)) == 3


def test_it_does_not_log_a_household_whose_creation_was_rolled_back(world):
    # The second item's resident clashes with the first's ID number only once the first is
    # stored: its household is created in the item's savepoint and rolled back with it.
    # The same new resident's UUID in two new households: the second one's creation fails
    # on the unique UUID and is rolled back.
    clash = str(uuid.uuid4())
    first, second = (_new_household_item(world, resident_uuid=clash) for _ in range(2))
    since = _last_change()
    results = push(client_for(world.alice), [first, second]).json()["results"]
    assert [r["status"] for r in results] == ["accepted", "rejected"]
    household = Household.objects.get(client_uuid=first["new_household"]["client_uuid"])
    assert not Household.objects.filter(client_uuid=second["new_household"]["client_uuid"]).exists()
    assert _logged("household", since=since) == [household.id]


def test_it_brings_a_household_created_at_the_door_to_the_teammates_phones_only(world):
    bob, carol = client_for(world.bob), client_for(world.carol)
    bob_cursor, carol_cursor = pull(bob)["cursor"], pull(carol)["cursor"]
    item = _new_household_item(world)
    assert statuses(push(client_for(world.alice), [item])) == ["accepted"]
    household = Household.objects.get(client_uuid=item["new_household"]["client_uuid"])
    body = pull(bob, bob_cursor)
    assert rows(body, "households") == [household.id]
    assert rows(body, "residents") == [household.residents.get().id]
    assert len(rows(body, "visits")) == 1
    assert nothing_new(pull(carol, carol_cursor), carol_cursor)


def test_it_still_logs_registry_edits_made_one_by_one_after_a_push(world):
    assert statuses(push(client_for(world.alice), [_new_household_item(world)])) == ["accepted"]
    since = _last_change()
    household = household_create(area=world.turf_a.area, turf=world.turf_a, house_number="3", street="Phố Đội Cấn")
    resident_create(household=household, full_name="Đỗ Văn Bình", birth_year=1980, sex="M")
    assert _logged("household", since=since) == [household.id, household.id]



def test_it_rejects_a_later_item_naming_a_household_whose_creation_was_rolled_back(world):
    # Was a 500 (a visit row pointing at the rolled-back household): the phone would retry
    # the whole batch for ever.
    # The same new resident's UUID in two new households: the second one's creation fails
    # on the unique UUID and is rolled back.
    clash = str(uuid.uuid4())
    first, second = (_new_household_item(world, resident_uuid=clash) for _ in range(2))
    third = {**visit(world, world.households_a[0]), "household": None,
             "household_uuid": second["new_household"]["client_uuid"]}  # fmt: skip
    response = push(client_for(world.alice), [first, second, third])
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["status"] for r in results] == ["accepted", "rejected", "rejected"]
    assert results[2]["code"] == "unknown_household"
    assert Visit.objects.filter(client_uuid__in=[second["client_uuid"], third["client_uuid"]]).count() == 0
