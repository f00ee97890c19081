"""The editions page: today's and the last two weeks' morning and evening editions of the
group-chat report, each ready to copy."""

from django.shortcuts import render
from django.utils.translation import gettext as _

from outreach.editions.services import editions_of

from .views import Report, _context, _no_campaign, report_page


@report_page
def editions(request, report: Report):
    if report.campaign is None:
        return _no_campaign(request, report, "chat")
    found = editions_of(area=report.area, campaign=report.campaign)
    return render(request, "reports/editions.html", _context(request, report, tab="chat", title=_("Bản tin sáng, tối"),
                                                             editions=found))  # fmt: skip
