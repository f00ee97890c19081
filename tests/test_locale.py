"""Vietnamese first, English second: dd/mm/yyyy both ways, 1.234.567,8, weeks from Monday,
and an English catalog that covers every Vietnamese source string."""

import ast
import datetime
import gettext as gnu_gettext
import json
import re
import shutil
import subprocess
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.core.management import call_command
from django.template import Context, Template
from django.template.loader import render_to_string
from django.utils import formats, translation

from tests.e2e import app_files

BASE_DIR = Path(__file__).resolve().parent.parent
CATALOG = BASE_DIR / "locale" / "en" / "LC_MESSAGES"
SOURCE_DIRS = ("households", "outreach", "frontend")
GETTEXT_FUNCTIONS = {"_", "gettext", "gettext_lazy", "gettext_noop", "pgettext", "pgettext_lazy", "ngettext",
                     "ngettext_lazy"}
# The source extensions makemessages reads for the "django" domain.
EXTRACTED = ("*.py", "*.html", "*.txt")


class DateForm(forms.Form):
    day = forms.DateField()
    at = forms.DateTimeField(required=False)


def po_entries(path: Path) -> list[dict]:
    """The entries of a .po file (the header and obsolete "#~" entries left out), each with
    "key" (msgid, or "context\\x04msgid"), "fuzzy" and "msgstrs" (every form of a plural)."""
    entries, current, key = [], {}, None

    def flush():
        if "msgid" in current and current["msgid"]:
            msgid = current["msgid"]
            if "msgctxt" in current:
                msgid = f"{current['msgctxt']}\x04{msgid}"
            forms = [v for k, v in sorted(current.items()) if k.startswith("msgstr")]
            entries.append({"key": msgid, "fuzzy": "fuzzy" in current.get("flags", ""), "msgstrs": forms})
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


def read_po(path: Path) -> dict[str, str]:
    """msgid -> msgstr of a .po file (context entries keyed "context\\x04msgid", plurals by
    their singular and first form, fuzzy entries left out)."""
    return {e["key"]: e["msgstrs"][0] if e["msgstrs"] else "" for e in po_entries(path) if not e["fuzzy"]}


def gettext_names(tree: ast.Module) -> dict[str, str]:
    """The names a module calls the gettext functions by (`gettext_lazy as _l`) -> the function."""
    names = {name: name for name in GETTEXT_FUNCTIONS}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
            for alias in node.names:
                if alias.name in GETTEXT_FUNCTIONS:
                    names[alias.asname or alias.name] = alias.name
    return names


def source_strings() -> dict[str, str]:
    """Every literal handed to gettext in Python, and every {% translate %} and
    {% blocktranslate %} in templates, with where it was found."""
    found = {}
    for directory in SOURCE_DIRS:
        for path in sorted((BASE_DIR / directory).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            names = gettext_names(tree)
            for node in ast.walk(tree):
                if not (isinstance(node, ast.Call) and node.args):
                    continue
                name = names.get(getattr(node.func, "id", None) or getattr(node.func, "attr", None))
                if name is None:
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
                context = re.search(r"\bcontext\s+(\"[^\"]*\"|'[^']*')", match["options"])
                if context:
                    body = f"{context[1][1:-1]}\x04{body}"
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


def test_it_has_an_english_translation_for_every_field_app_string():
    # Read from the JavaScript itself: strings.html may lag behind it (test_fieldapp_assets).
    catalog = {e["key"]: e for e in po_entries(CATALOG / "django.po") if not e["fuzzy"]}
    missing = [s for s in app_files.ui_strings() if not (s in catalog and all(catalog[s]["msgstrs"]))]
    missing += [
        s for s in app_files.plural_strings()
        if not ((entry := catalog.get(f"{app_files.PLURAL_CONTEXT}\x04{s}")) and len(entry["msgstrs"]) == 2
                and all(entry["msgstrs"]))
    ]  # fmt: skip
    assert not missing, f"run `.venv/bin/python -m tests.e2e.app_files` and `make messages`, then translate: {missing}"


class _Strings(HTMLParser):
    """The entries of the rendered strings.html, as i18n.js reads them."""

    def __init__(self):
        super().__init__()
        self.entries, self.inside = [], False

    def handle_starttag(self, tag, attrs):
        if tag == "p":
            self.entries.append({"dataset": {k[5:]: v for k, v in attrs if k.startswith("data-")}, "textContent": ""})
            self.inside = True

    def handle_endtag(self, tag):
        self.inside = False

    def handle_data(self, data):
        if self.inside:
            self.entries[-1]["textContent"] += data


I18N_PROBE = """
const [entries, calls] = JSON.parse(process.argv[1]);
globalThis.document = {documentElement: {lang: "en"}, getElementById: () => ({children: entries})};
const i18n = await import(process.argv[2]);
console.log(JSON.stringify(calls.map(([fn, ...args]) => i18n[fn](...args))));
"""


@pytest.mark.skipif(not shutil.which("node"), reason="needs Node.js to run the field app's i18n.js")
def test_it_counts_visits_in_english_in_the_field_app():
    # The progress screen's "21 lượt đến nhà" read "21 visit"; the labels of a table with no
    # Vietnamese letter ("Sau 19:00") never reached the catalog.
    with translation.override("en"):
        html = render_to_string("fieldapp/strings.html")
    parser = _Strings()
    parser.feed(html)
    calls = [["tn", "lượt đến nhà", 21], ["tn", "lượt đến nhà", 1], ["tn", "{n} lượt", 21, {"n": "21"}],
             ["tn", "{n} lượt", 1, {"n": "1"}], ["t", "Sau 19:00"], ["t", "Xong"], ["mark", "Xong"]]  # fmt: skip
    out = subprocess.run(
        ["node", "--input-type=module", "-e", I18N_PROBE, json.dumps([parser.entries, calls]),
         (app_files.STATIC / "i18n.js").as_uri()],
        capture_output=True, text=True, check=True, timeout=20,
    )  # fmt: skip
    assert json.loads(out.stdout) == ["visits", "visit", "21 visits", "1 visit", "After 19:00", "Done", "Xong"]


def test_it_leaves_nothing_to_translate_after_makemessages(tmp_path, settings, monkeypatch):
    """What `make messages` would find: a copy of the sources and the catalog, extracted by
    the project's own makemessages (which also reads `_l`); every entry it leaves, new or
    merged, has an English translation that is not fuzzy, in every plural form."""
    for directory in SOURCE_DIRS:
        for pattern in EXTRACTED:
            for path in (BASE_DIR / directory).rglob(pattern):
                target = tmp_path / path.relative_to(BASE_DIR)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, target)
    shutil.copytree(BASE_DIR / "locale", tmp_path / "locale")
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    monkeypatch.chdir(tmp_path)
    call_command("makemessages", locale=["en"], verbosity=0)
    entries = po_entries(tmp_path / "locale" / "en" / "LC_MESSAGES" / "django.po")
    assert any(e["key"] == "Đăng nhập" for e in entries)
    untranslated = [e["key"] for e in entries if e["fuzzy"] or not all(e["msgstrs"])]
    assert not untranslated, (
        "untranslated after `make messages` (fill them in locale/en/LC_MESSAGES/django.po, drop the "
        f"“#, fuzzy” flags, then compilemessages): {untranslated}"
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


def test_it_names_every_admin_model_in_both_languages():
    """The admin's index lists each registered model by its verbose name: a model without a
    Vietnamese verbose_name shows Django's English default ("Household states", "Auth Token")
    to everyone, and one missing from the catalog shows Vietnamese in the English admin."""
    from django.contrib import admin

    untranslated = []
    for model in admin.site._registry:
        with translation.override("vi"):
            vi = str(model._meta.verbose_name_plural)
        with translation.override("en"):
            en = str(model._meta.verbose_name_plural)
        if vi == en:
            untranslated.append(f"{model._meta.label}: {vi}")
    assert not untranslated
