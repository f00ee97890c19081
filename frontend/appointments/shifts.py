"""The shift pages (/ca-lam-viec/): a team's hand-over note first, then its open shift
(close it with a note) or the form to open one (who is present), then the shifts before
with what each recorded. The team's lead and those who manage its turfs open and close;
its members and those who read the area's reports see it. Others: 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from outreach.shifts.models import Shift
from outreach.shifts.selectors import last_handover, shift_outputs, shift_teams, team_shifts
from outreach.shifts.services import ShiftNotFound, ShiftRefused, may_run_shifts, shift_close, shift_open

from .forms import parse_int


def _team_or_404(request, team_id: int):
    team = next((t for t in shift_teams(user=request.user) if t.id == team_id), None)
    if team is None:
        raise Http404
    return team


@login_required
def index(request):
    teams = shift_teams(user=request.user)
    if len(teams) == 1:
        return redirect(reverse("shifts:team", args=[teams[0].pk]))
    return render(request, "appointments/shift_index.html", {"teams": teams, "page_title": _("Ca làm việc")})


@login_required
def team(request, team_id: int):
    team = _team_or_404(request, team_id)
    shifts = team_shifts(team=team)
    outputs = shift_outputs(shifts=shifts)
    current = next((s for s in shifts if s.ended_at is None), None)
    members = list(team.memberships.select_related("user").order_by("user__first_name", "user__username"))
    return render(request, "appointments/shift_team.html", {
        "page_title": _("Ca làm việc"), "team": team, "current": current, "handover": last_handover(team=team),
        "rows": [(s, outputs[s.id]) for s in shifts], "members": members, "now": timezone.localtime(),
        "may_run": may_run_shifts(user=request.user, team=team),
    })  # fmt: skip


@login_required
def open_shift(request, team_id: int):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    ids = [i for i in (parse_int(v) for v in request.POST.getlist("member")) if i is not None]
    try:
        done = shift_open(user=request.user, team_id=team_id, member_ids=ids, request=request).done
    except ShiftNotFound:
        raise Http404 from None
    except ShiftRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Đã mở ca.") if done else _("Ca này đã được mở trước đó."))
    return redirect(reverse("shifts:team", args=[team_id]))


@login_required
def close_shift(request, shift_id: int):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    team_id = Shift.objects.filter(id=shift_id).values_list("team_id", flat=True).first()
    try:
        done = shift_close(user=request.user, shift_id=shift_id, handover_note=request.POST.get("note", ""),
                           request=request).done  # fmt: skip
    except ShiftNotFound:
        raise Http404 from None
    messages.success(request, _("Đã đóng ca và lưu ghi chú bàn giao.") if done else _("Ca này đã được đóng trước đó."))
    return redirect(reverse("shifts:team", args=[team_id]))
