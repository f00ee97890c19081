"""The area tree has any depth and a kind per node. "Inside" is a prefix match on the
materialised path, so it must not mistake a code for the prefix of another."""

import pytest

from households.models import Area, AreaKind
from households.selectors import area_subtree, households_in_area, residents_in_area
from households.services import household_create, resident_create


@pytest.fixture
def tree(db):
    """Pre-2025 data: province → district (abolished) → ward → residential group, plus a
    second district, and two wards whose codes are a prefix of one another."""
    hanoi = Area.objects.create(code="01", name="Thành phố Hà Nội", kind=AreaKind.PROVINCE)
    ba_dinh = Area.objects.create(code="001", name="Quận Ba Đình", kind=AreaKind.DISTRICT, parent=hanoi)
    doi_can = Area.objects.create(code="00004", name="Phường Đội Cấn", kind=AreaKind.COMMUNE, parent=ba_dinh)
    tdp1 = Area.objects.create(code="00004-TDP01", name="Tổ dân phố 1", kind=AreaKind.GROUP, parent=doi_can)
    hoan_kiem = Area.objects.create(code="002", name="Quận Hoàn Kiếm", kind=AreaKind.DISTRICT, parent=hanoi)
    short = Area.objects.create(code="0001", name="Phường A", kind=AreaKind.COMMUNE, parent=hoan_kiem)
    long = Area.objects.create(code="00010", name="Phường B", kind=AreaKind.COMMUNE, parent=hoan_kiem)
    long_group = Area.objects.create(code="00010-TDP01", name="Tổ dân phố 1", kind=AreaKind.GROUP, parent=long)
    return {
        "hanoi": hanoi, "ba_dinh": ba_dinh, "doi_can": doi_can, "tdp1": tdp1, "hoan_kiem": hoan_kiem,
        "short": short, "long": long, "long_group": long_group,
    }  # fmt: skip


def codes(queryset) -> set[str]:
    return {area.code for area in queryset}


def test_it_stores_paths_and_depths_for_four_levels(tree):
    assert tree["hanoi"].path == "/01/"
    assert tree["ba_dinh"].path == "/01/001/"
    assert tree["doi_can"].path == "/01/001/00004/"
    assert tree["tdp1"].path == "/01/001/00004/00004-TDP01/"
    assert [tree[k].depth for k in ("hanoi", "ba_dinh", "doi_can", "tdp1")] == [0, 1, 2, 3]


def test_it_lists_the_ancestors_from_the_root(tree):
    assert tree["tdp1"].ancestors_paths() == ["/01/", "/01/001/", "/01/001/00004/", "/01/001/00004/00004-TDP01/"]


def test_it_returns_a_subtree_including_its_root(tree):
    assert codes(area_subtree(area=tree["ba_dinh"])) == {"001", "00004", "00004-TDP01"}
    assert codes(area_subtree(area=tree["tdp1"])) == {"00004-TDP01"}
    assert len(area_subtree(area=tree["hanoi"])) == len(tree)


def test_it_knows_what_contains_what(tree):
    assert tree["hanoi"].contains(tree["tdp1"])
    assert tree["ba_dinh"].contains(tree["tdp1"])
    assert tree["tdp1"].contains(tree["tdp1"])
    assert not tree["tdp1"].contains(tree["ba_dinh"])
    assert not tree["hoan_kiem"].contains(tree["tdp1"])


def test_it_does_not_put_a_sibling_inside_one_whose_code_is_its_prefix(tree):
    short, long = tree["short"], tree["long"]
    assert not short.contains(long)
    assert not short.contains(tree["long_group"])
    assert not long.contains(short)
    assert codes(area_subtree(area=short)) == {"0001"}
    assert codes(area_subtree(area=long)) == {"00010", "00010-TDP01"}


def test_it_does_not_count_a_prefix_siblings_households_and_residents(tree):
    household = household_create(area=tree["long_group"], house_number="5", street="Phố Hàng Bạc")
    resident_create(household=household, full_name="Vũ Thị Mai", birth_year=1980)
    assert not households_in_area(area=tree["short"]).exists()
    assert not residents_in_area(area=tree["short"]).exists()
    assert list(households_in_area(area=tree["long"])) == [household]
    assert residents_in_area(area=tree["hoan_kiem"]).count() == 1


def test_it_allows_any_depth_and_mixed_depths(tree):
    # After 1 July 2025 a commune hangs directly under the province, next to old data
    # that still has a district in between.
    new_commune = Area.objects.create(code="00005", name="Phường Ba Đình", kind=AreaKind.COMMUNE, parent=tree["hanoi"])
    assert new_commune.depth == 1 and tree["doi_can"].depth == 2
    assert codes(Area.objects.filter(kind=AreaKind.COMMUNE, path__startswith=tree["hanoi"].path)) == {
        "00004", "0001", "00010", "00005"
    }  # fmt: skip


def test_it_moves_the_whole_subtree_when_an_area_gets_a_new_parent(tree):
    # The 2025 reform drops districts: a ward is re-parented under the province, and its
    # residential groups must follow it, or subtree queries silently lose them.
    doi_can = tree["doi_can"]
    doi_can.parent = tree["hanoi"]
    doi_can.save()
    tdp1 = Area.objects.get(pk=tree["tdp1"].pk)
    assert doi_can.path == "/01/00004/"
    assert tdp1.path == "/01/00004/00004-TDP01/"
    assert tdp1.depth == 2
    assert codes(area_subtree(area=doi_can)) == {"00004", "00004-TDP01"}
    assert not tree["ba_dinh"].contains(Area.objects.get(pk=tdp1.pk))
