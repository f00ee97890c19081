"""The work lists of the commune police: households never visited, households to revisit,
residents interested but not yet activated, residents blocked by a reason, and a call list
of those with a phone number (the hotline practice).

Each list is a queryset with everything a row shows joined or annotated, so a page or an
export of any length costs the same few queries; `list_row` turns one object into the
row's values (python dates, ints and strings) that the page, the .xlsx and the .csv all
format from. Filters narrow by residential group, turf, team (the team of the turf's open
assignment in the campaign) and the special-support flag, never wider than the area.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from households.collation import vi_order
from households.models import Area, AreaKind, Household, Resident, Turf, VneidStatus

from ..access import mask_id_number
from ..models import Assignment, Campaign, HouseholdState, OutcomeCode, ResidentState, Team
from ..campaigns.models import Interest

# Elderly living alone, disabled or sick: the team brings the phone and the camera to them.
SUPPORT_Q = Q(elderly_alone=True) | Q(disabled=True) | Q(sick=True)


@dataclass(frozen=True)
class Column:
    key: str
    header: Promise
    kind: str = "text"  # text, int, date, datetime, birth (date or year), id, phone, bool


@dataclass(frozen=True)
class ListSpec:
    slug: str
    title: Promise
    summary: Promise
    unit: str  # "household" or "resident"
    columns: tuple[Column, ...]
    reason_filter: bool = False


@dataclass(frozen=True)
class ListFilters:
    group: Area | None = None
    turf: Turf | None = None
    team: Team | None = None
    support: bool = False
    reason: OutcomeCode | None = None


ADDRESS = Column("address", _l("Địa chỉ"))
HEAD = Column("head", _l("Chủ hộ"))
GROUP = Column("group", _l("Tổ dân phố"))
TURF = Column("turf", _l("Khu vực"))
TEAM = Column("team", _l("Tổ công tác"))
ELIGIBLE = Column("eligible", _l("Số người từ 14 tuổi"), "int")
HOUSEHOLD_SUPPORT = Column("support", _l("Có người cần hỗ trợ tại nhà"), "bool")
NAME = Column("name", _l("Họ và tên"))
BIRTH = Column("birth", _l("Ngày sinh"), "birth")
ID_NUMBER = Column("id_number", _l("Số định danh"), "id")
PHONE = Column("phone", _l("Số điện thoại"), "phone")
SUPPORT = Column("support", _l("Cần hỗ trợ tại nhà"))
VNEID = Column("vneid", _l("Tình trạng VNeID"))  # at the campaign's target level
LAST_VISIT = Column("last_visit", _l("Lần đến gần nhất"), "datetime")

SPECS = {
    spec.slug: spec
    for spec in (
        ListSpec("chua-den", _l("Hộ chưa đến"), _l("Hộ chưa có lượt đến nào trong chiến dịch."), "household",
                 (ADDRESS, HEAD, GROUP, TURF, TEAM, ELIGIBLE, HOUSEHOLD_SUPPORT)),
        ListSpec("quay-lai", _l("Hộ cần quay lại"),
                 _l("Lần đến gần nhất không có ai ở nhà; giờ hẹn quay lại do hộ hoặc tổ công tác ghi."), "household",
                 (ADDRESS, HEAD, Column("revisit_after", _l("Hẹn quay lại lúc"), "datetime"),
                  Column("revisit_note", _l("Ghi chú hẹn")), LAST_VISIT, Column("visits", _l("Số lần đến"), "int"),
                  GROUP, TURF, TEAM, ELIGIBLE, HOUSEHOLD_SUPPORT)),
        ListSpec("quan-tam", _l("Quan tâm, chưa kích hoạt"),
                 _l("Người từ 14 tuổi đã bày tỏ quan tâm nhưng chưa kích hoạt tài khoản ở mức của chiến dịch."),
                 "resident",
                 (NAME, BIRTH, ID_NUMBER, PHONE, VNEID, Column("outcome", _l("Kết quả gần nhất")), LAST_VISIT,
                  ADDRESS, GROUP, TURF, TEAM, SUPPORT)),
        ListSpec("vuong-mac", _l("Vướng mắc"),
                 _l("Người chưa kích hoạt được vì một lý do ghi ở lần đến gần nhất: không có điện thoại thông minh,"
                    " số điện thoại không chính chủ..."), "resident",
                 (NAME, BIRTH, ID_NUMBER, PHONE, Column("reason", _l("Lý do vướng mắc")), VNEID, LAST_VISIT,
                  ADDRESS, GROUP, TURF, TEAM, SUPPORT), reason_filter=True),
        ListSpec("goi-dien", _l("Danh sách gọi điện"),
                 _l("Người có số điện thoại, chưa kích hoạt, ở hộ chưa đến hoặc cần quay lại, hoặc đang quan tâm hay"
                    " vướng mắc: gọi trước khi đến."), "resident",
                 (NAME, PHONE, Column("why", _l("Lý do gọi")), BIRTH, ADDRESS, GROUP, TURF, TEAM, SUPPORT)),
    )
}  # fmt: skip
LIST_SLUGS = tuple(SPECS)


def list_spec(*, slug: str) -> ListSpec:
    """Raises KeyError for an unknown list."""
    return SPECS[slug]


def _open_team(*, campaign: Campaign, turf_ref: str):
    return Subquery(
        Assignment.objects.filter(campaign=campaign, turf=OuterRef(turf_ref), ended_at__isnull=True)
        .values("team__name")[:1]
    )


def _eligible_count(*, household_ref: str, today: datetime.date):
    count = (
        Resident.objects.filter(household=OuterRef(household_ref)).living_here().eligible_on(today)
        .order_by().values("household").annotate(n=Count("id")).values("n")
    )  # fmt: skip
    return Coalesce(Subquery(count, output_field=IntegerField()), Value(0))


def _support_exists(*, household_ref: str):
    return Exists(Resident.objects.filter(household=OuterRef(household_ref)).living_here().filter(SUPPORT_Q))


def _filter(qs: QuerySet, *, household: str, filters: ListFilters, campaign: Campaign) -> QuerySet:
    """household: the lookup path from the row to its household ("" for households)."""
    if filters.group:
        qs = qs.filter(filters.group.subtree(f"{household}area"))
    if filters.turf:
        qs = qs.filter(**{f"{household}turf": filters.turf})
    if filters.team:
        turfs = Assignment.objects.filter(campaign=campaign, team=filters.team, ended_at__isnull=True)
        qs = qs.filter(**{f"{household}turf__in": turfs.values("turf_id")})
    return qs


def _target_field(campaign: Campaign) -> str:
    return f"vneid_level{campaign.target_level}"


def _living_eligible_ids(*, area: Area, today: datetime.date) -> QuerySet:
    return Resident.objects.filter(area.subtree("household__area")).living_here().eligible_on(today)


def _never_visited(*, area: Area, campaign: Campaign, filters: ListFilters, today: datetime.date) -> QuerySet:
    qs = (
        Household.objects.filter(area.subtree("area"))
        .exclude(Exists(HouseholdState.objects.filter(campaign=campaign, household=OuterRef("pk"))))
        .select_related("area", "turf")
        .annotate(team_name=_open_team(campaign=campaign, turf_ref="turf_id"),
                  eligible=_eligible_count(household_ref="pk", today=today),
                  needs_support=_support_exists(household_ref="pk"))
        .order_by("area__path", "walk_key", "id")
    )  # fmt: skip
    qs = _filter(qs, household="", filters=filters, campaign=campaign)
    return qs.filter(needs_support=True) if filters.support else qs


def _revisit(*, area: Area, campaign: Campaign, filters: ListFilters, today: datetime.date) -> QuerySet:
    qs = (
        HouseholdState.objects.filter(area.subtree("household__area"), campaign=campaign, needs_revisit=True)
        .select_related("household__area", "household__turf", "last_visit")
        .annotate(team_name=_open_team(campaign=campaign, turf_ref="household__turf_id"),
                  eligible=_eligible_count(household_ref="household_id", today=today),
                  needs_support=_support_exists(household_ref="household_id"))
        .order_by(F("revisit_after").asc(nulls_last=True), "household__area__path", "household__walk_key", "id")
    )  # fmt: skip
    qs = _filter(qs, household="household__", filters=filters, campaign=campaign)
    return qs.filter(needs_support=True) if filters.support else qs


def _resident_states(*, slug: str, area: Area, campaign: Campaign, filters: ListFilters,
                     today: datetime.date) -> QuerySet:  # fmt: skip
    """Interested ("quan-tam") or blocked by a reason ("vuong-mac"), not yet activated."""
    qs = ResidentState.objects.filter(
        campaign=campaign, resident__in=_living_eligible_ids(area=area, today=today)
    ).exclude(**{f"resident__{_target_field(campaign)}": VneidStatus.ACTIVATED})
    if slug == "quan-tam":
        qs = qs.filter(interest=Interest.INTERESTED)
    else:
        qs = qs.filter(last_reason__isnull=False)
        if filters.reason:
            qs = qs.filter(last_reason=filters.reason)
    qs = (
        qs.select_related("resident__household__area", "resident__household__turf", "last_outcome", "last_reason")
        .annotate(team_name=_open_team(campaign=campaign, turf_ref="resident__household__turf_id"))
        .order_by("resident__household__area__path", "resident__household__walk_key", "resident_id")
    )  # fmt: skip
    qs = _filter(qs, household="resident__household__", filters=filters, campaign=campaign)
    if filters.support:
        qs = qs.filter(Q(resident__elderly_alone=True) | Q(resident__disabled=True) | Q(resident__sick=True))
    return qs


def _call_list(*, area: Area, campaign: Campaign, filters: ListFilters, today: datetime.date) -> QuerySet:
    household_state = HouseholdState.objects.filter(campaign=campaign, household=OuterRef("household_id"))
    state = ResidentState.objects.filter(campaign=campaign, resident=OuterRef("pk"))
    qs = (
        _living_eligible_ids(area=area, today=today).exclude(phone="")
        .exclude(**{_target_field(campaign): VneidStatus.ACTIVATED})
        .select_related("household__area", "household__turf")
        .annotate(household_visited=Exists(household_state),
                  household_revisit=Exists(household_state.filter(needs_revisit=True)),
                  is_interested=Exists(state.filter(interest=Interest.INTERESTED)),
                  reason_vi=Subquery(state.values("last_reason__label_vi")[:1]),
                  reason_en=Subquery(state.values("last_reason__label_en")[:1]),
                  team_name=_open_team(campaign=campaign, turf_ref="household__turf_id"))
        .filter(Q(household_visited=False) | Q(household_revisit=True) | Q(is_interested=True)
                | Q(reason_vi__isnull=False))
        .order_by("household__area__path", "household__walk_key", "id")
    )  # fmt: skip
    qs = _filter(qs, household="household__", filters=filters, campaign=campaign)
    return qs.filter(SUPPORT_Q) if filters.support else qs


def list_queryset(*, slug: str, area: Area, campaign: Campaign, filters: ListFilters, today: datetime.date) -> QuerySet:
    """The rows of one list inside `area`, ordered as a team walks them."""
    args = {"area": area, "campaign": campaign, "filters": filters, "today": today}
    if slug == "chua-den":
        return _never_visited(**args)
    if slug == "quay-lai":
        return _revisit(**args)
    if slug in ("quan-tam", "vuong-mac"):
        return _resident_states(slug=slug, **args)
    if slug == "goi-dien":
        return _call_list(**args)
    raise KeyError(slug)


def code_label(code: OutcomeCode | None) -> str:
    if code is None:
        return ""
    return code.label_en if (get_language() or "vi").startswith("en") and code.label_en else code.label_vi


def _support_text(resident: Resident) -> str:
    parts = []
    if resident.elderly_alone:
        parts.append(_("Cao tuổi sống một mình"))
    if resident.disabled:
        parts.append(_("Khuyết tật"))
    if resident.sick:
        parts.append(_("Ốm đau"))
    return ", ".join(parts)


def _household_cells(household: Household, team_name: str | None) -> dict:
    return {
        "address": household.address_display, "head": household.head_name, "group": household.area.name,
        "turf": household.turf.name if household.turf_id else "", "team": team_name or "",
        "household_id": household.id,
    }  # fmt: skip


def _resident_cells(resident: Resident, *, campaign: Campaign, shown: frozenset[str]) -> dict:
    """`shown`: the personal fields the reader may see in full (outreach.access)."""
    status = getattr(resident, _target_field(campaign))
    birth = resident.birth_date if "birth_date" in shown else None
    id_number = resident.id_number or ""
    return {
        "name": resident.full_name, "birth": birth or resident.birth_year,
        "id_number": id_number if "id_number" in shown else mask_id_number(id_number),
        "phone": resident.phone if "phone" in shown else "",
        "vneid": str(VneidStatus(status).label),
        "support": _support_text(resident),
    }  # fmt: skip


def _local(moment: datetime.datetime | None) -> datetime.datetime | None:
    return timezone.localtime(moment) if moment else None


def list_row(*, slug: str, obj, campaign: Campaign, shown: frozenset[str]) -> dict:
    """The values of one row, keyed by column key; no queries. `shown`: the personal fields
    the reader may see in full (`Access.resident_fields`)."""
    if slug == "chua-den":
        row = _household_cells(obj, obj.team_name)
        return {**row, "eligible": obj.eligible, "support": obj.needs_support}
    if slug == "quay-lai":
        row = _household_cells(obj.household, obj.team_name)
        return {
            **row, "revisit_after": _local(obj.revisit_after), "revisit_note": obj.last_visit.revisit_note,
            "last_visit": _local(obj.last_device_time), "visits": obj.visit_count, "eligible": obj.eligible,
            "support": obj.needs_support,
        }  # fmt: skip
    if slug in ("quan-tam", "vuong-mac"):
        resident = obj.resident
        return {
            **_household_cells(resident.household, obj.team_name), **_resident_cells(resident, campaign=campaign, shown=shown),
            "outcome": code_label(obj.last_outcome), "reason": code_label(obj.last_reason),
            "last_visit": _local(obj.last_device_time),
        }  # fmt: skip
    if slug == "goi-dien":
        english = (get_language() or "vi").startswith("en")
        why = []
        if not obj.household_visited:
            why.append(_("Hộ chưa đến"))
        elif obj.household_revisit:
            why.append(_("Hẹn quay lại"))
        if obj.is_interested:
            why.append(_("Quan tâm"))
        if obj.reason_vi:
            why.append(_("Vướng mắc: %(reason)s") % {"reason": (obj.reason_en if english else None) or obj.reason_vi})
        return {
            **_household_cells(obj.household, obj.team_name), **_resident_cells(obj, campaign=campaign, shown=shown),
            "why": "; ".join(why),
        }  # fmt: skip
    raise KeyError(slug)


def list_filter_choices(*, area: Area, campaign: Campaign) -> dict[str, QuerySet]:
    """What the filters may pick: only things inside the area (three small queries)."""
    return {
        "groups": Area.objects.filter(area.subtree(), kind=AreaKind.GROUP).exclude(pk=area.pk).order_by("path"),
        "turfs": Turf.objects.filter(area.subtree("area")).select_related("area")
        .order_by("area__path", vi_order("name")),
        "teams": Team.objects.filter(area.subtree("area")).order_by("area__path", vi_order("name")),
        "reasons": OutcomeCode.objects.filter(Q(campaign=None) | Q(campaign=campaign), scope="reason", is_active=True),
    }  # fmt: skip

