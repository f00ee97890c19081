"""The board's fixes: a merge keeps every visit and leaves the rollups and the projection
equal to a count from scratch; every decision is stored once, audited, idempotent, and an
id outside the officer's area is a 404."""

import pytest
from django.test import Client

from households.models import Area, PossibleDuplicate, ResidenceStatus, Resident
from households.services import resident_create
from outreach.audit.models import AuditAction, AuditEvent
from outreach.models import AreaRollup, Visit, VisitResidentOutcome
from outreach.quality.merge import RESIDENT_KEYS
from outreach.quality.models import QualityDecision
from outreach.rollups.models import RollupCounts
from outreach.rollups.services import rollups_rebuild, rollups_refresh
from outreach.visits.projection import projection_rebuild

from .fixtures import build_world, id_number_for
from .sync_helpers import client_for, push, statuses, visit
from .test_projection_and_rollups import naive_counts, snapshot_projection
from .test_quality_checks import at

pytestmark = pytest.mark.django_db


def url(world, tail: str, area=None) -> str:
    return f"/chat-luong-du-lieu/{(area or world.commune).pk}/{tail}"


def audits(action) -> int:
    return AuditEvent.objects.filter(action=action).count()


@pytest.fixture
def duplicate(world):
    """The older record in TDP 1 with an outcome, the newer one created at the door in TDP 2
    with the same ID number (queued by the registry) and visits of its own."""
    kept = world.households_a[0].residents.order_by("id").first()
    number = id_number_for(kept)
    Resident.objects.filter(pk=kept.pk).update(id_number=number)
    dup = resident_create(household=world.households_b[0], full_name="Nguyễn Văn An", birth_date=kept.birth_date,
                          sex="M", id_number=number, phone="+84912345678")  # fmt: skip
    row = PossibleDuplicate.objects.get(resident=dup, other=kept)
    rollups_rebuild(campaign=world.campaign)
    alice, carol = client_for(world.alice), client_for(world.carol)
    assert statuses(push(alice, [visit(world, world.households_a[0], when=at(0),
                                       residents=[{"resident": kept.pk, "outcome": "interested"}])])) == ["accepted"]
    for n, code in enumerate(["not_interested", "assisted_l2_activated"]):
        item = visit(world, world.households_b[0], when=at(30 + n), residents=[{"resident": dup.pk, "outcome": code}])
        assert statuses(push(carol, [item])) == ["accepted"]
    rollups_refresh(campaign_id=world.campaign.id)
    return kept, dup, row


def test_it_handles_every_key_to_a_resident():
    """A new model pointing at residents must be handled by the merge (outreach/quality/merge.py)."""
    related = {(r.related_model._meta.app_label, r.related_model._meta.model_name) for r in Resident._meta.related_objects}
    assert related <= RESIDENT_KEYS, related - RESIDENT_KEYS


def test_it_merges_keeping_every_visit_and_rollups_equal_to_a_recount(world, duplicate, django_capture_on_commit_callbacks):
    kept, dup, row = duplicate
    visits, outcomes = Visit.objects.count(), VisitResidentOutcome.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.police).post(url(world, f"nghi-trung/{row.pk}/xu-ly/"), {"choice": "merge"})
    assert response.status_code == 302
    assert Visit.objects.count() == visits and VisitResidentOutcome.objects.count() == outcomes
    assert VisitResidentOutcome.objects.filter(resident=kept).count() == 3
    assert not Resident.objects.filter(pk=dup.pk).exists()
    kept.refresh_from_db()
    assert kept.vneid_level2 == "activated" and kept.phone == "+84912345678"  # what only the newer record knew
    row.refresh_from_db()
    assert row.resolution == "same_person" and row.resolved_at and row.resident_id == kept.pk
    event = AuditEvent.objects.get(action=AuditAction.QUALITY_MERGE)
    assert event.detail["merged_resident"] == dup.pk and event.detail["visits"] == 2 and event.fields == ["phone"]
    assert QualityDecision.objects.get(check_slug="nghi-trung").other_resident_id == dup.pk
    rollups_refresh(campaign_id=world.campaign.id)  # Celery is eager: already done; a no-op here
    for area in Area.objects.filter(path__startswith=world.commune.path):
        rollup = AreaRollup.objects.get(campaign=world.campaign, area=area)
        assert {k: getattr(rollup, k) for k in RollupCounts.COUNTERS} == naive_counts(area, world.campaign), area
    incremental = snapshot_projection(world.campaign)
    projection_rebuild(campaign=world.campaign)
    assert snapshot_projection(world.campaign) == incremental


def test_it_does_a_second_merge_tap_nothing_twice(world, duplicate):
    _, _, row = duplicate
    police = client_for(world.police)
    police.post(url(world, f"nghi-trung/{row.pk}/xu-ly/"), {"choice": "merge"})
    response = police.post(url(world, f"nghi-trung/{row.pk}/xu-ly/"), {"choice": "merge"}, follow=True)
    assert response.status_code == 200 and "đã được xử lý trước đó" in response.content.decode()
    assert audits(AuditAction.QUALITY_MERGE) == 1


def test_it_keeps_two_different_people_apart(world, duplicate):
    kept, dup, row = duplicate
    client_for(world.police).post(url(world, f"nghi-trung/{row.pk}/xu-ly/"), {"choice": "different"})
    row.refresh_from_db()
    assert row.resolution == "different_people" and Resident.objects.filter(pk=dup.pk).exists()
    assert audits(AuditAction.QUALITY_DECISION) == 1


def test_a_pair_across_two_communes_is_not_this_communes_to_see_or_merge(world):
    other = world.households_other[0].residents.order_by("id").first()
    number = id_number_for(other)
    Resident.objects.filter(pk=other.pk).update(id_number=number)
    dup = resident_create(household=world.households_a[1], full_name="Nguyễn Văn An", birth_date=other.birth_date,
                          sex="M", id_number=number)  # fmt: skip
    row = PossibleDuplicate.objects.get(resident=dup)
    police = client_for(world.police)
    assert f"nghi-trung/{row.pk}/xu-ly/" not in police.get(url(world, "nghi-trung/")).content.decode()
    response = police.post(url(world, f"nghi-trung/{row.pk}/xu-ly/"), {"choice": "merge"})
    assert response.status_code == 404  # as for a queue row that does not exist
    assert Resident.objects.filter(pk=dup.pk).exists() and audits(AuditAction.QUALITY_MERGE) == 0


def test_it_answers_404_for_another_communes_items_and_403_without_the_right(world, duplicate):
    _, _, row = duplicate
    dave_row = url(world, f"nghi-trung/{row.pk}/xu-ly/", area=world.other_commune)
    assert client_for(world.police).post(dave_row, {"choice": "merge"}).status_code == 404
    outsider = world.households_other[0].residents.first()
    assert client_for(world.police).post(url(world, f"chuyen-di-mat/{outsider.pk}/da-cap-nhat/")).status_code == 404
    assert client_for(world.province_user).post(url(world, f"nghi-trung/{row.pk}/xu-ly/"),
                                                {"choice": "merge"}).status_code == 403  # reads, does not act
    assert client_for(world.alice).post(url(world, f"nghi-trung/{row.pk}/xu-ly/"), {"choice": "merge"}).status_code == 403
    assert client_for(world.police).get(url(world, f"nghi-trung/{row.pk}/xu-ly/")).status_code == 405
    assert PossibleDuplicate.objects.get(pk=row.pk).resolution == ""


def test_it_refuses_a_post_without_the_csrf_token(world, duplicate):
    _, _, row = duplicate
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.police)
    assert client.post(url(world, f"nghi-trung/{row.pk}/xu-ly/"), {"choice": "merge"}).status_code == 403


def test_it_confirms_a_move_reported_at_the_door_once_and_audits_it(world):
    household = world.households_a[0]
    father = household.residents.order_by("id").first()
    item = visit(world, household, residents=[{"resident": father.pk, "outcome": "moved_away"}])
    assert statuses(push(client_for(world.alice), [item])) == ["accepted"]
    police = client_for(world.police)
    for _ in range(2):
        assert police.post(url(world, f"chuyen-di-mat/{father.pk}/da-cap-nhat/")).status_code == 302
    father.refresh_from_db()
    assert father.residence_status == ResidenceStatus.MOVED
    assert audits(AuditAction.QUALITY_DECISION) == 1
    event = AuditEvent.objects.get(action=AuditAction.QUALITY_DECISION)
    assert event.detail["status"] == "moved" and event.fields == ["residence_status"] and event.area_id == world.group1.pk
    assert father.pk not in [r.pk for r in police.get(url(world, "chuyen-di-mat/")).context["page"].object_list]
    assert Visit.objects.count() == 1  # the visit log is left as it was


def test_it_confirms_or_dismisses_a_doubtful_visit_once(world):
    a, b, c = world.households_a
    alice = client_for(world.alice)
    push(alice, [visit(world, b, when=at(0), latitude=21.035, longitude=105.82),
                 visit(world, c, when=at(5), latitude=21.08, longitude=105.82)])  # fmt: skip
    jump = Visit.objects.get(household=c)
    police = client_for(world.police)
    target = url(world, f"vi-tri-nhay-xa/{jump.pk}/quyet-dinh/")
    assert police.post(target, {"verdict": "confirmed"}).status_code == 302
    assert police.post(target, {"verdict": "dismissed"}).status_code == 302  # second tap: nothing changes
    decision = QualityDecision.objects.get(check_slug="vi-tri-nhay-xa")
    assert decision.verdict == "confirmed" and decision.visit_id == jump.pk and decision.decided_by == world.police
    assert audits(AuditAction.QUALITY_DECISION) == 1
    assert Visit.objects.filter(pk=jump.pk).exists()  # flagged, never deleted
    assert police.get(url(world, "vi-tri-nhay-xa/")).context["page"].paginator.count == 0
    assert police.post(url(world, f"vi-tri-nhay-xa/{jump.pk}/quyet-dinh/", area=world.other_commune),
                       {"verdict": "dismissed"}).status_code == 404  # fmt: skip
    first_visit = Visit.objects.get(household=b)  # not flagged: not an item of the check
    assert police.post(url(world, f"vi-tri-nhay-xa/{first_visit.pk}/quyet-dinh/"), {"verdict": "dismissed"}).status_code == 404


def test_it_decides_an_evening_flag_by_its_key():
    world = build_world(households_per_turf=12)
    push(client_for(world.alice), [visit(world, h, outcome="nobody_home", when=at(n // 2)) for n, h in
                                   enumerate(world.households_a[:11])])  # fmt: skip
    police = client_for(world.police)
    rows = police.get(url(world, "nhanh-bat-thuong/")).context["rows"]
    key = rows[0]["values"]["key"]
    assert police.post(url(world, f"nhanh-bat-thuong/{key}/quyet-dinh/"), {"verdict": "dismissed"}).status_code == 302
    assert police.get(url(world, "nhanh-bat-thuong/")).context["rows"] == []
    assert police.post(url(world, "nhanh-bat-thuong/1:2/quyet-dinh/"), {"verdict": "dismissed"}).status_code == 404


def test_it_dismisses_an_evening_where_every_door_opened():
    world = build_world(households_per_turf=12)
    push(client_for(world.alice), [visit(world, world.households_a[n % 12], when=at(5 * n)) for n in range(15)])
    police = client_for(world.police)
    key = police.get(url(world, "gap-gan-het/")).context["rows"][0]["values"]["key"]
    assert police.post(url(world, f"gap-gan-het/{key}/quyet-dinh/"), {"verdict": "dismissed"}).status_code == 302
    assert police.get(url(world, "gap-gan-het/")).context["rows"] == []
    assert QualityDecision.objects.get(check_slug="gap-gan-het").key == key
    assert Visit.objects.count() == 15
