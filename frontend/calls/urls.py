from django.urls import path

from . import views

app_name = "calls"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:area_id>/", views.page, name="page"),
    path("<int:area_id>/nhan-so/", views.take, name="take"),
    path("<int:area_id>/tra-so/", views.release, name="release"),
    path("<int:area_id>/ghi/", views.record, name="record"),
]
