"""What a phone downloads: its team's turfs with households, residents and visits, either
whole (no cursor, paged by household id) or as the changes since a cursor.

The cursor is a place in the change log, never a device clock: `x.N.I` means "every
change of a transaction below N, and of transaction N up to change I, is on the phone". A
page reads the log in (transaction, id) order only below the horizon (changes.log_horizon:
no transaction of this database that could still write there is running), so a change
committed late can never lie behind a cursor already handed out. Rows are sent as arrays
under a field list: a turf of 500 households and 2,000 residents must fit in 60 KB gzipped
on a phone with one bar.
"""

import datetime
import re
from dataclasses import dataclass

from django.db.models import Max, Q
from django.utils import timezone

from households.fields import ADDRESS_PARTS, PULL_HOUSEHOLD, PULL_RESIDENT, SUPPORT_FLAGS
from households.ids import parse_id
from households.models import Area, Household, Resident, Turf, turns_fourteen_on

from ..access import FieldScope, field_scope, mask_id_number
from ..appointments.selectors import APPOINTMENT_FIELDS
from ..appointments.selectors import pull_rows as appointment_rows
from ..campaigns.selectors import campaign_current
from ..hometime.selectors import HOME_FIELDS, home_rows
from ..models import Assignment, Campaign, HouseholdState, OutcomeCode, ResidentState, SyncChange, Visit
from ..visits.models import Channel
from .changes import log_horizon
from .prune import pruned_below
from .items import MAX_ID

PAGE_SIZE = 500
HOUSEHOLD_FIELDS = list(PULL_HOUSEHOLD)  # the columns of a row, in order; see households.fields
RESIDENT_FIELDS = list(PULL_RESIDENT)
VISIT_FIELDS = ["id", "client_uuid", "household", "team", "recorded_by", "device_time", "outcome", "revisit_after",
                "revisit_note", "note", "residents"]  # fmt: skip
VNEID = {"none": 0, "registered": 1, "activated": 2}


# The query string of a pull, exactly as the server writes it: ASCII digits only (int()
# would also take "-5", " 5", "5_0" and "٥"), each number a bigint (a larger one would make
# PostgreSQL refuse the query: a 5xx, which the phone retries for ever): households.ids.
# x.N.I: caught up to change I of transaction N; g.N.I.H: a full download that started
# there, past household H. c.N and f.N.H were the cursors of the log under a lock (ids, not
# transactions): still well-formed, answered 410 cursor_expired (download again).
_N = "[0-9]{1,19}"
CURSOR_PATTERN = rf"^(c\.{_N}|[xf]\.{_N}\.{_N}|g\.{_N}\.{_N}\.{_N})$"  # published in the OpenAPI document
_CURSOR = re.compile(rf"c\.({_N})|[xf]\.({_N})\.({_N})|g\.({_N})\.({_N})\.({_N})")


class BadCursor(ValueError):
    pass


class CursorExpired(ValueError):
    """A well-formed cursor the log no longer answers for (an older protocol's)."""


class PullRefused(Exception):
    """A pull answered with a 4xx: `code` is one of errors.MESSAGES."""

    def __init__(self, code: str, http_status: int):
        super().__init__(code, http_status)
        self.code = code
        self.http_status = http_status


@dataclass
class Cursor:
    kind: str  # "g": full download in progress, "x": caught up to change `after` of transaction `xact`
    xact: int
    after: int = 0
    household: int = 0  # "g": the last household sent

    @classmethod
    def parse(cls, text: str | None) -> "Cursor | None":
        if not text:
            return None
        match = _CURSOR.fullmatch(text)
        numbers = [int(n) for n in match.groups() if n is not None] if match else []
        if not numbers or max(numbers) > MAX_ID:
            raise BadCursor(text[:40])
        if text[0] in "cf":
            raise CursorExpired(text[:40])
        return cls("x", *numbers) if text[0] == "x" else cls("g", *numbers)

    def __str__(self):
        return f"x.{self.xact}.{self.after}" if self.kind == "x" else f"g.{self.xact}.{self.after}.{self.household}"


def pull_request_parse(*, query) -> tuple[Campaign, "Cursor | None"]:
    """The campaign and the cursor a pull's query string names, or PullRefused: a malformed
    value is a 400, a campaign that is not there or no longer active a 404."""
    try:
        cursor = Cursor.parse(query.get("cursor"))
    except BadCursor:
        raise PullRefused("bad_cursor", 400) from None
    except CursorExpired:
        raise PullRefused("cursor_expired", 410) from None
    text = query.get("campaign")
    if not text:
        campaign = campaign_current()
    elif (campaign_id := parse_id(text)) is None:
        raise PullRefused("bad_campaign", 400)
    else:
        campaign = Campaign.objects.filter(is_active=True, id=campaign_id).first()
    if campaign is None:
        raise PullRefused("unknown_campaign", 404)
    return campaign, cursor


def sync_pull(*, user, campaign: Campaign, cursor: Cursor | None, limit: int | None = None) -> dict:
    limit = limit or PAGE_SIZE
    scope = field_scope(user=user, campaign_id=campaign.id)
    turfs = scope.turf_team
    packer = _Packer(scope=scope, campaign=campaign)
    if cursor is None or cursor.kind == "g":
        return _full_page(packer, turfs, cursor, limit)
    return _changes_page(packer, turfs, list(scope.team_ids), cursor, limit, user_id=user.id)


def _full_page(packer, turfs: dict[int, int], cursor: Cursor | None, limit: int) -> dict:
    if cursor is None:
        # Read before the households: every change below it is in what this download sends,
        # and the changes from there on come as the first incremental pages (some twice:
        # applying a household again changes nothing).
        cursor = Cursor("g", *_download_start(), 0)
    households = list(
        Household.objects.filter(turf_id__in=list(turfs), id__gt=cursor.household).order_by("id")[:limit]
    )
    body = packer.households(households)
    if cursor.household == 0:
        body.update(packer.header(turfs))
    done = len(households) < limit
    next_cursor = Cursor("x", cursor.xact, cursor.after) if done else Cursor("g", cursor.xact, cursor.after,
                                                                               households[-1].id)
    return {"cursor": str(next_cursor), "has_more": not done, **body}


def _download_start() -> tuple[int, int]:
    """Where the changes after a full download begin: the horizon, or, for a reader whose
    own transaction has written (a test), after the rows it has written so far, which the
    download already shows."""
    horizon, own = log_horizon()
    if own is None:
        return horizon, 0
    return own, SyncChange.objects.filter(xact=own).aggregate(m=Max("id"))["m"] or 0


def _changes_page(packer, turfs: dict[int, int], team_ids: list[int], cursor: Cursor, limit: int, *,
                  user_id: int) -> dict:  # fmt: skip
    changes, next_cursor, more = _changes_of(packer.campaign, list(turfs), team_ids, user_id, cursor, limit)
    if not changes:
        return {"cursor": str(next_cursor), "has_more": more}
    ids_of = {entity: [c.entity_id for c in changes if c.entity == entity] for entity in SyncChange.Entity.values}
    household_ids = set(ids_of["household"])
    household_ids |= set(Visit.objects.filter(id__in=ids_of["visit"]).values_list("household_id", flat=True))
    gained_turfs, lost_turfs = set(), set()
    # Turfs whose assignment changed, and those of a team the user joined or left (open
    # assignments: a turf assigned to that team and since ended was told at the time).
    joined_or_left = [c.team_id for c in changes if c.entity == SyncChange.Entity.MEMBERSHIP]
    touched = Assignment.objects.filter(
        Q(id__in=ids_of["assignment"])
        | Q(team_id__in=joined_or_left, campaign=packer.campaign, ended_at__isnull=True)
    ).values_list("turf_id", flat=True)  # fmt: skip
    for turf_id in touched:
        (gained_turfs if turf_id in turfs else lost_turfs).add(turf_id)
    lost_turfs -= set(turfs)
    households = list(Household.objects.filter(Q(id__in=household_ids) | Q(turf_id__in=gained_turfs)))
    in_scope = [h for h in households if h.turf_id in turfs]
    body = packer.households(in_scope)
    body["removed"] = {
        "turfs": sorted(lost_turfs),
        "households": sorted(h.id for h in households if h.turf_id not in turfs),
    }
    if gained_turfs or lost_turfs:
        body.update(packer.header(turfs))
    elif ids_of["code"]:
        # A code added, edited or retired mid-campaign: the whole list, which replaces the
        # phone's (an offline visit made with a code since retired is still accepted).
        body["codes"] = packer.codes()
    return {"cursor": str(next_cursor), "has_more": more, **body}


def _changes_of(campaign, turf_ids: list[int], team_ids: list[int], user_id: int, cursor: Cursor, limit: int):
    """(the user's next `limit` changes after the cursor, below the horizon; the cursor to
    hand out; whether there is more). With nothing more, the cursor moves up to the horizon:
    the next pull starts there, and a phone whose turfs are quiet keeps a recent cursor."""
    horizon, own = log_horizon()
    changes = list(changes_after(campaign, turf_ids, team_ids, user_id, (cursor.xact, cursor.after), horizon,
                                 own)[:limit])  # fmt: skip
    if cursor.xact < pruned_below():  # read after the rows: a prune that began meanwhile is seen (prune.py)
        raise PullRefused("cursor_expired", 410)
    at = (changes[-1].xact, changes[-1].id) if changes else (cursor.xact, cursor.after)
    if len(changes) == limit:
        return changes, Cursor("x", *at), True
    return changes, Cursor("x", *max(at, (horizon, 0))), False


def changes_after(campaign, turf_ids: list[int], team_ids: list[int], user_id: int, after: tuple[int, int],
                  horizon: int, own: int | None = None):  # fmt: skip
    """The user's changes after `after` (transaction, change id), of transactions below the
    horizon (and the reader's `own`, if it wrote), in (xact, id) order: one UNION of four
    branches, each on its own index (turf, xact, id), (team, xact, id) and the partial ones
    for memberships and codes, so the work grows with the changes in the user's turfs, not
    with the whole city's log since the cursor (an OR of the four made PostgreSQL walk the
    log from the cursor and filter). UNION, not UNION ALL: a row matching two branches is
    sent once."""
    Entity = SyncChange.Entity
    xact, change_id = after
    below = Q(xact__lt=horizon) | Q(xact=own) if own is not None else Q(xact__lt=horizon)
    base = SyncChange.objects.filter(Q(campaign__isnull=True) | Q(campaign=campaign), below,
                                     Q(xact__gt=xact) | Q(xact=xact, id__gt=change_id))  # fmt: skip
    branches = [base.filter(entity=Entity.MEMBERSHIP, entity_id=user_id), base.filter(entity=Entity.CODE)]
    if turf_ids:
        branches.append(base.filter(turf_id__in=turf_ids))
    if team_ids:
        branches.append(base.filter(team_id__in=team_ids, entity=Entity.ASSIGNMENT))
    return branches[0].union(*branches[1:]).order_by("xact", "id")


def _iso(value) -> str | None:
    return value.isoformat() if value else None


class _Packer:
    """Turns rows into the compact wire format, scoped to what the user's role may see."""

    def __init__(self, *, scope: FieldScope, campaign: Campaign):
        self.campaign = campaign
        self.today = timezone.localdate()
        # Volunteers see only what the work needs (Decree 13/2023): the last 4 ID digits;
        # each personal field in full only where the user's role shows it (outreach.access).
        self.access = scope.access
        self.shown: dict[int, frozenset[str]] = {}  # household id → fields shown in full
        self.team_ids = scope.team_ids  # whose home appointments the page carries

    def _shown_of(self, households: list[Household]) -> dict[int, frozenset[str]]:
        everywhere = self.access.resident_fields("/")
        if self.access.superuser or not any(self.access.grants):
            return {h.id: everywhere for h in households}  # no query: the answer is the same everywhere
        paths = dict(Area.objects.filter(id__in={h.area_id for h in households}).values_list("id", "path"))
        return {h.id: self.access.resident_fields(paths[h.area_id]) for h in households}

    def codes(self) -> list[list]:
        """The campaign's active codes, shared and its own."""
        codes = OutcomeCode.objects.filter(is_active=True).filter(Q(campaign__isnull=True) | Q(campaign=self.campaign))
        return [[c.code, c.scope, c.label_vi, c.label_en, c.interest, c.vneid_level, c.vneid_status, c.needs_revisit,
                 c.household_reached] for c in codes]  # fmt: skip

    def header(self, turfs: dict[int, int]) -> dict:
        return {
            "campaign": {"id": self.campaign.id, "name": self.campaign.name, "deadline": _iso(self.campaign.deadline),
                         "target_level": self.campaign.target_level},
            "codes": self.codes(),
            "turfs": [[t.id, t.name, t.kind, t.area.name, turfs[t.id]]
                      for t in Turf.objects.filter(id__in=list(turfs)).select_related("area")],
        }  # fmt: skip

    def households(self, households: list[Household]) -> dict:
        ids = [h.id for h in households]
        self.shown = self._shown_of(households)
        states = {s.household_id: s for s in HouseholdState.objects.filter(campaign=self.campaign, household_id__in=ids)
                  .select_related("last_outcome")}  # fmt: skip
        residents = list(Resident.objects.filter(household_id__in=ids).order_by("household_id", "id"))
        r_states = {s.resident_id: s for s in ResidentState.objects.filter(
            campaign=self.campaign, resident__household_id__in=ids).select_related("last_outcome", "last_reason")}
        # Door visits: the phones know no phone-call codes, and a call is not the household's door history.
        visits = list(Visit.objects.filter(campaign=self.campaign, household_id__in=ids, channel=Channel.DOOR)
                      .select_related("outcome", "recorded_by").prefetch_related("resident_outcomes__outcome",
                                                                                  "resident_outcomes__reason")
                      .order_by("id"))  # fmt: skip
        return {
            "households": {"fields": HOUSEHOLD_FIELDS, "rows": [self._household(h, states.get(h.id)) for h in households]},
            "residents": {"fields": RESIDENT_FIELDS,
                          "rows": [self._resident(r, r_states.get(r.id)) for r in residents]},
            "visits": {"fields": VISIT_FIELDS, "rows": [self._visit(v) for v in visits]},
            # When someone is usually home, per household of the page (outreach/hometime).
            "home": {"fields": HOME_FIELDS, "rows": home_rows(households=households)},
            # The team's home appointments at these households (outreach/appointments).
            "appointments": {"fields": APPOINTMENT_FIELDS, "rows": appointment_rows(
                campaign=self.campaign, households=households, team_ids=self.team_ids)},
        }  # fmt: skip

    def _household(self, h: Household, state: HouseholdState | None) -> list:
        # Built by column name and laid out in the order of the one field list (households.fields).
        status = "not_visited" if state is None else ("revisit" if state.needs_revisit else "visited")
        values = {"id": h.id, "turf": h.turf_id, **{name: getattr(h, name) for name in ADDRESS_PARTS},
                  "address": h.address_text, "walk_key": h.walk_key, "status": status,
                  "visit_count": state.visit_count if state else 0,
                  "last_visit_time": _iso(state and state.last_device_time),
                  "revisit_after": _iso(state and state.revisit_after),
                  "last_outcome": state.last_outcome.code if state else None}  # fmt: skip
        return [values[name] for name in HOUSEHOLD_FIELDS]

    def _resident(self, r: Resident, state: ResidentState | None) -> list:
        # Each personal field in full only where the access module shows it, else withheld:
        # the last 4 ID digits, the birth year without the date, no phone.
        shown = self.shown.get(r.household_id, frozenset())
        birth_date = r.birth_date if "birth_date" in shown else None
        values = {"id": r.id, "household": r.household_id, "full_name": r.full_name, "birth_date": _iso(birth_date),
                  # birth_year only when the date is not sent: the phone reads the year off the date.
                  "birth_year": None if birth_date else r.birth_year,
                  "eligible_from": None if birth_date else _iso(self._eligible_from(r)), "sex": r.sex,
                  "id_number": (r.id_number or "") if "id_number" in shown else mask_id_number(r.id_number or ""),
                  "phone": r.phone if "phone" in shown else "", "residence_status": r.residence_status,
                  "support": sum(1 << n for n, flag in enumerate(SUPPORT_FLAGS) if getattr(r, flag)),
                  "vneid1": VNEID[r.vneid_level1], "vneid2": VNEID[r.vneid_level2],
                  "interest": state.interest if state else "", "last_outcome": state.last_outcome.code if state else None,
                  "last_reason": state.last_reason.code if state and state.last_reason else None}  # fmt: skip
        return [values[name] for name in RESIDENT_FIELDS]

    def _eligible_from(self, r: Resident) -> datetime.date | None:
        """The 14th birthday, for a phone that gets the birth year only, where the year alone
        would decide eligibility wrongly: within a year either side of today. Further off, the
        year gives the right answer, and the date would be a child's full birth date."""
        if r.birth_date is None:
            return None
        day = turns_fourteen_on(r.birth_date)
        return day if abs((day - self.today).days) <= 366 else None

    def _visit(self, v: Visit) -> list:
        outcomes = [[o.resident_id, o.outcome.code, o.reason.code if o.reason else None] for o in v.resident_outcomes.all()]
        return [v.id, str(v.client_uuid), v.household_id, v.team_id, v.recorded_by.get_full_name() or v.recorded_by.username,
                _iso(v.device_time), v.outcome.code, _iso(v.revisit_after), v.revisit_note, v.note, outcomes]  # fmt: skip


__all__ = ["sync_pull", "pull_request_parse", "PullRefused", "Cursor", "BadCursor", "CursorExpired"]
