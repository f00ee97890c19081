from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from outreach.models import Role
from outreach.selectors import user_role_grants

# Which pages each role starts from (the packages under frontend/).
_LINKS_BY_ROLE = {
    Role.FIELD_MEMBER: ["app"],
    Role.GROUP_LEADER: ["app", "leaders", "reports"],
    Role.COMMUNE_POLICE: ["app", "leaders", "reports"],
    Role.PROVINCE_LEADER: ["reports"],
    Role.ADMIN: ["app", "leaders", "reports"],
}


@login_required
def home(request):
    grants = list(user_role_grants(user=request.user))
    links = {link for g in grants for link in _LINKS_BY_ROLE.get(g.role, [])}
    if request.user.is_superuser:
        links |= {"app", "leaders", "reports"}
    return render(request, "frontend/home.html", {"grants": grants, "links": links})
