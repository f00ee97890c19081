"""Issue 15: the morning and evening editions of the group-chat report, made by Celery beat
at the hours an area sets (11:30 and 20:30 by default), kept per day, each saying what
changed since the area's previous edition."""

import datetime
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from households.models import Area, AreaKind
from outreach.editions.services import editions_make_due
from outreach.editions.tasks import editions_make_due_task
from outreach.models import AreaRollup, ChatEdition, EditionHours
from outreach.rollups.services import rollups_rebuild

from .sync_helpers import client_for, push, statuses, visit
from .test_reports_naive import scenario  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db
VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def today_at(hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(timezone.localdate(), datetime.time(hour, minute), tzinfo=VN)


def edition(area, slot: str) -> ChatEdition:
    return ChatEdition.objects.get(area=area, slot=slot, day=timezone.localdate())


def test_it_makes_each_areas_edition_once_when_its_hour_has_passed(scenario):
    world = scenario.world
    assert editions_make_due(now=today_at(11, 29)) == 0
    made = editions_make_due(now=today_at(11, 35))
    kinds = (AreaKind.PROVINCE, AreaKind.DISTRICT, AreaKind.COMMUNE)
    assert made == Area.objects.filter(kind__in=kinds).count() >= 3
    assert editions_make_due(now=today_at(11, 50)) == 0  # the beat runs every 5 minutes: nothing twice
    text = edition(world.commune, "morning").text
    lines = text.splitlines()
    assert lines[0] == f"BẢN TIN SÁNG {timezone.localdate():%d/%m/%Y} — PHƯỜNG BA ĐÌNH"
    assert "Toàn phường Ba Đình: đã đến 5/6 hộ;" in text  # as the group-chat report writes it
    assert "Bản tin đầu tiên của chiến dịch cho địa bàn này." in text
    # The main blocking reason among residents not yet activated.
    assert "Vướng mắc chính: " in text and "Không có điện thoại thông minh (1)" in text
    assert "Hoàn Kiếm" not in text


def test_it_makes_no_edition_for_a_commune_without_households(scenario):
    # A unit of the national map (load_areas) where nobody has been registered yet.
    empty = Area.objects.create(code="00007", name="Phường Ngọc Hà", kind=AreaKind.COMMUNE,
                                parent=scenario.world.province)  # fmt: skip
    rollups_rebuild(campaign=scenario.world.campaign)
    editions_make_due(now=today_at(11, 35))
    assert not ChatEdition.objects.filter(area=empty).exists()
    assert ChatEdition.objects.filter(area=scenario.world.commune).exists()


def test_the_evening_edition_says_what_changed_since_the_morning(scenario):
    world = scenario.world
    editions_make_due(now=today_at(11, 35))
    a2 = world.households_a[2]  # never visited
    person = a2.residents.order_by("id").first()
    assert statuses(push(client_for(world.alice), [visit(world, a2, residents=[
        {"resident": person.id, "outcome": "assisted_l2_activated"}])])) == ["accepted"]  # fmt: skip
    rollups_rebuild(campaign=world.campaign)  # what the refresh task does after the push commits
    assert editions_make_due(now=today_at(20, 31)) >= 3
    text = edition(world.commune, "evening").text
    assert text.startswith(f"BẢN TIN TỐI {timezone.localdate():%d/%m/%Y} — PHƯỜNG BA ĐÌNH\n")
    assert f"Từ bản tin trước (11:35 {timezone.localdate():%d/%m/%Y}): +1 hộ được đến, +1 người kích hoạt." in text
    assert "- Tổ dân phố 1: +1 hộ, +1 kích hoạt" in text
    assert "Tổ dân phố 2:" not in text.split("Có kết quả từ bản tin trước")[1]  # no change there


def test_it_follows_the_hours_an_area_sets(scenario):
    world = scenario.world
    EditionHours.objects.create(area=world.commune, morning=datetime.time(9, 0), evening=datetime.time(17, 0))
    assert editions_make_due(now=today_at(9, 5)) == 1
    assert edition(world.commune, "morning")
    # 17:05: the commune's evening; the other areas' morning editions (11:30) are due too.
    assert editions_make_due(now=today_at(17, 5)) == 3
    assert edition(world.commune, "evening")
    assert not ChatEdition.objects.filter(slot="evening").exclude(area=world.commune).exists()


def test_a_city_edition_lists_only_units_that_moved_and_stays_short(scenario):
    world = scenario.world
    editions_make_due(now=today_at(11, 35))
    # 30 more groups in Ba Đình; 12 of them report new visits since the morning.
    campaign = world.campaign
    for n in range(30):
        group = Area.objects.create(code=f"BD-EXTRA-{n}", name=f"Tổ dân phố {n + 10}", kind=AreaKind.GROUP,
                                    parent=world.commune)  # fmt: skip
        AreaRollup.objects.create(campaign=campaign, area=group, households_total=10,
                                  households_visited=3 if n < 12 else 0)  # fmt: skip
    editions_make_due(now=today_at(20, 31))
    text = edition(world.commune, "evening").text
    listed = [ln for ln in text.splitlines() if ln.startswith("- Tổ dân phố") and "hộ," in ln]
    assert len(listed) == 8
    assert "… và 4 đơn vị khác." in text
    assert len(text) < 2000


def test_the_beat_task_makes_them_too(scenario):
    from django.conf import settings

    assert settings.CELERY_BEAT_SCHEDULE["editions"]["task"] == editions_make_due_task.name
    due = timezone.localtime().time() >= datetime.time(11, 30)
    made = editions_make_due_task.apply().get()
    assert made == (ChatEdition.objects.count() if due else 0)
    assert (made > 0) == due


def test_the_editions_page_shows_them_to_the_commune_police_only(scenario):
    world = scenario.world
    editions_make_due(now=today_at(11, 35))
    url = reverse("reports:editions", args=[world.commune.id])
    page = client_for(world.police).get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "BẢN TIN SÁNG" in html and 'class="copy-edition"' in html
    assert client_for(world.alice).get(url).status_code in (403, 404)
    other = reverse("reports:editions", args=[world.households_other[0].area.parent_id])
    assert client_for(world.police).get(other).status_code == 404
