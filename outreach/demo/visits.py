"""The visits already made when the demo opens: a campaign about a week into its door-knocking.

Teams go out in the evening (17:00–21:00, when people are home), some turfs are far ahead and
some lag, one door in six is not answered and gets a note for the revisit, and each person
met gets an outcome — already activated, helped on the spot, interested, not interested, or
blocked by a reason such as no smartphone. Residents' VNeID status is raised to what the
visits recorded, so the roster and the visit log tell the same story even before the
projection is rebuilt.
"""

import datetime
import hashlib
import random
import uuid
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from households.models import VNEID_RANK, Household, ResidenceStatus, Resident, VneidStatus
from outreach.models import OutcomeCode, Visit, VisitResidentOutcome

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")

REVISIT_NOTES = (
    "Chủ hộ đi làm, về sau 19h", "Hẹn tối thứ Bảy", "Cả nhà về quê, tuần sau quay lại",
    "Hàng xóm báo tối mai có người ở nhà", "Gọi điện trước khi đến", "Chỉ có người giúp việc ở nhà",
)  # fmt: skip
SUPPORT_NOTES = (
    "Cụ ở một mình, cần hỗ trợ kích hoạt tại nhà", "Người nhà xin hẹn buổi sáng cuối tuần",
    "Cần mang máy chụp ảnh khuôn mặt lần sau", "Đã hướng dẫn con cháu cài ứng dụng giúp ông bà",
)  # fmt: skip

# Resident outcomes for an eligible resident met at home who has no level-2 account yet.
_OUTCOMES_NONE = (
    ("assisted_l2_registered", 22), ("assisted_l2_activated", 10), ("assisted_l1_activated", 10),
    ("assisted_l1_registered", 3), ("interested", 14), ("little_interested", 10), ("not_interested", 7),
    ("absent", 14),
)  # fmt: skip
_NEEDS_PHONE = {"assisted_l2_registered", "assisted_l2_activated", "assisted_l1_activated", "assisted_l1_registered"}
_REASONS = (("no_otp", 3), ("face_match_failed", 3), ("id_card_no_chip", 2), ("no_network", 2), ("phone_not_own", 3))


@dataclass
class VisitPlan:
    """Visits and resident outcomes, unsaved; saved in one bulk insert each."""

    visits: list[Visit] = field(default_factory=list)
    outcomes: list[VisitResidentOutcome] = field(default_factory=list)


def evening(rng: random.Random, day: datetime.date) -> datetime.datetime:
    hour, minute, second = rng.randint(17, 20), rng.randint(0, 59), rng.randint(0, 59)
    return datetime.datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=LOCAL)


def make_uuid(rng: random.Random) -> uuid.UUID:
    """A version-4 UUID drawn from the seeded generator, so a seed gives the same visits."""
    return uuid.UUID(int=rng.getrandbits(128), version=4)


class VisitPlanner:
    def __init__(self, *, rng: random.Random, campaign, codes: dict[str, OutcomeCode], today: datetime.date):
        self.rng, self.campaign, self.codes, self.today = rng, campaign, codes, today
        self.plan = VisitPlan()

    def plan_turf(self, *, team, members, households: list[tuple[Household, list[Resident]]]) -> None:
        """Visit a share of the turf's households; turfs differ so that some visibly lag."""
        progress = self.rng.uniform(0.06, 0.48)
        for household, residents in households:
            if self.rng.random() >= progress:
                continue
            days_ago = self.rng.randint(1, 6)
            if self.rng.random() < 0.12:
                self._visit(household, residents, team, members, days_ago + self.rng.randint(1, 3), "nobody_home")
            final = self.rng.choices(("visited", "nobody_home", "refused"), weights=(80, 14, 6))[0]
            self._visit(household, residents, team, members, days_ago, final)

    def _visit(self, household, residents, team, members, days_ago: int, outcome: str) -> None:
        rng = self.rng
        day = self.today - datetime.timedelta(days=days_ago)
        client_uuid = make_uuid(rng)
        device_time = evening(rng, day)
        # Most phones push within minutes; one in ten was offline (a basement, a dead
        # battery) and pushed hours later.
        delay = datetime.timedelta(minutes=rng.randint(1, 8) if rng.random() < 0.9 else rng.randint(60, 900))
        visit = Visit(
            client_uuid=client_uuid, campaign=self.campaign, household=household, team=team,
            recorded_by=rng.choice(members), device_time=device_time, server_time=device_time + delay,
            effective_time=device_time, outcome=self.codes[outcome],
            latitude=household.latitude, longitude=household.longitude,
            content_hash=hashlib.sha256(str(client_uuid).encode()).hexdigest(),
        )  # fmt: skip
        if outcome == "nobody_home":
            visit.revisit_after = evening(rng, day + datetime.timedelta(days=rng.randint(1, 3)))
            visit.revisit_note = rng.choice(REVISIT_NOTES)
        self.plan.visits.append(visit)
        if outcome != "visited":
            return
        if any(r.elderly_alone or r.disabled or r.sick for r in residents) and rng.random() < 0.5:
            visit.note = rng.choice(SUPPORT_NOTES)
        for resident in residents:
            code, reason = self._resident_outcome(resident)
            self._apply(resident, self.codes[code])
            self.plan.outcomes.append(
                VisitResidentOutcome(
                    visit=visit, resident=resident, outcome=self.codes[code],
                    reason=self.codes[reason] if reason else None,
                )  # fmt: skip
            )

    def _resident_outcome(self, resident: Resident) -> tuple[str, str | None]:
        rng = self.rng
        status = resident.residence_status
        if status == ResidenceStatus.DECEASED:
            return "deceased", None
        if status == ResidenceStatus.MOVED:
            return "moved_away", None
        if status == ResidenceStatus.KT2:
            return "not_living_here", None
        if not resident.is_eligible_on(self.today):
            return "not_eligible", None
        if resident.vneid_level2 == VneidStatus.ACTIVATED:
            return "already_activated_l2", None
        if resident.vneid_level2 == VneidStatus.REGISTERED:
            return rng.choices(("assisted_l2_activated", "interested", "absent"), weights=(4, 4, 2))[0], None
        codes, weights = zip(*_OUTCOMES_NONE, strict=True)
        code = rng.choices(codes, weights=weights)[0]
        if code in _NEEDS_PHONE and not resident.phone:
            return rng.choice(("interested", "little_interested")), "no_smartphone"
        if code.startswith("assisted_l1") and resident.vneid_level1 == VneidStatus.ACTIVATED:
            return "already_activated_l1", None
        if code in ("interested", "little_interested") and rng.random() < 0.45:
            old = resident.age_on(self.today) >= 65
            if old and rng.random() < 0.6:
                return code, "no_smartphone"
            reasons, weights = zip(*_REASONS, strict=True)
            return code, rng.choices(reasons, weights=weights)[0]
        return code, None

    @staticmethod
    def _apply(resident: Resident, code: OutcomeCode) -> None:
        """Raise (never lower) the resident's status to what the outcome records."""
        if code.vneid_level and code.vneid_status:
            attr = f"vneid_level{code.vneid_level}"
            if VNEID_RANK[VneidStatus(code.vneid_status)] > VNEID_RANK[VneidStatus(getattr(resident, attr))]:
                setattr(resident, attr, code.vneid_status)
        if code.residence_status:
            resident.residence_status = code.residence_status
