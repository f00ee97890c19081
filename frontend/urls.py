"""Pages. Each audience has its own package so the field app, the group leaders' pages and
the police/leadership reports can grow apart:

- frontend.fieldapp: the offline-first PWA for door-knocking teams (/app/)
- frontend.leaders: residential group leaders cut and assign turfs (/to/)
- frontend.reports: police and leadership lists, progress, rankings, exports (/bao-cao/)
- frontend.accounts: everyone's signed-in devices; the commune police's unlock (/tai-khoan/)
- frontend.roster: commune police and group leaders import a resident list (/nhap-danh-sach/)
- frontend.quality: the commune police's data-quality board (/chat-luong-du-lieu/)
- frontend.appointments: home appointments (/hen-tai-nha/) and team shifts (/ca-lam-viec/)
- frontend.calls: callers take numbers of the call list and record their calls (/goi-dien/)
"""

from django.urls import include, path

from . import health, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz/", health.health, name="health"),
    path("app/", include("frontend.fieldapp.urls")),
    path("to/", include("frontend.leaders.urls")),
    path("bao-cao/", include("frontend.reports.urls")),
    path("tai-khoan/", include("frontend.accounts.urls")),
    path("nhap-danh-sach/", include("frontend.roster.urls")),
    path("chat-luong-du-lieu/", include("frontend.quality.urls")),
    path("hen-tai-nha/", include("frontend.appointments.urls")),
    path("ca-lam-viec/", include("frontend.appointments.shift_urls")),
    path("goi-dien/", include("frontend.calls.urls")),
]
