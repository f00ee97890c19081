"""Phone numbers become +84 E.164 however they were typed, copied or renumbered."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from households.phones import normalize_phone, phone_is_mobile


@pytest.mark.parametrize(
    "typed",
    [
        "0912 345 678",
        "0912345678",
        "0912.345.678",
        "0912-345-678",
        "912345678",  # a spreadsheet ate the leading zero
        912345678,
        "+84 912 345 678",
        "+84 (0) 912 345 678",  # the trunk zero repeated after the country code
        "84912345678",
        "840912345678",
        "0084912345678",
    ],
)
def test_it_normalises_a_mobile_number_to_e164(typed):
    assert normalize_phone(typed) == "+84912345678"


@pytest.mark.parametrize(
    "old, new",
    [
        ("01688123456", "+84388123456"),
        ("0168 812 3456", "+84388123456"),
        ("1688123456", "+84388123456"),  # old number, zero stripped
        ("+841688123456", "+84388123456"),
        ("841688123456", "+84388123456"),
        ("01201234567", "+84701234567"),
        ("01231234567", "+84831234567"),
        ("01991234567", "+84591234567"),
    ],
)
def test_it_renumbers_old_11_digit_mobiles(old, new):
    assert normalize_phone(old) == new


@pytest.mark.parametrize(
    "typed, e164",
    [
        ("024 3825 1234", "+842438251234"),  # Hà Nội
        ("(028) 3829 5555", "+842838295555"),  # Hồ Chí Minh City
        ("0236 3821 234", "+842363821234"),  # Đà Nẵng
        ("+84 24 3825 1234", "+842438251234"),
    ],
)
def test_it_accepts_landlines(typed, e164):
    assert normalize_phone(typed) == e164
    assert not phone_is_mobile(normalize_phone(typed))


@pytest.mark.parametrize("prefix", ["03", "05", "07", "08", "09"])
def test_it_knows_every_mobile_prefix(prefix):
    number = normalize_phone(f"{prefix}62345678")
    assert number == f"+84{prefix[1]}62345678"
    assert phone_is_mobile(number)


@pytest.mark.parametrize(
    "typed",
    ["12345", "0912", "abc", "", None, "0123456789", "09123456789", "00912345678", "+1 650 253 0000", "+84", "091234567890"],
)
def test_it_rejects_what_is_not_a_vietnamese_number(typed):
    with pytest.raises(ValidationError) as caught:
        normalize_phone(typed)
    assert caught.value.code == "phone_invalid"


def test_it_is_idempotent():
    for typed in ("0912 345 678", "01688123456", "024 3825 1234"):
        once = normalize_phone(typed)
        assert normalize_phone(once) == once


def test_it_says_why_in_the_active_language():
    with translation.override("vi"), pytest.raises(ValidationError) as vi:
        normalize_phone("0912")
    with translation.override("en"), pytest.raises(ValidationError) as en:
        normalize_phone("0912")
    assert vi.value.messages == ["“0912” không phải số điện thoại Việt Nam hợp lệ."]
    assert en.value.messages == ["“0912” is not a valid Vietnamese phone number."]


def test_the_quick_mobile_path_answers_as_the_full_parse_does(monkeypatch):
    """normalize_phone answers a national mobile number from phonenumbers' own pattern
    without parsing it; over every kind of digit string a cell may hold, the answer (number
    or refusal) is the one the full parse gives."""
    import random
    import re

    from households import phones

    def answer(digits: str) -> str:
        try:
            return normalize_phone(digits)
        except ValidationError:
            return "refused"

    rnd = random.Random(16)
    cells = ["0" + "".join(rnd.choice("0123456789") for _ in range(rnd.choice((8, 9, 10)))) for _ in range(20_000)]
    cells += ["+84" + "".join(rnd.choice("0123456789") for _ in range(9)) for _ in range(2_000)]
    quick = [answer(cell) for cell in cells]
    monkeypatch.setattr(phones, "_MOBILE", re.compile(r"(?!)"))  # every number through phonenumbers.parse
    assert [answer(cell) for cell in cells] == quick
    assert sum(a != "refused" for a in quick) > 1_000  # the sample held valid mobiles, not only refusals
