"""The registry: areas, households and residents.

Areas form a tree of any depth (province → commune → residential group, with the abolished
district level still present in old data). Each area stores its materialised path of codes,
so "is X inside Y?" and "everything under Y" are one indexed prefix match.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .collation import given_name_first
from .idnumber import validate_id_number
from .keyfields import DerivedKeyField
from .phones import normalize_phone
from .text import natural_key, nfc, search_key

ELIGIBLE_AGE = 14


class AreaKind(models.TextChoices):
    # The national root `manage.py load_areas` puts the 34 provinces under, so that ranking
    # and reports start from the whole country.
    COUNTRY = "country", _("Toàn quốc")
    PROVINCE = "province", _("Tỉnh / thành phố")
    DISTRICT = "district", _("Quận / huyện (cũ)")
    COMMUNE = "commune", _("Xã / phường / đặc khu")
    GROUP = "group", _("Tổ dân phố / thôn / ấp / bản")


class Area(models.Model):
    code = models.CharField(_("mã"), max_length=32, unique=True)
    name = models.CharField(_("tên"), max_length=200)
    name_key = DerivedKeyField(max_length=200, source="name", derive=search_key)  # diacritics-free, for search
    kind = models.CharField(_("cấp"), max_length=16, choices=AreaKind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("thuộc"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # "/01/00004/TDP01/": codes from the root, so a subtree is path__startswith.
    path = models.CharField(_("đường dẫn"), max_length=500, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(editable=False, default=0)

    class Meta:
        verbose_name = _("địa bàn")
        verbose_name_plural = _("địa bàn")
        ordering = ["path"]
        indexes = [models.Index(fields=["kind", "path"])]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # The stored path, not the in-memory one, which may be stale.
        old_path = Area.objects.filter(pk=self.pk).values_list("path", flat=True).first() if self.pk else None
        self.path = (self.parent.path if self.parent_id else "/") + f"{self.code}/"
        self.depth = self.path.count("/") - 2
        with transaction.atomic():
            super().save(*args, **kwargs)
            if old_path and old_path != self.path:
                # Re-parented (districts abolished in 2025) or re-coded: the subtree follows,
                # or every "inside this area?" check would silently lose it.
                Area.objects.filter(Area.subtree_q(old_path)).exclude(pk=self.pk).update(
                    path=Concat(Value(self.path), Substr("path", len(old_path) + 1)),
                    depth=F("depth") + (self.depth - (old_path.count("/") - 2)),
                )

    def contains(self, other: "Area") -> bool:
        return other.path.startswith(self.path)

    @staticmethod
    def subtree_q(path: str, lookup: str = "") -> Q:
        """Rows whose area (reached through `lookup`, e.g. "household__area"; "" for Area
        itself) lies in the subtree at `path`. The one spelling of "inside this area" on the
        database: scopes (outreach.access) and subtree reads build on it."""
        return Q(**{f"{lookup}__path__startswith" if lookup else "path__startswith": path})

    def subtree(self, lookup: str = "") -> Q:
        """`subtree_q` of this area: `Household.objects.filter(area.subtree("area"))`."""
        return Area.subtree_q(self.path, lookup)

    def ancestors_paths(self) -> list[str]:
        parts = self.path.strip("/").split("/")
        return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


class Turf(models.Model):
    """A street segment, lane or building inside one residential group: one team's walk."""

    class Kind(models.TextChoices):
        STREET = "street", _("Đoạn phố")
        LANE = "lane", _("Ngõ / ngách / hẻm")
        BUILDING = "building", _("Toà nhà / chung cư")
        HAMLET = "hamlet", _("Cụm dân cư")

    area = models.ForeignKey(Area, verbose_name=_("tổ dân phố"), on_delete=models.PROTECT, related_name="turfs")
    name = models.CharField(_("tên"), max_length=200)
    name_key = DerivedKeyField(max_length=200, source="name", derive=search_key)  # diacritics-free, for search
    kind = models.CharField(_("loại"), max_length=16, choices=Kind.choices, default=Kind.LANE)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("khu vực phụ trách")
        verbose_name_plural = _("khu vực phụ trách")
        ordering = ["area__path", "name"]

    def __str__(self):
        return f"{self.name} ({self.area})"


class Household(models.Model):
    area = models.ForeignKey(
        Area, verbose_name=_("tổ dân phố"), on_delete=models.PROTECT, related_name="households"
    )
    turf = models.ForeignKey(
        Turf, verbose_name=_("khu vực"), null=True, blank=True, on_delete=models.SET_NULL, related_name="households"
    )
    house_number = models.CharField(_("số nhà"), max_length=32, blank=True)
    lane = models.CharField(_("ngõ / ngách / hẻm"), max_length=100, blank=True)
    street = models.CharField(_("đường / phố"), max_length=200, blank=True)
    building = models.CharField(_("toà nhà"), max_length=100, blank=True)
    floor = models.CharField(_("tầng"), max_length=16, blank=True)
    unit = models.CharField(_("căn hộ"), max_length=32, blank=True)
    address_text = models.CharField(_("địa chỉ đầy đủ"), max_length=500)
    address_key = models.CharField(max_length=500, editable=False, db_index=True)
    # Orders the walk list as one walks it: lane, house number, building, floor, unit.
    walk_key = models.CharField(max_length=200, editable=False, db_index=True, default="")
    head_name = models.CharField(_("chủ hộ"), max_length=200, blank=True)
    latitude = models.DecimalField(_("vĩ độ"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("kinh độ"), max_digits=9, decimal_places=6, null=True, blank=True)
    # Set when a team created the household at the door, so a retried push cannot double it.
    client_uuid = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("cập nhật"), auto_now=True)

    class Meta:
        verbose_name = _("hộ gia đình")
        verbose_name_plural = _("hộ gia đình")
        ordering = ["area__path", "walk_key"]

    def __str__(self):
        return self.address_display

    @property
    def address_display(self) -> str:
        """The address as every page, export and admin shows it (see capitalise_first)."""
        return capitalise_first(self.address_text)

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # Remembered so a move to another turf can tell the old turf's phones too.
        instance._loaded_turf_id = instance.__dict__.get("turf_id")
        return instance

    def compose_address(self) -> str:
        parts = []
        if self.unit:
            parts.append(f"Căn {self.unit}")
        if self.floor:
            parts.append(f"tầng {self.floor}")
        if self.building:
            parts.append(self.building)
        if self.house_number:
            parts.append(f"số {self.house_number}")
        if self.lane:
            parts.append(self.lane)
        if self.street:
            parts.append(self.street)
        return ", ".join(parts)

    def save(self, *args, **kwargs):
        self.derive_fields()
        super().save(*args, **kwargs)

    def derive_fields(self) -> None:
        """NFC text, the full address, its search key and the walk order. Called by save()
        and by bulk inserts, which skip save()."""
        for field in ("house_number", "lane", "street", "building", "floor", "unit", "head_name"):
            setattr(self, field, nfc(getattr(self, field)))
        self.address_text = nfc(self.address_text) or self.compose_address()
        self.address_key = search_key(self.address_text)
        # Tab sorts before every printable character, so "9" < "9A", a lane comes before its
        # ngách and a street's frontage before its lanes (byte order, as in C collation).
        self.walk_key = "\t".join(
            natural_key(v) for v in (self.street, self.lane, self.building, self.house_number, self.floor, self.unit)
        )[:200]


class ResidenceStatus(models.TextChoices):
    PERMANENT = "permanent", _("Thường trú")
    TEMPORARY = "temporary", _("Tạm trú")
    KT2 = "kt2", _("Có hộ khẩu nhưng không ở (KT2)")
    MOVED = "moved", _("Đã chuyển đi")
    DECEASED = "deceased", _("Đã mất")


class Sex(models.TextChoices):
    MALE = "M", _("Nam")
    FEMALE = "F", _("Nữ")


class VneidStatus(models.TextChoices):
    NONE = "none", _("Chưa có")
    REGISTERED = "registered", _("Đã thu nhận hồ sơ")
    ACTIVATED = "activated", _("Đã kích hoạt")


VNEID_RANK = {VneidStatus.NONE: 0, VneidStatus.REGISTERED: 1, VneidStatus.ACTIVATED: 2}


def capitalise_first(text: str | None) -> str:
    """First letter upper-case, for display only: composed addresses start "số 1, Ngách…"
    (they read well mid-sentence), but a line of a list or a cell must start "Số 1". The
    stored text is left as it is, so search keys and sync payloads do not change."""
    text = text or ""
    return text[:1].upper() + text[1:]


def eligibility_cutoff(on: datetime.date) -> datetime.date:
    """The latest birth date of someone who is 14 or older on `on` (29 Feb → 28 Feb)."""
    try:
        return on.replace(year=on.year - ELIGIBLE_AGE)
    except ValueError:
        return on.replace(year=on.year - ELIGIBLE_AGE, day=28)


def turns_fourteen_on(birth_date: datetime.date) -> datetime.date:
    """The first day someone born on `birth_date` is 14 (born 29 February: 1 March in a common
    year, as `eligibility_cutoff` has it)."""
    try:
        return birth_date.replace(year=birth_date.year + ELIGIBLE_AGE)
    except ValueError:
        return datetime.date(birth_date.year + ELIGIBLE_AGE, 3, 1)


class ResidentQuerySet(models.QuerySet):
    def eligible_on(self, on: datetime.date):
        """Aged 14+ on `on`. With only a birth year known, the person counts from 1 January of
        the year they turn 14, the convention Vietnamese records use for unknown dates."""
        cutoff = eligibility_cutoff(on)
        return self.filter(
            Q(birth_date__lte=cutoff) | Q(birth_date__isnull=True, birth_year__lte=on.year - ELIGIBLE_AGE)
        )

    def living_here(self):
        return self.filter(residence_status__in=[ResidenceStatus.PERMANENT, ResidenceStatus.TEMPORARY])


class Resident(models.Model):
    household = models.ForeignKey(Household, verbose_name=_("hộ"), on_delete=models.PROTECT, related_name="residents")
    full_name = models.CharField(_("họ và tên"), max_length=200)
    name_key = models.CharField(max_length=200, editable=False, db_index=True)
    # "An Văn Nguyễn" for "Nguyễn Văn An": lists of people sort on it with vi_order().
    name_order = DerivedKeyField(max_length=200, source="full_name", derive=given_name_first)
    birth_date = models.DateField(_("ngày sinh"), null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("năm sinh"), null=True, blank=True)
    sex = models.CharField(_("giới tính"), max_length=1, choices=Sex.choices, blank=True)
    id_number = models.CharField(_("số định danh"), max_length=12, null=True, blank=True)
    phone = models.CharField(_("số điện thoại"), max_length=16, blank=True)
    residence_status = models.CharField(
        _("tình trạng cư trú"), max_length=16, choices=ResidenceStatus.choices, default=ResidenceStatus.PERMANENT
    )
    elderly_alone = models.BooleanField(_("người cao tuổi sống một mình"), default=False)
    disabled = models.BooleanField(_("khuyết tật"), default=False)
    sick = models.BooleanField(_("ốm đau"), default=False)
    vneid_level1 = models.CharField(
        _("VNeID mức 1"), max_length=16, choices=VneidStatus.choices, default=VneidStatus.NONE
    )
    vneid_level2 = models.CharField(
        _("VNeID mức 2"), max_length=16, choices=VneidStatus.choices, default=VneidStatus.NONE
    )
    client_uuid = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    # When a roster import first listed this person (new or matched), set once: only people a
    # roster listed can be "gone" from a later one; someone added at the door never is.
    roster_listed_at = models.DateTimeField(_("có trong danh sách nhập từ"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("cập nhật"), auto_now=True)

    objects = ResidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("nhân khẩu")
        verbose_name_plural = _("nhân khẩu")
        ordering = ["household_id", "-birth_year", "id"]
        # Not unique: a number typed at the door that is already registered is stored and
        # queued as a PossibleDuplicate. Refusing it would tell whoever typed it that the
        # number exists somewhere (an oracle for full ID numbers, DESIGN.md §6), and the
        # person at the door is real: the same person registered twice, KT2, or a typo.
        indexes = [models.Index(fields=["id_number"], condition=Q(id_number__isnull=False),
                                name="resident_id_number_idx")]  # fmt: skip

    def __str__(self):
        return self.full_name

    def clean(self):
        errors = {}
        if self.birth_date and self.birth_year and self.birth_date.year != self.birth_year:
            errors["birth_year"] = _("Năm sinh không khớp với ngày sinh.")
        if self.id_number:
            try:
                self.id_number = validate_id_number(
                    self.id_number,
                    birth_year=self.birth_date.year if self.birth_date else self.birth_year,
                    sex=self.sex or None,
                )
            except ValidationError as exc:
                errors["id_number"] = exc.messages
        if self.phone:
            try:
                self.phone = normalize_phone(self.phone)
            except ValidationError as exc:
                errors["phone"] = exc.messages
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self.derive_fields()
        super().save(*args, **kwargs)

    def derive_fields(self) -> None:
        """NFC name, its search and order keys, the birth year. Called by save() and by bulk
        writes; a bulk_update() must list name_key and name_order with full_name."""
        self.full_name = nfc(self.full_name)
        self.name_key = search_key(self.full_name)
        self.name_order = given_name_first(self.full_name)
        if self.birth_date:
            self.birth_year = self.birth_date.year
        self.id_number = self.id_number or None

    def age_on(self, on: datetime.date) -> int | None:
        if self.birth_date:
            return on.year - self.birth_date.year - ((on.month, on.day) < (self.birth_date.month, self.birth_date.day))
        if self.birth_year:
            return on.year - self.birth_year
        return None

    def is_eligible_on(self, on: datetime.date) -> bool:
        if self.birth_date:
            return self.birth_date <= eligibility_cutoff(on)
        return self.birth_year is not None and self.birth_year <= on.year - ELIGIBLE_AGE

    @property
    def is_eligible(self) -> bool:
        return self.is_eligible_on(timezone.localdate())

    @property
    def needs_home_support(self) -> bool:
        return self.elderly_alone or self.disabled or self.sick


class PossibleDuplicate(models.Model):
    """Two residents with the same ID number, for an officer of the newer one's area to
    resolve (a data-quality item, "đúng, đủ, sạch, sống")."""

    class Resolution(models.TextChoices):
        SAME_PERSON = "same_person", _("cùng một người")
        DIFFERENT_PEOPLE = "different_people", _("hai người khác nhau (số nhập sai)")

    resident = models.ForeignKey(Resident, verbose_name=_("nhân khẩu mới"), on_delete=models.CASCADE,
                                 related_name="duplicates_found")  # fmt: skip
    other = models.ForeignKey(Resident, verbose_name=_("trùng với"), on_delete=models.CASCADE, related_name="+")
    found_at = models.DateTimeField(_("phát hiện lúc"), default=timezone.now)
    resolution = models.CharField(_("kết luận"), max_length=20, choices=Resolution.choices, blank=True)
    resolved_at = models.DateTimeField(_("xử lý lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("nghi trùng số định danh")
        verbose_name_plural = _("nghi trùng số định danh")
        ordering = ["resolved_at", "-found_at"]
        constraints = [models.UniqueConstraint(fields=["resident", "other"], name="possible_duplicate_once")]

    def __str__(self):
        return f"{self.resident} ↔ {self.other}"


from .uploads import RosterUpload  # noqa: E402,F401 - a model of this app, in its own module
