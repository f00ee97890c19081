"""Vietnamese first, English second: dd/mm/yyyy both ways, 1.234.567,8, weeks from Monday,
and an English catalog that covers every Vietnamese source string."""

import ast
import datetime
import gettext as gnu_gettext
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.template import Context, Template
from django.utils import formats, translation

BASE_DIR = Path(__file__).resolve().parent.parent
CATALOG = BASE_DIR / "locale" / "en" / "LC_MESSAGES"
SOURCE_DIRS = ("households", "outreach", "frontend")
GETTEXT_FUNCTIONS = {"_", "gettext", "gettext_lazy", "gettext_noop", "pgettext", "pgettext_lazy"}


class DateForm(forms.Form):
    day = forms.DateField()
    at = forms.DateTimeField(required=False)


def read_po(path: Path) -> dict[str, str]:
    """msgid -> msgstr of a .po file, enough of the format for Django's own output (context
    entries keyed "context\\x04msgid", plurals by their singular, fuzzy entries left out)."""
    entries, current, key = {}, {}, None

    def flush():
        if "msgid" in current and current["msgid"] and "fuzzy" not in current.get("flags", ""):
            msgid = current["msgid"]
            if "msgctxt" in current:
                msgid = f"{current['msgctxt']}\x04{msgid}"
            entries[msgid] = current.get("msgstr", current.get("msgstr[0]", ""))
        current.clear()

    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip() or (line.startswith(("#", "msgid ", "msgctxt ")) and any(k.startswith("msgstr") for k in current)):
            flush()
        if line.startswith("#,"):
            current["flags"] = line
        match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) (".*")$', line)
        if match:
            key = match[1]
            current[key] = ast.literal_eval(match[2])
        elif line.startswith('"') and key:
            current[key] += ast.literal_eval(line)
    return entries


def source_strings() -> dict[str, str]:
    """Every literal handed to gettext in Python, and every {% translate %} and
    {% blocktranslate %} in templates, with where it was found."""
    found = {}
    for directory in SOURCE_DIRS:
        for path in sorted((BASE_DIR / directory).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not (isinstance(node, ast.Call) and node.args):
                    continue
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if name not in GETTEXT_FUNCTIONS:
                    continue
                args = node.args[1:] if name.startswith("pgettext") else node.args
                if args and isinstance(args[0], ast.Constant) and isinstance(args[0].value, str):
                    msgid = args[0].value
                    if name.startswith("pgettext") and isinstance(node.args[0], ast.Constant):
                        msgid = f"{node.args[0].value}\x04{msgid}"
                    found.setdefault(msgid, f"{path.relative_to(BASE_DIR)}:{node.lineno}")
        for path in sorted((BASE_DIR / directory).rglob("*.html")):
            text = path.read_text(encoding="utf-8")
            for match in re.finditer(r"{%\s*(?:translate|trans)\s+(\"[^\"]*\"|'[^']*')", text):
                # makemessages stores a literal % of {% translate %} doubled, as Django looks it up.
                found.setdefault(match[1][1:-1].replace("%", "%%"), str(path.relative_to(BASE_DIR)))
            for match in re.finditer(
                r"{%\s*blocktrans(?:late)?\b(?P<options>[^%]*)%}(?P<body>.*?){%\s*(?:plural|endblocktrans(?:late)?)\s*%}",
                text,
                re.DOTALL,
            ):
                body = match["body"]
                if "trimmed" in match["options"]:
                    body = " ".join(line.strip() for line in body.strip().splitlines() if line.strip())
                body = re.sub(r"{{\s*(\w+)\s*}}", r"%(\1)s", body.replace("%", "%%"))
                body = body.replace("%%(", "%(")
                found.setdefault(body, str(path.relative_to(BASE_DIR)))
    return found


# ---------------------------------------------------------------- language


def test_it_speaks_vietnamese_by_default():
    assert settings.LANGUAGE_CODE == "vi"
    assert [code for code, _name in settings.LANGUAGES] == ["vi", "en"]


def test_it_serves_the_login_page_in_vietnamese_without_a_preference(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert 'lang="vi"' in response.content.decode()
    assert "Đăng nhập" in response.content.decode()


@pytest.mark.parametrize("header", ["en", "en-US,en;q=0.9", "en-GB"])
def test_it_serves_the_login_page_in_english_on_request(client, header):
    content = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE=header).content.decode()
    assert 'lang="en"' in content
    assert "<h1>Log in</h1>" in content
    assert "Username" in content and "Password" in content
    assert "Đăng nhập" not in content


def test_it_falls_back_to_vietnamese_for_other_languages(client):
    content = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9").content.decode()
    assert "<h1>Đăng nhập</h1>" in content


def test_it_translates_model_labels_for_the_admin():
    from households.models import Resident

    with translation.override("en"):
        assert str(Resident._meta.verbose_name) == "resident"
        assert str(Resident._meta.get_field("id_number").verbose_name) == "ID number"
    with translation.override("vi"):
        assert str(Resident._meta.verbose_name) == "nhân khẩu"


# ---------------------------------------------------------------- the catalog


def test_it_ships_the_english_catalog_source_and_compiled():
    assert (CATALOG / "django.po").exists()
    assert (CATALOG / "django.mo").exists()
    assert read_po(CATALOG / "django.po")["Đăng nhập"] == "Log in"


def test_it_translates_every_entry_of_the_english_catalog():
    untranslated = [msgid for msgid, msgstr in read_po(CATALOG / "django.po").items() if not msgstr]
    assert not untranslated


def test_it_compiled_the_catalog_after_the_last_edit():
    # A .po edited without `compilemessages` changes nothing at run time.
    with (CATALOG / "django.mo").open("rb") as handle:
        compiled = gnu_gettext.GNUTranslations(handle)
    stale = {msgid: msgstr for msgid, msgstr in read_po(CATALOG / "django.po").items() if compiled.gettext(msgid) != msgstr}
    assert not stale, "run: .venv/bin/python manage.py compilemessages -l en --ignore=.venv"


def test_it_has_an_english_translation_for_every_source_string():
    catalog = read_po(CATALOG / "django.po")
    missing = {msgid: where for msgid, where in source_strings().items() if not catalog.get(msgid)}
    assert not missing, (
        "new Vietnamese strings without English: run `.venv/bin/python manage.py makemessages -l en "
        f"--ignore=.venv`, fill in locale/en/LC_MESSAGES/django.po and compilemessages: {missing}"
    )


def test_it_keeps_the_placeholders_in_translations():
    for msgid, msgstr in read_po(CATALOG / "django.po").items():
        assert sorted(re.findall(r"%\(\w+\)[sd]", msgid)) == sorted(re.findall(r"%\(\w+\)[sd]", msgstr)), msgid


# ---------------------------------------------------------------- formats


@pytest.mark.parametrize("language", ["vi", "en"])
def test_it_reads_dates_day_first(language):
    with translation.override(language):
        form = DateForm({"day": "25/07/2025", "at": "25/07/2025 14:30"})
        assert form.is_valid(), form.errors
    assert form.cleaned_data["day"] == datetime.date(2025, 7, 25)
    assert form.cleaned_data["at"].replace(tzinfo=None) == datetime.datetime(2025, 7, 25, 14, 30)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_it_rejects_month_first_dates(language):
    with translation.override(language):
        form = DateForm({"day": "07/25/2025"})
        assert not form.is_valid()
        assert "day" in form.errors


@pytest.mark.parametrize("language", ["vi", "en"])
def test_it_reads_an_ambiguous_date_day_first(language):
    with translation.override(language):
        form = DateForm({"day": "03/04/2025"})
        assert form.is_valid()
    assert form.cleaned_data["day"] == datetime.date(2025, 4, 3)


def test_it_also_reads_iso_dates_from_date_inputs():
    with translation.override("vi"):
        form = DateForm({"day": "2025-07-25"})
        assert form.is_valid()
    assert form.cleaned_data["day"] == datetime.date(2025, 7, 25)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_it_writes_dates_day_first(language):
    with translation.override(language):
        assert formats.date_format(datetime.date(2025, 7, 25)) == "25/07/2025"
        assert formats.date_format(datetime.date(2025, 7, 25), "SHORT_DATE_FORMAT") == "25/07/2025"
        assert formats.localize(datetime.date(2025, 7, 5)) == "05/07/2025"
        assert formats.date_format(datetime.datetime(2025, 7, 25, 8, 5), "DATETIME_FORMAT") == "08:05 25/07/2025"


def test_it_writes_vietnamese_numbers_with_dot_thousands_and_comma_decimals():
    with translation.override("vi"):
        assert formats.number_format(1234567.8, use_l10n=True) == "1.234.567,8"
        assert formats.number_format(Decimal("1633225"), use_l10n=True) == "1.633.225"
        assert formats.localize(1234567.8) == "1.234.567,8"
        assert Template("{{ n }}").render(Context({"n": 1234567.8})) == "1.234.567,8"


def test_it_writes_english_numbers_with_comma_thousands():
    with translation.override("en"):
        assert formats.number_format(1234567.8, use_l10n=True) == "1,234,567.8"


@pytest.mark.parametrize("language", ["vi", "en"])
def test_it_starts_the_week_on_monday(language):
    with translation.override(language):
        assert formats.get_format("FIRST_DAY_OF_WEEK") == 1
