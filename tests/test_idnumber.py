"""Personal ID numbers (CCCD / số định danh): 3-digit province of birth, a century/sex digit,
2 digits of birth year, 6 serial digits. Every failure carries a code the roster import and
the sync push can act on."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from households.idnumber import PROVINCE_CODES, id_number_birth_year, id_number_sex, validate_id_number
from households.models import Resident


def error_code(value, **kwargs) -> str:
    with pytest.raises(ValidationError) as caught:
        validate_id_number(value, **kwargs)
    return caught.value.code


def test_it_accepts_a_12_digit_id_number():
    # Hà Nội (001), a man born in the 1900s (0), in 1990 (90), serial 012345.
    assert validate_id_number("001090012345") == "001090012345"
    assert validate_id_number("079203001234") == "079203001234"  # Hồ Chí Minh City, man born 2003


def test_it_accepts_an_id_number_that_agrees_with_birth_year_and_sex():
    assert validate_id_number("001090012345", birth_year=1990, sex="M") == "001090012345"
    assert validate_id_number("001190012345", birth_year=1990, sex="F") == "001190012345"
    assert validate_id_number("001203012345", birth_year=2003, sex="M") == "001203012345"


def test_it_removes_the_spaces_and_dots_people_type_for_readability():
    assert validate_id_number(" 001 090 012 345 ") == "001090012345"
    assert validate_id_number("001.090.012.345") == "001090012345"


def test_it_reports_leading_zeros_a_spreadsheet_stripped():
    # Hà Nội's 001 read as a number loses two zeros; a 0xx province loses one.
    assert error_code("01090012345") == "id_leading_zeros"
    assert error_code("1090012345") == "id_leading_zeros"
    assert error_code(1090012345) == "id_leading_zeros"
    assert error_code(79203001234) == "id_leading_zeros"


def test_it_reads_a_spreadsheet_float_as_the_number_it_shows():
    # openpyxl hands numeric cells over as floats: 1090012345.0 is 10 digits, not 11.
    with pytest.raises(ValidationError) as caught:
        validate_id_number(1090012345.0)
    assert caught.value.code == "id_leading_zeros"
    assert "10" in caught.value.messages[0]
    assert "1090012345" in caught.value.messages[0]


def test_it_explains_the_leading_zero_problem_in_english_too():
    with translation.override("en"):
        with pytest.raises(ValidationError) as caught:
            validate_id_number("01090012345")
    assert "leading zeros" in caught.value.messages[0]


def test_it_rejects_anything_but_digits():
    assert error_code("00109001234A") == "id_not_digits"
    assert error_code("001-090-012-345") == "id_not_digits"
    assert error_code("") == "id_not_digits"
    assert error_code(None) == "id_not_digits"
    # Digits of other scripts and superscripts pass str.isdigit() but are not an ID.
    assert error_code("٠٠١٠٩٠٠١٢٣٤٥") == "id_not_digits"
    assert error_code("00109001234²") == "id_not_digits"


def test_it_rejects_the_wrong_length():
    assert error_code("0010900123456") == "id_length"
    assert error_code("12345") == "id_length"
    assert error_code("12345678") == "id_length"


def test_it_rejects_an_unknown_province_code():
    assert error_code("003090012345") == "id_province"
    assert error_code("000090012345") == "id_province"
    assert error_code("099090012345") == "id_province"


def test_it_rejects_a_century_digit_that_disagrees_with_the_birth_year():
    # Digit 2 means born in the 2000s, so "90" is 2090, not 1990.
    assert error_code("001290012345", birth_year=1990) == "id_birth_year"
    assert error_code("001000012345", birth_year=2000) == "id_birth_year"


def test_it_rejects_year_digits_that_disagree_with_the_birth_year():
    assert error_code("001085012345", birth_year=1990) == "id_birth_year"


def test_it_rejects_a_sex_digit_that_disagrees_with_the_sex():
    assert error_code("001090012345", birth_year=1990, sex="F") == "id_sex"
    assert error_code("001190012345", birth_year=1990, sex="M") == "id_sex"


def test_it_expects_digit_3_for_a_woman_born_in_2000():
    assert validate_id_number("001300012345", birth_year=2000, sex="F") == "001300012345"
    assert error_code("001200012345", birth_year=2000, sex="F") == "id_sex"
    assert error_code("001100012345", birth_year=2000, sex="F") == "id_birth_year"


def test_it_skips_the_cross_checks_when_birth_year_or_sex_is_unknown():
    assert validate_id_number("001290012345") == "001290012345"
    assert validate_id_number("001090012345", sex="") == "001090012345"
    assert validate_id_number("001090012345", sex=None, birth_year=None) == "001090012345"


def test_it_reads_century_and_sex_from_the_fourth_digit():
    assert [id_number_birth_year(f"001{d}25012345") for d in range(10)] == [
        1925, 1925, 2025, 2025, 2125, 2125, 2225, 2225, 2325, 2325
    ]  # fmt: skip
    assert [id_number_sex(f"001{d}25012345") for d in range(4)] == ["M", "F", "M", "F"]


def test_it_cross_checks_the_id_number_when_a_resident_is_cleaned():
    resident = Resident(full_name="Nguyễn Thị Lan", birth_date=datetime.date(1990, 5, 1), sex="F", id_number="001090012345")
    with pytest.raises(ValidationError) as caught:
        resident.clean()
    assert "id_number" in caught.value.message_dict


def test_it_normalises_the_id_number_when_a_resident_is_cleaned():
    resident = Resident(full_name="Nguyễn Thị Lan", birth_year=1990, sex="F", id_number="001 190 012 345")
    resident.clean()
    assert resident.id_number == "001190012345"


@given(
    province=st.sampled_from(sorted(PROVINCE_CODES)),
    birth_year=st.integers(min_value=1900, max_value=2099),
    sex=st.sampled_from(["M", "F"]),
    serial=st.integers(min_value=0, max_value=999_999),
)
def test_it_accepts_every_well_formed_number_and_reads_it_back(province, birth_year, sex, serial):
    digit = (0 if birth_year < 2000 else 2) + (sex == "F")
    number = f"{province}{digit}{birth_year % 100:02d}{serial:06d}"
    assert validate_id_number(number, birth_year=birth_year, sex=sex) == number
    assert id_number_birth_year(number) == birth_year
    assert id_number_sex(number) == sex
