"""Vietnamese names, streets and wards for the demo data.

Family names are weighted by how common they are (about 38 % of Vietnamese are Nguyễn), and
middle names follow the generations: older women are almost all "Thị", younger people get
Minh, Ngọc, Gia, Bảo... so a search for "Thị" or a sort by name looks like a real ward.
Everything is typed in NFC; the models normalise again on the way in.
"""

import random

# (family name, weight in per mille, roughly from national surveys; Hà Nội has more Hoàng and
# Vũ than Huỳnh and Võ, which are their southern spellings).
FAMILY_NAMES = (
    ("Nguyễn", 380), ("Trần", 110), ("Lê", 95), ("Phạm", 70), ("Hoàng", 45), ("Huỳnh", 10),
    ("Phan", 45), ("Vũ", 40), ("Võ", 10), ("Đặng", 21), ("Bùi", 20), ("Đỗ", 14), ("Hồ", 13),
    ("Ngô", 13), ("Dương", 10), ("Lý", 5), ("Đinh", 8), ("Trịnh", 7), ("Đào", 6), ("Mai", 5),
    ("Lương", 4), ("Tạ", 3), ("Cao", 3), ("Lâm", 3),
)  # fmt: skip
_FAMILY, _FAMILY_W = zip(*FAMILY_NAMES, strict=True)

MIDDLE_MALE_OLD = ("Văn", "Văn", "Văn", "Đức", "Hữu", "Công", "Quang", "Xuân", "Đình", "Ngọc")
MIDDLE_MALE_YOUNG = ("Văn", "Minh", "Đức", "Quang", "Hoàng", "Tuấn", "Quốc", "Gia", "Anh", "Bảo", "Thành", "Hải")
MIDDLE_FEMALE_OLD = ("Thị", "Thị", "Thị", "Thị", "Thị", "Ngọc", "Thu", "Kim")
MIDDLE_FEMALE_YOUNG = ("Thị", "Thị", "Ngọc", "Thu", "Thanh", "Minh", "Phương", "Hồng", "Khánh", "Bảo", "Mai", "Thuỳ")

GIVEN_MALE_OLD = (
    "Hùng", "Dũng", "Thắng", "Cường", "Sơn", "Hải", "Bình", "Tiến", "Thành", "Long", "Quý", "Lợi",
    "Hoà", "Tuấn", "Phúc", "Vinh", "Toàn", "Thịnh", "Chiến", "Hưng", "Nghĩa", "Khải", "Tùng", "Trung",
)  # fmt: skip
GIVEN_MALE_YOUNG = (
    "Minh", "Nam", "Huy", "Quân", "Khoa", "Bảo", "An", "Khôi", "Đức", "Phong", "Hiếu", "Đạt",
    "Tuấn", "Việt", "Kiên", "Lâm", "Tâm", "Hoàng", "Long", "Duy", "Nhật", "Trí", "Vũ", "Phát",
)  # fmt: skip
GIVEN_FEMALE_OLD = (
    "Lan", "Hương", "Hoa", "Mai", "Hà", "Hằng", "Nhung", "Yến", "Thuỷ", "Hạnh", "Dung", "Nga",
    "Vân", "Loan", "Oanh", "Thu", "Tuyết", "Liên", "Bích", "Hồng", "Huệ", "Cúc", "Lý", "Hoà",
)  # fmt: skip
GIVEN_FEMALE_YOUNG = (
    "Linh", "Trang", "Ngọc", "Thảo", "Huyền", "Anh", "Chi", "Vy", "My", "Nhi", "Giang", "Ly",
    "Phương", "Hà", "Quỳnh", "Trâm", "Hân", "Thư", "Ngân", "Diệp", "Khánh", "Tú", "Uyên", "Vân",
)  # fmt: skip


def family_name(rng: random.Random) -> str:
    return rng.choices(_FAMILY, weights=_FAMILY_W)[0]


def person_name(rng: random.Random, *, family: str, sex: str, birth_year: int) -> str:
    """A full name, family name first. Born before 1975 → the older naming fashion."""
    old = birth_year < 1975
    if sex == "F":
        middle = rng.choice(MIDDLE_FEMALE_OLD if old else MIDDLE_FEMALE_YOUNG)
        given = rng.choice(GIVEN_FEMALE_OLD if old else GIVEN_FEMALE_YOUNG)
    else:
        middle = rng.choice(MIDDLE_MALE_OLD if old else MIDDLE_MALE_YOUNG)
        given = rng.choice(GIVEN_MALE_OLD if old else GIVEN_MALE_YOUNG)
    if middle == given:
        middle = "Thị" if sex == "F" else "Văn"
    # One young person in eight carries the mother's family name too (Nguyễn Trần Minh Anh).
    if not old and rng.random() < 0.12:
        mother = family_name(rng)
        while mother == family:  # never "Nguyễn Nguyễn Văn Duy"
            mother = family_name(rng)
        return f"{family} {mother} {middle} {given}"
    return f"{family} {middle} {given}"


PROVINCE = ("01", "Thành phố Hà Nội")

# Wards of Hà Nội after the 1 July 2025 merger, with five-digit commune codes. The first is
# the demo ward; --scale takes the next ones, then numbered wards beyond the list.
COMMUNES = (
    ("00004", "Phường Ba Đình"), ("00008", "Phường Ngọc Hà"), ("00025", "Phường Giảng Võ"),
    ("00070", "Phường Hoàn Kiếm"), ("00082", "Phường Cửa Nam"), ("00091", "Phường Phú Thượng"),
    ("00097", "Phường Hồng Hà"), ("00103", "Phường Tây Hồ"), ("00118", "Phường Bồ Đề"),
    ("00127", "Phường Việt Hưng"), ("00136", "Phường Phúc Lợi"), ("00145", "Phường Long Biên"),
    ("00160", "Phường Nghĩa Đô"), ("00166", "Phường Cầu Giấy"), ("00175", "Phường Yên Hoà"),
    ("00190", "Phường Ô Chợ Dừa"), ("00199", "Phường Láng"), ("00226", "Phường Văn Miếu - Quốc Tử Giám"),
    ("00229", "Phường Kim Liên"), ("00235", "Phường Đống Đa"), ("00256", "Phường Hai Bà Trưng"),
    ("00283", "Phường Vĩnh Tuy"), ("00292", "Phường Bạch Mai"), ("00301", "Phường Vĩnh Hưng"),
    ("00316", "Phường Định Công"), ("00322", "Phường Tương Mai"), ("00328", "Phường Lĩnh Nam"),
    ("00331", "Phường Hoàng Mai"), ("00337", "Phường Hoàng Liệt"), ("00340", "Phường Yên Sở"),
    ("00352", "Phường Phương Liệt"), ("00364", "Phường Khương Đình"), ("00367", "Phường Thanh Xuân"),
)  # fmt: skip


def commune(index: int) -> tuple[str, str]:
    if index < len(COMMUNES):
        return COMMUNES[index]
    return f"{90000 + index:05d}", f"Phường thử nghiệm số {index + 1}"


BA_DINH_STREETS = (
    "Phố Đội Cấn", "Phố Liễu Giai", "Phố Kim Mã", "Phố Nguyễn Thái Học", "Đường Hoàng Hoa Thám",
    "Phố Quán Thánh", "Phố Phan Đình Phùng", "Phố Ngọc Hà", "Phố Văn Cao", "Phố Đào Tấn",
    "Phố Giảng Võ", "Phố Cửa Bắc", "Phố Hàng Bún", "Phố Trấn Vũ", "Phố Nguyễn Trường Tộ",
    "Phố Châu Long", "Đường Yên Phụ", "Phố Lạc Chính", "Phố Ngọc Khánh", "Phố Vĩnh Phúc",
)  # fmt: skip
HANOI_STREETS = BA_DINH_STREETS + (
    "Phố Huế", "Phố Bạch Mai", "Đường Giải Phóng", "Phố Tôn Đức Thắng", "Phố Khâm Thiên",
    "Phố Thái Hà", "Đường Láng", "Phố Chùa Bộc", "Phố Tây Sơn", "Đường Trường Chinh",
    "Phố Lạc Long Quân", "Phố Thuỵ Khuê", "Đường Âu Cơ", "Phố Khương Trung", "Đường Nguyễn Văn Cừ",
    "Phố Ngọc Lâm", "Đường Minh Khai", "Phố Kim Ngưu", "Phố Lò Đúc", "Phố Trần Khát Chân",
    "Phố Cầu Giấy", "Phố Trần Duy Hưng", "Đường Hoàng Quốc Việt", "Phố Xuân Thuỷ", "Phố Tam Trinh",
)  # fmt: skip

BUILDINGS = (
    "Toà nhà CT1", "Toà nhà CT2A", "Chung cư 18T1", "Toà nhà HH2", "Chung cư A3", "Toà nhà 29T2",
    "Chung cư B4", "Toà nhà N05", "Chung cư C7", "Toà nhà 671",
)  # fmt: skip


def streets_for(index: int, rng: random.Random, count: int) -> list[str]:
    """The demo ward gets its own streets; other wards a shuffled pick from the city."""
    pool = list(BA_DINH_STREETS if index == 0 else HANOI_STREETS)
    rng.shuffle(pool)
    return [pool[i % len(pool)] for i in range(count)]


def street_short(street: str) -> str:
    """"Phố Đội Cấn" → "Đội Cấn", for turf names such as "Ngõ 12 Đội Cấn"."""
    for prefix in ("Phố ", "Đường "):
        if street.startswith(prefix):
            return street[len(prefix) :]
    return street
