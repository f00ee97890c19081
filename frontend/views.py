from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from outreach.selectors import user_role_grants


@login_required
def home(request):
    return render(request, "frontend/home.html", {"grants": user_role_grants(user=request.user)})
