"""`manage.py load_areas`: the official map of 34 provinces and 3,321 communes under one
national root, idempotent, matched by code (renames, moves with the subtree), in bulk; a
wrong file changes nothing; existing provinces at the root end up under the country; the
country's report pages rank the 34 provinces."""

import time
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from households.areas_load import COUNTRY_CODE, DEFAULT_FILE
from households.signals import areas_loaded
from households.models import Area, AreaKind
from households.selectors import households_in_area
from outreach.models import AreaRollup, Role
from outreach.rollups.services import rollups_rebuild

from .fixtures import make_user
from .sync_helpers import client_for

pytestmark = pytest.mark.django_db

OFFICIAL = DEFAULT_FILE.read_text(encoding="utf-8")


def load(*args) -> str:
    out = StringIO()
    call_command("load_areas", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def load_text(tmp_path, text: str, *args) -> str:
    file = tmp_path / "dvhc.csv"
    file.write_text(text, encoding="utf-8")
    return load("--file", str(file), *args)


def snapshot() -> list[tuple]:
    return list(Area.objects.order_by("code").values_list("code", "name", "kind", "parent_id", "path", "depth"))


def assert_paths_consistent():
    for area in Area.objects.select_related("parent"):
        assert area.path == (area.parent.path if area.parent_id else "/") + f"{area.code}/", area.code
        assert area.depth == area.path.count("/") - 2, area.code


def writes(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]


def test_it_loads_the_official_list_under_one_country_root():
    started = time.monotonic()
    out = load()
    elapsed = time.monotonic() - started
    root = Area.objects.get(parent=None)
    assert (root.code, root.name, root.kind) == (COUNTRY_CODE, "Việt Nam", AreaKind.COUNTRY)
    assert (root.path, root.depth) == ("/VN/", 0)
    provinces = Area.objects.filter(kind=AreaKind.PROVINCE)
    assert provinces.count() == 34 and set(provinces.values_list("parent_id", flat=True)) == {root.id}
    assert set(provinces.values_list("depth", flat=True)) == {1}
    communes = Area.objects.filter(kind=AreaKind.COMMUNE)
    assert communes.count() == 3321 and set(communes.values_list("depth", flat=True)) == {2}
    names = list(communes.values_list("name", flat=True))
    assert sum(n.startswith("Xã ") for n in names) == 2621
    assert sum(n.startswith("Phường ") for n in names) == 687
    assert sum(n.startswith("Đặc khu ") for n in names) == 13
    assert Area.objects.get(code="01").name == "Thành phố Hà Nội"
    assert Area.objects.get(code="00004").path == "/VN/01/00004/"
    assert Area.objects.get(code="00082").name == "Phường Cửa Nam"  # the final codes, not the draft's
    assert_paths_consistent()
    assert "tạo mới 3.356" in out
    assert elapsed < 10, f"the whole country took {elapsed:.1f} s"


def test_it_changes_nothing_on_a_second_run():
    load()
    before = snapshot()
    sent = []
    areas_loaded.connect(lambda **kw: sent.append(kw), weak=False, dispatch_uid="test_second_run")
    try:
        with CaptureQueriesContext(connection) as queries:
            out = load()
    finally:
        areas_loaded.disconnect(dispatch_uid="test_second_run")
    assert writes(queries.captured_queries) == []
    assert snapshot() == before
    assert sent == []
    assert "tạo mới 0, đổi tên 0, chuyển cấp trên 0, giữ nguyên 3.356" in out


def test_it_renames_and_moves_units_by_code_with_their_subtree(tmp_path):
    load()
    commune = Area.objects.get(code="00004")
    group = Area.objects.create(code="00004-TDP01", name="Tổ dân phố 1", kind=AreaKind.GROUP, parent=commune)
    text = OFFICIAL.replace("00070,Phường Hoàn Kiếm,commune,01", "00070,Phường Hồ Gươm,commune,01")
    text = text.replace("00004,Phường Ba Đình,commune,01", "00004,Phường Ba Đình,commune,79")
    assert text.count("Hồ Gươm") == 1 and "commune,79" in text
    sent = []
    areas_loaded.connect(lambda **kw: sent.append(kw), weak=False, dispatch_uid="test_rename_move")
    try:
        out = load_text(tmp_path, text)
    finally:
        areas_loaded.disconnect(dispatch_uid="test_rename_move")
    assert Area.objects.get(code="00070").name == "Phường Hồ Gươm"
    commune.refresh_from_db()
    group.refresh_from_db()
    assert commune.parent.code == "79" and commune.path == "/VN/79/00004/"
    assert (group.path, group.depth) == ("/VN/79/00004/00004-TDP01/", 3)
    assert Area.objects.count() == 3356 + 1
    assert_paths_consistent()
    assert "đổi tên 1, chuyển cấp trên 1, giữ nguyên 3.354" in out
    assert len(sent) == 1 and sent[0]["root"].code == COUNTRY_CODE
    assert (sent[0]["result"].renamed, sent[0]["result"].moved, sent[0]["result"].below) == (["00070"], ["00004"], 1)


def test_it_moves_existing_provinces_at_the_root_under_the_country(world):
    stray = Area.objects.create(code="99", name="Tỉnh thử nghiệm", kind=AreaKind.PROVINCE)
    households = set(households_in_area(area=world.commune).values_list("id", flat=True))
    assert world.province.path == "/01/" and households
    out = load()
    for area in (world.province, world.commune, world.group1, world.other_group, stray):
        area.refresh_from_db()
    assert world.province.parent.code == COUNTRY_CODE and world.province.depth == 1
    assert world.commune.path == "/VN/01/00004/" and world.group1.path == "/VN/01/00004/00004-TDP01/"
    assert world.other_group.path == "/VN/01/00070/00070-TDP01/" and world.other_group.depth == 3
    assert set(households_in_area(area=world.commune).values_list("id", flat=True)) == households
    assert (stray.parent_id, stray.path) == (None, "/99/")  # not in the list: left alone
    assert_paths_consistent()
    assert "chuyển cấp trên 1" in out and "3 địa bàn bên dưới" in out
    # The commune police still see their commune's reports, and only those.
    police = client_for(world.police)
    assert police.get(reverse("reports:ranking", args=[world.commune.id])).status_code == 200
    assert police.get(reverse("reports:ranking", args=[world.province.parent_id])).status_code == 404


def test_it_takes_a_commune_out_of_an_abolished_district():
    hanoi = Area.objects.create(code="01", name="Thành phố Hà Nội", kind=AreaKind.PROVINCE)
    district = Area.objects.create(code="001", name="Quận Ba Đình", kind=AreaKind.DISTRICT, parent=hanoi)
    ward = Area.objects.create(code="00004", name="Phường Phúc Xá", kind=AreaKind.COMMUNE, parent=district)
    group = Area.objects.create(code="00004-TDP01", name="Tổ dân phố 1", kind=AreaKind.GROUP, parent=ward)
    load()
    for area in (district, ward, group):
        area.refresh_from_db()
    assert (ward.name, ward.parent_id, ward.path) == ("Phường Ba Đình", hanoi.id, "/VN/01/00004/")
    assert group.path == "/VN/01/00004/00004-TDP01/"
    assert (district.path, district.depth) == ("/VN/01/001/", 2)
    assert_paths_consistent()


def test_it_does_nothing_in_a_dry_run(world):
    before = snapshot()
    out = load("--dry-run")
    assert snapshot() == before
    assert "sẽ: tạo mới 3.353, đổi tên 0, chuyển cấp trên 1, giữ nguyên 2" in out


HEADER = "code,name,kind,parent_code\n"
GOOD = HEADER + "01,Thành phố Hà Nội,province,\n00004,Phường Ba Đình,commune,01\n"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (GOOD + "00008,Phường Ngọc Hà,ward,01\n", "Dòng 4: cấp “ward” không hợp lệ"),
        (GOOD + "00008,Phường Ngọc Hà,commune,02\n", "không có tỉnh / thành phố mã “02”"),
        (GOOD + "00004,Phường Ngọc Hà,commune,01\n", "Dòng 4: mã “00004” bị trùng"),
        (GOOD + "8,Phường Ngọc Hà,commune,01\n", "Dòng 4: mã “8” phải gồm 5 chữ số"),
        (GOOD + "00008,,commune,01\n", "Dòng 4: tên trống"),
        (GOOD + "00008,Phường Ngọc Hà,commune\n", "Dòng 4: cần đúng 4 cột"),
        ("ma,ten,cap,cha\n01,Hà Nội,province,\n", "Dòng tiêu đề phải là: code,name,kind,parent_code"),
        (GOOD.encode() + "00008,Xã Thái Hà,commune,01\n".encode("cp1252"), "Tệp không phải UTF-8 (byte lạ ở dòng 4)"),
        (b"", "Tệp trống"),
    ],
)  # fmt: skip
def test_it_rejects_a_malformed_file_and_changes_nothing(world, tmp_path, data, message):
    before = snapshot()
    file = tmp_path / "bad.csv"
    file.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    err = StringIO()
    with CaptureQueriesContext(connection) as queries, pytest.raises(CommandError, match="Không nạp gì"):
        call_command("load_areas", "--file", str(file), stdout=StringIO(), stderr=err)
    assert message in err.getvalue()
    assert writes(queries.captured_queries) == []
    assert snapshot() == before


def test_it_refuses_a_listed_code_held_by_another_level(tmp_path):
    province = Area.objects.create(code="01", name="Thành phố Hà Nội", kind=AreaKind.PROVINCE)
    Area.objects.create(code="00004", name="Tổ dân phố lạ", kind=AreaKind.GROUP, parent=province)
    before = snapshot()
    err = StringIO()
    file = tmp_path / "ok.csv"
    file.write_text(GOOD, encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("load_areas", "--file", str(file), stdout=StringIO(), stderr=err)
    assert "Mã “00004” đã có trong dữ liệu là “Tổ dân phố lạ” (cấp group)" in err.getvalue()
    assert snapshot() == before


def test_it_reports_an_unreadable_file():
    with pytest.raises(CommandError):
        call_command("load_areas", "--file", "/nonexistent/dvhc.csv", stdout=StringIO(), stderr=StringIO())


def test_it_ranks_the_34_provinces_on_the_countrys_report_pages(world):
    load()
    rollups_rebuild(campaign=world.campaign)
    country = Area.objects.get(code=COUNTRY_CODE)
    national = client_for(make_user("national", area=country, role=Role.PROVINCE_LEADER))
    response = national.get(reverse("reports:ranking", args=[country.id]))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert len(rows) == 34
    hanoi = next(r for r in rows if r.figures.name == "Thành phố Hà Nội")
    assert hanoi.has_children and hanoi.figures.counts["residents_eligible"] > 0
    assert "Tỉnh Cao Bằng" in response.content.decode()
    assert national.get(reverse("reports:progress", args=[country.id])).status_code == 200
    assert national.get(reverse("reports:chat", args=[country.id])).status_code == 200
    # A list of the whole country would be millions of rows: the tab is not offered.
    assert national.get(reverse("reports:lists", args=[country.id])).status_code == 404
    # The one top area of a national grant: the index goes straight to the country.
    assert national.get(reverse("reports:index"))["Location"].startswith(reverse("reports:progress", args=[country.id]))


def test_it_moves_a_unit_into_a_province_new_in_the_same_file(tmp_path):
    load_text(tmp_path, GOOD)
    group = Area.objects.create(code="00004-TDP01", name="Tổ dân phố 1", kind=AreaKind.GROUP,
                                parent=Area.objects.get(code="00004"))  # fmt: skip
    out = load_text(tmp_path, HEADER + "01,Thành phố Hà Nội,province,\n79,Thành phố Hồ Chí Minh,province,\n"
                    "00004,Phường Bến Thành,commune,79\n")  # fmt: skip
    group.refresh_from_db()
    assert group.path == "/VN/79/00004/00004-TDP01/"
    assert Area.objects.get(code="00004").name == "Phường Bến Thành"
    assert "tạo mới 1, đổi tên 1, chuyển cấp trên 1, giữ nguyên 2" in out
    assert_paths_consistent()


def test_it_keeps_a_name_given_to_the_root_and_sends_nothing_in_a_dry_run(tmp_path):
    load_text(tmp_path, GOOD)
    Area.objects.filter(code=COUNTRY_CODE).update(name="Toàn quốc")
    sent = []
    areas_loaded.connect(lambda **kw: sent.append(kw), weak=False, dispatch_uid="test_root_name")
    try:
        assert "giữ nguyên 3" in load_text(tmp_path, GOOD)
        load_text(tmp_path, GOOD + "00008,Phường Ngọc Hà,commune,01\n", "--dry-run")
    finally:
        areas_loaded.disconnect(dispatch_uid="test_root_name")
    assert Area.objects.get(code=COUNTRY_CODE).name == "Toàn quốc"
    assert sent == [] and not Area.objects.filter(code="00008").exists()


def test_it_has_the_rollups_resummed_for_the_country_after_the_load(world, django_capture_on_commit_callbacks):
    rollups_rebuild(campaign=world.campaign)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        load()
    assert len(callbacks) == 1  # outreach/rollups/receivers.py, after the commit
    country = AreaRollup.objects.get(campaign=world.campaign, area__code=COUNTRY_CODE)
    province = AreaRollup.objects.get(campaign=world.campaign, area=world.province)
    assert country.residents_eligible == province.residents_eligible > 0
    with django_capture_on_commit_callbacks() as callbacks:
        load()
    assert callbacks == []  # nothing changed, nothing to re-sum


def test_it_keeps_an_officers_older_audit_events_visible_after_the_move(world):
    from outreach.audit.origin import Origin
    from outreach.audit.selectors import audit_events
    from outreach.audit.services import audit_record
    from outreach.access import Capability, area_scope

    event = audit_record(user=world.police, origin=Origin(ip="10.0.0.5", device="test"), action="export",
                         area=world.commune, rows=3)  # fmt: skip
    assert event.path == "/01/00004/"
    load()
    scope = area_scope(user=world.police, capability=Capability.READ_AUDIT)
    assert event in audit_events(scope=scope)


def test_it_writes_one_audit_row_per_load_that_changed_the_map(world):
    from outreach.audit.models import AuditAction, AuditEvent

    load()
    [event] = AuditEvent.objects.filter(action=AuditAction.LOAD_AREAS)
    assert event.area_name == "Việt Nam" and event.detail["created"] > 3000 and event.user_id is None
    load()  # nothing changed: nothing to record
    assert AuditEvent.objects.filter(action=AuditAction.LOAD_AREAS).count() == 1
