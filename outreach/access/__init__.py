"""The one answer to "may this user do or see this here?" (DESIGN.md §4, §6).

    rules.py   the capability → roles table, a user's `Access` and `AreaScope`s, which
               resident fields a capability shows
    field.py   a field team's `FieldScope` in a campaign (turfs, teams, grants), one round
               trip, for the sync push and pull
    models.py  Role and RoleGrant

Every page, API, export and admin that reads households, residents or visits asks here.
The current campaign every surface defaults to is `campaign_current`, re-exported from
outreach.campaigns.selectors so that callers find it beside the scope they combine it with.
"""

from ..campaigns.selectors import campaign_current, campaigns_active
from .field import FieldScope, field_scope
from .rules import (
    NO_ACCESS, ROLES_WITH, Access, AreaScope, Capability, access_for, area_scope, mask_id_number, role_grants_of,
    roles_with,
)  # fmt: skip

__all__ = [
    "NO_ACCESS", "ROLES_WITH", "Access", "AreaScope", "Capability", "FieldScope", "access_for", "area_scope",
    "campaign_current", "campaigns_active", "field_scope", "mask_id_number", "role_grants_of", "roles_with",
]  # fmt: skip
