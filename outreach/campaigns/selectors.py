"""Reads of campaigns. Every surface (the phone's pull, /to/, /bao-cao/) defaults to the
same campaign: the active one that started last, the newest of a tie."""

from .models import Campaign

# Active first, then latest start, then the newest row: the first is the current campaign.
CURRENT_FIRST = ("-is_active", "-start_date", "-id")


def campaigns_active() -> list[Campaign]:
    return list(Campaign.objects.filter(is_active=True).order_by(*CURRENT_FIRST))


def campaign_current() -> Campaign | None:
    return Campaign.objects.filter(is_active=True).order_by(*CURRENT_FIRST).first()


def campaigns_for_reports() -> list[Campaign]:
    """Every campaign, the current one first (reports also read ended campaigns)."""
    return list(Campaign.objects.order_by(*CURRENT_FIRST))
