from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from outreach.access import Capability, access_for, role_grants_of
from outreach.models import Role


@login_required
def home(request):
    """The pages the user may start from (the packages under frontend/), by capability."""
    access = access_for(user=request.user)
    links = set()
    if access.anywhere(Capability.RECORD_VISITS) or Role.FIELD_MEMBER in access.roles:
        links.add("app")
    if access.anywhere(Capability.MANAGE_TURFS):
        links.add("leaders")
    if access.anywhere(Capability.READ_REPORTS):
        links.add("reports")
    if access.anywhere(Capability.IMPORT_ROSTER):
        links.add("roster")
    if access.anywhere(Capability.READ_QUALITY):
        links.add("quality")
    if access.anywhere(Capability.BOOK_APPOINTMENTS):
        links.add("appointments")
    if "app" in links or access.anywhere(Capability.READ_REPORTS):  # a team's lead, or who reads its output
        links.add("shifts")
    if access.anywhere(Capability.CALL_RESIDENTS):
        links.add("calls")
    return render(request, "frontend/home.html", {"grants": role_grants_of(user=request.user), "links": links})
