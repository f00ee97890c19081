from django.urls import path

from . import shifts

app_name = "shifts"

urlpatterns = [
    path("", shifts.index, name="index"),
    path("to/<int:team_id>/", shifts.team, name="team"),
    path("to/<int:team_id>/mo-ca/", shifts.open_shift, name="open"),
    path("ca/<int:shift_id>/dong-ca/", shifts.close_shift, name="close"),
]
