"""The audited reveal: a full ID number only to a holder of REVEAL_FULL_ID on the resident's
area, only with a reason, never cached, and every reveal logged."""

import pytest
from django.urls import reverse

from households.models import Resident
from households.services import resident_update
from outreach.audit.models import AuditEvent

from .fixtures import id_number_for
from .sync_helpers import client_for, push, statuses, visit

pytestmark = pytest.mark.django_db
REASON = {"reason_code": "activate", "reason_text": "Hỗ trợ kích hoạt mức 2 tại nhà"}


@pytest.fixture
def resident(world) -> Resident:
    """A resident of TDP 1 (Ba Đình) with an ID number, on the "interested" list."""
    household = world.households_a[0]
    resident = household.residents.get(full_name__startswith="Nguyễn Văn An")
    resident_update(resident=resident, id_number=id_number_for(resident))
    body = visit(world, household, residents=[{"resident": resident.id, "outcome": "interested"}])
    assert statuses(push(client_for(world.alice), [body])) == ["accepted"]
    return Resident.objects.get(pk=resident.pk)


def reveal_url(resident_id: int) -> str:
    return reverse("reports:reveal", args=[resident_id])


def reveals() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="reveal"))


def test_it_offers_the_reveal_form_on_the_list_to_police_only(world, resident):
    url = reverse("reports:list", args=[world.group1.id, "quan-tam"])
    police = client_for(world.police).get(url).content.decode()
    assert reveal_url(resident.id) in police and 'name="csrfmiddlewaretoken"' in police and "Hiện số" in police
    assert resident.id_number not in police and "••••••••" + resident.id_number[-4:] in police
    assert f'name="next" value="{url}"' in police  # back to this list after the reveal
    leader = client_for(world.leader).get(url).content.decode()
    assert reveal_url(resident.id) not in leader


def test_it_shows_the_full_number_with_a_reason_and_logs_it(world, resident):
    response = client_for(world.police).post(reveal_url(resident.id), REASON, REMOTE_ADDR="10.9.8.7")
    assert response.status_code == 200
    assert resident.id_number in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    (event,) = reveals()
    assert (event.username, event.object_id, event.path, event.ip) == ("police", str(resident.id), world.group1.path,
                                                                      "10.9.8.7")  # fmt: skip
    assert event.fields == ["id_number"] and event.rows == 1
    assert "Hỗ trợ kích hoạt mức 2 tại nhà" in event.detail["reason"] and event.detail["reason_code"] == "activate"
    assert resident.id_number not in str(event.detail)


def test_it_logs_each_reveal(world, resident):
    client = client_for(world.province_user)
    for _ in range(2):
        assert client.post(reveal_url(resident.id), REASON).status_code == 200
    assert [e.username for e in reveals()] == ["province", "province"]


@pytest.mark.parametrize("data", [
    {}, {"reason_text": "cần xem số"}, {"reason_code": "other", "reason_text": "xem"},
    {"reason_code": "made-up", "reason_text": "một lý do dài hơn mười ký tự"},
    {"reason_code": "other", "reason_text": "x" * 301},
])  # fmt: skip
def test_it_refuses_without_a_proper_reason(world, resident, data):
    response = client_for(world.police).post(reveal_url(resident.id), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert resident.id_number not in page and 'role="alert"' in page
    assert "no-store" in response["Cache-Control"]
    assert not reveals()


def test_it_accepts_another_reason_written_out(world, resident):
    data = {"reason_code": "other", "reason_text": "Đối chiếu hồ sơ tạm trú"}
    response = client_for(world.police).post(reveal_url(resident.id), data)
    assert response.status_code == 200 and resident.id_number in response.content.decode()
    assert reveals()[0].detail["reason"] == "Đối chiếu hồ sơ tạm trú"


def test_it_shows_only_the_form_on_a_get(world, resident):
    response = client_for(world.police).get(reveal_url(resident.id))
    assert response.status_code == 200 and resident.id_number not in response.content.decode()
    assert "no-store" in response["Cache-Control"] and not reveals()


def test_it_answers_the_same_404_outside_the_scope_and_for_a_missing_resident(world, resident):
    outsider = world.households_other[0].residents.first()
    client = client_for(world.police)
    outside = client.post(reveal_url(outsider.id), REASON)
    missing = client.post(reveal_url(10**9), REASON)
    huge = client.post(reveal_url(10**30), REASON)
    assert outside.status_code == missing.status_code == huge.status_code == 404
    assert outside.content == missing.content
    assert not reveals()


def test_it_refuses_a_group_leader_and_a_volunteer(world, resident):
    assert client_for(world.leader).post(reveal_url(resident.id), REASON).status_code == 403
    assert client_for(world.alice).post(reveal_url(resident.id), REASON).status_code == 403
    assert not reveals()


def test_it_sends_an_anonymous_visitor_to_sign_in(client, world, resident):
    response = client.post(reveal_url(resident.id), REASON)
    assert response.status_code == 302 and not reveals()


def test_it_goes_back_only_to_a_report_page(world, resident):
    client = client_for(world.police)
    back = reverse("reports:list", args=[world.group1.id, "quan-tam"])
    page = client.post(reveal_url(resident.id), {**REASON, "next": back}).content.decode()
    assert f'href="{back}"' in page
    page = client.post(reveal_url(resident.id), {**REASON, "next": "https://evil.example/bao-cao/"}).content.decode()
    assert "evil.example" not in page
