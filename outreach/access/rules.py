"""Who may do what, and where: the capability table, a user's area scopes, and which
fields of a resident each capability may see.

A role is granted on one area and so covers its whole subtree. A capability is held where
the user holds a role that has it. One rule for everyone else: a superuser holds every
capability everywhere; a user with no grant (or not signed in) holds none anywhere.
Nothing in a request can widen a scope: it is built from the grants on the server.
"""

import enum
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet

from households.models import Area

from .models import Role, RoleGrant


class Capability(enum.StrEnum):
    RECORD_VISITS = "record_visits"  # anywhere in the area; a field team records on its own turfs
    MANAGE_TURFS = "manage_turfs"  # cut a group into turfs and assign them (/to/)
    READ_REPORTS = "read_reports"  # progress, ranking, lists (/bao-cao/)
    EXPORT_PERSONAL_DATA = "export_personal_data"  # the lists as Excel / CSV
    SEE_FULL_ID = "see_full_id"  # the 12-digit ID number in bulk (others see the last 4 digits)
    REVEAL_FULL_ID = "reveal_full_id"  # one resident's full ID number, asked with a reason, audited
    SEE_PHONE = "see_phone"
    SEE_BIRTH_DATE = "see_birth_date"  # the full date (others see the year and the 14th birthday)
    READ_AUDIT = "read_audit"  # the audit log of the area, and its export
    MANAGE_ACCOUNTS = "manage_accounts"  # see and revoke the area's users' devices, unlock sign-in
    ADMINISTER = "administer"  # the admin's rows (the admin itself also needs is_staff)
    IMPORT_ROSTER = "import_roster"  # upload a resident list (.xlsx / CSV) into the area (/nhap-danh-sach/)
    READ_QUALITY = "read_quality"  # the data-quality board and its lists, with their export (/chat-luong-du-lieu/)
    FIX_QUALITY = "fix_quality"  # act on it: merge duplicates, confirm moved or deceased, confirm or dismiss a flag
    CALL_RESIDENTS = "call_residents"  # take a batch from the call list, call, record the outcome (/goi-dien/)
    BOOK_APPOINTMENTS = "book_appointments"  # book, move, cancel a team's home visit to a household (/hen-tai-nha/)


F, G, P, L, A = Role.FIELD_MEMBER, Role.GROUP_LEADER, Role.COMMUNE_POLICE, Role.PROVINCE_LEADER, Role.ADMIN
C = Role.CALLER

# The one table (DESIGN.md §6, Decree 13/2023: each role sees what its work needs).
# - A field team member gets what the door needs: name, birth year and eligibility, sex,
#   VNeID status, the last 4 ID digits; never the full ID number, phone or birth date.
# - A group leader also gets phones, for the call list; never the full ID number.
# - Commune police and province leadership get the full record except the full ID number,
#   which only an audited reveal with a reason shows, one resident at a time.
# - The administrator corrects records in the admin, so sees them whole (each change page
#   read is audited).
ROLES_WITH: dict[Capability, frozenset[Role]] = {
    Capability.RECORD_VISITS: frozenset({G, P, A}),
    Capability.MANAGE_TURFS: frozenset({G, P, A}),
    Capability.READ_REPORTS: frozenset({G, P, L, A}),
    Capability.EXPORT_PERSONAL_DATA: frozenset({G, P, L, A}),
    Capability.SEE_FULL_ID: frozenset({A}),
    Capability.REVEAL_FULL_ID: frozenset({P, L, A}),
    Capability.SEE_PHONE: frozenset({G, P, L, A}),
    Capability.SEE_BIRTH_DATE: frozenset({P, L, A}),
    Capability.READ_AUDIT: frozenset({P, A}),
    Capability.MANAGE_ACCOUNTS: frozenset({P, A}),
    Capability.ADMINISTER: frozenset({P, L, A}),
    Capability.IMPORT_ROSTER: frozenset({G, P, A}),
    # The board lists people by name in the whole area: the roles that hold the full record
    # of it. Its fixes change the registry for the residence records the commune police keep,
    # so leadership reads it and does not act.
    Capability.READ_QUALITY: frozenset({P, L, A}),
    Capability.FIX_QUALITY: frozenset({P, A}),
    # Calling is the commune's work: the group leader, who already holds the group's phones
    # for the call list, and the commune police may call. A caller (a hotline volunteer)
    # holds this capability alone: no list, no bulk phones (SEE_PHONE), only the numbers of
    # the batch they took, a few at a time, each batch audited. Leadership does not call.
    Capability.CALL_RESIDENTS: frozenset({C, G, P, A}),
    # Those who send the teams: the group leader for the group, the commune police for the
    # commune. Leadership reads the missed ones in the reports and books nothing.
    Capability.BOOK_APPOINTMENTS: frozenset({G, P, A}),
}

# Which resident fields are personal beyond what every team member needs, and the
# capability that shows each in full.
RESIDENT_FIELD_CAPABILITY = {
    "id_number": Capability.SEE_FULL_ID,
    "phone": Capability.SEE_PHONE,
    "birth_date": Capability.SEE_BIRTH_DATE,
}


def roles_with(capability: Capability) -> frozenset[Role]:
    return ROLES_WITH[capability]


@dataclass(frozen=True)
class AreaScope:
    """The subtrees (area paths) in which a user holds one capability."""

    paths: tuple[str, ...] = ()
    everything: bool = False

    @property
    def allowed(self) -> bool:
        """Anywhere at all: pages answer 403 when not, and 404 for an area outside."""
        return self.everything or bool(self.paths)

    def covers(self, area: Area | str) -> bool:
        path = area if isinstance(area, str) else area.path
        return self.everything or any(path.startswith(p) for p in self.paths)

    def q(self, lookup: str = "") -> Q:
        """Rows whose area (reached through `lookup`, "" for Area itself) lies in the scope."""
        if self.everything:
            return Q()
        return reduce(or_, (Area.subtree_q(p, lookup) for p in self.paths), Q(pk__in=[]))

    def filter(self, qs: QuerySet, lookup: str = "") -> QuerySet:
        return qs if self.everything else qs.filter(self.q(lookup))

    def top_paths(self) -> tuple[str, ...]:
        """The highest areas of the scope (a grant inside another grant is dropped)."""
        return tuple(p for p in self.paths if not any(o != p and p.startswith(o) for o in self.paths))


@dataclass(frozen=True)
class Access:
    """What one user may do where, read once from their grants (`access_for`)."""

    grants: tuple[tuple[str, str], ...] = ()  # (role, area path)
    superuser: bool = False

    @classmethod
    def of_grants(cls, grants, *, superuser: bool) -> "Access":
        return cls(grants=tuple(sorted({(str(role), path) for role, path in grants})), superuser=superuser)

    def scope(self, capability: Capability) -> AreaScope:
        if self.superuser:
            return AreaScope(paths=("/",), everything=True)
        roles = ROLES_WITH[capability]
        return AreaScope(paths=tuple(sorted({path for role, path in self.grants if role in roles})))

    def allows(self, capability: Capability, area: Area | str) -> bool:
        return self.scope(capability).covers(area)

    def anywhere(self, capability: Capability) -> bool:
        return self.scope(capability).allowed

    @property
    def roles(self) -> set[str]:
        return {role for role, _ in self.grants}

    def resident_fields(self, area: Area | str) -> frozenset[str]:
        """The personal fields of a resident living in `area` this user may see in full."""
        return frozenset(name for name, cap in RESIDENT_FIELD_CAPABILITY.items() if self.allows(cap, area))


NO_ACCESS = Access()


def access_for(*, user) -> Access:
    """One query: the user's grants. Anonymous users and users with no grant hold nothing
    (a superuser holds everything, grants or not)."""
    if user is None or not user.is_authenticated:
        return NO_ACCESS
    grants = RoleGrant.objects.filter(user_id=user.pk).values_list("role", "area__path")
    return Access.of_grants(grants, superuser=user.is_superuser)


def role_grants_of(*, user) -> list[RoleGrant]:
    """The user's grants with their areas, for showing (home page)."""
    return list(RoleGrant.objects.filter(user_id=user.pk).select_related("area").order_by("area__path", "role"))


def area_scope(*, user, capability: Capability) -> AreaScope:
    return access_for(user=user).scope(capability)


def mask_id_number(id_number: str) -> str:
    """The last 4 digits, which is what a team needs to tell two namesakes apart at the door."""
    return "•" * 8 + id_number[-4:] if id_number else ""
