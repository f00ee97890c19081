"""Vietnamese order and search: names sort as a Vietnamese dictionary does (Đ after D, tones
a à ả ã á ạ as ICU's vi collation has them), people by given name, then middle, then family
name, area names in the ranking too; search is diacritics-free, from the start of words,
whole words first, in the selectors and in every admin search box."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.urls import reverse

from households.collation import given_name_first, person_sort_key, vi_order, vi_sort_key
from households.models import Area, AreaKind, Resident, Turf
from households.selectors import household_search, resident_search, residents_by_name
from households.services import household_create, resident_create
from outreach.reports.figures import AreaFigures, counts_of
from outreach.reports.ranking import RankRow, sort_rows
from tests.sync_helpers import client_for

pytestmark = pytest.mark.django_db

# As vi-x-icu orders them (checked against PostgreSQL's ICU): letters first (a ă â … d đ …
# o ô ơ … u ư), then tones from the left (unmarked, huyền, hỏi, ngã, sắc, nặng), then case;
# a space comes before any letter, so "An" and "An Bình" before "Anh".
DICTIONARY = [
    "a", "à", "ả", "ã", "á", "ạ", "An", "An Bình", "Anh", "Ánh", "ăn", "ân", "Bình", "Dung", "Dũng", "Dương",
    "Đào", "Đặng", "Đinh", "Đỗ", "Đức", "Hoa", "Hoà", "Hòa", "Hỏa", "Hóa", "Hồ", "Hơn", "Hùng", "Hưng",
    "Ngô Quý", "Ngô Quý Anh", "Ngô Quýnh", "Nguyễn", "Ô", "Ơn", "Tú", "Tư", "Từ", "Ư",
]  # fmt: skip

PEOPLE = ["Nguyễn Văn An", "Trần Thị Ánh", "Đặng Văn Bình", "Lê Thị Bích", "Phạm Văn Dũng", "Ngô Thị Dương",
          "Vũ Văn Đức", "Hoàng Thị Hoa", "Nguyễn Thị Hòa", "Bùi Văn Hoà", "Đỗ Văn An", "Lý An"]  # fmt: skip


@pytest.fixture
def group(db) -> Area:
    province = Area.objects.create(code="01", name="Thành phố Hà Nội", kind=AreaKind.PROVINCE)
    commune = Area.objects.create(code="00004", name="Phường Ba Đình", kind=AreaKind.COMMUNE, parent=province)
    return Area.objects.create(code="00004-TDP01", name="Tổ dân phố 1", kind=AreaKind.GROUP, parent=commune)


def people_in(group: Area, full_names: list[str]) -> list[Resident]:
    home = household_create(area=group, house_number="5", lane="Ngõ 12", street="Phố Đội Cấn")
    born = datetime.date(1990, 1, 1)
    return [resident_create(household=home, full_name=name, birth_date=born) for name in full_names]


def names(queryset) -> list[str]:
    return [resident.full_name for resident in queryset]


# --- order ---------------------------------------------------------------------------


def test_it_sorts_in_vietnamese_dictionary_order_in_python():
    assert sorted(reversed(DICTIONARY), key=vi_sort_key) == DICTIONARY
    assert vi_sort_key("Dương") < vi_sort_key("Đặng")  # D before Đ, whatever follows
    assert vi_sort_key("Hoà") != vi_sort_key("Hòa")  # a total order: old and new placement differ


def test_it_reads_numbers_as_numbers_when_asked():
    assert sorted(["Tổ dân phố 10", "Tổ dân phố 9"], key=lambda s: vi_sort_key(s, numeric=True)) == [
        "Tổ dân phố 9", "Tổ dân phố 10"]  # fmt: skip
    assert sorted(["Tổ dân phố 10", "Tổ dân phố 9"], key=vi_sort_key) == ["Tổ dân phố 10", "Tổ dân phố 9"]  # as ICU


def test_it_sorts_names_in_the_database_as_in_python(group):
    people_in(group, list(reversed(DICTIONARY)))
    assert names(Resident.objects.order_by(vi_order("full_name"), "id")) == DICTIONARY
    assert names(Resident.objects.order_by(vi_order("full_name", descending=True), "id")) == DICTIONARY[::-1]


@pytest.mark.postgres
def test_it_uses_the_icu_collation_on_postgresql(group):
    with connection.cursor() as cursor:
        cursor.execute("select collname from pg_collation where collname = 'vi-x-icu'")
        assert cursor.fetchone() == ("vi-x-icu",)
        cursor.execute(
            "select x from unnest(%s::text[]) x order by x collate \"vi-x-icu\"", [list(reversed(DICTIONARY))]
        )
        assert [row[0] for row in cursor.fetchall()] == DICTIONARY
    people_in(group, list(reversed(DICTIONARY)))
    assert names(Resident.objects.order_by(vi_order("full_name"), "id")) == DICTIONARY


def test_it_lists_people_by_given_then_middle_then_family_name(group):
    people_in(group, PEOPLE)
    expected = ["Lý An", "Đỗ Văn An", "Nguyễn Văn An", "Trần Thị Ánh", "Lê Thị Bích", "Đặng Văn Bình",
                "Phạm Văn Dũng", "Ngô Thị Dương", "Vũ Văn Đức", "Hoàng Thị Hoa", "Nguyễn Thị Hòa", "Bùi Văn Hoà"]  # fmt: skip
    assert names(residents_by_name(within=Resident.objects.all())) == expected
    assert sorted(PEOPLE, key=person_sort_key) == expected
    assert given_name_first("Nguyễn  Văn   An") == "An Văn Nguyễn"
    assert Resident.objects.get(full_name="Lý An").name_order == "An Lý"


def test_it_fills_the_name_order_in_bulk_inserts(group):
    home = household_create(area=group, street="Phố Liễu Giai")
    Resident.objects.bulk_create([Resident(household=home, full_name="Trần Văn Hoà")])
    Turf.objects.bulk_create([Turf(area=group, name="Ngõ Đội Cấn")])
    assert Resident.objects.get().name_order == "Hoà Văn Trần"
    assert Turf.objects.get().name_key == "ngo doi can"


def ranked(*names_: str) -> list[RankRow]:
    return [RankRow(figures=AreaFigures(area_id=i, name=n, kind="commune", level=1, counts=counts_of(None)),
                    pct=Decimal("50")) for i, n in enumerate(names_)]  # fmt: skip


def test_it_sorts_area_names_in_the_ranking_in_vietnamese_order():
    rows = ranked("Phường Đống Đa", "Phường Dịch Vọng", "Phường Ba Đình", "Tổ dân phố 10", "Tổ dân phố 9",
                  "Phường Hoàn Kiếm", "Phường Hòa Bình")  # fmt: skip
    order = [r.figures.name for r in sort_rows(rows, key="name", descending=False)]
    assert order == ["Phường Ba Đình", "Phường Dịch Vọng", "Phường Đống Đa", "Phường Hòa Bình", "Phường Hoàn Kiếm",
                     "Tổ dân phố 9", "Tổ dân phố 10"]  # fmt: skip
    # Equal percentages: the tie-break is the name in the same order, either direction.
    assert [r.figures.name for r in sort_rows(rows, key="pct", descending=True)] == order
    assert [r.figures.name for r in sort_rows(rows, key="name", descending=True)] == order[::-1]


def test_it_sorts_the_ranking_page_by_name_in_vietnamese_order(world):
    for code, name in (("00008", "Phường Đống Đa"), ("00009", "Phường Dịch Vọng")):
        Area.objects.create(code=code, name=name, kind=AreaKind.COMMUNE, parent=world.province)
    url = reverse("reports:ranking", args=[world.province.id]) + "?sort=name"
    response = client_for(world.province_user).get(url)
    assert [r.figures.name for r in response.context["rows"]] == [
        "Phường Ba Đình", "Phường Dịch Vọng", "Phường Đống Đa", "Phường Hoàn Kiếm"]  # fmt: skip


# --- search --------------------------------------------------------------------------


def test_it_searches_without_diacritics_and_with_either_tone_placement(group):
    people_in(group, ["Nguyễn Thị Hòa", "Bùi Văn Hoà", "Đặng Văn Bình"])
    # Both whole words; then by given name: "Hòa Thị…" before "Hoà Văn…" (Thị < Văn).
    assert names(resident_search(query="hoa")) == ["Nguyễn Thị Hòa", "Bùi Văn Hoà"]
    assert set(names(resident_search(query="Hoà"))) == set(names(resident_search(query="Hòa"))) == {
        "Bùi Văn Hoà", "Nguyễn Thị Hòa"}  # fmt: skip
    assert names(resident_search(query="dang van binh")) == ["Đặng Văn Bình"]


def test_it_matches_words_from_their_start(group):
    people_in(group, ["Trần An", "Lê Anh", "Phạm Thị Lan", "Nguyễn Toàn"])
    assert set(names(resident_search(query="an"))) == {"Trần An", "Lê Anh"}
    assert names(resident_search(query="oan")) == []
    assert names(resident_search(query="ng to")) == ["Nguyễn Toàn"]


def test_it_ranks_the_whole_name_then_whole_words_then_prefixes(group):
    people_in(group, ["Ngô Quý Anh", "Ngô Quýnh", "Trần Ngô Quý", "Ngô Quý", "Ngô Văn Quý"])
    assert names(resident_search(query="Ngô Quý")) == [
        "Ngô Quý",  # the whole name
        "Ngô Quý Anh",  # the words, whole, at the start
        "Trần Ngô Quý", "Ngô Văn Quý",  # every word whole, by given name: Quý Ngô Trần < Quý Văn Ngô
        "Ngô Quýnh",  # a prefix only
    ]


def test_it_finds_households_by_word_start_in_address_or_names(group):
    doi_can = people_in(group, ["Nguyễn Văn Hùng"])[0].household
    assert list(household_search(query="doi can hung")) == [doi_can]
    assert list(household_search(query="oi can")) == []


@pytest.fixture
def admin_client_(client, group):
    client.force_login(User.objects.create_superuser("root", "root@example.vn", "matkhau-123"))
    return client


def changelist(client, model, q: str, **params) -> list:
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    response = client.get(url, {"q": q, **params})
    assert response.status_code == 200
    return [str(obj) for obj in response.context["cl"].result_list]


def test_it_searches_areas_in_the_admin_without_diacritics(admin_client_, group):
    Area.objects.create(code="00010", name="Phường Hòa Bình", kind=AreaKind.COMMUNE, parent=group.parent.parent)
    Area.objects.create(code="00011", name="Xã Bình An", kind=AreaKind.COMMUNE, parent=group.parent.parent)
    assert changelist(admin_client_, Area, "phuong ba dinh") == ["Phường Ba Đình"]
    assert changelist(admin_client_, Area, "Hoà Bình") == ["Phường Hòa Bình"]
    assert changelist(admin_client_, Area, "binh") == ["Phường Hòa Bình", "Xã Bình An"]
    assert changelist(admin_client_, Area, "00004-TDP01") == ["Tổ dân phố 1"]  # codes as typed


def test_it_searches_turfs_in_the_admin_whole_name_first(admin_client_, group):
    for name in ("Ngõ Đội Cấn mở rộng", "Ngõ Đội Cấn", "Phố Đội Cấnh"):
        Turf.objects.create(area=group, name=name)
    assert changelist(admin_client_, Turf, "ngo doi can") == [
        "Ngõ Đội Cấn (Tổ dân phố 1)", "Ngõ Đội Cấn mở rộng (Tổ dân phố 1)"]  # fmt: skip
    assert changelist(admin_client_, Turf, "doi can")[-1] == "Phố Đội Cấnh (Tổ dân phố 1)"
    assert len(changelist(admin_client_, Turf, "to dan pho 1")) == 3  # by its area's name
    # A column the user clicked to sort by wins over the ranking.
    assert changelist(admin_client_, Turf, "doi can", o="-1")[0] == "Phố Đội Cấnh (Tổ dân phố 1)"


def test_it_searches_residents_in_the_admin_whole_name_first(admin_client_, group):
    people_in(group, ["Ngô Quý Anh", "Ngô Quý", "Ngô Quýnh"])
    assert changelist(admin_client_, Resident, "ngo quy") == ["Ngô Quý", "Ngô Quý Anh", "Ngô Quýnh"]
    assert changelist(admin_client_, Resident, "") == ["Ngô Quý Anh", "Ngô Quý", "Ngô Quýnh"]  # by given name


def test_it_searches_other_admins_through_the_area_and_turf_keys(admin_client_, group):
    from outreach.models import Team

    Team.objects.create(name="Tổ công tác Đội Cấn", area=group)
    assert changelist(admin_client_, Team, "to dan pho 1") == ["Tổ công tác Đội Cấn"]  # the area's name, folded
    assert changelist(admin_client_, Team, "Tổ công tác") == ["Tổ công tác Đội Cấn"]  # a plain field, as typed
    assert changelist(admin_client_, Team, "to dan pho 2") == []
