"""An attacker's review of the changes of 7 December 2026: the data-quality board
(/chat-luong-du-lieu/), the roster upload's "confirm gone", the replica pin cookie, the
national ranking's search and pages, and the pull's new cursors with its home-time block.

Each test asserts the safe behaviour. A probe that found a real weakness is kept, marked
xfail(strict=True) with the weakness in its reason, so that the fix turns it into a pass.
Users: alice (field, team A, TDP 1), leader (group leader, TDP 1), police (Ba Đình),
province_user (Hà Nội), and hk_police, commune police of Hoàn Kiếm made here.
"""

import io
import re

import openpyxl
import pytest
from django.test import Client, RequestFactory

from households.models import PossibleDuplicate, ResidenceStatus, Resident
from households.services import household_create, resident_create
from households.uploads import RosterUpload
from outreach.audit.models import AuditAction, AuditEvent
from outreach.models import Assignment, Role, Team, VisitResidentOutcome
from outreach.quality.models import QualityDecision
from outreach.sync.items import MAX_ID

from .fixtures import id_number_for, make_user
from .sync_helpers import client_for, push, statuses, visit
from .test_quality_checks import at

pytestmark = pytest.mark.django_db

TWELVE_DIGITS = re.compile(r"(?<![0-9])[0-9]{12}(?![0-9])")
NOT_ASCII_DIGITS = ["²", "١٢", "１２", "߁"]  # superscript, Arabic-Indic, full-width, N'Ko: str.isdigit() says yes
HUGE_KEYS = ["9" * 20, "9" * 5000]  # past a bigint; past Python's int() digit limit


def board(area, tail: str = "") -> str:
    return f"/chat-luong-du-lieu/{area.pk}/{tail}"


@pytest.fixture
def hk_police(world):
    return make_user("hk_police", area=world.other_commune, role=Role.COMMUNE_POLICE)


def full_ids(world) -> dict[int, str]:
    """Every resident of the world gets a full, valid ID number: what must never leak."""
    numbers = {}
    for n, resident in enumerate(Resident.objects.all()):
        number = id_number_for(resident, serial=f"{500000 + n:06d}")
        Resident.objects.filter(pk=resident.pk).update(id_number=number, phone=f"+8491234{n:04d}")
        numbers[resident.pk] = number
    return numbers


def contradiction(world):
    """One contradicting outcome in Ba Đình (activated, then "no smartphone"): its outcome."""
    household = world.households_a[0]
    father = household.residents.order_by("id").first()
    alice = client_for(world.alice)
    push(alice, [visit(world, household, when=at(0), residents=[{"resident": father.pk,
                                                                 "outcome": "assisted_l2_activated"}])])
    push(alice, [visit(world, household, when=at(60), residents=[{"resident": father.pk, "outcome": "interested",
                                                                  "reason": "no_smartphone"}])])  # fmt: skip
    return VisitResidentOutcome.objects.filter(resident=father, reason__code="no_smartphone").get()


def moved_at_the_door(world, household):
    father = household.residents.order_by("id").first()
    client = client_for(world.dave if household in world.households_other else world.alice)
    assert statuses(push(client, [visit(world, household, residents=[{"resident": father.pk,
                                                                      "outcome": "moved_away"}])])) == ["accepted"]
    return father


# ---------------------------------------------------------------- the quality board: who reads


@pytest.mark.parametrize("who", ["alice", "leader", "dave"])
def test_it_shows_the_board_to_nobody_without_read_quality(world, who):
    client = client_for(getattr(world, who))
    for url in ("/chat-luong-du-lieu/", board(world.commune), board(world.commune, "trung-so-dinh-danh/"),
                board(world.commune, "trung-so-dinh-danh.xlsx"), board(world.group1, "chuyen-di-mat/")):
        assert client.get(url).status_code == 403, url


def test_it_answers_another_communes_officer_as_for_an_area_that_does_not_exist(world, hk_police):
    client = client_for(hk_police)
    for tail in ("", "trung-so-dinh-danh/", "trung-so-dinh-danh.xlsx", "khong-co/", "lau-chua-den/?page=2"):
        foreign = client.get(board(world.commune, tail))
        missing = client.get(f"/chat-luong-du-lieu/999999/{tail}")
        assert foreign.status_code == missing.status_code == 404, tail
        assert foreign.content == missing.content
    assert client.get(board(world.other_commune)).status_code == 200  # his own
    assert not AuditEvent.objects.filter(area_id=world.commune.pk).exists()


def test_it_keeps_the_province_board_closed_and_the_index_to_the_users_communes(world, hk_police):
    assert client_for(world.province_user).get(board(world.province)).status_code == 404  # millions of rows
    page = client_for(hk_police).get("/chat-luong-du-lieu/", follow=True).content.decode()
    assert "Hoàn Kiếm" in page and "Ba Đình" not in page


def test_it_acts_on_no_item_of_another_commune_and_answers_as_for_a_missing_one(world, hk_police):
    outcome = contradiction(world)
    father = moved_at_the_door(world, world.households_a[1])
    kept = world.households_a[2].residents.order_by("id").first()
    number = id_number_for(kept)
    Resident.objects.filter(pk=kept.pk).update(id_number=number)
    dup = resident_create(household=world.households_b[0], full_name="Nguyễn Văn An", birth_date=kept.birth_date,
                          sex="M", id_number=number)  # fmt: skip
    row = PossibleDuplicate.objects.get(resident=dup)
    client = client_for(hk_police)
    for area in (world.other_commune, world.commune, world.other_group):
        for tail, data in (("nghi-trung/{}/xu-ly/", {"choice": "merge"}), ("nghi-trung/{}/xu-ly/", {"choice": "different"}),
                           ("chuyen-di-mat/{}/da-cap-nhat/", {}),
                           ("ket-qua-mau-thuan/{}/quyet-dinh/", {"verdict": "dismissed"})):  # fmt: skip
            real = {"nghi-trung": row.pk, "chuyen-di-mat": father.pk, "ket-qua-mau-thuan": outcome.pk}[tail.split("/")[0]]
            foreign = client.post(board(area, tail.format(real)), data)
            missing = client.post(board(area, tail.format(987654)), data)
            assert foreign.status_code == missing.status_code == 404, (area, tail)
    assert PossibleDuplicate.objects.get(pk=row.pk).resolution == ""
    assert Resident.objects.get(pk=father.pk).residence_status == ResidenceStatus.MOVED  # as the door said
    assert not QualityDecision.objects.exists()
    assert not AuditEvent.objects.filter(action__in=[AuditAction.QUALITY_DECISION, AuditAction.QUALITY_MERGE]).exists()


def test_it_refuses_fixes_without_csrf_by_get_and_by_a_reader(world):
    outcome = contradiction(world)
    url = board(world.commune, f"ket-qua-mau-thuan/{outcome.pk}/quyet-dinh/")
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world.police)
    assert strict.post(url, {"verdict": "dismissed"}).status_code == 403
    assert client_for(world.police).get(url, {"verdict": "dismissed"}).status_code == 405
    assert client_for(world.province_user).post(url, {"verdict": "dismissed"}).status_code == 403  # reads only
    assert client_for(world.police).post(url, {"verdict": "deleted"}).status_code == 404
    assert not QualityDecision.objects.exists()
    assert client_for(world.police).post(url, {"verdict": "dismissed"}).status_code == 302
    assert AuditEvent.objects.filter(action=AuditAction.QUALITY_DECISION, area_id=world.group1.pk).count() == 1


@pytest.mark.parametrize("key", [k for k in NOT_ASCII_DIGITS])
def test_it_answers_a_key_of_other_digits_as_a_missing_item(world, key):
    contradiction(world)
    response = client_for(world.police).post(board(world.commune, f"ket-qua-mau-thuan/{key}/quyet-dinh/"),
                                             {"verdict": "dismissed"})  # fmt: skip
    assert response.status_code == 404


def test_it_decides_one_item_once_whatever_digits_name_it(world):
    outcome = contradiction(world)
    police = client_for(world.police)
    url = board(world.commune, "ket-qua-mau-thuan/{}/quyet-dinh/")
    arabic = str(outcome.pk).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    police.post(url.format(arabic), {"verdict": "dismissed"})
    police.post(url.format(outcome.pk), {"verdict": "confirmed"})
    assert QualityDecision.objects.count() <= 1
    assert AuditEvent.objects.filter(action=AuditAction.QUALITY_DECISION).count() <= 1


# ---------------------------------------------------------------- the board: what it shows and logs


def xlsx_cells(response) -> list[str]:
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return [str(c.value) for sheet in book.worksheets for row in sheet.iter_rows() for c in row if c.value is not None]


def cells_with_full_ids(texts, numbers: dict[int, str]) -> list[str]:
    wanted = set(numbers.values())
    return [t for t in texts if any(n in t for n in wanted) or TWELVE_DIGITS.search(t.replace(" ", ""))]


@pytest.mark.parametrize("who", ["police", "province_user"])
def test_it_never_shows_a_full_id_number_on_a_list_page_or_in_its_export(world, who):
    from outreach.quality.checks import CHECKS

    numbers = full_ids(world)
    # Something on many lists: one number twice (and a mismatching year), a shared phone, a move.
    a, b = (h.residents.order_by("id").first() for h in (world.households_a[0], world.households_b[0]))
    Resident.objects.filter(pk=b.pk).update(id_number=numbers[a.pk])
    Resident.objects.filter(household__area__path__startswith=world.commune.path).update(phone="+84912000111")
    moved_at_the_door(world, world.households_a[1])
    contradiction(world)
    client = client_for(getattr(world, who))
    for slug in CHECKS:
        page = client.get(board(world.commune, f"{slug}/"))
        assert page.status_code == 200, slug
        html = page.content.decode()
        assert not [n for n in numbers.values() if n in html], slug
        export = client.get(board(world.commune, f"{slug}.xlsx"))
        assert export.status_code == 200, slug
        assert cells_with_full_ids(xlsx_cells(export), numbers) == [], slug
    assert AuditEvent.objects.filter(action=AuditAction.LIST_VIEW, user_id=getattr(world, who).pk).count() == len(CHECKS)
    exports = AuditEvent.objects.filter(action=AuditAction.EXPORT, user_id=getattr(world, who).pk)
    assert exports.count() == len(CHECKS) and all(e.area_id == world.commune.pk for e in exports)


def test_it_logs_each_export_with_the_rows_it_holds(world):
    full_ids(world)
    Resident.objects.filter(household__area__path__startswith=world.commune.path).update(phone="+84912000111")
    export = client_for(world.police).get(board(world.commune, "dung-chung-so-dien-thoai.xlsx"))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(export.streaming_content)))
    shown = book.worksheets[0].max_row - 1
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert shown == event.rows == Resident.objects.filter(household__area__path__startswith=world.commune.path).count()
    assert "phone" in event.fields and "id_number" not in event.fields  # masked: not a full-ID read


@pytest.mark.parametrize("query", [
    {"page": "999999999999999999999"}, {"page": "-1"}, {"page": "0"}, {"page": "9" * 5000}, {"page": "١٢"},
    {"page": "²"}, {"page": "1' OR '1'='1"}, {"campaign": "²"}, {"campaign": "-1"}, {"campaign": "1 OR 1=1"},
    {"campaign": "9" * 30}, {"campaign": "١"}, {"campaign": "\x00"},
])  # fmt: skip
def test_it_survives_crafted_query_strings_on_the_lists(world, query):
    client = client_for(world.police)
    for url in (board(world.commune, "lau-chua-den/"), board(world.commune, "lau-chua-den.xlsx"), board(world.commune)):
        assert client.get(url, query).status_code in (200, 404), (url, query)


def test_it_answers_an_unknown_check_and_a_malformed_area_as_missing(world):
    client = client_for(world.police)
    assert client.get(board(world.commune, "khong-co-kiem-tra-nay/")).status_code == 404
    assert client.get("/chat-luong-du-lieu/-1/").status_code == 404
    assert client.get(f"/chat-luong-du-lieu/{MAX_ID + 1}/").status_code == 404
    assert client.get("/chat-luong-du-lieu/99999999999999999999999999/lau-chua-den/").status_code == 404


# ---------------------------------------------------------------- the board as an oracle


def test_it_lists_a_shared_id_number_the_same_whether_the_other_holder_is_outside_or_nobody(world):
    from outreach.quality.base import Scope
    from outreach.quality.checks import CHECKS

    mine = [h.residents.order_by("id").first() for h in world.households_a[:2]]
    stranger = world.households_other[0].residents.order_by("id").first()
    real = id_number_for(stranger)
    Resident.objects.filter(pk=stranger.pk).update(id_number=real)
    # The officer's two candidates, written on two of his own residents: the real one and a fake.
    Resident.objects.filter(pk=mine[0].pk).update(id_number=real)
    Resident.objects.filter(pk=mine[1].pk).update(id_number=id_number_for(mine[1], serial="999999"))
    scope = Scope(area=world.commune, campaign=world.campaign)
    listed = {r.pk for r in CHECKS["trung-so-dinh-danh"].items(scope)}
    assert (mine[0].pk in listed) == (mine[1].pk in listed)
    page = client_for(world.police).get(board(world.commune, "trung-so-dinh-danh/")).content.decode()
    assert "địa bàn khác" not in page


def test_it_queues_a_number_held_only_in_another_commune_as_any_other_new_number(world):
    stranger = world.households_other[0].residents.order_by("id").first()
    real = id_number_for(stranger)
    Resident.objects.filter(pk=stranger.pk).update(id_number=real)
    household = world.households_a[0]
    resident_create(household=household, full_name="Người Thử Một", birth_date=stranger.birth_date, sex=stranger.sex,
                    id_number=real)  # fmt: skip
    resident_create(household=household, full_name="Người Thử Hai", birth_date=stranger.birth_date, sex=stranger.sex,
                    id_number=id_number_for(stranger, serial="999998"))  # fmt: skip
    page = client_for(world.police).get(board(world.commune, "nghi-trung/")).content.decode()
    assert ("Người Thử Một" in page) == ("Người Thử Hai" in page)


# ---------------------------------------------------------------- the roster upload's "confirm gone"


def refreshed_upload(client, world, user):
    from .test_roster_gone import imported_then_refreshed

    upload = imported_then_refreshed(client, world, user)
    assert upload.status == RosterUpload.Status.READY and len(upload.summary["gone"]) == 2
    return upload


@pytest.mark.parametrize("data", [
    {"resident": ["²"], "status": "moved"},
    {"only": "²:deceased"},
    {"resident": ["9" * 5000], "status": "moved"},
    {"resident": ["١٢", "-1", "1e3", "0x10", "9" * 30], "status": "moved"}, {"only": "-5:moved"},
    {"resident": "1", "status": "moved'; DROP TABLE households_resident; --"}, {"only": "::"},
])  # fmt: skip
def test_it_answers_crafted_gone_choices_without_an_error_or_a_change(world, client, data):
    upload = refreshed_upload(client, world, world.police)
    before = dict(Resident.objects.values_list("pk", "residence_status"))
    response = client.post(f"/nhap-danh-sach/{upload.pk}/xac-nhan-roi-di/", data)
    assert response.status_code == 302 and response["Location"].endswith("#gone")
    assert "Đã xác nhận 0 người." in client.get(response["Location"]).content.decode()
    assert dict(Resident.objects.values_list("pk", "residence_status")) == before


@pytest.mark.parametrize("value", [
    "²",
    "9" * 5000,
    "١٢", "-1", "99999999999999999999999",
])  # fmt: skip
def test_it_shows_the_upload_page_whatever_its_confirmation_count_says(world, client, value):
    upload = refreshed_upload(client, world, world.police)
    assert client.get(f"/nhap-danh-sach/{upload.pk}/", {"xac-nhan": value}).status_code == 200


def test_it_confirms_nobody_for_another_communes_officer(world, client, hk_police):
    upload = refreshed_upload(client, world, world.police)
    hoa = next(g["id"] for g in upload.summary["gone"])
    other = client_for(hk_police)
    for data in ({"only": f"{hoa}:deceased"}, {"resident": [str(hoa)], "status": "moved"}):
        foreign = other.post(f"/nhap-danh-sach/{upload.pk}/xac-nhan-roi-di/", data)
        missing = other.post("/nhap-danh-sach/00000000-0000-4000-8000-000000000000/xac-nhan-roi-di/", data)
        assert foreign.status_code == missing.status_code == 404
    assert other.get(f"/nhap-danh-sach/{upload.pk}/").status_code == 404
    assert Resident.objects.get(pk=hoa).residence_status != ResidenceStatus.DECEASED
    assert not AuditEvent.objects.filter(action=AuditAction.CONFIRM_GONE).exists()


def test_it_audits_the_gone_list_read_and_every_confirmation(world, client):
    upload = refreshed_upload(client, world, world.police)
    client.get(f"/nhap-danh-sach/{upload.pk}/")
    read = AuditEvent.objects.filter(action=AuditAction.LIST_VIEW, detail__list="roster_gone")
    assert read.count() >= 1 and read.last().rows == 2
    ids = [str(g["id"]) for g in upload.summary["gone"]]
    client.post(f"/nhap-danh-sach/{upload.pk}/xac-nhan-roi-di/", {"resident": ids, "status": "moved"})
    event = AuditEvent.objects.get(action=AuditAction.CONFIRM_GONE)
    assert event.rows == 2 and sorted(event.detail["residents"]) == sorted(int(i) for i in ids)


def test_it_leaves_the_residence_registry_to_the_commune_police(world, client):
    upload = refreshed_upload(client, world, world.leader)
    ids = [str(g["id"]) for g in upload.summary["gone"]]
    client.post(f"/nhap-danh-sach/{upload.pk}/xac-nhan-roi-di/", {"resident": ids, "status": "deceased"})
    assert not Resident.objects.filter(pk__in=ids, residence_status=ResidenceStatus.DECEASED).exists()


# ---------------------------------------------------------------- the replica pin cookie


@pytest.mark.parametrize("value", ["9" * 5000, "١٢٣٤٥٦٧٨٩٠", "-1", "1e99", "inf", "nan", " 1 ", "", "\x00", "0x7fffffff"])
def test_it_reads_any_pin_cookie_without_an_error(value):
    from outreach.config.replica_pin import PIN_COOKIE, pinned_to_primary

    request = RequestFactory().get("/bao-cao/")
    request.COOKIES[PIN_COOKIE] = value
    assert pinned_to_primary(request) in (True, False)


def test_it_pins_only_a_signed_in_users_successful_change():
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse

    from outreach.config.replica_pin import PIN_COOKIE, ReplicaPinMiddleware

    def answer(status):
        return ReplicaPinMiddleware(lambda request: HttpResponse(status=status))

    anonymous = RequestFactory().post("/dang-nhap/")
    anonymous.user = AnonymousUser()
    assert PIN_COOKIE not in answer(200)(anonymous).cookies  # a sign-in attempt pins nobody
    signed = RequestFactory().post("/x/")
    signed.user = type("U", (), {"is_authenticated": True})()
    assert PIN_COOKIE not in answer(403)(signed).cookies
    cookie = answer(302)(signed).cookies[PIN_COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    get = RequestFactory().get("/x/")
    get.user = signed.user
    assert PIN_COOKIE not in answer(200)(get).cookies


def test_it_decides_who_reads_what_whatever_the_pin_cookie_says(world, hk_police):
    client = client_for(hk_police)
    for value in ("99999999999", "0", "-1"):
        client.cookies["tn_primary"] = value
        for url in (f"/bao-cao/{world.commune.pk}/", f"/bao-cao/{world.commune.pk}/danh-sach/chua-den/", f"/bao-cao/{world.commune.pk}/danh-sach/chua-den.xlsx",
                    f"/bao-cao/{world.commune.pk}/xep-hang/", f"/bao-cao/{world.province.pk}/xep-hang/?don-vi=xa"):
            assert client.get(url).status_code == 404, (url, value)
        assert client.get(f"/bao-cao/{world.other_commune.pk}/").status_code == 200


def test_it_never_routes_a_write_or_a_read_inside_a_transaction_to_the_replica(settings):
    from django.db import transaction

    from outreach.config import db_router

    router = db_router.ReplicaRouter()
    token = db_router._reads.set(db_router._Reads())
    try:
        assert router.db_for_write(Resident) == "default"
        assert router.db_for_read(Resident) == "default"  # after a write in the request: its own rows
        db_router._reads.set(db_router._Reads())
        with transaction.atomic():
            assert router.db_for_read(Resident) == "default"
    finally:
        db_router._reads.reset(token)
    assert router.db_for_read(Resident) == "default"  # outside replica_reads()
    assert router.allow_migrate("replica", "households") is False


# ---------------------------------------------------------------- the national ranking


@pytest.mark.parametrize("query", [
    {"don-vi": "xa", "page": "999999999999999999999999"}, {"don-vi": "xa", "page": "-3"}, {"don-vi": "xa", "page": "١٢"},
    {"don-vi": "xa", "page": "²"}, {"don-vi": "xa", "page": "9" * 5000}, {"don-vi": "xa", "q": "x" * 100000},
    {"don-vi": "xa", "q": "' OR 1=1 --"}, {"don-vi": "xa", "q": "%_\\"}, {"don-vi": "xa", "q": "\x00\ud7ff"},
    {"don-vi": "xa", "sort": "__class__", "dir": "sideways"}, {"don-vi": ["xa", "to"], "q": ["a", "b"]},
    {"don-vi": "xa", "campaign": "²"}, {"don-vi": "xa", "campaign": "9" * 5000},
])  # fmt: skip
def test_it_answers_crafted_ranking_queries_with_a_page(world, query):
    response = client_for(world.province_user).get(f"/bao-cao/{world.province.pk}/xep-hang/", query)
    assert response.status_code in (200, 404), query
    if response.status_code == 200:
        assert len(response.content) < 300_000  # a long q is cut, not echoed whole


def test_it_ranks_only_the_officers_own_units_whatever_the_unit_switch(world, hk_police):
    client = client_for(world.police)
    page = client.get(f"/bao-cao/{world.commune.pk}/xep-hang/", {"don-vi": "xa", "q": "Hoàn"}).content.decode()
    assert "Hoàn Kiếm" not in page
    assert client.get(f"/bao-cao/{world.province.pk}/xep-hang/", {"don-vi": "xa"}).status_code == 404
    assert client_for(world.leader).get(f"/bao-cao/{world.province.pk}/xep-hang/", {"don-vi": "xa"}).status_code == 404
    assert client_for(world.alice).get(f"/bao-cao/{world.province.pk}/xep-hang/").status_code == 403
    both = client_for(world.province_user).get(f"/bao-cao/{world.province.pk}/xep-hang/", {"don-vi": "xa"})
    assert "Hoàn Kiếm" in both.content.decode() and "Ba Đình" in both.content.decode()


def test_it_searches_the_ranking_with_the_same_answer_for_a_foreign_name_and_a_made_up_one(world):
    client = client_for(world.police)
    url = f"/bao-cao/{world.commune.pk}/xep-hang/"

    def body(q):
        text = client.get(url, {"q": q}).content.decode()
        text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)
        return re.sub(r"\d\d:\d\d", "", text.replace(q, "Q"))

    assert body("Hàng Bạc") == body("Không Có Đâu")  # Hoàn Kiếm's group vs. nothing


# ---------------------------------------------------------------- the pull's cursors and home block


def others_worked(world):
    """Visits in team B's turf and in Hoàn Kiếm, so that the log holds rows alice must not get."""
    assert statuses(push(client_for(world.carol), [visit(world, h) for h in world.households_b])) == ["accepted"] * 3
    assert statuses(push(client_for(world.dave), [visit(world, h) for h in world.households_other])) == ["accepted"] * 3


def assert_only_alices(world, body: dict):
    from .test_sync_pull import rows

    mine = {h.id for h in world.households_a}
    assert set(rows(body, "households")) <= mine
    assert {r for r in rows(body, "residents", "household")} <= mine
    assert {r for r in rows(body, "visits", "household")} <= mine
    assert {row[0] for row in body.get("home", {}).get("rows", [])} <= mine
    assert {t[0] for t in body.get("turfs", [])} <= {world.turf_a.id}


@pytest.mark.parametrize("cursor", [
    f"x.{MAX_ID}.{MAX_ID}", "x.0.0", "x.1.0", f"g.0.0.{MAX_ID}", "g.0.0.0", f"g.{MAX_ID}.{MAX_ID}.0", "x.0.1",
    f"x.{MAX_ID}.0", "g.1.1.1",
])  # fmt: skip
def test_it_pulls_only_the_devices_turfs_with_any_well_formed_cursor(world, cursor):
    others_worked(world)
    response = client_for(world.alice).get("/api/v1/sync/pull", {"cursor": cursor})
    assert response.status_code == 200, response.content
    assert_only_alices(world, response.json())


@pytest.mark.parametrize("cursor,status", [
    (f"x.{MAX_ID + 1}.0", 400), (f"g.0.0.{MAX_ID + 1}", 400), ("g.0.0.99999999999999999999", 400), ("x.١.١", 400),
    ("x.-1.0", 400), ("x.0.0.0", 400), ("g.0.0", 400), ("x.0", 400), ("X.0.0", 400), ("x.0.0 ", 400),
    ("x.0.0\n", 400), ("x. 1.0", 400), ("x.+1.0", 400), ("x.1_0.0", 400), ("x." + "9" * 5000 + ".0", 400),
    ("c.0", 410), ("c.5", 410), ("f.0.0", 410), (f"f.{MAX_ID}.1", 410),
])  # fmt: skip
def test_it_refuses_a_malformed_cursor_saying_nothing_of_the_log(world, cursor, status):
    others_worked(world)
    response = client_for(world.alice).get("/api/v1/sync/pull", {"cursor": cursor})
    assert response.status_code == status, (cursor, response.content[:200])
    body = response.json()
    assert set(body) <= {"error", "user"} and "households" not in body
    assert cursor[:40] not in str(body) or len(cursor) < 40  # no echo of a long cursor


def test_it_never_sends_a_volunteer_a_full_id_number_phone_or_birth_date(world):
    from .test_sync_pull import pull_all

    numbers = full_ids(world)
    others_worked(world)
    alice = client_for(world.alice)
    pages, cursor = pull_all(alice)
    assert statuses(push(alice, [visit(world, world.households_a[0])])) == ["accepted"]
    pages += pull_all(alice, cursor)[0] + pull_all(alice, "x.0.0")[0] + pull_all(alice, "g.0.0.0")[0]
    text = str(pages)
    assert not [n for n in numbers.values() if n in text]
    assert "+8491234" not in text  # phones
    for body in pages:
        assert_only_alices(world, body)
        residents = body.get("residents") or {"fields": [], "rows": []}
        for row in residents["rows"]:
            values = dict(zip(residents["fields"], row))
            assert values["birth_date"] is None and values["phone"] == ""


def test_it_audits_every_pull_page_that_carried_residents(world):
    from .test_sync_pull import pull_all

    alice = client_for(world.alice)
    pages = pull_all(alice, "x.0.0")[0] + pull_all(alice)[0]
    carried = [p for p in pages if (p.get("residents") or {}).get("rows")]
    events = AuditEvent.objects.filter(action=AuditAction.PULL, user_id=world.alice.pk)
    assert carried and events.count() == len(carried)
    assert all(e.area_id == world.turf_a.area_id for e in events)


def neighbours_in_two_buildings(world):
    """Team C's turf in TDP 1, alice's group, with one household in each of two buildings of
    Phố Đội Cấn: the first found home five weekday evenings, the second never."""
    from .test_hometime_pull import at as weekday

    team = Team.objects.create(name="Tổ công tác số 3", area=world.group1)
    eve = make_user("eve", area=world.group1, role=Role.FIELD_MEMBER, team=team)
    turf = world.turf_a.__class__.objects.create(area=world.group1, name="Khu HH", kind=world.turf_a.kind)
    Assignment.objects.create(campaign=world.campaign, turf=turf, team=team)
    homes = [household_create(area=world.group1, turf=turf, street="Phố Đội Cấn", building=b, house_number="1",
                              head_name="Hộ bên") for b in ("HH1", "HH2")]  # fmt: skip
    items = [visit(world, homes[0], when=weekday(d % 5, 19)) for d in range(5)]
    items += [visit(world, homes[1], outcome="nobody_home", when=weekday(d % 5, 19)) for d in range(5)]
    assert statuses(push(client_for(eve), items)) == ["accepted"] * 10
    return homes


def test_it_does_not_tell_a_volunteer_when_one_household_outside_her_turfs_is_home(world):
    import uuid

    from .test_hometime_pull import WEEKDAY_EVENING, home_of
    from .test_sync_pull import pull

    neighbours_in_two_buildings(world)
    alice = client_for(world.alice)
    made = {}
    for building in ("HH1", "HH2"):
        made[building] = str(uuid.uuid4())
        item = {**visit(world, world.households_a[0], outcome="refused"), "household": None,
                "new_household": {"client_uuid": made[building], "turf": world.turf_a.id, "street": "Phố Đội Cấn",
                                  "building": building, "house_number": "9"}}  # fmt: skip
        assert statuses(push(alice, [item])) == ["accepted"]
    home = home_of(pull(alice))
    from households.models import Household

    ids = {b: Household.objects.get(client_uuid=u).id for b, u in made.items()}
    first, second = (home[ids[b]]["rates"][WEEKDAY_EVENING] for b in ("HH1", "HH2"))
    assert abs(first - second) <= 5, (first, second)


def test_it_sends_no_counts_of_a_household_outside_the_turfs(world):
    from .test_hometime_pull import home_of
    from .test_sync_pull import pull

    neighbours_in_two_buildings(world)
    home = home_of(pull(client_for(world.alice)))
    assert set(home) == {h.id for h in world.households_a}
    assert all(row["visits"] == 0 and row["home"] == 0 and row["never"] == 0 for row in home.values())
    assert all(all(isinstance(r, int) for r in row["rates"]) for row in home.values())  # whole percents only


# ---------------------------------------------------------------- a flag shared by two communes


def test_it_keeps_an_evening_flag_on_the_board_until_this_communes_officer_decides_it(world, hk_police):
    roving = make_user("roving", area=world.commune, role=Role.COMMUNE_POLICE)
    from outreach.models import RoleGrant

    RoleGrant.objects.create(user=roving, area=world.other_commune, role=Role.COMMUNE_POLICE)
    client = client_for(roving)
    for n, household in enumerate([world.households_a[0]] * 11 + [world.households_other[0]] * 11):
        assert statuses(push(client, [visit(world, household, when=at(n // 2))])) == ["accepted"]
    from outreach.quality.base import Scope
    from outreach.quality.checks import CHECKS

    def open_keys(area):
        return [r["evening"] for r in CHECKS["nhanh-bat-thuong"].items(Scope(area=area, campaign=world.campaign))]

    (key,), (hk_key,) = open_keys(world.commune), open_keys(world.other_commune)
    assert key != hk_key  # one flag per commune: the evening in each is its own officer's
    assert client_for(hk_police).post(board(world.other_commune, f"nhanh-bat-thuong/{hk_key}/quyet-dinh/"),
                                      {"verdict": "dismissed"}).status_code == 302  # fmt: skip
    assert open_keys(world.commune) == [key] and open_keys(world.other_commune) == []
    # Ba Đình's flag cannot be decided from Hoàn Kiếm's board either.
    assert client_for(hk_police).post(board(world.other_commune, f"nhanh-bat-thuong/{key}/quyet-dinh/"),
                                      {"verdict": "dismissed"}).status_code == 404  # fmt: skip


# ---------------------------------------------------------------- odds and ends


def test_it_keeps_personal_lists_out_of_every_cache_and_post_only_routes_closed_to_get(world, client):
    client = client_for(world.police)
    for url in (board(world.commune, "lau-chua-den/"), board(world.commune, "lau-chua-den.xlsx"), board(world.commune)):
        response = client.get(url)
        assert response.status_code == 200 and "no-store" in response["Cache-Control"], url
    upload = refreshed_upload(Client(), world, world.police)
    signed = client_for(world.police)
    assert signed.get(f"/nhap-danh-sach/{upload.pk}/xac-nhan-roi-di/").status_code == 405
    assert signed.get(f"/nhap-danh-sach/{upload.pk}/nhap/").status_code == 405
    for tail in ("nghi-trung/1/xu-ly/", "chuyen-di-mat/1/da-cap-nhat/", "ket-qua-mau-thuan/1/quyet-dinh/"):
        assert signed.get(board(world.commune, tail)).status_code == 405, tail


def test_it_says_people_were_confirmed_only_when_they_were(world, client):
    upload = refreshed_upload(client, world, world.police)
    page = client.get(f"/nhap-danh-sach/{upload.pk}/", {"xac-nhan": "250"}).content.decode()
    assert "Đã xác nhận 250 người" not in page


@pytest.mark.parametrize("key", HUGE_KEYS)
@pytest.mark.parametrize("slug", ["ket-qua-mau-thuan", "vi-tri-nhay-xa", "nhanh-bat-thuong"])
def test_it_answers_a_huge_key_as_a_missing_item(world, slug, key, request):
    _huge_key(world, slug, key)


def _huge_key(world, slug, key):
    contradiction(world)
    response = client_for(world.police).post(board(world.commune, f"{slug}/{key}/quyet-dinh/"), {"verdict": "dismissed"})
    assert response.status_code == 404


@pytest.mark.parametrize("resident_id", HUGE_KEYS)
def test_it_answers_a_huge_resident_or_queue_id_as_a_missing_one(world, resident_id):
    police = client_for(world.police)
    assert police.post(board(world.commune, f"chuyen-di-mat/{resident_id}/da-cap-nhat/")).status_code == 404
    assert police.post(board(world.commune, f"nghi-trung/{resident_id}/xu-ly/"), {"choice": "merge"}).status_code == 404
