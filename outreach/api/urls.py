from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from . import tokens, views

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("v1/auth/token", tokens.TokenView.as_view(), name="api-token"),
    path("v1/auth/logout", tokens.LogoutView.as_view(), name="api-logout"),
    path("v1/sync/push", views.PushView.as_view(), name="sync-push"),
    path("v1/sync/pull", views.PullView.as_view(), name="sync-pull"),
]
