"""One roster cell as Excel left it -> the text the roster's rules check, once per cell.

A workbook cell keeps its Excel type: an ID number typed into a General column is a number
that lost its leading zero, a date is a datetime or, in a General column, its serial number
(days since 30/12/1899), a phone cell may hold two numbers. id_text and phone_numbers
return the value and, when they had to repair the cell, a note for the officer; ValueError
(or the model's ValidationError) says why not. CELL_STEPS are the per-column parsers
roster._parse_row applies, each cell once.
"""

import datetime
import re
import time

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from .models import ResidenceStatus, Sex
from .phones import normalize_phone, phone_display, phone_is_mobile
from .roster_read import COLUMNS
from .text import nfc, search_key

_EXCEL_EPOCH = datetime.date(1899, 12, 30)  # serial 1 = 1/1/1900, past Excel's phantom 29/2/1900
_SCIENTIFIC = re.compile(r"^\s*\d+(?:[.,]\d*)?\s*[eE]\s*\+?\s*\d+\s*$")
_PHONE_SEPARATORS = re.compile(r"\s*(?:[/;,|\n]|\s-\s|\bhoặc\b|\bhoac\b)\s*", re.IGNORECASE)
_SERVICE = ("1900", "1800")
_STATUS = {re.sub(r"[^a-z0-9]", "", search_key(text)): value for value, label in ResidenceStatus.choices
           for text in (value, str(label))} | {"thuongtru": "permanent", "tamtru": "temporary", "kt2": "kt2",
           "khongo": "kt2", "chuyendi": "moved", "mat": "deceased", "chet": "deceased"}  # fmt: skip
_SEX = {"nam": Sex.MALE, "m": Sex.MALE, "male": Sex.MALE, "nu": Sex.FEMALE, "f": Sex.FEMALE, "female": Sex.FEMALE}
_YES, _NO = {"x", "co", "c", "1", "yes", "y", "true"}, {"", "0", "khong", "k", "no", "n", "false"}
_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?: 0?0:00(?::00)?)?$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


_TODAY = [-1.0, None]


def roster_today() -> datetime.date:
    """timezone.localdate(), read at most once a second: the rows of one file are checked
    against the same day, and reading the current time zone per row was a tenth of a row."""
    now = time.monotonic()
    if now - _TODAY[0] > 1:
        _TODAY[:] = [now, timezone.localdate()]
    return _TODAY[1]


def cell_text(value) -> str:
    """Any cell as text: 12.0 is "12", a date is dd/mm/yyyy, nothing is ""."""
    if type(value) is str:  # nearly every cell: roster_read gives text cells in NFC already
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "x" if value else ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%d/%m/%Y")
    return nfc(str(value))


def birth_text(value) -> str:
    """A date cell or a serial number as dd/mm/yyyy; a year typed as a number stays a year."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        today = roster_today()
        if value == int(value) and 1900 <= value <= today.year:
            return str(int(value))
        # Serials below today's year would be 1900-1905 (and clash with years): not a birth date.
        if not today.year < value <= (today - _EXCEL_EPOCH).days:
            raise ValueError(_("Ngày sinh “%(value)s” là một con số, không phải ngày hay năm sinh hợp lý.")
                             % {"value": cell_text(value)})  # fmt: skip
        return (_EXCEL_EPOCH + datetime.timedelta(days=int(value))).strftime("%d/%m/%Y")
    return cell_text(value)


def id_text(value) -> tuple[str, str]:
    """(ID number text, note). A number of 10 or 11 digits is an ID whose leading zeros Excel
    dropped (every province code starts with 0); the result is still checked in full."""
    if isinstance(value, float) and not value.is_integer() or isinstance(value, str) and _SCIENTIFIC.match(value):
        raise ValueError(_("Số định danh “%(value)s” đã bị Excel đổi sang dạng số mũ và mất các chữ số cuối: "
                           "không khôi phục được. Hãy định dạng cột số định danh là Văn bản (Text) rồi gõ lại "
                           "hoặc dán lại số từ bản gốc.") % {"value": value})  # fmt: skip
    if isinstance(value, int | float) and not isinstance(value, bool):
        digits = str(int(value))
        if len(digits) in (10, 11):
            return digits.zfill(12), _("Số định danh %(value)s: đã thêm số 0 ở đầu do Excel làm mất.") % {
                "value": digits.zfill(12)
            }
        return digits, ""
    return cell_text(value), ""


def phone_numbers(value) -> tuple[str, str]:
    """(the number kept, note): of several numbers in one cell the first mobile, the others
    named in the note so nobody's number is lost. ValidationError for a number that is not one."""
    pieces = [p for p in _PHONE_SEPARATORS.split(cell_text(value)) if p.strip()]
    numbers = []
    for piece in pieces:
        digits = re.sub(r"\D", "", piece)
        if digits.startswith(_SERVICE):
            raise ValidationError(_("“%(value)s” là số dịch vụ / tổng đài (1900, 1800), không phải số điện thoại "
                                    "của người dân.") % {"value": piece}, code="phone_service")  # fmt: skip
        numbers.append(normalize_phone(piece))
    if not numbers:
        return "", ""
    # Which is a mobile is asked only when there is a choice: parsing a number again for
    # every row of a 50,000-row roster was a tenth of the import's time.
    kept = numbers[0] if len(numbers) == 1 else next((n for n in numbers if phone_is_mobile(n)), numbers[0])
    others = [phone_display(n) for n in numbers if n != kept]
    note = _("Số điện thoại khác: %(numbers)s.") % {"numbers": ", ".join(others)} if others else ""
    return kept, note


def _parse_birth(text: str) -> tuple[datetime.date | None, int | None]:
    today = roster_today()
    if re.fullmatch(r"\d{4}", text):
        year = int(text)
        if not 1900 <= year <= today.year:
            raise ValueError(_("Năm sinh “%(value)s” không hợp lý.") % {"value": text})
        return None, year
    match = _DMY.match(text) or _ISO.match(text)
    if not match:
        raise ValueError(_("Ngày sinh “%(value)s” không đúng dạng dd/mm/yyyy hoặc chỉ năm yyyy.") % {"value": text})
    d, m, y = match.groups() if match.re is _DMY else reversed(match.groups())
    try:
        date = datetime.date(int(y), int(m), int(d))
    except ValueError:
        raise ValueError(_("Ngày sinh “%(value)s” không có thật (ghi ngày trước, tháng sau: dd/mm/yyyy).")
                         % {"value": text}) from None  # fmt: skip
    if not datetime.date(1900, 1, 1) <= date <= today:
        raise ValueError(_("Ngày sinh “%(value)s” không hợp lý.") % {"value": text})
    return date, date.year


def _lookup(table: dict, text: str, what: str, accepted: str):
    key = re.sub(r"[^a-z0-9]", "", search_key(text))
    if key not in table:
        raise ValueError(_("%(what)s “%(value)s” không nhận ra (dùng %(accepted)s).")
                         % {"what": what, "value": text, "accepted": accepted})  # fmt: skip
    return table[key]


def _flag(text: str, column: str) -> bool:
    key = search_key(text)
    if key in _YES or key in _NO:
        return key in _YES
    raise ValueError(_("Cột “%(column)s” ghi “%(value)s”: dùng x / có / 1 hoặc để trống.")
                     % {"column": COLUMNS[column][0], "value": text})  # fmt: skip


CELL_STEPS = {  # field -> its cell to the value set on the resident (phone: with a note)
    "birth": lambda v: _parse_birth(birth_text(v)),
    # The column's name and the accepted values are translated only for a message (lazily).
    "sex": lambda v: _lookup(_SEX, cell_text(v), _l("Giới tính"), _l("Nam / Nữ")),
    "residence_status": lambda v: _lookup(_STATUS, cell_text(v), _l("Tình trạng cư trú"),
                                          _l("thường trú / tạm trú / KT2 / đã chuyển đi / đã mất")),
    "phone": phone_numbers,
    **{flag: (lambda v, flag=flag: _flag(cell_text(v), flag)) for flag in ("elderly_alone", "disabled", "sick")},
}  # fmt: skip
