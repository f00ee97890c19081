from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from frontend.accounts.forms import SignInForm

urlpatterns = [
    path("admin/", admin.site.urls),
    # The form says when a locked-out sign-in may try again (outreach/accounts).
    path("accounts/login/", auth_views.LoginView.as_view(authentication_form=SignInForm), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("api/", include("outreach.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("pwa.urls")),
    path("", include("frontend.urls")),
]
