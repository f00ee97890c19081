from django.urls import path

from . import views

app_name = "leaders"
urlpatterns = [
    path("", views.index, name="index"),
    path("cham/", views.stale, name="stale"),
    path("<int:group_id>/", views.turfs, name="turfs"),
    path("<int:group_id>/ho/", views.households, name="households"),
    path("khu-vuc/<int:turf_id>/", views.turf, name="turf"),
    path("khu-vuc/<int:turf_id>/giao/", views.assign, name="assign"),
    path("khu-vuc/<int:turf_id>/doi-ten/", views.rename, name="rename"),
    path("khu-vuc/<int:turf_id>/tach/", views.split, name="split"),
    path("khu-vuc/<int:turf_id>/gop/", views.merge, name="merge"),
]
