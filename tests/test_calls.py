"""Calls (issue 19, part 1): callers take numbers of the call list, no two hold the same
one, a batch expires back to the pool, call-backs come back to their caller, a recorded
call is idempotent and checked, and calls fold into the projection and the rollups as
their own channel, equal to a count from scratch with door visits mixed in."""

import datetime
import threading
import uuid

import pytest
from django.db import connection
from django.utils import timezone

from households.models import Resident
from outreach.access import Capability, access_for
from outreach.audit.models import AuditAction, AuditEvent
from outreach.calls.claims import calls_release, calls_take_batch, pool_queryset
from outreach.calls.models import CallClaim
from outreach.calls.record import CallInput, CallNotFound, CallRefused, calls_record
from outreach.calls.selectors import caller_batch
from outreach.models import AreaRollup, HouseholdState, ResidentState, Role, Visit
from outreach.rollups.services import rollups_refresh
from outreach.visits.projection import projection_rebuild

from .fixtures import build_world, make_user
from .sync_helpers import client_for, push, statuses, visit

T0 = timezone.now().replace(microsecond=0)


def minutes(n: int) -> datetime.datetime:
    return T0 + datetime.timedelta(minutes=n)


def with_phones(world) -> list[Resident]:
    """Give every adult a phone; the call list is of adults with a phone, not activated."""
    adults = list(Resident.objects.filter(birth_date__isnull=False).order_by("id"))
    for n, r in enumerate(adults):
        Resident.objects.filter(pk=r.pk).update(phone=f"+8491234{n:04d}")
    return adults


def callers(world, count: int = 2):
    return [make_user(f"caller{n}", area=world.commune, role=Role.CALLER) for n in range(1, count + 1)]


def scope_of(user):
    return access_for(user=user).scope(Capability.CALL_RESIDENTS)


def call(user, world, resident, outcome, *, at, **extra):
    body = CallInput(client_uuid=extra.pop("client_uuid", uuid.uuid4()), resident_id=resident.id if hasattr(
        resident, "id") else resident, outcome=outcome, **extra)  # fmt: skip
    return calls_record(user=user, campaign=world.campaign, scope=scope_of(user), call=body, now=at)


def held_by(user) -> set[int]:
    return set(CallClaim.objects.filter(holder=user, done_at__isnull=True).values_list("resident_id", flat=True))


# ---------------------------------------------------------------- the claim race (PostgreSQL)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_gives_each_number_to_one_caller_when_four_race_for_the_same_batch(transactional_db, settings):
    settings.CALLS_BATCH_SIZE = 8
    world = build_world(households_per_turf=10)
    with_phones(world)
    people = callers(world, 4)
    pool = pool_queryset(campaign=world.campaign, area=world.commune, now=T0).count()
    assert pool == 40  # 2 groups x 10 households x 2 adults; the other commune is not Ba Đình's
    barrier = threading.Barrier(len(people))
    results, errors = [None] * len(people), []

    def run(n):
        try:
            barrier.wait()
            results[n] = calls_take_batch(user=people[n], campaign=world.campaign, area=world.commune, now=T0)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(people))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    # Everyone got a full batch (the losers of a race take the next numbers), each number
    # is held by one caller, and what each was told matches what the database holds.
    assert [r.new for r in results] == [8, 8, 8, 8]
    holds = [held_by(p) for p in people]
    assert [len(h) for h in holds] == [8, 8, 8, 8]
    assert len(set().union(*holds)) == 32
    assert pool_queryset(campaign=world.campaign, area=world.commune, now=T0).count() == 8


# ---------------------------------------------------------------- expiry, release, call-back


@pytest.fixture
def calling(world):
    with_phones(world)
    return world, *callers(world)


def test_a_batch_expires_back_to_the_pool(calling, settings):
    settings.CALLS_BATCH_SIZE, settings.CALLS_CLAIM_MINUTES = 20, 30
    world, first, second = calling
    assert calls_take_batch(user=first, campaign=world.campaign, area=world.commune, now=T0).new == 12
    assert calls_take_batch(user=second, campaign=world.campaign, area=world.commune, now=minutes(29)).new == 0
    taken = calls_take_batch(user=second, campaign=world.campaign, area=world.commune, now=minutes(31))
    assert taken.new == 12 and len(held_by(second)) == 12
    resident = next(iter(held_by(second)))
    with pytest.raises(CallRefused) as refused:
        call(first, world, resident, "interested", at=minutes(32))
    assert refused.value.code == "not_your_claim" and "không còn do bạn giữ" in refused.value.message
    assert not Visit.objects.exists()


def test_releasing_is_idempotent_and_gives_the_numbers_back(calling, settings):
    settings.CALLS_BATCH_SIZE = 5
    world, first, second = calling
    calls_take_batch(user=first, campaign=world.campaign, area=world.commune, now=T0)
    mine = held_by(first)
    assert calls_release(user=first, campaign=world.campaign) == 5
    assert calls_release(user=first, campaign=world.campaign) == 0
    assert calls_release(user=second, campaign=world.campaign, resident_ids=list(mine)) == 0
    calls_take_batch(user=second, campaign=world.campaign, area=world.commune, now=minutes(1))
    assert held_by(second) == mine  # the same numbers, first in the walk order again


def test_a_call_back_comes_back_to_the_same_caller_and_to_nobody_else(calling, settings):
    settings.CALLS_BATCH_SIZE, settings.CALLS_CLAIM_MINUTES = 3, 30
    world, first, second = calling
    calls_take_batch(user=first, campaign=world.campaign, area=world.commune, now=T0)
    resident = min(held_by(first))
    call(first, world, resident, "call_back", at=minutes(1), callback_at=minutes(120))
    calls_release(user=first, campaign=world.campaign, resident_ids=sorted(held_by(first) - {resident}))
    # An hour later, and just after the time set, the other caller takes everything: not it.
    settings.CALLS_BATCH_SIZE = 50
    calls_take_batch(user=second, campaign=world.campaign, area=world.commune, now=minutes(60))
    calls_take_batch(user=second, campaign=world.campaign, area=world.commune, now=minutes(121))
    assert resident not in held_by(second) and len(held_by(second)) == 11
    # Its caller's next batch starts with it.
    assert [r.resident_id for r in caller_batch(user=first, campaign=world.campaign, area=world.commune,
                                                now=minutes(60))] == []  # fmt: skip
    taken = calls_take_batch(user=first, campaign=world.campaign, area=world.commune, now=minutes(121))
    assert taken.due_callbacks == 1
    batch = caller_batch(user=first, campaign=world.campaign, area=world.commune, now=minutes(121))
    assert batch[0].resident_id == resident and batch[0].callback_at == minutes(120)
    call(first, world, resident, "assisted", vneid="l2_activated", at=minutes(122))
    assert Resident.objects.get(pk=resident).vneid_level2 == "activated"
    assert resident not in {r.pk for r in pool_queryset(campaign=world.campaign, area=world.commune,
                                                                 now=minutes(500))}  # fmt: skip


def test_no_answer_rests_the_number_and_a_wrong_number_is_done(calling, settings):
    settings.CALLS_BATCH_SIZE, settings.CALLS_RETRY_MINUTES = 2, 120
    world, first, second = calling
    calls_take_batch(user=first, campaign=world.campaign, area=world.commune, now=T0)
    missed, wrong = sorted(held_by(first))
    call(first, world, missed, "no_answer", at=minutes(1))
    call(first, world, wrong, "wrong_number", at=minutes(2))
    free = lambda at: {r.pk for r in pool_queryset(campaign=world.campaign, area=world.commune, now=at)}  # noqa: E731
    assert missed not in free(minutes(60)) and missed in free(minutes(122))
    assert wrong not in free(minutes(500))


# ---------------------------------------------------------------- recording: checks, idempotency


def test_a_retried_call_answers_the_same_and_writes_once(calling):
    world, first, _ = calling
    calls_take_batch(user=first, campaign=world.campaign, area=world.commune, now=T0)
    resident, key = min(held_by(first)), uuid.uuid4()
    done = call(first, world, resident, "interested", at=minutes(1), client_uuid=key)
    again = call(first, world, resident, "interested", at=minutes(2), client_uuid=key)
    assert again.duplicate and again.visit_id == done.visit_id and not done.duplicate
    assert Visit.objects.count() == 1
    with pytest.raises(CallRefused) as refused:
        call(first, world, resident, "no_answer", at=minutes(3), client_uuid=key)
    assert refused.value.code == "uuid_conflict"
    assert Visit.objects.count() == 1 and CallClaim.objects.get(resident_id=resident).calls == 1


def test_the_page_refuses_bad_input_in_vietnamese_and_writes_nothing(calling, settings):
    settings.CALLS_BATCH_SIZE = 5
    world, first, second = calling
    calls_take_batch(user=first, campaign=world.campaign, area=world.commune, now=timezone.now())
    calls_take_batch(user=second, campaign=world.campaign, area=world.commune, now=timezone.now())
    mine, theirs = min(held_by(first)), min(held_by(second))
    other_commune = Resident.objects.filter(household__area=world.other_group).first()
    client, url = client_for(first), f"/goi-dien/{world.commune.pk}/ghi/"

    def post(**data):
        body = {"client_uuid": str(uuid.uuid4()), "resident": mine, "outcome": "interested", **data}
        return client.post(url, body)

    past = timezone.localtime() - datetime.timedelta(hours=1)
    cases = [
        (post(resident=theirs), 400, "không còn do bạn giữ"),
        (post(outcome="call_back", callback_at=past.strftime("%Y-%m-%dT%H:%M")), 400, "Giờ gọi lại phải sau bây giờ"),
        (post(outcome="call_back", callback_at="mai nhé"), 400, "Giờ gọi lại không hợp lệ"),
        (post(outcome="call_back"), 400, "Hãy chọn giờ gọi lại"),
        (post(outcome="maybe"), 400, "Kết quả cuộc gọi không hợp lệ"),
        (post(client_uuid="not-a-uuid"), 400, "Thông tin cuộc gọi không hợp lệ"),
        (post(resident=other_commune.pk), 404, ""),
        (post(resident=10**9), 404, ""),
    ]
    for response, status, text in cases:
        assert response.status_code == status
        assert text in response.content.decode()
    assert not Visit.objects.exists() and CallClaim.objects.filter(calls__gt=0).count() == 0
    with pytest.raises(CallNotFound):  # the service itself answers the same for another commune
        call(first, world, other_commune, "interested", at=timezone.now())
    # A good one, posted twice (a double tap): one visit, the same answer.
    body = {"client_uuid": str(uuid.uuid4()), "resident": mine, "outcome": "interested"}
    assert [client.post(url, body).status_code for _ in range(2)] == [302, 302]
    assert Visit.objects.filter(channel="phone").count() == 1


def test_the_page_shows_the_batch_with_tel_links_and_audits_it(calling, settings):
    settings.CALLS_BATCH_SIZE = 4
    world, first, _ = calling
    client = client_for(first)
    assert client.post(f"/goi-dien/{world.commune.pk}/nhan-so/").status_code == 302
    page = client.get(f"/goi-dien/{world.commune.pk}/")
    html = page.content.decode()
    assert page.status_code == 200 and "Nhận số để gọi" in html and html.count('href="tel:+849') == 4
    assert "no-store" in page["Cache-Control"]  # names and phone numbers: never cached
    event = AuditEvent.objects.filter(action=AuditAction.CALL_BATCH).latest("id")
    assert event.username == "caller1" and event.rows == 4 and "phone" in event.fields
    assert event.path == world.commune.path
    assert client_for(world.alice).get(f"/goi-dien/{world.commune.pk}/").status_code == 403  # a field member
    assert client_for(world.province_user).get("/goi-dien/").status_code == 403  # leadership does not call
    assert client.get(f"/goi-dien/{world.other_commune.pk}/").status_code == 404
    assert client_for(world.leader).get(f"/goi-dien/{world.group1.pk}/").status_code == 200


# ---------------------------------------------------------------- projection and rollups


def naive_phone_and_door(area, campaign) -> dict:
    """Counted from scratch: door figures from door visits only (a call reaches nobody's
    door), the phone figures from the calls' resident outcomes."""
    today = timezone.localdate()
    visits = sorted(Visit.objects.filter(campaign=campaign).select_related("outcome"), key=lambda v: (v.effective_time, v.id))
    last_door = {}
    for v in visits:
        if v.channel == "door":
            last_door[v.household_id] = v
    people = [r for r in Resident.objects.filter(household__area__path__startswith=area.path)
              if r.residence_status in ("permanent", "temporary") and r.is_eligible_on(today)]  # fmt: skip
    calls = {}
    for v in visits:
        if v.channel == "phone":
            for o in v.resident_outcomes.select_related("outcome"):
                calls.setdefault(o.resident_id, set()).add(o.outcome.code)
    answered = {"call_interested", "call_back", "call_assisted", "assisted_l1_registered", "assisted_l1_activated",
                "assisted_l2_registered", "assisted_l2_activated"}  # fmt: skip
    assisted = answered - {"call_interested", "call_back"}
    households = [h for h in {r.household_id for r in Resident.objects.filter(household__area__path__startswith=area.path)}]
    return {
        "households_visited": sum(h in last_door for h in households),
        "households_revisit": sum(h in last_door and last_door[h].outcome.needs_revisit for h in households),
        "level2_activated": sum(r.vneid_level2 == "activated" for r in people),
        "residents_interested": sum(ResidentState.objects.filter(resident=r, campaign=campaign,
                                                                 interest="interested").exists() for r in people),
        "phone_called": sum(r.id in calls for r in people),
        "phone_answered": sum(bool(calls.get(r.id, set()) & answered) for r in people),
        "phone_assisted": sum(bool(calls.get(r.id, set()) & assisted) for r in people),
    }


def state_snapshot(campaign):
    households = sorted(HouseholdState.objects.filter(campaign=campaign).values_list(
        "household_id", "last_visit_id", "visit_count", "reached", "needs_revisit"))  # fmt: skip
    residents = sorted(ResidentState.objects.filter(campaign=campaign).values_list(
        "resident_id", "last_visit_id", "last_outcome_id", "interest"))  # fmt: skip
    return households, residents, sorted(Resident.objects.values_list("id", "vneid_level1", "vneid_level2"))


def test_calls_and_visits_mixed_fold_and_roll_up_as_a_count_from_scratch(calling, settings):
    settings.CALLS_BATCH_SIZE = 50
    world, first, _ = calling
    h1, h2, h3 = world.households_a
    a1 = list(h1.residents.order_by("id"))
    # Door: h1 visited (one adult interested), h2 nobody home.
    assert statuses(push(client_for(world.alice), [
        visit(world, h1, residents=[{"resident": a1[0].id, "outcome": "interested"}]),
        visit(world, h2, outcome="nobody_home")])) == ["accepted", "accepted"]  # fmt: skip
    calls_take_batch(user=first, campaign=world.campaign, area=world.commune, now=T0)
    held = sorted(held_by(first))
    b = {r.pk: r for r in Resident.objects.filter(pk__in=held)}
    g2 = [r for r in held if b[r].household.area_id == world.group2.id]
    g1 = [r for r in held if b[r].household.area_id == world.group1.id]
    # Phone: the h1 adult already visited is assisted to level 2; an h2 adult (door: nobody
    # home) answers, interested; others no answer, wrong number, call back, assisted.
    call(first, world, a1[0].id, "assisted", vneid="l2_activated", at=minutes(1))
    h2_adult = next(r for r in g1 if b[r].household_id == h2.id)
    call(first, world, h2_adult, "interested", at=minutes(2))
    call(first, world, g2[0], "no_answer", at=minutes(3))
    call(first, world, g2[1], "wrong_number", at=minutes(4))
    call(first, world, g2[2], "call_back", at=minutes(5), callback_at=minutes(90))
    call(first, world, g2[3], "assisted", at=minutes(6))
    # A call changes no household's door state: h2 still needs a revisit, h3 is unvisited.
    assert HouseholdState.objects.get(household=h2).needs_revisit
    assert not HouseholdState.objects.filter(household=h3).exists()
    assert not HouseholdState.objects.filter(household__area=world.group2).exists()
    rollups_refresh(campaign_id=world.campaign.id)
    for area in (world.commune, world.group1, world.group2, world.province):
        rollup = AreaRollup.objects.get(campaign=world.campaign, area=area)
        expected = naive_phone_and_door(area, world.campaign)
        assert {k: getattr(rollup, k) for k in expected} == expected, area
    commune = AreaRollup.objects.get(campaign=world.campaign, area=world.commune)
    assert (commune.phone_called, commune.phone_answered, commune.phone_assisted) == (6, 4, 2)
    assert (commune.households_visited, commune.households_revisit) == (2, 1)
    # The projection rebuilt from the log alone agrees with the one kept in step.
    before = state_snapshot(world.campaign)
    projection_rebuild(campaign=world.campaign)
    assert state_snapshot(world.campaign) == before
    # And the progress page shows the channel.
    html = client_for(world.police).get(f"/bao-cao/{world.commune.pk}/").content.decode()
    assert "Qua điện thoại" in html and "4 nghe máy" in html


def test_the_phone_codes_stay_off_the_door_and_the_home_page_links_the_callers(calling):
    """The phone's outcome codes are rows created inactive: the field app is never sent
    them and a door visit carrying one is refused."""
    from outreach.calls.codes import call_codes

    world, first, _ = calling
    assert not any(c.is_active for code, c in call_codes().items() if code.startswith(("phone_", "call_")))
    household = world.households_a[0]
    resident = household.residents.order_by("id").first()
    assert statuses(push(client_for(world.alice), [
        visit(world, household, outcome="phone_call"),
        visit(world, household, residents=[{"resident": resident.id, "outcome": "call_no_answer"}]),
    ])) == ["rejected", "rejected"]  # fmt: skip
    assert 'href="/goi-dien/"' in client_for(first).get("/").content.decode()
    assert 'href="/goi-dien/"' not in client_for(world.alice).get("/").content.decode()
    assert client_for(first).get("/goi-dien/").url == f"/goi-dien/{world.commune.pk}/"


def test_crafted_ids_are_refused_without_an_error_or_a_change(calling, settings):
    settings.CALLS_BATCH_SIZE = 3
    world, first, _ = calling
    client = client_for(first)
    client.post(f"/goi-dien/{world.commune.pk}/nhan-so/")
    held = held_by(first)
    for crafted in ("²", "٣", "9" * 5000, "-1", str(2**64)):
        body = {"client_uuid": str(uuid.uuid4()), "resident": crafted, "outcome": "interested"}
        # "٣" is read as 3 (Django's IntegerField takes any Unicode digit): a resident not
        # held (400) or not there (404); never a 500, never a write.
        assert client.post(f"/goi-dien/{world.commune.pk}/ghi/", body).status_code in (400, 404)
        assert client.post(f"/goi-dien/{world.commune.pk}/tra-so/", {"resident": crafted}).status_code == 302
    assert held_by(first) == held and not Visit.objects.exists()


def test_the_page_writes_ids_the_form_reads_back_whatever_their_size(calling, settings):
    """Ids above 999 were rendered "1.234" (Vietnamese thousands) in the hidden fields, and
    every call recorded on such a resident was refused as malformed."""
    settings.CALLS_BATCH_SIZE = 20
    world, first, _ = calling
    household = world.households_a[0]
    big = Resident.objects.create(id=1_234_567, household=household, full_name="Phạm Thị Mai", birth_year=1980,
                                  phone="+84912399999")  # fmt: skip
    client = client_for(first)
    client.post(f"/goi-dien/{world.commune.pk}/nhan-so/")
    html = client.get(f"/goi-dien/{world.commune.pk}/").content.decode()
    assert 'name="resident" value="1234567"' in html and "1.234.567" not in html
