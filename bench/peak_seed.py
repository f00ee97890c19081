"""The evening-peak bench's database (bench/peak.py): the seeded wards, the phones and a
change log of millions of rows, written with COPY.

- **Wards.** `seed_demo --scale S` (12 wards give 432 turfs, 24,000 households).
- **Teams.** Every turf is handed, the way a group leader does it (the open assignment
  ended, a new one made), to a new team of its own residential group, so the phones of
  one team share one turf, as teammates do.
- **Phones.** One user per phone (a field member of the team's group), spread round-robin
  over the teams; each has its own web session (a `django_session` row and the
  `WebSession` row the app keeps beside it, as after a sign-in on the login page), a
  `csrftoken` and its own device token (`DeviceToken`, the key known to the bench). All
  of them COPYed: signing in 10,000 people through the password hasher would take hours.
- **Change log.** `outreach_syncchange` rows of the rest of the city: the current
  campaign's visits, households and residents in turfs of communes this box does not
  serve (turf ids no phone here holds), and two earlier campaigns' rows, some in the
  box's own turfs. None is a change a phone here must download, so a pull behind them
  pays for reading past them and nothing else.
"""

import datetime
import io
import json
import random
import secrets
import uuid

from bench import procs
from bench.fixtures import PASSWORD, _homes

OTHER_TURFS = 20_000  # turfs of the rest of the city (ids above every real turf)
ENTITIES = (("visit", 70), ("household", 12), ("resident", 18))


def seed_base(*, scale: int) -> float:
    """Drop and create tungnha_bench_peak, migrate, seed_demo --scale; seconds taken."""
    import time

    started = time.perf_counter()
    procs.reset_database()
    procs.manage("migrate", "--noinput", log="peak-migrate.log")
    procs.manage("seed_demo", "--scale", str(scale), log="peak-seed.log")
    return time.perf_counter() - started


def _copy(cursor, table: str, columns: tuple, rows) -> None:
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _teams(campaign, now) -> list[dict]:
    """One new team per turf (assigned the way a group leader reassigns a turf)."""
    from households.models import Turf
    from outreach.models import Assignment, Team

    turfs = list(Turf.objects.order_by("id").values("id", "area_id"))
    Assignment.objects.filter(campaign=campaign, ended_at__isnull=True).update(ended_at=now)
    teams = Team.objects.bulk_create(
        [Team(name=f"Tổ cao điểm {n + 1}", area_id=t["area_id"]) for n, t in enumerate(turfs)]
    )
    Assignment.objects.bulk_create(
        [Assignment(campaign=campaign, turf_id=t["id"], team=team, assigned_at=now) for t, team in zip(turfs, teams)]
    )
    return [{"team": team.id, "turf": t["id"], "group": t["area_id"]} for t, team in zip(turfs, teams)]


def _session_data(store, user_id: int, device_id: int, session_key: str, auth_hash: str, now) -> str:
    from outreach.accounts.services import SESSION_DEVICE, SESSION_DEVICE_KEY, SESSION_DEVICE_SEEN

    return store.encode({
        "_auth_user_id": str(user_id), "_auth_user_backend": "django.contrib.auth.backends.ModelBackend",
        "_auth_user_hash": auth_hash, "_session_expiry": 12 * 3600,
        SESSION_DEVICE: device_id, SESSION_DEVICE_KEY: session_key, SESSION_DEVICE_SEEN: int(now.timestamp()),
    })  # fmt: skip


def _users(cursor, count: int, password: str, now) -> list[int]:
    rows = [(password, False, f"caodiem.{n:05d}", "Đội viên", f"số {n}", "", False, True, now) for n in range(count)]
    _copy(cursor, "auth_user", ("password", "is_superuser", "username", "first_name", "last_name", "email",
                                "is_staff", "is_active", "date_joined"), rows)  # fmt: skip
    cursor.execute("SELECT id FROM auth_user WHERE username LIKE 'caodiem.%%' ORDER BY username")
    return [r[0] for r in cursor.fetchall()]


def seed_phones(*, count: int, campaign_id: int) -> dict:
    """`count` phones spread over one team per turf; returns what the load generator needs
    (written to bench/.work/peak-phones.json by the caller)."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.utils import timezone
    from importlib import import_module

    from outreach.accounts.services import token_hash
    from outreach.models import Campaign

    now = timezone.now()
    password = make_password(PASSWORD)
    auth_hash = get_user_model()(password=password).get_session_auth_hash()
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    expires = now + datetime.timedelta(hours=12)
    with transaction.atomic(), connection.cursor() as cursor:
        teams = _teams(Campaign.objects.get(id=campaign_id), now)
        user_ids = _users(cursor, count, password, now)
        crew = [teams[n % len(teams)] for n in range(count)]
        _copy(cursor, "outreach_teammembership", ("is_lead", "team_id", "user_id"),
              [(False, c["team"], u) for c, u in zip(crew, user_ids)])  # fmt: skip
        _copy(cursor, "outreach_rolegrant", ("role", "area_id", "user_id"),
              [("field_member", c["group"], u) for c, u in zip(crew, user_ids)])  # fmt: skip
        keys = [secrets.token_hex(16) for _ in user_ids]
        _copy(cursor, "outreach_websession", ("session_key", "label", "ip", "created_at", "last_used_at", "expires_at",
                                              "user_id"),
              [(k, "Chrome trên Android", "127.0.0.1", now, now, expires, u) for k, u in zip(keys, user_ids)])  # fmt: skip
        cursor.execute("SELECT session_key, id FROM outreach_websession WHERE session_key = ANY(%s)", [keys])
        device_of = dict(cursor.fetchall())
        _copy(cursor, "django_session", ("session_key", "session_data", "expire_date"),
              [(k, _session_data(store, u, device_of[k], k, auth_hash, now), expires)
               for k, u in zip(keys, user_ids)])  # fmt: skip
        tokens = [secrets.token_hex(20) for _ in user_ids]
        _copy(cursor, "outreach_devicetoken", ("key_hash", "label", "created_at", "expires_at", "user_id"),
              [(token_hash(t), "cao điểm", now, expires, u) for t, u in zip(tokens, user_ids)])  # fmt: skip
    today = timezone.localdate()
    homes = {}
    for team in teams:
        homes[team["team"]] = [[h.id, h.latitude, h.longitude, h.residents] for h in _homes([team["turf"]], today)
                               if h.residents]  # fmt: skip
    phones = [{"user": u, "team": c["team"], "session": k, "csrf": secrets.token_hex(16), "token": t}
              for u, c, k, t in zip(user_ids, crew, keys, tokens)]  # fmt: skip
    return {"campaign": campaign_id, "phones": phones, "homes": homes, "teams": len(teams)}


def _changelog_text(rng: random.Random, rows: int, *, campaign_id: int, old: list[int], real_turfs: list[int],
                    turf_base: int, stamp: str):  # fmt: skip
    """COPY text of `rows` change-log rows, in chunks."""
    entities, weights = zip(*ENTITIES, strict=True)
    buffer = io.StringIO()
    for n in range(rows):
        if rng.random() < 0.8:  # the current campaign, elsewhere in the city
            campaign, turf = campaign_id, turf_base + rng.randrange(OTHER_TURFS)
        else:  # an earlier campaign, here or elsewhere
            campaign = rng.choice(old)
            turf = rng.choice(real_turfs) if rng.random() < 0.3 else turf_base + rng.randrange(OTHER_TURFS)
        entity = rng.choices(entities, weights)[0]
        buffer.write(f"{turf}\t\\N\t{campaign}\t{entity}\t{rng.randrange(1, 50_000_000)}\t{stamp}\n")
        if n % 50_000 == 49_999:
            yield buffer.getvalue()
            buffer = io.StringIO()
    yield buffer.getvalue()


def seed_changelog(*, rows: int, campaign_id: int, seed: int = 17) -> dict:
    """COPY `rows` city-wide change-log rows; returns their first and last ids."""
    from django.db import connection, transaction
    from django.utils import timezone

    from households.models import Turf
    from outreach.models import Campaign

    today = timezone.localdate()
    old = [Campaign.objects.create(name=f"Đợt {n} (đã kết thúc)", start_date=today - datetime.timedelta(days=200 * n),
                                   deadline=today - datetime.timedelta(days=200 * n - 60), is_active=False).id
           for n in (1, 2)]  # fmt: skip
    real_turfs = list(Turf.objects.values_list("id", flat=True))
    rng = random.Random(seed)
    stamp = timezone.now().isoformat()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM outreach_syncchange")
        before = cursor.fetchone()[0]
        with cursor.copy("COPY outreach_syncchange (turf_id, team_id, campaign_id, entity, entity_id, created_at) "
                         "FROM STDIN") as copy:  # fmt: skip
            for chunk in _changelog_text(rng, rows, campaign_id=campaign_id, old=old, real_turfs=real_turfs,
                                         turf_base=max(real_turfs) + 1000, stamp=stamp):  # fmt: skip
                copy.write(chunk)
        cursor.execute("SELECT coalesce(max(id), 0), count(*) FROM outreach_syncchange")
        last, total = cursor.fetchone()
        # One COPY, one transaction: every seeded row carries its xact. A cursor "lag rows
        # behind the head" is (that xact, head - lag).
        cursor.execute("SELECT xact FROM outreach_syncchange WHERE id = %s", [last])
        xact = cursor.fetchone()[0]
    return {"first_id": before + 1, "last_id": last, "rows": total, "old_campaigns": old, "xact": xact}


def save(path, data: dict) -> None:
    path.write_text(json.dumps(data, default=str))


def fresh_uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))
