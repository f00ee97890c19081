"""URLs of the benchmark server: the whole app, plus the naive push endpoint (bench/naive.py)
that the real push is compared with. Only ever routed in bench.settings."""

from django.urls import include, path

from .naive import NaivePushView

urlpatterns = [
    path("bench/naive-push", NaivePushView.as_view(), name="bench-naive-push"),
    path("", include("outreach.config.urls")),
]
