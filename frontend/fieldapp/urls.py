from django.urls import path

from . import views

urlpatterns = [
    path("", views.shell, name="fieldapp-shell"),
    path("session", views.session, name="fieldapp-session"),
]
