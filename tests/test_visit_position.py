"""Issue 15: GPS on a visit is optional — position and accuracy stored when the phone sends
them, a half position refused as malformed, and the admin shows how far from the household
a visit was recorded."""

import pytest
from django.urls import reverse

from households.models import Household
from outreach.models import Visit
from outreach.visits.geo import distance_m

from .sync_helpers import client_for, push, visit

pytestmark = pytest.mark.django_db


def test_it_stores_position_and_accuracy(world):
    item = visit(world, world.households_a[0], latitude=21.035, longitude=105.8195, accuracy=12.4)
    assert push(client_for(world.alice), [item]).json()["results"][0]["status"] == "accepted"
    stored = Visit.objects.get(client_uuid=item["client_uuid"])
    assert (float(stored.latitude), float(stored.longitude), stored.accuracy_m) == (21.035, 105.8195, 12)


def test_a_visit_without_a_position_is_stored_as_ever(world):
    item = visit(world, world.households_a[0])
    assert push(client_for(world.alice), [item]).json()["results"][0]["status"] == "accepted"
    assert Visit.objects.get(client_uuid=item["client_uuid"]).accuracy_m is None


@pytest.mark.parametrize("change", [
    {"latitude": 21.03}, {"longitude": 105.8}, {"accuracy": 10}, {"latitude": 21.03, "longitude": 105.8, "accuracy": -1},
    {"latitude": 21.03, "longitude": 105.8, "accuracy": "10"}, {"latitude": 21.03, "longitude": 105.8, "accuracy": 1e9},
], ids=["latitude alone", "longitude alone", "accuracy alone", "negative accuracy", "accuracy as text", "accuracy 1e9"])  # fmt: skip
def test_a_half_position_is_rejected_alone(world, change):
    good, bad = visit(world, world.households_a[0]), {**visit(world, world.households_a[1]), **change}
    results = push(client_for(world.alice), [good, bad]).json()["results"]
    assert results[0]["status"] == "accepted"
    assert (results[1]["status"], results[1]["code"]) == ("rejected", "malformed")


def test_distance_is_the_great_circle_in_metres():
    # One degree of latitude is 2πR / 360 = 111.195 m on the mean Earth sphere.
    assert distance_m(21, 105.8, 22, 105.8) == 111195
    # Along the 60th parallel a degree is half that; the great circle is a little shorter.
    assert 55_590 < distance_m(60, 105, 60, 106) < 55_598
    assert distance_m(21.0, 105.8, None, 105.8) is None
    assert distance_m(21.0278, 105.8523, 21.0278, 105.8523) == 0


def test_the_admin_shows_how_far_from_the_household(world, admin_client):
    household = world.households_a[0]
    Household.objects.filter(pk=household.pk).update(latitude="21.027800", longitude="105.852300")
    item = visit(world, household, latitude=21.0283, longitude=105.8523, accuracy=8)
    assert push(client_for(world.alice), [item]).json()["results"][0]["status"] == "accepted"
    html = admin_client.get(reverse("admin:outreach_visit_changelist")).content.decode()
    assert "56 m (±8 m)" in html
