from django.urls import path

from . import booking, views

app_name = "appointments"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:area_id>/", views.area, name="area"),
    path("<int:area_id>/ho/<int:household_id>/", booking.household_form, name="household"),
    path("<int:area_id>/lich/<int:appointment_id>/huy/", booking.cancel, name="cancel"),
]
