"""What every check shares: the `Scope` it reads in, the `Check` it is registered as, the
columns of its list, and the row values minimised to the reader's role."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _l

from households.models import Area, Household, Resident

from ..access import mask_id_number
from ..models import Campaign
from ..reports.lists import ADDRESS, BIRTH, GROUP, HEAD, ID_NUMBER, NAME, PHONE, Column, ListSpec

GROUPS = {
    "dung": _l("Đúng"),
    "du": _l("Đủ"),
    "sach": _l("Sạch"),
    "song": _l("Sống"),
    "nghi-van": _l("Cần xem lại"),
}
GROUP_HINTS = {
    "dung": _l("Thông tin khớp nhau, mỗi người một bản ghi"),
    "du": _l("Không thiếu người, không thiếu thông tin"),
    "sach": _l("Không trùng, không lỗi chữ"),
    "song": _l("Đúng với hiện trạng cư trú"),
    "nghi-van": _l("Lượt đến nhà đáng ngờ: xác nhận hoặc bỏ qua, không xoá"),
}


@dataclass(frozen=True)
class Params:
    """The checks' thresholds, each with the default the board uses."""

    visits_without_outcome: int = 3  # eligible people never given an outcome after this many visits
    stale_days: int = 30  # households with no visit in this many days
    shared_phone_households: int = 3  # one phone number in at least this many households
    pace_households: int = 10  # more than this many households...
    pace_minutes: int = 10  # ...within this many minutes, by device time
    jump_km: float = 2.0  # coordinates this far apart...
    jump_minutes: int = 10  # ...within this many minutes
    rate_min_visits: int = 15  # an evening with at least this many visits...
    rate_percent: int = 95  # ...and at least this share of households met


@dataclass(frozen=True)
class Scope:
    """Where a check reads: `area` (already checked against the officer's grants by the
    caller) and its subtree, in `campaign` (None: the visit checks find nothing)."""

    area: Area
    campaign: Campaign | None
    today: datetime.date = field(default_factory=timezone.localdate)
    now: datetime.datetime = field(default_factory=timezone.now)
    params: Params = field(default_factory=Params)

    def residents(self) -> QuerySet:
        return Resident.objects.filter(self.area.subtree("household__area"))

    def households(self) -> QuerySet:
        return Household.objects.filter(self.area.subtree("area"))


@dataclass(frozen=True)
class Check:
    slug: str
    group: str  # a key of GROUPS
    spec: ListSpec  # title, summary, columns: what the page and the .xlsx show
    select: Callable[[Scope], QuerySet]  # the selector: every row, ordered
    row: Callable[..., dict]  # (obj, *, scope, shown) -> the row's values, no queries
    # The board's figure. Default: a COUNT of the selector. The few checks that confirm in
    # Python what SQL can only narrow (mojibake, distances) count their candidates' matches.
    count: Callable[[Scope], int] | None = None
    # The rows after the Python confirmation, for those few (default: the selector's).
    confirmed: Callable[[Scope], list] | None = None
    action: str = ""  # "merge", "gone", "decide": the form each row offers
    unit: str = "resident"

    def figure(self, scope: Scope) -> int:
        return self.count(scope) if self.count else self.select(scope).count()

    def items(self, scope: Scope):
        return self.confirmed(scope) if self.confirmed else self.select(scope)


def spec(slug: str, title, summary, columns: tuple[Column, ...], unit: str = "resident") -> ListSpec:
    return ListSpec(slug, title, summary, unit, columns)


RESIDENT_COLUMNS = (NAME, BIRTH, ID_NUMBER, PHONE, ADDRESS, GROUP)
HOUSEHOLD_COLUMNS = (ADDRESS, HEAD, GROUP)
LAST_VISIT = Column("last_visit", _l("Lần đến gần nhất"), "datetime")
RECORDER = Column("recorder", _l("Người ghi"))
NOTE = Column("note", _l("Ghi chú"))


def resident_cells(resident: Resident, *, shown: frozenset[str]) -> dict:
    """`shown`: the personal fields the reader may see in full (Access.resident_fields):
    never a full ID number unless SEE_FULL_ID, the birth year alone without SEE_BIRTH_DATE,
    no phone without SEE_PHONE. Reads resident.household.area (select_related it)."""
    id_number = resident.id_number or ""
    birth = resident.birth_date if "birth_date" in shown else None
    return {
        "resident_id": resident.pk, "name": resident.full_name, "birth": birth or resident.birth_year,
        "id_number": id_number if "id_number" in shown else mask_id_number(id_number),
        "phone": resident.phone if "phone" in shown else "",
        **household_cells(resident.household),
    }  # fmt: skip


def household_cells(household: Household) -> dict:
    return {"household_id": household.pk, "address": household.address_display, "head": household.head_name,
            "group": household.area.name}  # fmt: skip


def resident_row(obj, *, scope: Scope, shown: frozenset[str]) -> dict:
    return resident_cells(obj, shown=shown)


def household_row(obj, *, scope: Scope, shown: frozenset[str]) -> dict:
    return household_cells(obj)


def local(moment: datetime.datetime | None) -> datetime.datetime | None:
    return timezone.localtime(moment) if moment else None


def recorder_name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""
