"""Pages where residential group leaders (and the commune police and admins of their
commune) cut a group into turfs, assign them to teams and see which turf lags.

Scope first: a user without a group-leader, commune-police or admin grant gets 403 on every
URL; an id in the URL outside their groups gets 404, whether it names a group, a turf or a
campaign. Ids in a POST body are checked by the forms and refused with a message. Writes go
through outreach.turfs.cutting and outreach.turfs.services.turf_assign, which log the sync changes the
phones pull; each write answers with a redirect, so a reload does not resubmit it.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import localize
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from households.models import Turf
from outreach.access import Capability, area_scope, campaigns_active
from outreach.turfs import cutting as turf_services
from outreach.turfs.selectors import (
    group_totals, groups_in_scope, households_walk, households_without_turf,
    open_assignment_team, stale_rows, team_choices, turf_rows, turfs_in_scope,
)  # fmt: skip
from outreach.turfs.services import turf_assign

from .forms import NEW_TURF, AssignForm, MergeForm, MoveForm, SplitForm, StaleForm, TurfNameForm

DEFAULT_QUIET_DAYS = 3


def leader_required(view):
    """Signed in, and holding a role that manages turfs somewhere; the scope rides on the
    request for the view to cut every lookup to."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        scope = area_scope(user=request.user, capability=Capability.MANAGE_TURFS)
        if not scope.allowed:
            raise PermissionDenied(_("Trang này dành cho tổ trưởng dân phố, công an xã / phường và quản trị."))
        request.leader_scope = scope
        return view(request, *args, **kwargs)

    return wrapper


def _campaign(request, campaigns):
    """The campaign picked in ?campaign=, else the newest running one (None if none runs)."""
    wanted = request.GET.get("campaign") or request.POST.get("campaign")
    if not wanted:
        return campaigns[0] if campaigns else None
    for campaign in campaigns:
        if str(campaign.pk) == wanted:
            return campaign
    raise Http404(_("Không có chiến dịch này, hoặc chiến dịch đã kết thúc."))


def _group(request, group_id):
    return get_object_or_404(groups_in_scope(scope=request.leader_scope), pk=group_id)


def _turf(request, turf_id) -> Turf:
    return get_object_or_404(turfs_in_scope(scope=request.leader_scope), pk=turf_id)


def _with_campaign(url: str, campaign, campaigns) -> str:
    return f"{url}?campaign={campaign.pk}" if campaign and len(campaigns) > 1 else url


def _errors(form) -> list[str]:
    return [message for messages_ in form.errors.values() for message in messages_]


def _nav(request, campaigns, campaign, *, keep=()) -> dict:
    """The campaign picker's context: `cq` carries a picked campaign on every link (only
    needed when several run), `keep` the page's own GET parameters through the picker."""
    return {
        "campaigns": campaigns, "campaign": campaign,
        "cq": f"?campaign={campaign.pk}" if campaign and len(campaigns) > 1 else "",
        "keep": [(name, request.GET[name]) for name in keep if request.GET.get(name)],
    }  # fmt: skip


def _base(request, group, campaigns, campaign, tab, *, keep=()):
    return {"group": group, "commune": group.parent, "tab": tab, **_nav(request, campaigns, campaign, keep=keep)}


# ---------------------------------------------------------------- pages


@leader_required
def index(request):
    groups = list(groups_in_scope(scope=request.leader_scope))
    if len(groups) == 1:
        return redirect("leaders:turfs", group_id=groups[0].pk)
    campaigns = campaigns_active()
    campaign = _campaign(request, campaigns)
    rows = turf_rows(group_ids=[g.pk for g in groups], campaign=campaign, today=timezone.localdate())
    loose = households_without_turf(group_ids=[g.pk for g in groups])
    by_group = {g.pk: [] for g in groups}
    for row in rows:
        by_group[row.turf.area_id].append(row)
    cards = [
        (g, len(by_group[g.pk]), group_totals(rows=by_group[g.pk], without_turf=loose.get(g.pk, 0))) for g in groups
    ]
    return render(request, "leaders/index.html", {"cards": cards, **_nav(request, campaigns, campaign)})


def _turfs_context(request, group, campaigns, campaign, errors=()):
    rows = turf_rows(group_ids=[group.pk], campaign=campaign, today=timezone.localdate())
    commune = turf_services.commune_of(group)
    without = households_without_turf(group_ids=[group.pk]).get(group.pk, 0)
    return {
        **_base(request, group, campaigns, campaign, "turfs"),
        "rows": rows, "totals": group_totals(rows=rows, without_turf=without),
        "teams": team_choices(scope=request.leader_scope, group=group, commune=commune), "errors": errors,
    }  # fmt: skip


@leader_required
def turfs(request, group_id):
    group = _group(request, group_id)
    campaigns = campaigns_active()
    campaign = _campaign(request, campaigns)
    return render(request, "leaders/turfs.html", _turfs_context(request, group, campaigns, campaign))


def _households_context(request, group, campaigns, campaign, *, form=None, errors=()):
    only = request.GET.get("khu-vuc", "")
    group_turfs = turf_rows(group_ids=[group.pk], campaign=None, today=timezone.localdate())
    turf_id, without_turf = None, only == "none"
    if only and not without_turf:
        match = [r.turf for r in group_turfs if str(r.turf.pk) == only]
        if not match:
            raise Http404(_("Không có khu vực này trong tổ dân phố."))
        turf_id = match[0].pk
    streets = households_walk(group=group, campaign=campaign, turf_id=turf_id, without_turf=without_turf)
    posted = form.data if form is not None else {}
    return {
        **_base(request, group, campaigns, campaign, "households", keep=["khu-vuc"]),
        "streets": streets, "group_turfs": group_turfs, "only": only, "kinds": Turf.Kind.choices,
        "count": sum(s.households for s in streets), "form_data": posted, "errors": errors, "new_turf": NEW_TURF,
        # A refused move keeps what was ticked, so the leader fixes the target, not the ticks.
        "selected": set(posted.getlist("households")) if posted else set(),
        "selected_sections": set(posted.getlist("sections")) if posted else set(),
    }  # fmt: skip


@leader_required
def households(request, group_id):
    group = _group(request, group_id)
    campaigns = campaigns_active()
    campaign = _campaign(request, campaigns)
    if request.method != "POST":
        return render(request, "leaders/households.html", _households_context(request, group, campaigns, campaign))
    group_turfs = [r.turf for r in turf_rows(group_ids=[group.pk], campaign=None, today=timezone.localdate())]
    only = request.GET.get("khu-vuc", "")
    if only not in ("", "none") and only not in {str(t.pk) for t in group_turfs}:
        raise Http404(_("Không có khu vực này trong tổ dân phố."))
    form = MoveForm(request.POST, group=group, turfs=group_turfs)
    errors = []
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data.get("turf") is not None:
                moved = turf_services.households_move_to_turf(households=data["household_ids"], turf=data["turf"])
                turf = data["turf"]
            else:
                turf = turf_services.turf_create(area=group, name=data["name"], kind=data.get("kind") or Turf.Kind.LANE,
                                                 households=data["household_ids"])  # fmt: skip
                moved = len(data["household_ids"])
        except ValidationError as exc:
            errors = exc.messages
        else:
            if moved:
                text = _("Đã chuyển %(n)s hộ vào khu vực “%(turf)s”.") % {"n": localize(moved), "turf": turf.name}
                messages.success(request, text)
            else:
                text = _("Các hộ đã chọn đã ở khu vực “%(turf)s”: không có gì thay đổi.") % {"turf": turf.name}
                messages.info(request, text)
            return redirect(request.get_full_path())
    else:
        errors = _errors(form)
    context = _households_context(request, group, campaigns, campaign, form=form, errors=errors)
    return render(request, "leaders/households.html", context, status=400)


def _turf_context(request, turf, campaigns, campaign, errors=(), panel=""):
    group = turf.area
    today = timezone.localdate()
    rows = turf_rows(group_ids=[group.pk], campaign=campaign, today=today, include_vacant=True)
    row = next(r for r in rows if r.turf.pk == turf.pk)
    siblings = [r for r in rows if r.turf.pk != turf.pk and not r.vacant]
    commune = turf_services.commune_of(group)
    return {
        **_base(request, group, campaigns, campaign, "turfs"),
        "turf": turf, "row": row, "siblings": siblings, "kinds": Turf.Kind.choices,
        "streets": households_walk(group=group, campaign=campaign, turf_id=turf.pk),
        "teams": team_choices(scope=request.leader_scope, group=group, commune=commune), "errors": errors,
        "panel": panel,
    }  # fmt: skip


@leader_required
def turf(request, turf_id):
    turf_ = _turf(request, turf_id)
    campaigns = campaigns_active()
    campaign = _campaign(request, campaigns)
    return render(request, "leaders/turf.html", _turf_context(request, turf_, campaigns, campaign))


@leader_required
def stale(request):
    form = StaleForm(request.GET)
    days, errors = DEFAULT_QUIET_DAYS, []
    if form.is_valid():
        days = form.cleaned_data["days"] or DEFAULT_QUIET_DAYS
    else:
        errors = _errors(form)
    groups = list(groups_in_scope(scope=request.leader_scope))
    only = request.GET.get("to")
    if only:
        groups = [g for g in groups if str(g.pk) == only]
        if not groups:
            raise Http404(_("Không có tổ dân phố này trong phạm vi bạn quản lý."))
    campaigns = campaigns_active()
    campaign = _campaign(request, campaigns)
    now = timezone.now()
    rows = turf_rows(group_ids=[g.pk for g in groups], campaign=campaign, today=timezone.localdate())
    stale_list = stale_rows(rows=rows, days=days, now=now) if campaign else []
    group = groups[0] if only else None
    context = {
        "groups": groups, "group": group, "commune": group.parent if group else None, "days": days,
        "rows": [(r, r.days_quiet(now)) for r in stale_list], "total": len(rows), "errors": errors,
        "tab": "stale", "only": only, **_nav(request, campaigns, campaign, keep=["days", "to"]),
    }  # fmt: skip
    return render(request, "leaders/stale.html", context, status=400 if errors else 200)


# ---------------------------------------------------------------- writes on one turf


def _back(request, turf, campaign):
    """Where a write returns: the page it came from (same site only), else the turf's page."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(_with_campaign(reverse("leaders:turf", args=[turf.pk]), campaign, campaigns_active()))


@leader_required
@require_POST
def assign(request, turf_id):
    turf_ = _turf(request, turf_id)
    group = turf_.area
    commune = turf_services.commune_of(group)
    form = AssignForm(request.POST, scope=request.leader_scope, turf=turf_, commune=commune)
    if not form.is_valid():
        campaigns = campaigns_active()
        campaign = form.cleaned_data.get("campaign") or (campaigns[0] if campaigns else None)
        errors = [_("Khu vực “%(turf)s”: %(error)s") % {"turf": turf_.name, "error": e} for e in _errors(form)]
        context = _turfs_context(request, group, campaigns, campaign, errors=errors)
        return render(request, "leaders/turfs.html", context, status=400)
    campaign, team = form.cleaned_data["campaign"], form.cleaned_data["team"]
    # Only for the message: turf_assign itself leaves an assignment to the same team as it is.
    current = open_assignment_team(campaign=campaign, turf=turf_)
    turf_assign(campaign=campaign, turf=turf_, team=team, assigned_by=request.user)
    if current == team.pk:
        messages.info(request, _("Khu vực “%(turf)s” đã được giao cho %(team)s từ trước: không có gì thay đổi.")
                      % {"turf": turf_.name, "team": team.name})  # fmt: skip
    else:
        text = _("Đã giao khu vực “%(turf)s” cho %(team)s.") % {"turf": turf_.name, "team": team.name}
        messages.success(request, text)
    return _back(request, turf_, campaign)


def _turf_write(request, turf_, form, write, success, panel=""):
    """Run one write on a turf page's form; re-render the page with the errors if refused."""
    campaigns = campaigns_active()
    campaign = _campaign(request, campaigns)
    errors = []
    if form.is_valid():
        try:
            result = write(form.cleaned_data)
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, success(result))
            target = result if isinstance(result, Turf) else turf_
            return redirect(_with_campaign(reverse("leaders:turf", args=[target.pk]), campaign, campaigns))
    else:
        errors = _errors(form)
    context = _turf_context(request, turf_, campaigns, campaign, errors=errors, panel=panel)
    return render(request, "leaders/turf.html", context, status=400)


@leader_required
@require_POST
def rename(request, turf_id):
    turf_ = _turf(request, turf_id)
    old_name = turf_.name
    return _turf_write(
        request, turf_, TurfNameForm(request.POST),
        lambda data: turf_services.turf_rename(turf=turf_, name=data["name"], kind=data.get("kind") or None),
        lambda result: _("Đã đổi tên “%(old)s” thành “%(new)s”.") % {"old": old_name, "new": result.name},
        panel="rename",
    )  # fmt: skip


@leader_required
@require_POST
def split(request, turf_id):
    turf_ = _turf(request, turf_id)
    return _turf_write(
        request, turf_, SplitForm(request.POST, turf=turf_),
        lambda data: turf_services.turf_split(turf=turf_, households=data["households"], name=data["name"],
                                              kind=data.get("kind") or None),
        lambda result: _("Đã tách các hộ đã chọn thành khu vực mới “%(turf)s”. Hãy giao khu vực này cho một tổ.")
        % {"turf": result.name},
    )  # fmt: skip


@leader_required
@require_POST
def merge(request, turf_id):
    turf_ = _turf(request, turf_id)
    form = MergeForm(request.POST, scope_turfs=turfs_in_scope(scope=request.leader_scope))
    return _turf_write(
        request, turf_, form,
        lambda data: turf_services.turf_merge(target=turf_, sources=data["sources"]),
        lambda result: _("Đã gộp %(n)s khu vực vào “%(turf)s”.")
        % {"n": localize(len(form.cleaned_data["sources"])), "turf": result.name},
        panel="merge",
    )  # fmt: skip
