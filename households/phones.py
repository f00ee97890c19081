"""Phone numbers, normalised to +84 E.164 with `phonenumbers`.

Numbers arrive as typed on a phone (0912 345 678), from spreadsheets that dropped the
leading zero (912345678), with the country code, or as the pre-2018 11-digit mobile numbers
(0168...) that were renumbered; all of them become +849...
"""

import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Mobile prefixes renumbered in 2018-2019 (old 4-digit prefix -> new 3-digit prefix).
_RENUMBERED = {
    "0162": "032", "0163": "033", "0164": "034", "0165": "035", "0166": "036", "0167": "037",
    "0168": "038", "0169": "039", "0120": "070", "0121": "079", "0122": "077", "0126": "076",
    "0128": "078", "0123": "083", "0124": "084", "0125": "085", "0127": "081", "0129": "082",
    "0186": "056", "0188": "058", "0199": "059",
}  # fmt: skip
_NOT_DIGITS = re.compile(r"[^\d+]")
# A national mobile number ("0" + phonenumbers' own mobile pattern for VN) is valid as it
# stands: answered without a full parse, the slowest step of a roster's row.
_VN = phonenumbers.PhoneMetadata.metadata_for_region("VN")
_MOBILE = re.compile(rf"0((?:{_VN.mobile.national_number_pattern}))")
_MOBILE_LENGTHS = frozenset(_VN.mobile.possible_length)


def normalize_phone(value) -> str:
    """Return the number as +84... or raise ValidationError saying why it is not one."""
    raw = _NOT_DIGITS.sub("", str(value or ""))
    # lstrip: "+84 (0) 912 345 678" and "84 0912..." repeat the trunk zero after the code.
    if raw.startswith("+84"):
        raw = "0" + raw[3:].lstrip("0")
    elif raw.startswith("84") and len(raw) in (11, 12):
        raw = "0" + raw[2:].lstrip("0")
    elif not raw.startswith("0") and len(raw) in (9, 10):
        raw = "0" + raw  # a spreadsheet ate the leading zero
    if len(raw) == 11 and raw[:4] in _RENUMBERED:
        raw = _RENUMBERED[raw[:4]] + raw[4:]
    mobile = _MOBILE.fullmatch(raw)
    if mobile and len(mobile.group(1)) in _MOBILE_LENGTHS:
        return f"+{_VN.country_code}{mobile.group(1)}"
    try:
        number = phonenumbers.parse(raw, "VN")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number_for_region(number, "VN"):
        raise ValidationError(
            _("“%(value)s” không phải số điện thoại Việt Nam hợp lệ.") % {"value": value},
            code="phone_invalid",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_is_mobile(e164: str) -> bool:
    number = phonenumbers.parse(e164, "VN")
    return phonenumbers.number_type(number) in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )


def phone_display(e164: str | None) -> str:
    """The one way a stored number is shown and exported: phonenumbers' NATIONAL format,
    how officers write and read it aloud (0974 363 407; 024 3822 1234). Anything that
    does not parse is shown as stored rather than hidden."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, "VN")
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def phone_tel_href(e164: str | None) -> str:
    """A tel: link with the international number, which dials from any SIM (tel:+84…)."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, "VN")
    except phonenumbers.NumberParseException:
        return ""
    return "tel:" + phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
