"""The load generator: one thread per field phone, each with its own keep-alive HTTP
connection (http.client) and its own API token, sending pre-encoded bodies.

The threads start together on a barrier and the clock runs from the barrier to the last
answer; the answers are only checked after the clock stops, so the load generator spends
as little as possible of the two cores it shares with the server.
"""

import gzip
import http.client
import json
import threading
import time
import urllib.parse
from dataclasses import dataclass, field


class Http:
    """One keep-alive connection. http.client reopens it by itself when the server closed
    it after an answer (gunicorn's sync workers do, every time)."""

    def __init__(self, port: int, token: str | None = None):
        self.port = port
        self.token = token
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        headers = dict(headers or {})
        if self.token:
            headers["Authorization"] = f"Token {self.token}"
        if body is not None:
            headers.setdefault("Content-Type", "application/json")
        reused = self.conn.sock is not None
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        except (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected):
            # The server closed an idle keep-alive connection (gunicorn's keep-alive is a few
            # seconds) before reading this request: send it again on a new connection, as
            # any HTTP client library does. A failure on a fresh connection is real.
            self.conn.close()
            if not reused:
                raise
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        data = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, data

    def close(self):
        self.conn.close()


def obtain_token(port: int, username: str, password: str) -> str:
    client = Http(port)
    # One token per device (outreach.accounts): each benchmark phone gets its own.
    body = urllib.parse.urlencode({"username": username, "password": password, "device": "bench"}).encode()
    status, _, data = client.request("POST", "/api/v1/auth/token", body,
                                     {"Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
    client.close()
    if status != 200:
        raise RuntimeError(f"token for {username}: HTTP {status} {data[:200]!r}")
    return json.loads(data)["token"]


@dataclass
class PhaseResult:
    elapsed: float
    latencies: list[float] = field(default_factory=list)
    answers: list[list[tuple[int, bytes]]] = field(default_factory=list)  # per client, per batch


def run_phase(port: int, tokens: list[str], bodies: list[list[bytes]], path: str,
              seconds: float | None = None) -> PhaseResult:  # fmt: skip
    """POST every client's bodies in order, all clients at once; time the whole. With
    `seconds`, a client sends no new batch once that long has passed (the batch in flight
    completes), so a slow server bounds the run instead of stretching it."""
    n = len(tokens)
    barrier = threading.Barrier(n + 1)
    answers: list[list[tuple[int, bytes]]] = [[] for _ in range(n)]
    latencies: list[list[float]] = [[] for _ in range(n)]
    ends = [0.0] * n
    errors: list[BaseException] = []

    def work(i: int):
        client = Http(port, tokens[i])
        try:
            barrier.wait(timeout=60)
            stop = time.perf_counter() + seconds if seconds else None
            for body in bodies[i]:
                if stop and time.perf_counter() > stop:
                    break
                t = time.perf_counter()
                status, _, data = client.request("POST", path, body)
                latencies[i].append(time.perf_counter() - t)
                answers[i].append((status, data))
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)
        finally:
            ends[i] = time.perf_counter()
            client.close()

    threads = [threading.Thread(target=work, args=(i,), daemon=True) for i in range(n)]
    for t in threads:
        t.start()
    barrier.wait(timeout=60)
    start = time.perf_counter()
    for t in threads:
        t.join(timeout=900)
    if any(t.is_alive() for t in threads):
        raise RuntimeError(f"{path}: a client did not finish within 15 minutes")
    if errors:
        raise RuntimeError(f"{path}: a client failed: {errors[0]!r}") from errors[0]
    return PhaseResult(max(ends) - start, [x for per in latencies for x in per], answers)


def sent(result: PhaseResult) -> list[int]:
    """Batches each client sent (all of them unless the phase was cut short)."""
    return [len(per) for per in result.answers]


def check(result: PhaseResult, expected: str, counts: list[int]) -> None:
    """Every answer 200 and every item `expected`: anything else stops the benchmark."""
    for i, per_client in enumerate(result.answers):
        for b, (status, data) in enumerate(per_client):
            if status != 200:
                raise RuntimeError(f"client {i} batch {b}: HTTP {status}: {data[:500]!r}")
            results = json.loads(data)["results"]
            if len(results) != counts[i] or any(r["status"] != expected for r in results):
                bad = next((r for r in results if r["status"] != expected), None)
                raise RuntimeError(f"client {i} batch {b}: expected all {expected!r}, got e.g. {bad}")


@dataclass
class Pull:
    cursor: str
    pages: int
    gzip_bytes: int  # bodies as sent (gzip'd when the server compressed them)
    raw_bytes: int  # bodies after decompression
    households: int
    residents: int
    visits: int


def pull(client: Http, campaign_id: int, cursor: str | None = None) -> Pull:
    """Follow has_more to the end, summing the bodies' sizes."""
    sent = raw = pages = households = residents = visits = 0
    for _ in range(1000):
        query = {"campaign": campaign_id, **({"cursor": cursor} if cursor else {})}
        status, headers, data = client.request("GET", "/api/v1/sync/pull?" + urllib.parse.urlencode(query),
                                               headers={"Accept-Encoding": "gzip"})  # fmt: skip
        if status != 200:
            raise RuntimeError(f"pull: HTTP {status}: {data[:300]!r}")
        sent += len(data)
        if headers.get("content-encoding") == "gzip":
            data = gzip.decompress(data)
        raw += len(data)
        pages += 1
        page = json.loads(data)
        households += len(page.get("households", {}).get("rows", []))
        residents += len(page.get("residents", {}).get("rows", []))
        visits += len(page.get("visits", {}).get("rows", []))
        cursor = page["cursor"]
        if not page["has_more"]:
            return Pull(cursor, pages, sent, raw, households, residents, visits)
    raise RuntimeError("pull: still has_more after 1000 pages")
