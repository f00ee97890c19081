"""Who holds which number of a campaign's call list (issue 19, part 1).

One row per resident and campaign, written only by the conditional upserts and updates of
`claims.py`: the unique key is what stops two callers from holding the same number. A
call itself is not stored here: it is a Visit with channel "phone" (outreach/visits), in
the same log as the door visits, and folds into the projection from there."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from households.models import Resident

from ..campaigns.models import Campaign


class CallOutcome(models.TextChoices):
    INTERESTED = "interested", _("Nghe máy, quan tâm")
    ASSISTED = "assisted", _("Đã hỗ trợ qua điện thoại")
    NO_ANSWER = "no_answer", _("Không nghe máy")
    WRONG_NUMBER = "wrong_number", _("Sai số")
    CALL_BACK = "call_back", _("Hẹn gọi lại")


class CallClaim(models.Model):
    """A resident's number as the callers see it: free (no holder, or the hold expired),
    held by one caller until `expires_at`, kept for the same caller's call-back at
    `callback_at`, resting after a missed call until `available_at`, or done."""

    campaign = models.ForeignKey(Campaign, verbose_name=_("chiến dịch"), on_delete=models.CASCADE, related_name="+")
    resident = models.ForeignKey(Resident, verbose_name=_("nhân khẩu"), on_delete=models.CASCADE, related_name="+")
    holder = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người gọi đang giữ"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    claimed_at = models.DateTimeField(_("nhận lúc"), null=True, blank=True)
    expires_at = models.DateTimeField(_("hết hạn giữ lúc"), null=True, blank=True)
    callback_at = models.DateTimeField(_("hẹn gọi lại lúc"), null=True, blank=True)
    available_at = models.DateTimeField(_("được gọi lại từ"), null=True, blank=True)
    done_at = models.DateTimeField(_("đã xong lúc"), null=True, blank=True)
    calls = models.PositiveIntegerField(_("số cuộc gọi"), default=0)

    class Meta:
        verbose_name = _("số đang giữ để gọi")
        verbose_name_plural = _("số đang giữ để gọi")
        constraints = [models.UniqueConstraint(fields=["campaign", "resident"], name="call_claim_unique")]
        indexes = [models.Index(fields=["campaign", "holder", "expires_at"], name="call_claim_holder")]

    def __str__(self):
        return f"{self.campaign_id}/{self.resident_id} — {self.holder_id or '-'}"
