"""The change log stays small: changes older than the kept days are pruned, and a phone
whose cursor is older than what is left is told to download again (410 cursor_expired)
while a phone that synced within the kept days is not touched."""

import datetime

import pytest
from django.utils import timezone

from outreach.models import SyncChange, SyncLogPruned
from outreach.sync.prune import change_log_prune

from .fixtures import build_world
from .sync_helpers import client_for, nothing_new, push, statuses, visit
from .test_sync_pull import pull, rows

# Real commits: on PostgreSQL a change's transaction is what pruning goes by, and one test
# transaction around everything would make every row one transaction's.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(transactional_db):
    return build_world()


def age(days: int) -> None:
    """Every change so far was written `days` ago."""
    SyncChange.objects.update(created_at=timezone.now() - datetime.timedelta(days=days))


def test_old_changes_go_and_a_phone_away_longer_downloads_again(world):
    alice, bob = client_for(world.alice), client_for(world.bob)
    away = pull(alice)["cursor"]  # alice's phone then stays in a drawer for six weeks
    assert statuses(push(bob, [visit(world, world.households_a[0])])) == ["accepted"]
    age(40)
    recent = pull(bob)["cursor"]  # bob synced just now
    assert statuses(push(bob, [visit(world, world.households_a[1])])) == ["accepted"]
    before = SyncChange.objects.count()
    deleted = change_log_prune(keep_days=30)
    assert deleted > 0 and SyncChange.objects.count() == before - deleted
    assert not SyncChange.objects.filter(created_at__lt=timezone.now() - datetime.timedelta(days=30)).exists()
    response = alice.get("/api/v1/sync/pull", {"cursor": away})
    assert response.status_code == 410 and response.json()["error"]["code"] == "cursor_expired"
    # Bob's phone, which synced within the kept days, gets the newer visit as always.
    assert rows(pull(bob, recent), "households") == [world.households_a[1].id]
    # Alice's phone downloads again, whole, and goes on from there.
    again = pull(alice)
    assert sorted(rows(again, "households")) == sorted(h.id for h in world.households_a)
    assert nothing_new(pull(alice, again["cursor"]), again["cursor"])


def test_pruning_again_changes_nothing_and_the_mark_never_goes_back(world):
    age(40)
    change_log_prune(keep_days=30)
    mark = SyncLogPruned.objects.get().below
    assert change_log_prune(keep_days=30) == 0
    assert change_log_prune(keep_days=90) == 0 and SyncLogPruned.objects.get().below == mark


def test_rows_from_before_transactions_were_stamped_go(world):
    SyncChange.objects.update(xact=None)  # as migration 0021 left the rows before it
    change_log_prune(keep_days=30)
    assert not SyncChange.objects.exists()


def test_a_quiet_phone_keeps_a_recent_cursor_and_is_never_expired(world):
    """Nothing changes in alice's turfs for six weeks while the rest of the log moves on and
    is pruned: her empty pulls moved her cursor along, so she is not sent a new download."""
    alice, carol = client_for(world.alice), client_for(world.carol)
    age(60)
    cursor = pull(alice)["cursor"]
    for week in range(6):  # carol's visits, one a week, the first six weeks ago
        newest = SyncChange.objects.order_by("-id").values_list("id", flat=True).first()
        assert statuses(push(carol, [visit(world, world.households_b[week % 3])])) == ["accepted"]
        SyncChange.objects.filter(id__gt=newest).update(
            created_at=timezone.now() - datetime.timedelta(days=7 * (6 - week)))
        cursor = pull(alice, cursor)["cursor"]
    assert change_log_prune(keep_days=30) > 0  # the world's own rows and carol's first two weeks
    assert SyncChange.objects.exists()
    assert nothing_new(pull(alice, cursor), cursor)
