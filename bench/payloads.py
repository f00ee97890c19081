"""Push bodies the way the phone sends them, built and JSON-encoded before any clock starts.

Each visit goes to a household of the sending team's turfs (50 distinct households per
batch), with the household outcome "visited", two resident outcomes (one in a one-person
household) drawn from what the field records — helped to activate level 2, interested but
no smartphone, already activated... — an evening device time with its +07:00 offset, a
Vietnamese note and the coordinates of the door.

`copy_tables` turns the same visits into the rows a push leaves in the database, table by
table, for the COPY baseline.
"""

import datetime
import json
import random
import uuid
from dataclasses import dataclass
from decimal import Decimal

from outreach.sync.items import content_hash

from .fixtures import Crew

VN = datetime.timezone(datetime.timedelta(hours=7))
RESIDENT_OUTCOMES = (
    (("assisted_l2_activated", None), 24), (("assisted_l2_registered", None), 14),
    (("interested", "no_smartphone"), 14), (("interested", None), 8), (("little_interested", "no_otp"), 4),
    (("little_interested", None), 8), (("not_interested", None), 4), (("already_activated_l2", None), 12),
    (("absent", None), 12),
)  # fmt: skip
_OUTCOMES, _OUTCOME_W = zip(*RESIDENT_OUTCOMES, strict=True)
NOTES = (
    "", "", "", "Đã hướng dẫn cài VNeID và chụp ảnh khuôn mặt", "Cụ ông cần hỗ trợ thêm vào cuối tuần",
    "Gia đình hợp tác, con gái đi làm về muộn", "Điện thoại cũ không cài được ứng dụng, hẹn mang máy khác",
    "Đã kích hoạt mức 2 cho hai vợ chồng", "Người thuê trọ, tạm trú từ tháng 3",
    "Chủ hộ đề nghị tổ quay lại sau 19 giờ", "Cháu 15 tuổi đã có căn cước, chưa có số điện thoại riêng",
)  # fmt: skip


@dataclass
class Batch:
    visits: list[dict]
    body: bytes


def _device_time(rng: random.Random, now: datetime.datetime) -> str:
    local = now.astimezone(VN)
    for days in range(0, 5):
        day = local.date() - datetime.timedelta(days=days + rng.randint(0, 2))
        at = datetime.datetime(day.year, day.month, day.day, rng.randint(17, 20), rng.randint(0, 59),
                               rng.randint(0, 59), tzinfo=VN)  # fmt: skip
        if at <= local:
            return at.isoformat()
    return (local - datetime.timedelta(hours=1)).replace(microsecond=0).isoformat()


def visit(rng: random.Random, *, campaign_id: int, home, now: datetime.datetime) -> dict:
    residents = []
    people = rng.sample(home.residents, min(2, len(home.residents)))
    for resident_id, age in people:
        if age < 14:
            outcome, reason = "not_eligible", None
        else:
            outcome, reason = rng.choices(_OUTCOMES, weights=_OUTCOME_W)[0]
        part = {"resident": resident_id, "outcome": outcome}
        if reason:
            part["reason"] = reason
        residents.append(part)
    return {
        "client_uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "campaign": campaign_id,
        "household": home.id,
        "device_time": _device_time(rng, now),
        "outcome": "visited",
        "residents": residents,
        "note": rng.choice(NOTES),
        "revisit_after": None,
        "revisit_note": "",
        "latitude": round(home.latitude + rng.uniform(-0.00005, 0.00005), 6),
        "longitude": round(home.longitude + rng.uniform(-0.00005, 0.00005), 6),
    }


def encode(visits: list[dict]) -> bytes:
    return json.dumps({"visits": visits}, ensure_ascii=False, separators=(",", ":")).encode()


def batches_for(crew: Crew, *, campaign_id: int, count: int, size: int, seed: int,
                now: datetime.datetime) -> list[Batch]:  # fmt: skip
    """`count` batches of `size` visits; every batch visits `size` distinct households,
    walking the team's turfs round and round in a shuffled order."""
    rng = random.Random(seed)
    homes = [h for h in crew.homes if h.residents]
    if len(homes) < size:
        raise RuntimeError(f"{crew.username} has {len(homes)} households, fewer than a batch of {size}")
    rng.shuffle(homes)
    out, at = [], 0
    for _ in range(count):
        chosen = [homes[(at + k) % len(homes)] for k in range(size)]
        at += size
        visits = [visit(rng, campaign_id=campaign_id, home=home, now=now) for home in chosen]
        out.append(Batch(visits, encode(visits)))
    return out


VISIT_COLUMNS = ("id", "client_uuid", "campaign_id", "household_id", "recorded_by_id", "team_id", "device_time",
                 "server_time", "effective_time", "outcome_id", "note", "revisit_after", "revisit_note", "latitude",
                 "longitude", "content_hash")  # fmt: skip
OUTCOME_COLUMNS = ("visit_id", "resident_id", "outcome_id", "reason_id")
CHANGE_COLUMNS = ("turf_id", "team_id", "campaign_id", "entity", "entity_id", "created_at")
HOUSEHOLD_STATE_COLUMNS = ("campaign_id", "household_id", "last_visit_id", "last_device_time", "last_outcome_id",
                           "reached", "needs_revisit", "revisit_after", "visit_count")  # fmt: skip
RESIDENT_STATE_COLUMNS = ("campaign_id", "resident_id", "last_visit_id", "last_device_time", "last_outcome_id",
                          "last_reason_id", "interest", "interest_time", "interest_visit_id", "residence_status",
                          "residence_time", "residence_visit_id")  # fmt: skip


def copy_tables(batches_by_crew: list[tuple[Crew, list[Batch]]], *, codes: dict, turf_of: dict[int, int],
                now: datetime.datetime) -> dict[str, tuple[tuple, list[tuple]]]:  # fmt: skip
    """The rows a push of these visits leaves in the database, by table: each visit, its
    resident outcomes and its change-log entry, and the household and resident state rows
    as they stand after the last visit (one per household and resident, the fewest a raw
    load needs to hold the same state; the push itself upserts them once per batch).
    `codes` maps outcome code → OutcomeCode; `turf_of` household id → turf id. Visit ids
    are numbered here, as a raw load would."""
    visits, outcomes, changes, households, residents = [], [], [], {}, {}
    for crew, batches in batches_by_crew:
        for batch in batches:
            for v in batch.visits:
                visit_id = len(visits) + 1
                device_time = datetime.datetime.fromisoformat(v["device_time"])
                at = min(device_time, now)
                outcome = codes[v["outcome"]]
                visits.append((
                    visit_id, uuid.UUID(v["client_uuid"]), v["campaign"], v["household"], crew.user_id, crew.team_id,
                    device_time, now, at, outcome.id, v["note"], None, v["revisit_note"],
                    Decimal(f"{v['latitude']:.6f}"), Decimal(f"{v['longitude']:.6f}"), content_hash(v),
                ))  # fmt: skip
                changes.append((turf_of[v["household"]], None, v["campaign"], "visit", visit_id, now))
                count = households.get(v["household"], (0,))[0]
                households[v["household"]] = (count + 1, visit_id, at, outcome)  # visits come in id order
                for part in v["residents"]:
                    code, reason = codes[part["outcome"]], codes[part["reason"]] if part.get("reason") else None
                    outcomes.append((visit_id, part["resident"], code.id, reason.id if reason else None))
                    last, interest, moved = residents.get(part["resident"], (None, None, None))
                    residents[part["resident"]] = ((visit_id, at, code.id, reason.id if reason else None),
                                                   (code.interest, at, visit_id) if code.interest else interest,
                                                   (code.residence_status, at, visit_id) if code.residence_status
                                                   else moved)  # fmt: skip
    campaign = batches_by_crew[0][1][0].visits[0]["campaign"]
    household_states = [(campaign, h, visit_id, at, o.id, o.household_reached, o.needs_revisit, None, count)
                        for h, (count, visit_id, at, o) in households.items()]  # fmt: skip
    resident_states = [(campaign, r, last[0], last[1], last[2], last[3], *(interest or ("", None, None)),
                        *(moved or ("", None, None))) for r, (last, interest, moved) in residents.items()]  # fmt: skip
    return {
        "outreach_visit": (VISIT_COLUMNS, visits),
        "outreach_visitresidentoutcome": (OUTCOME_COLUMNS, outcomes),
        "outreach_syncchange": (CHANGE_COLUMNS, changes),
        "outreach_householdstate": (HOUSEHOLD_STATE_COLUMNS, household_states),
        "outreach_residentstate": (RESIDENT_STATE_COLUMNS, resident_states),
    }
