"""Every model of the `outreach` app, gathered for Django's app registry and for callers
that want one import line. Each model lives with its feature: campaigns and codes
(`campaigns/`), roles (`access/`), teams and assignments (`turfs/`), visits and the
projection's state rows (`visits/`), rollups (`rollups/`), the sync change log (`sync/`),
sign-in failures, device tokens and web sessions (`accounts/`), the group-chat editions
(`editions/`), the data-quality decisions (`quality/`), the home-window counts (`hometime/`),
the home appointments (`appointments/`) and the teams' shifts (`shifts/`)."""

from ..access.models import Role, RoleGrant
from ..audit.models import AuditAction, AuditEvent
from ..appointments.models import Appointment
from ..accounts.models import DeviceToken, SignInFailure, WebSession
from ..calls.models import CallClaim
from ..campaigns.models import Campaign, OutcomeCode, OutcomeScope, Quota
from ..editions.models import ChatEdition, EditionHours
from ..hometime.models import HomeWindowCount
from ..quality.models import QualityDecision
from ..rollups.models import AreaDailySnapshot, AreaRollup, RollupDirty
from ..shifts.models import Shift
from ..sync.models import SyncChange, SyncLogPruned
from ..turfs.models import Assignment, Team, TeamMembership
from ..visits.models import HouseholdState, ResidentState, Visit, VisitResidentOutcome

__all__ = [
    "DeviceToken", "SignInFailure", "WebSession",
    "Campaign", "OutcomeCode", "OutcomeScope", "Quota", "AreaDailySnapshot", "AreaRollup", "RollupDirty", "SyncChange",
    "SyncLogPruned",
    "Assignment", "Role", "RoleGrant", "Team", "TeamMembership", "HouseholdState", "ResidentState", "Visit",
    "VisitResidentOutcome", "AuditAction", "AuditEvent", "ChatEdition", "EditionHours", "QualityDecision",
    "HomeWindowCount", "CallClaim", "Appointment", "Shift",
]  # fmt: skip
