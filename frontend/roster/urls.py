from django.urls import path

from . import views

app_name = "roster"
urlpatterns = [
    path("", views.upload, name="upload"),
    path("mau.xlsx", views.template, name="template"),
    path("<uuid:upload_id>/", views.detail, name="detail"),
    path("<uuid:upload_id>/nhap/", views.confirm, name="confirm"),
    path("<uuid:upload_id>/xac-nhan-roi-di/", views.confirm_gone, name="confirm_gone"),
    path("<uuid:upload_id>/loi.xlsx", views.errors, name="errors"),
]
