"""Personal ID number (CCCD / số định danh cá nhân) validation.

12 digits: 3-digit province-of-birth code, 1 digit for century and sex, 2 digits of birth
year, 6 serial digits. There is no checksum, so the only cross-checks are the province code
and the century/sex/year digits against what else we know of the person.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Province-of-birth codes (Circular 07/2016/TT-BCA). People born before the 2025 merger keep
# the codes of the 63 old provinces, so the old list is the one to check against.
PROVINCE_CODES = frozenset(
    """001 002 004 006 008 010 011 012 014 015 017 019 020 022 024 025 026 027 030 031 033
    034 035 036 037 038 040 042 044 045 046 048 049 051 052 054 056 058 060 062 064 066 067
    068 070 072 074 075 077 079 080 082 083 084 086 087 089 091 092 093 094 095 096""".split()
)

# Century digit pairs (male, female) -> first year of the century: 0/1 the 1900s, 2/3 the
# 2000s, 4/5 the 2100s, 6/7 the 2200s, 8/9 the 2300s (Circular 07/2016/TT-BCA).
_CENTURY = {0: 1900, 1: 1900, 2: 2000, 3: 2000, 4: 2100, 5: 2100, 6: 2200, 7: 2200, 8: 2300, 9: 2300}


def id_number_birth_year(id_number: str) -> int:
    return _CENTURY[int(id_number[3])] + int(id_number[4:6])


def id_number_sex(id_number: str) -> str:
    return "F" if int(id_number[3]) % 2 else "M"


def validate_id_number(value, *, birth_year: int | None = None, sex: str | None = None) -> str:
    """Return the ID number as 12 digits or raise ValidationError with a specific reason."""
    if isinstance(value, float) and value.is_integer():
        # A spreadsheet cell read as a number: 1090012345.0 must not become "10900123450".
        value = int(value)
    text = str(value).strip().replace(" ", "").replace(".", "")
    # isdigit() alone lets through other scripts' digits and superscripts ("²").
    if not (text.isascii() and text.isdigit()):
        raise ValidationError(
            _("Số định danh chỉ gồm chữ số (nhận được “%(value)s”).") % {"value": value},
            code="id_not_digits",
        )
    if len(text) != 12:
        if len(text) < 12 and len(text) >= 9:
            raise ValidationError(
                _(
                    "Số định danh phải có 12 chữ số, “%(value)s” có %(n)d: có thể bảng tính đã"
                    " làm mất số 0 ở đầu. Hãy định dạng cột là văn bản."
                )
                % {"value": text, "n": len(text)},
                code="id_leading_zeros",
            )
        raise ValidationError(
            _("Số định danh phải có 12 chữ số, “%(value)s” có %(n)d.") % {"value": text, "n": len(text)},
            code="id_length",
        )
    if text[:3] not in PROVINCE_CODES:
        raise ValidationError(
            _("Mã tỉnh nơi đăng ký khai sinh “%(code)s” không tồn tại.") % {"code": text[:3]},
            code="id_province",
        )
    if birth_year is not None and id_number_birth_year(text) != birth_year:
        raise ValidationError(
            _("Số định danh ghi năm sinh %(id_year)d nhưng năm sinh là %(year)d.")
            % {"id_year": id_number_birth_year(text), "year": birth_year},
            code="id_birth_year",
        )
    if sex in ("M", "F") and id_number_sex(text) != sex:
        raise ValidationError(
            _("Chữ số giới tính trong số định danh không khớp với giới tính đã khai."),
            code="id_sex",
        )
    return text
