"""The evening-peak load generator (run by bench/peak.py, one process per step, apart from
the server so its CPU is counted on its own): N simulated phones on one asyncio loop.

    .venv/bin/python bench/peak_load.py CONFIG.json

A phone does what frontend/static/fieldapp/sync.js `cycle` does, with the headers the
browser sends: when its outbox holds visits, `GET /app/session` (push.js `whoami`) and
`POST /api/v1/sync/push` with them (push.js `pushAs`, `X-CSRFToken` from the csrftoken
cookie), then `GET /api/v1/sync/pull?campaign=ID&cursor=C` following `has_more`
(pull.js `pullAll`), keeping the cursor it is given. One sync at a time per phone (the
app's lock); a trigger during a sync runs another right after it (the app's `again`).

Schedule, per phone: a visit recorded every 180 s on average (exponential gaps), each
followed at once by a sync carrying 1–3 visits (1 in 70 % of syncs, 2 in 20 %, 3 in 10 %:
the outbox of a phone that was out of signal at its last visits); and the app's timer,
a sync 300 s after the last one ended when no visit came in between (on average one
sync every 146 s). At the start each phone's schedule is played for 15 minutes without
requests, so the step starts in its steady state (no thundering herd).

With `"auth": "token"` push and pull send `Authorization: Token <key>` (the device token)
instead of the session cookie; `/app/session` knows only sessions, so it keeps the cookie.
Connections are opened per request with `Connection: close`, as gunicorn's sync workers
close them anyway. Writes a JSON file of latencies, errors and its own CPU time.
"""

import asyncio
import gzip
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

VISIT_EVERY_S = 180.0
PERIODIC_S = 300.0
VISITS_PER_SYNC = ((1, 70), (2, 20), (3, 10))
TIMEOUT_S = 30.0


class Stats:
    def __init__(self):
        self.syncs: list[tuple[float, float]] = []  # (start offset, seconds)
        self.requests: dict[str, list[float]] = {"session": [], "push": [], "pull": []}
        self.errors: list[str] = []
        self.visits = 0
        self.pull_pages = 0
        self.late: list[float] = []  # how late the loop woke a phone (generator saturation)


async def http(port: int, method: str, path: str, headers: dict, body: bytes = b"") -> tuple[int, dict, bytes]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close",
                 *(f"{k}: {v}" for k, v in headers.items())]  # fmt: skip
        if body:
            lines.append(f"Content-Length: {len(body)}")
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        await writer.drain()
        data = await reader.read(-1)
    finally:
        writer.close()
    head, _, payload = data.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    found = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        found[name.strip().lower()] = value.strip()
    return int(status_line.split()[1]), found, payload


class Phone:
    def __init__(self, spec: dict, homes: list, rng: random.Random):
        self.spec, self.homes, self.rng = spec, homes, rng
        self.cursor = spec["cursor"]
        self.outbox: list[dict] = []

    def headers(self, *, api: bool, auth: str) -> dict:
        out = {"Accept": "application/json", "Cookie": f"sessionid={self.spec['session']}; csrftoken={self.spec['csrf']}"}
        if api and auth == "token":
            out = {"Accept": "application/json", "Authorization": f"Token {self.spec['token']}"}
        return out

    def record(self, make_visit, campaign: int, now) -> None:
        sizes, weights = zip(*VISITS_PER_SYNC, strict=True)
        for _ in range(self.rng.choices(sizes, weights)[0]):
            self.outbox.append(make_visit(self.rng, campaign_id=campaign, home=self.rng.choice(self.homes), now=now))


async def timed(stats: Stats, kind: str, coro):
    t = time.perf_counter()
    try:
        return await asyncio.wait_for(coro, TIMEOUT_S)
    finally:
        stats.requests[kind].append(time.perf_counter() - t)


async def sync(phone: Phone, cfg: dict, stats: Stats) -> None:
    port, auth = cfg["port"], cfg["auth"]
    if phone.outbox:  # the session is asked only before sending (sync.js cycle; the pull says whose it is)
        status, _, data = await timed(stats, "session", http(port, "GET", "/app/session",
                                                             phone.headers(api=False, auth=auth)))  # fmt: skip
        if status != 200 or not json.loads(data).get("signed_in"):
            raise RuntimeError(f"session: HTTP {status} {data[:120]!r}")
        body = json.dumps({"visits": phone.outbox}, ensure_ascii=False, separators=(",", ":")).encode()
        headers = {**phone.headers(api=True, auth=auth), "Content-Type": "application/json",
                   "Origin": f"http://127.0.0.1:{port}", "X-CSRFToken": phone.spec["csrf"]}  # fmt: skip
        status, _, data = await timed(stats, "push", http(port, "POST", "/api/v1/sync/push", headers, body))
        results = json.loads(data).get("results") if status == 200 else None
        if not results or len(results) != len(phone.outbox) or any(r["status"] != "accepted" for r in results):
            raise RuntimeError(f"push: HTTP {status} {data[:200]!r}")
        stats.visits += len(phone.outbox)
        phone.outbox = []
    for _ in range(100):
        path = f"/api/v1/sync/pull?campaign={cfg['campaign']}&cursor={phone.cursor}"
        headers = {**phone.headers(api=True, auth=auth), "Accept-Encoding": "gzip"}
        status, found, data = await timed(stats, "pull", http(port, "GET", path, headers))
        if status != 200:
            raise RuntimeError(f"pull: HTTP {status} {data[:200]!r}")
        page = json.loads(gzip.decompress(data) if found.get("content-encoding") == "gzip" else data)
        if "user" not in page:
            raise RuntimeError("pull: no user in the answer")
        stats.pull_pages += 1
        phone.cursor = page["cursor"]
        if not page["has_more"]:
            return
    raise RuntimeError("pull: has_more after 100 pages")


def last_sync_before(rng: random.Random, t0: float, every: float) -> float:
    """When this phone last synced before the step: its schedule played for 15 minutes
    before t0 (visits are a Poisson process, so after a sync the next comes Exp(every)
    later whatever came before), so the step starts in the steady state."""
    last = t0 - 900
    while True:
        step = min(rng.expovariate(1 / every), PERIODIC_S)
        if last + step > t0:
            return last
        last += step


async def life(phone: Phone, cfg: dict, stats: Stats, t0: float, make_visit, now) -> None:
    loop = asyncio.get_running_loop()
    stop = t0 + cfg["seconds"]
    every = cfg.get("visit_every", VISIT_EVERY_S)  # the warm-up visits every few seconds
    next_visit = t0 + phone.rng.expovariate(1 / every)
    next_timer = last_sync_before(phone.rng, t0, every) + PERIODIC_S
    while True:
        due = min(next_visit, next_timer)
        if due >= stop:
            return
        if due > loop.time():  # (a trigger that came during the last sync runs at once: not lateness)
            await asyncio.sleep(due - loop.time())
            stats.late.append(loop.time() - due)
        if due == next_visit:
            phone.record(make_visit, cfg["campaign"], now)
            next_visit += phone.rng.expovariate(1 / every)
        start = time.perf_counter()
        try:
            await sync(phone, cfg, stats)
            stats.syncs.append((loop.time() - t0, time.perf_counter() - start))
        except Exception as exc:  # noqa: BLE001 - every failure is a counted error
            stats.errors.append(f"{type(exc).__name__}: {str(exc)[:200]}")
        next_timer = loop.time() + PERIODIC_S


async def run(cfg: dict, phones: list[Phone], make_visit, now) -> tuple[Stats, float]:
    stats = Stats()
    loop = asyncio.get_running_loop()
    print("start", flush=True)
    t0 = loop.time()
    await asyncio.gather(*(life(p, cfg, stats, t0, make_visit, now) for p in phones))
    elapsed = loop.time() - t0
    print("end", flush=True)
    return stats, elapsed


def main() -> int:
    cfg = json.loads(Path(sys.argv[1]).read_text())
    import django

    django.setup()
    from django.utils import timezone

    from bench.payloads import visit

    fleet = json.loads(Path(cfg["phones"]).read_text())
    cursors = json.loads(Path(cfg["cursors"]).read_text())
    homes = {int(k): v for k, v in fleet["homes"].items()}
    from bench.fixtures import Home

    built = {team: [Home(h[0], h[1], h[2], [tuple(r) for r in h[3]]) for h in hs] for team, hs in homes.items()}
    phones = []
    for n, spec in enumerate(fleet["phones"][: cfg["devices"]]):
        rng = random.Random(cfg["seed"] * 1_000_003 + n)
        phones.append(Phone({**spec, "cursor": cursors[n]}, built[spec["team"]], rng))
    before = os.times()
    stats, elapsed = asyncio.run(run(cfg, phones, visit, timezone.now()))
    after = os.times()
    cursors[: len(phones)] = [p.cursor for p in phones]
    Path(cfg["cursors"]).write_text(json.dumps(cursors))
    Path(cfg["out"]).write_text(json.dumps({
        "elapsed": elapsed, "syncs": stats.syncs, "requests": stats.requests, "errors": stats.errors,
        "visits": stats.visits, "pull_pages": stats.pull_pages, "late": sorted(stats.late),
        "cpu_s": (after.user - before.user) + (after.system - before.system),
    }))  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
