"""The Django side of tests/test_faults.py, run as `python -m tests.faults_app setup|verify`
with DATABASE_URL on the test's own PostgreSQL (already migrated by `manage.py migrate`).

    setup   makes the world of tests/fixtures.py (10 households a turf), counts the rollups
            from scratch once (as the demo seed does), and issues one device token per phone;
            prints (last line, JSON) what the phones need: tokens, campaign, households and
            their adult residents per turf.
    verify  once the load is over and the worker has caught up: compares every AreaRollup
            row with a recount from scratch (rollups_rebuild, and for the communes and
            groups tests/test_projection_and_rollups.py's naive_counts, which shares no code
            with the rollups), and the projection with projection_rebuild; prints the
            differences (last line, JSON). The assertions are in the test."""

import json
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "outreach.config.settings")
django.setup()

from django.test.utils import override_settings  # noqa: E402

from households.models import Area, AreaKind  # noqa: E402
from outreach.accounts.services import device_token_issue  # noqa: E402
from outreach.models import AreaRollup, Campaign  # noqa: E402
from outreach.rollups.models import RollupCounts  # noqa: E402
from outreach.rollups.services import rollups_rebuild  # noqa: E402
from outreach.visits.projection import projection_rebuild  # noqa: E402
from tests.fixtures import build_world  # noqa: E402
from tests.test_projection_and_rollups import naive_counts, snapshot_projection  # noqa: E402

# (user, device) of each phone: two teammates of team A, one of them on two phones, the
# other team of the same commune on two phones, and a team of the other commune.
PHONES = [("alice", "alice-1"), ("alice", "alice-2"), ("bob", "bob-1"), ("carol", "carol-1"), ("carol", "carol-2"),
          ("dave", "dave-1")]  # fmt: skip


def setup() -> dict:
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        world = build_world(households_per_turf=10)
    rollups_rebuild(campaign=world.campaign)
    turf_of = {"alice": world.turf_a, "bob": world.turf_a, "carol": world.turf_b, "dave": world.turf_other}
    homes = {}
    for turf in (world.turf_a, world.turf_b, world.turf_other):
        homes[turf.id] = [[h.id, [r.id for r in h.residents.order_by("id")[:2]]]  # the adults (the son is 11)
                          for h in turf.households.order_by("id")]  # fmt: skip
    phones = []
    for username, device in PHONES:
        user = getattr(world, username)
        phones.append({"device": device, "username": username, "turf": turf_of[username].id,
                       "token": device_token_issue(user=user, device=device).key})  # fmt: skip
    return {"campaign": world.campaign.id, "phones": phones, "homes": homes}


def _rollups(campaign) -> dict:
    return {r.area_id: {k: getattr(r, k) for k in RollupCounts.COUNTERS}
            for r in AreaRollup.objects.filter(campaign=campaign)}  # fmt: skip


def verify() -> dict:
    campaign = Campaign.objects.get()
    incremental = _rollups(campaign)
    # naive_counts reads the visit log and the registry directly, area by area.
    naive = {}
    for area in Area.objects.filter(kind__in=[AreaKind.COMMUNE, AreaKind.GROUP]).order_by("id"):
        if incremental.get(area.id) != naive_counts(area, campaign):
            naive[area.name + f" #{area.id}"] = {"rollup": incremental.get(area.id), "naive": naive_counts(area, campaign)}
    rollups_rebuild(campaign=campaign)
    rebuilt = _rollups(campaign)
    rollup_diff = {a: {"incremental": incremental.get(a), "rebuilt": rebuilt[a]} for a in rebuilt
                   if incremental.get(a) != rebuilt[a]}  # fmt: skip
    projection = snapshot_projection(campaign)
    projection_rebuild(campaign=campaign)
    projection_after = snapshot_projection(campaign)
    projection_diff = [name for name, before, after in zip(("households", "residents", "people"), projection,
                                                           projection_after, strict=True) if before != after]  # fmt: skip
    commune = Area.objects.get(code="00004")
    return {"areas": len(rebuilt), "rollup_diff": {str(k): v for k, v in rollup_diff.items()}, "naive_diff": naive,
            "projection_diff": projection_diff, "commune": rebuilt[commune.id]}  # fmt: skip


if __name__ == "__main__":
    print(json.dumps({"setup": setup, "verify": verify}[sys.argv[1]]()))
