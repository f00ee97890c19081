"""The Django side of tests/test_replica.py, run as `python -m tests.replica_app` with
DATABASE_URL on the test's primary and REPLICA_DATABASE_URL on its standby.

It migrates the primary, makes the small world of tests/fixtures.py, pauses WAL replay on
the standby to make lag visible, and prints (last line, JSON) what the report pages showed
at each step; tests/test_replica.py asserts on it."""

import json
import os
import socket
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "outreach.config.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connections, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from outreach.audit.models import AuditAction, AuditEvent  # noqa: E402
from outreach.config.db_router import replica_reads  # noqa: E402
from outreach.config.replica_pin import PIN_COOKIE  # noqa: E402
from outreach.models import AreaRollup, Team  # noqa: E402
from outreach.reports.lists import LIST_SLUGS  # noqa: E402
from outreach.rollups.services import rollups_rebuild  # noqa: E402
from tests.fixtures import build_world  # noqa: E402


def scalar(alias: str, sql: str, params=()):
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def wait_for(what: str, check, timeout: float = 60.0):
    """Poll a query until it says yes (an awaited state, not a fixed sleep)."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        time.sleep(0.05)


def replica_caught_up():
    lsn = scalar("default", "SELECT pg_current_wal_lsn()::text")
    wait_for("the standby to replay up to the primary", lambda: scalar(
        "replica", "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn]))  # fmt: skip


def replay_pause():
    scalar("replica", "SELECT pg_wal_replay_pause()::text")
    wait_for("replay to pause", lambda: scalar("replica", "SELECT pg_get_wal_replay_pause_state()") == "paused")


def set_activated(world, value: int):
    AreaRollup.objects.filter(campaign=world.campaign, area=world.commune).update(level2_activated=value)


def activated_on_page(client: Client, world) -> int:
    response = client.get(reverse("reports:progress", args=[world.commune.id]))
    assert response.status_code == 200, response.status_code
    return response.context["figures"].activated


def every_report_page(world) -> dict:
    """Each report page and export, read through the replica context with replay paused:
    none may write on the standby (it would refuse) or miss a row it wrote itself."""
    police = Client()
    police.force_login(world.police)
    commune, query = world.commune.id, {"campaign": world.campaign.id}
    names = [("reports:index", []), ("reports:progress", [commune]), ("reports:ranking", [commune]),
             ("reports:chat", [commune]), ("reports:chat_text", [commune]), ("reports:editions", [commune]),
             ("reports:lists", [commune])]  # fmt: skip
    for slug in LIST_SLUGS:
        names += [("reports:list", [commune, slug]), ("reports:list_csv", [commune, slug]),
                  ("reports:list_xlsx", [commune, slug])]  # fmt: skip
    statuses = {}
    for name, args in names:
        response = police.get(reverse(name, args=args), query)
        if response.streaming:
            b"".join(response.streaming_content)  # a CSV is read while it is sent
        statuses["/".join([name, *map(str, args[1:])])] = response.status_code
    return statuses


def context_reads(world) -> dict:
    """Inside replica_reads() with replay paused (replica 111, primary 222)."""
    seen = {}
    team = Team.objects.create(name="Tổ mới lúc tạm dừng", area=world.group1)  # on the primary only
    rollup = AreaRollup.objects.filter(campaign=world.campaign, area=world.commune)
    with replica_reads():
        seen["context_plain_read"] = rollup.get().level2_activated
        with transaction.atomic():
            seen["context_in_atomic"] = rollup.get().level2_activated
            seen["context_select_for_update"] = rollup.select_for_update().get().level2_activated
    with replica_reads():
        _, created = Team.objects.get_or_create(name=team.name, area=world.group1)
        seen["context_get_or_create_created"] = created
    with replica_reads():
        event = AuditEvent.objects.create(action=AuditAction.LIST_VIEW, detail={"probe": True})
        seen["context_read_after_write"] = rollup.get().level2_activated
        seen["context_own_row_found"] = AuditEvent.objects.filter(pk=event.pk).exists()
    return seen


def main() -> dict:
    setup_test_environment()  # the test Client's response.context
    call_command("migrate", verbosity=0)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    world = build_world(households_per_turf=1)
    rollups_rebuild(campaign=world.campaign)
    set_activated(world, 111)
    replica_caught_up()
    seen = {"primary_in_recovery": scalar("default", "SELECT pg_is_in_recovery()"),
            "replica_in_recovery": scalar("replica", "SELECT pg_is_in_recovery()")}  # fmt: skip
    reader = Client()
    reader.force_login(world.province_user)
    seen["before"] = activated_on_page(reader, world)

    replay_pause()
    set_activated(world, 222)
    seen["reader_paused"] = activated_on_page(reader, world)
    writer = Client()
    login = writer.post(reverse("login"), {"username": "province", "password": "matkhau-123"})
    seen["writer_post_status"] = login.status_code
    seen["writer_pinned"] = PIN_COOKIE in writer.cookies
    seen["writer_paused"] = activated_on_page(writer, world)
    seen["reader_paused_again"] = activated_on_page(reader, world)

    list_url = reverse("reports:list", args=[world.commune.id, "chua-den"])
    seen["list_status"] = reader.get(list_url).status_code
    audit = f"SELECT count(*) FROM {AuditEvent._meta.db_table} WHERE action = %s"
    seen["list_audit_on_primary"] = scalar("default", audit, [AuditAction.LIST_VIEW.value])
    seen["list_audit_on_replica"] = scalar("replica", audit, [AuditAction.LIST_VIEW.value])
    seen["pages_paused"] = every_report_page(world)
    seen.update(context_reads(world))

    scalar("replica", "SELECT pg_wal_replay_resume()::text")
    replica_caught_up()
    seen["reader_after_replay"] = activated_on_page(reader, world)

    # The standby gone (a port nothing listens on): the reports read the primary.
    connections["replica"].close()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        connections["replica"].settings_dict["PORT"] = s.getsockname()[1]
    set_activated(world, 333)
    seen["reader_replica_down"] = activated_on_page(reader, world)
    return seen


if __name__ == "__main__":
    result = main()
    sys.stdout.write(json.dumps(result) + "\n")
