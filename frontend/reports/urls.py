from django.urls import path

from . import audit_views, edition_views, ranking_views, views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("hien-so/<int:resident_id>/", audit_views.reveal, name="reveal"),
    path("nhat-ky/", audit_views.audit_log, name="audit"),
    path("nhat-ky.xlsx", audit_views.audit_export, {"fmt": "xlsx"}, name="audit_xlsx"),
    path("nhat-ky.csv", audit_views.audit_export, {"fmt": "csv"}, name="audit_csv"),
    path("<int:area_id>/", views.progress, name="progress"),
    path("<int:area_id>/xep-hang/", ranking_views.ranking, name="ranking"),
    path("<int:area_id>/bao-cao-nhanh/", views.chat, name="chat"),
    path("<int:area_id>/bao-cao-nhanh.txt", views.chat_text, name="chat_text"),
    path("<int:area_id>/ban-tin/", edition_views.editions, name="editions"),
    path("<int:area_id>/danh-sach/", views.lists_home, name="lists"),
    path("<int:area_id>/danh-sach/<slug:kind>/", views.list_page, name="list"),
    path("<int:area_id>/danh-sach/<slug:kind>.xlsx", views.list_export, {"fmt": "xlsx"}, name="list_xlsx"),
    path("<int:area_id>/danh-sach/<slug:kind>.csv", views.list_export, {"fmt": "csv"}, name="list_csv"),
]
