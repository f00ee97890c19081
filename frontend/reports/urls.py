from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:area_id>/", views.progress, name="progress"),
    path("<int:area_id>/xep-hang/", views.ranking, name="ranking"),
    path("<int:area_id>/bao-cao-nhanh/", views.chat, name="chat"),
    path("<int:area_id>/bao-cao-nhanh.txt", views.chat_text, name="chat_text"),
    path("<int:area_id>/danh-sach/", views.lists_home, name="lists"),
    path("<int:area_id>/danh-sach/<slug:kind>/", views.list_page, name="list"),
    path("<int:area_id>/danh-sach/<slug:kind>.xlsx", views.list_export, {"fmt": "xlsx"}, name="list_xlsx"),
    path("<int:area_id>/danh-sach/<slug:kind>.csv", views.list_export, {"fmt": "csv"}, name="list_csv"),
]
