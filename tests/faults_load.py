"""The phones of tests/test_faults.py: one thread each, with its own device token and its
own visit UUIDs, syncing the way the field app does (frontend/static/fieldapp/push.js):
push the outbox, then pull until `has_more` is false.

A batch of 1–3 visits is settled only by a 200 whose results are all `accepted` or
`duplicate`; on a 5xx, a timeout or a refused or cut connection the phone keeps the batch
and sends the very same one again (same UUIDs, same bodies) on its next sync. Any other
answer is recorded as a refusal (the app would move those visits aside as rejected), which
the test forbids. Every request is recorded with the phase of the test it happened in."""

import datetime
import random
import threading
import time
import uuid
import zoneinfo
from collections import Counter
from dataclasses import dataclass, field

import requests

VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
HOUSEHOLD_OUTCOMES = ["visited", "visited", "visited", "nobody_home", "refused"]
RESIDENT_OUTCOMES = ["assisted_l1_registered", "assisted_l1_activated", "assisted_l2_registered",
                     "assisted_l2_activated", "already_activated_l2", "interested", "little_interested",
                     "not_interested", "absent"]  # fmt: skip
TIMEOUT = (3, 15)  # connect, read: a phone gives up on an answer after that and retries
PULL_PAGES = 50


class Timeline:
    """The phase the test is in, and every request's outcome counted per phase."""

    def __init__(self):
        self.lock = threading.Lock()
        self.phase = "warm-up"
        self.counts: Counter = Counter()  # (phase, what) -> n
        self.started: dict[str, float] = {"warm-up": time.monotonic()}

    def enter(self, phase: str):
        with self.lock:
            self.phase = phase
            self.started[phase] = time.monotonic()

    def note(self, what: str, n: int = 1) -> str:
        with self.lock:
            self.counts[(self.phase, what)] += n
            return self.phase

    def count(self, what: str, phase: str | None = None) -> int:
        with self.lock:
            return sum(n for (p, w), n in self.counts.items() if w == what and (phase is None or p == phase))

    def table(self) -> dict:
        with self.lock:
            out: dict = {}
            for (phase, what), n in sorted(self.counts.items()):
                out.setdefault(phase, {})[what] = n
            return out


@dataclass
class Batch:
    visits: list[dict]
    attempts: list[str] = field(default_factory=list)  # "200", "503", "no answer: ConnectionError", ...
    phases: list[str] = field(default_factory=list)
    settled: str = ""  # "" until answered; then "sent" or "refused"
    results: list[str] = field(default_factory=list)

    @property
    def uuids(self) -> list[str]:
        return [v["client_uuid"] for v in self.visits]


class Phone(threading.Thread):
    def __init__(self, spec: dict, homes: list, campaign: int, base_url: str, timeline: Timeline, seed: int):
        super().__init__(name=spec["device"], daemon=True)
        self.spec, self.homes, self.campaign, self.base_url = spec, homes, campaign, base_url
        self.timeline, self.rng = timeline, random.Random(seed)
        self.headers = {"Authorization": f"Token {spec['token']}", "Accept": "application/json"}
        self.batches: list[Batch] = []
        self.cursor = ""
        self.seen: set[str] = set()  # client UUIDs of the visits its pulls brought
        self.stop_recording = threading.Event()  # no new visits; send what is queued
        self.stop = threading.Event()  # end the thread once the outbox is empty
        self.error: BaseException | None = None

    # What the phone records at the door.
    def _visit(self) -> dict:
        household, adults = self.rng.choice(self.homes)
        outcome = self.rng.choice(HOUSEHOLD_OUTCOMES)
        residents = []
        if outcome == "visited":
            for resident in self.rng.sample(adults, self.rng.randint(0, len(adults))):
                residents.append({"resident": resident, "outcome": self.rng.choice(RESIDENT_OUTCOMES)})
        when = datetime.datetime.now(VN) - datetime.timedelta(seconds=self.rng.randint(5, 600))
        return {"client_uuid": str(uuid.UUID(int=self.rng.getrandbits(128), version=4)), "campaign": self.campaign,
                "household": household, "device_time": when.isoformat(), "outcome": outcome,
                "residents": residents, "note": "Thử tải lúc có sự cố"}  # fmt: skip

    @property
    def outbox(self) -> Batch | None:
        return self.batches[-1] if self.batches and not self.batches[-1].settled else None

    def sent(self) -> list[Batch]:
        return [b for b in self.batches if b.settled == "sent"]

    def run(self):
        try:
            while not (self.stop.is_set() and self.outbox is None):
                if self.outbox is None and not self.stop_recording.is_set():
                    self.batches.append(Batch([self._visit() for _ in range(self.rng.choice((1, 1, 1, 2, 3)))]))
                if self.outbox is not None:
                    self.push(self.outbox)
                self.pull()
                # The person walks to the next door; a failed sync is tried again soon.
                self.stop.wait(self.rng.uniform(0.05, 0.25))
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            self.error = exc

    def push(self, batch: Batch):
        batch.phases.append(self.timeline.phase)
        try:
            response = requests.post(f"{self.base_url}/api/v1/sync/push", json={"visits": batch.visits},
                                     headers=self.headers, timeout=TIMEOUT)  # fmt: skip
        except requests.RequestException as exc:
            batch.attempts.append(f"no answer: {type(exc).__name__}")
            self.timeline.note("push no answer")
            return
        batch.attempts.append(str(response.status_code))
        if response.status_code >= 500:
            self.timeline.note(f"push {response.status_code}")
            return
        results = None
        if response.status_code == 200:
            try:
                results = [r["status"] for r in response.json()["results"]]
            except (ValueError, KeyError, TypeError):
                results = None
        if results is None or len(results) != len(batch.visits):
            if response.status_code == 200:  # a cut-off answer: as good as none (push.js resultsOf)
                self.timeline.note("push unreadable 200")
                return
            batch.settled, batch.results = "refused", [f"http {response.status_code}: {response.text[:200]}"]
            self.timeline.note(f"push refused {response.status_code}")
            return
        batch.results = results
        batch.settled = "sent" if set(results) <= {"accepted", "duplicate"} else "refused"
        self.timeline.note("push ok" if batch.settled == "sent" else "push rejected item")
        if len(batch.attempts) > 1:
            self.timeline.note("push ok after retry")
        self.timeline.note("duplicate answers", results.count("duplicate"))

    def pull(self):
        for _ in range(PULL_PAGES):
            try:
                response = requests.get(f"{self.base_url}/api/v1/sync/pull",
                                        params={"campaign": self.campaign, "cursor": self.cursor},
                                        headers=self.headers, timeout=TIMEOUT)  # fmt: skip
            except requests.RequestException:
                self.timeline.note("pull no answer")
                return
            if response.status_code != 200:
                self.timeline.note(f"pull {response.status_code}")
                return
            body = response.json()
            visits = body.get("visits")
            if visits:
                at = visits["fields"].index("client_uuid")
                self.seen.update(str(row[at]) for row in visits["rows"])
            self.cursor = body["cursor"]
            self.timeline.note("pull ok")
            if not body["has_more"]:
                return
        self.timeline.note("pull has_more after 50 pages")
