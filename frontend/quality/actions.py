"""The board's fixes, each a POST (CSRF-checked by the middleware) that calls one service
and returns to the list with a message. A second tap finds the decision already made and
says so; an id outside the officer's area, or not listed by the check, is a 404."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from households.models import PossibleDuplicate
from outreach.quality.checks import check_get
from outreach.quality.merge import MergeRefused, duplicate_keep_apart, duplicate_merge
from outreach.quality.models import QualityDecision
from outreach.quality.services import DecisionRefused, ItemNotFound, flag_decide, gone_record

from .pages import Page, board_allowed, fixing_page


def _back(page: Page, slug: str):
    url = reverse("quality:list", args=[page.area.pk, slug])
    return redirect(f"{url}?{page.query}" if page.query else url)


def _check(page: Page, slug: str):
    if not board_allowed(page.area):
        raise Http404
    try:
        return check_get(slug=slug)
    except KeyError:
        raise Http404 from None


@fixing_page
def merge(request, page: Page, queue_id: int):
    check = _check(page, "nghi-trung")
    choice = request.POST.get("choice")
    if choice not in ("merge", "different"):
        raise Http404
    try:
        if choice == "merge":
            done = duplicate_merge(user=request.user, area=page.area, queue_id=queue_id, request=request).done
        else:
            done = duplicate_keep_apart(user=request.user, area=page.area, queue_id=queue_id, request=request)
    except PossibleDuplicate.DoesNotExist:
        raise Http404 from None
    except MergeRefused as exc:
        messages.error(request, str(exc))
        return _back(page, check.slug)
    if not done:
        messages.info(request, _("Mục này đã được xử lý trước đó."))
    elif choice == "merge":
        messages.success(request, _("Đã gộp hai bản ghi; mọi lượt đến nhà được giữ lại."))
    else:
        messages.success(request, _("Đã ghi là hai người khác nhau."))
    return _back(page, check.slug)


@fixing_page
def gone(request, page: Page, slug: str, resident_id: int):
    check = _check(page, slug)
    try:
        done = gone_record(user=request.user, scope=page.checks_in(), check=check, resident_id=resident_id,
                           request=request).done  # fmt: skip
    except ItemNotFound:
        raise Http404 from None
    except DecisionRefused as exc:
        messages.error(request, str(exc))
        return _back(page, slug)
    if done:
        messages.success(request, _("Đã ghi nhận."))
    else:
        messages.info(request, _("Mục này đã được xử lý trước đó."))
    return _back(page, slug)


@fixing_page
def decide(request, page: Page, slug: str, key: str):
    check = _check(page, slug)
    verdict = request.POST.get("verdict")
    if verdict not in (QualityDecision.Verdict.CONFIRMED, QualityDecision.Verdict.DISMISSED):
        raise Http404
    try:
        decided = flag_decide(user=request.user, scope=page.checks_in(), check=check, key=key, verdict=verdict,
                              request=request)  # fmt: skip
    except ItemNotFound:
        raise Http404 from None
    if not decided.done:
        messages.info(request, _("Mục này đã được xử lý trước đó."))
    elif verdict == QualityDecision.Verdict.CONFIRMED:
        messages.success(request, _("Đã xác nhận là đáng ngờ; lượt đến nhà vẫn được giữ nguyên."))
    else:
        messages.success(request, _("Đã bỏ qua cảnh báo."))
    return _back(page, slug)
