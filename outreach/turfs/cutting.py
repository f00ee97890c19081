"""Writes for cutting a residential group into turfs: create, rename, merge, split, and moving
households from one turf to another; plus the check a turf assignment must pass before
outreach.turfs.services.turf_assign records it.

Phones hold their team's turfs offline, so every write here ends in the sync change log:
a household that moves gets a change on the turf it left (the old team's phones read it as
a removal) and on the turf it joined (the new team's phones fetch it). Moves are one bulk
UPDATE, not a save() per household (a lane of 200 households would be 200 signal writes),
so they record those changes themselves, exactly as outreach.sync.signals does for one save.

Turfs are never deleted: Assignment and SyncChange rows cascade from Turf, and with them
would go the tombstones the old team's phones have not pulled yet. A turf merged away is
left empty and unassigned; the pages hide such turfs, and creating a turf with its name
takes it over again.

Writes to one group's turfs are serialised on the group's Area row (select_for_update), so
two leaders cutting the same group at once cannot both create "Ngõ 12" or both move the
same household and lose which turf it came from.
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from households.models import Area, AreaKind, Household, Turf
from households.text import nfc

from ..models import Assignment, Campaign, SyncChange, Team
from ..sync.changes import changes_record

NAME_MAX = Turf._meta.get_field("name").max_length


# ---------------------------------------------------------------- helpers


def _lock_group(area_id: int) -> Area:
    return Area.objects.select_for_update().get(pk=area_id)


def _clean_name(name: str) -> str:
    name = nfc(name)
    if not name:
        raise ValidationError(_("Hãy nhập tên khu vực."), code="name_required")
    if len(name) > NAME_MAX:
        raise ValidationError(
            _("Tên khu vực dài quá %(max)d ký tự.") % {"max": NAME_MAX}, code="name_too_long"
        )
    return name


def _clean_kind(kind: str | None, default: str) -> str:
    kind = kind or default
    if kind not in Turf.Kind.values:
        raise ValidationError(_("Loại khu vực không hợp lệ."), code="bad_kind")
    return kind


def _named(*, area_id: int, name: str, exclude_id: int | None = None) -> Turf | None:
    """The group's turf with this name, compared case-insensitively. In Python, because
    SQLite folds only ASCII case ("ngõ 12" would not match "Ngõ 12"); a group has dozens of
    turfs at most."""
    wanted = name.casefold()
    for turf in Turf.objects.filter(area_id=area_id).exclude(pk=exclude_id):
        if nfc(turf.name).casefold() == wanted:
            return turf
    return None


def _is_vacant(turf: Turf) -> bool:
    """Left empty and unassigned (merged away, or every household moved out and its team
    taken off), so its name is free to reuse."""
    return not turf.households.exists() and not turf.assignments.filter(ended_at__isnull=True).exists()


def _household_ids(households: Iterable[Household | int]) -> set[int]:
    return {h if isinstance(h, int) else h.pk for h in households}


def _ids_in(turf: Turf, household_ids: set[int]) -> set[int]:
    return set(turf.households.filter(id__in=household_ids).values_list("id", flat=True))


def _move(*, household_ids: set[int], turf: Turf) -> list[SyncChange]:
    """Point the households at `turf`; return the change rows for the caller to record last
    in its transaction (changes_record must be the transaction's last write)."""
    if not household_ids:
        return []
    # Locked in id order so two moves of overlapping households queue instead of deadlocking,
    # and the turf each one leaves is read after any concurrent move has committed.
    rows = list(
        Household.objects.select_for_update().filter(id__in=household_ids).order_by("id")
        .values_list("id", "area_id", "turf_id")
    )  # fmt: skip
    if len(rows) != len(household_ids):
        raise ValidationError(_("Có hộ không còn trong sổ hộ dân. Hãy tải lại trang."), code="unknown_household")
    if any(area_id != turf.area_id for _id, area_id, _turf in rows):
        raise ValidationError(
            _("Chỉ chuyển được các hộ thuộc cùng tổ dân phố với khu vực “%(turf)s”.") % {"turf": turf.name},
            code="other_group",
        )
    moving = [(household_id, old_turf_id) for household_id, _area, old_turf_id in rows if old_turf_id != turf.pk]
    if not moving:
        return []
    moved_ids = [household_id for household_id, _old in moving]
    Household.objects.filter(id__in=moved_ids).update(turf=turf, updated_at=timezone.now())
    changes = []
    for household_id, old_turf_id in moving:
        changes.append(SyncChange(entity=SyncChange.Entity.HOUSEHOLD, entity_id=household_id, turf_id=turf.pk))
        if old_turf_id:
            changes.append(SyncChange(entity=SyncChange.Entity.HOUSEHOLD, entity_id=household_id, turf_id=old_turf_id))
    return changes


def _end_assignments(*, turf_ids: list[int]) -> list[SyncChange]:
    """End the open assignments of turfs that no longer exist as walks; their teams' phones
    read the ended assignment as a tombstone for the turf."""
    now = timezone.now()
    ended = list(
        Assignment.objects.select_for_update().filter(turf_id__in=turf_ids, ended_at__isnull=True).order_by("id")
    )
    if not ended:
        return []
    Assignment.objects.filter(id__in=[a.id for a in ended]).update(ended_at=now)
    return [
        SyncChange(entity=SyncChange.Entity.ASSIGNMENT, entity_id=a.id, team_id=a.team_id, campaign_id=a.campaign_id)
        for a in ended
    ]


def _create(*, area: Area, name: str, kind: str, household_ids: set[int]) -> tuple[Turf, list[SyncChange]]:
    """Create (or take over a vacant turf of the same name) and move the households in.
    A resubmitted form (same name, the households already in it) returns the turf as is."""
    existing = _named(area_id=area.pk, name=name)
    if existing is not None:
        if household_ids and _ids_in(existing, household_ids) == household_ids:
            return existing, []
        if not _is_vacant(existing):
            raise ValidationError(
                _("Tổ dân phố đã có khu vực tên “%(name)s”. Hãy đặt tên khác hoặc chuyển các hộ vào khu vực đó.")
                % {"name": existing.name},
                code="duplicate_name",
            )
        turf = existing
        if turf.name != name or turf.kind != kind:
            turf.name, turf.kind = name, kind
            turf.save(update_fields=["name", "kind", "updated_at"])
    else:
        turf = Turf.objects.create(area=area, name=name, kind=kind)
    return turf, _move(household_ids=household_ids, turf=turf)


# ---------------------------------------------------------------- services


@transaction.atomic
def turf_create(
    *, area: Area, name: str, kind: str = Turf.Kind.LANE, households: Iterable[Household | int] = ()
) -> Turf:
    """A new turf in a residential group, optionally cut from the given households (which
    may come from other turfs of the group or from none)."""
    if area.kind != AreaKind.GROUP:
        raise ValidationError(_("Khu vực chỉ tạo được trong một tổ dân phố."), code="not_a_group")
    name, kind = _clean_name(name), _clean_kind(kind, Turf.Kind.LANE)
    area = _lock_group(area.pk)
    turf, changes = _create(area=area, name=name, kind=kind, household_ids=_household_ids(households))
    changes_record(changes=changes)
    return turf


@transaction.atomic
def households_move_to_turf(*, households: Iterable[Household | int], turf: Turf) -> int:
    """Move households of the turf's group into the turf; returns how many actually moved
    (a resubmitted move finds them there already and moves none)."""
    _lock_group(turf.area_id)
    changes = _move(household_ids=_household_ids(households), turf=turf)
    changes_record(changes=changes)
    return len({c.entity_id for c in changes})


@transaction.atomic
def turf_rename(*, turf: Turf, name: str, kind: str | None = None) -> Turf:
    """Rename a turf (and optionally change its kind). The teams holding it get an assignment
    change, which makes their phones re-read the turf list on the next pull (the turf list
    travels only with a full download or an assignment change)."""
    name, kind = _clean_name(name), _clean_kind(kind, turf.kind)
    _lock_group(turf.area_id)
    turf = Turf.objects.select_for_update().get(pk=turf.pk)
    if turf.name == name and turf.kind == kind:
        return turf
    if _named(area_id=turf.area_id, name=name, exclude_id=turf.pk) is not None:
        raise ValidationError(
            _("Tổ dân phố đã có khu vực tên “%(name)s”.") % {"name": name}, code="duplicate_name"
        )
    turf.name, turf.kind = name, kind
    turf.save(update_fields=["name", "kind", "updated_at"])
    changes_record(changes=[
        SyncChange(entity=SyncChange.Entity.ASSIGNMENT, entity_id=a_id, team_id=team_id, campaign_id=campaign_id)
        for a_id, team_id, campaign_id in Assignment.objects.filter(turf=turf, ended_at__isnull=True)
        .order_by("id").values_list("id", "team_id", "campaign_id")
    ])  # fmt: skip
    return turf


@transaction.atomic
def turf_split(*, turf: Turf, households: Iterable[Household | int], name: str, kind: str | None = None) -> Turf:
    """Cut some of a turf's households off into a new turf of the same group. The new turf
    starts unassigned; the old team's phones drop the households on their next pull."""
    household_ids = _household_ids(households)
    if not household_ids:
        raise ValidationError(_("Hãy chọn ít nhất một hộ để tách."), code="nothing_selected")
    name, kind = _clean_name(name), _clean_kind(kind, turf.kind)
    area = _lock_group(turf.area_id)
    # A resubmitted split finds its households already in the turf it created.
    replay = _named(area_id=area.pk, name=name, exclude_id=turf.pk)
    if replay is not None and _ids_in(replay, household_ids) == household_ids:
        return replay
    if nfc(turf.name).casefold() == name.casefold():
        raise ValidationError(_("Khu vực mới phải có tên khác khu vực đang tách."), code="duplicate_name")
    in_turf = set(Household.objects.filter(turf=turf).values_list("id", flat=True))
    if not household_ids <= in_turf:
        raise ValidationError(_("Chỉ tách được các hộ đang thuộc khu vực “%(turf)s”.") % {"turf": turf.name},
                              code="not_in_turf")  # fmt: skip
    if household_ids == in_turf:
        raise ValidationError(
            _("Không thể tách tất cả các hộ: phải để lại ít nhất một hộ. Muốn đổi tên khu vực thì dùng “Đổi tên”."),
            code="split_all",
        )
    new_turf, changes = _create(area=area, name=name, kind=kind, household_ids=household_ids)
    changes_record(changes=changes)
    return new_turf


@transaction.atomic
def turf_merge(*, target: Turf, sources: Iterable[Turf]) -> Turf:
    """Move every household of `sources` into `target` and take the sources' teams off them
    (their phones get a tombstone). The sources stay as empty turfs; see the module notes."""
    sources = [s for s in sources]
    if not sources:
        raise ValidationError(_("Hãy chọn ít nhất một khu vực để gộp."), code="nothing_selected")
    if any(s.pk == target.pk for s in sources):
        raise ValidationError(_("Không thể gộp một khu vực vào chính nó."), code="same_turf")
    if any(s.area_id != target.area_id for s in sources):
        raise ValidationError(
            _("Không thể gộp khu vực của các tổ dân phố khác nhau: chỉ gộp được các khu vực cùng một tổ."),
            code="other_group",
        )
    _lock_group(target.area_id)
    source_ids = sorted({s.pk for s in sources})
    household_ids = set(Household.objects.filter(turf_id__in=source_ids).values_list("id", flat=True))
    changes = _move(household_ids=household_ids, turf=target)
    changes += _end_assignments(turf_ids=source_ids)
    changes_record(changes=changes)
    return target


# ---------------------------------------------------------------- assignment check


def commune_of(area: Area) -> Area:
    """The commune (xã / phường) above a residential group, or the group's parent in trees
    without that level."""
    paths = area.ancestors_paths()
    communes = list(Area.objects.filter(path__in=paths, kind=AreaKind.COMMUNE).order_by("-depth")[:1])
    if communes:
        return communes[0]
    return area.parent if area.parent_id else area


def assignment_check(*, campaign: Campaign, turf: Turf, team: Team, commune: Area | None = None) -> None:
    """Refuse an assignment outreach.turfs.services.turf_assign would otherwise record: a campaign
    that has ended, or a team of another commune than the turf's."""
    if not campaign.is_active:
        raise ValidationError(_("Chiến dịch “%(campaign)s” đã kết thúc.") % {"campaign": campaign.name},
                              code="campaign_inactive")  # fmt: skip
    commune = commune or commune_of(turf.area)
    team_path = team.area.path
    if not team_path.startswith(commune.path):
        raise ValidationError(
            _("Không giao được: tổ công tác “%(team)s” thuộc xã / phường khác, không phải %(commune)s.")
            % {"team": team.name, "commune": commune.name},
            code="other_commune",
        )

