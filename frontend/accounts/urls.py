from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("thiet-bi/", views.devices, name="devices"),
    path("thiet-bi/<str:kind>/<int:device_id>/dang-xuat/", views.revoke, name="revoke"),
    path("thiet-bi/nguoi-dung/<int:user_id>/", views.user_devices, name="user"),
    path("thiet-bi/nguoi-dung/<int:user_id>/<str:kind>/<int:device_id>/dang-xuat/", views.user_revoke,
         name="user-revoke"),  # fmt: skip
    path("thiet-bi/nguoi-dung/<int:user_id>/mo-khoa/", views.user_unlock, name="user-unlock"),
]
