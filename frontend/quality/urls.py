from django.urls import path

from . import actions, views

app_name = "quality"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:area_id>/", views.board, name="board"),
    path("<int:area_id>/<slug:slug>/", views.check_list, name="list"),
    path("<int:area_id>/<slug:slug>.xlsx", views.check_export, name="export"),
    path("<int:area_id>/nghi-trung/<int:queue_id>/xu-ly/", actions.merge, name="merge"),
    path("<int:area_id>/<slug:slug>/<int:resident_id>/da-cap-nhat/", actions.gone, name="gone"),
    path("<int:area_id>/<slug:slug>/<str:key>/quyet-dinh/", actions.decide, name="decide"),
]
