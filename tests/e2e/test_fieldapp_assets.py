"""The field app's pieces that a browser test would find only by failing offline: every
static file precached by the service worker, every UI string in the translation template,
the shell page set up for the service worker and the CSRF cookie; and the JavaScript ports
of the ID number rules and the search key agreeing with the Python originals."""

import json
import re

import pytest
from django.test import Client

from households.idnumber import validate_id_number
from households.text import search_key
from tests.fixtures import build_world

from .app_files import STATIC, STRINGS_HTML, WORKER, content_hash, render, worker_version


def test_it_precaches_every_static_file_of_the_app():
    text = WORKER.read_text(encoding="utf-8")
    listed = set(re.findall(r'"([\w-]+\.(?:js|css|png))"', text[text.index("const ASSETS") : text.index("importScripts")]))
    on_disk = {p.name for p in STATIC.iterdir() if p.is_file()}
    assert listed == on_disk


def test_it_preloads_every_module_the_app_imports(world):
    # Without the preload the browser finds each level of imports one round trip later.
    imports, todo = set(), ["app.js"]
    while todo:
        for name in re.findall(r'^import (?:[^"]*? from )?"\./([\w-]+\.js)";', (STATIC / todo.pop()).read_text(), re.M):
            if name not in imports:
                imports.add(name)
                todo.append(name)
    client = Client()
    client.force_login(world.alice)
    html = client.get("/app/").content.decode()
    assert set(re.findall(r'<link rel="modulepreload" href="/static/fieldapp/([\w-]+\.js)">', html)) == imports
    assert "{#" not in html and "#}" not in html  # a template comment left as text


def test_it_has_every_ui_string_in_the_translation_template():
    assert STRINGS_HTML.read_text(encoding="utf-8") == render(), "run: python -m tests.e2e.app_files"


def test_it_names_a_new_release_whenever_the_app_changes():
    # Phones run the app from the service worker's cache: only a new VERSION reaches them.
    name, stamped = worker_version()
    assert name and stamped == content_hash(), "the app changed: run python -m tests.e2e.app_files"


def test_it_serves_the_shell_signed_in_only_with_the_csrf_cookie(world):
    assert Client().get("/app/").status_code == 302
    client = Client()
    client.force_login(world.alice)
    response = client.get("/app/")
    assert response.status_code == 200
    assert "csrftoken" in response.cookies
    assert "no-cache" in response["Cache-Control"]
    html = response.content.decode()
    assert '<script type="module" src="/static/fieldapp/app.js">' in html
    assert 'id="strings"' not in html  # Vietnamese needs no catalog


def test_it_sends_the_english_catalog_when_the_language_is_english(world):
    client = Client()
    client.force_login(world.alice)
    client.post("/i18n/setlang/", {"language": "en", "next": "/app/"})
    html = client.get("/app/").content.decode()
    assert '<html lang="en">' in html and 'data-vi="Đã lưu trên máy"' in html


def test_it_tells_the_app_who_is_signed_in(world):
    assert Client().get("/app/session").status_code == 401
    client = Client()
    client.force_login(world.alice)
    assert client.get("/app/session").json() == {"signed_in": True, "username": "alice", "name": "Alice"}


ID_CASES = [
    ("001090012345", None, None), ("001190012345", 1990, "F"), ("001203012345", 2003, "M"), (" 001 090 012 345 ", None, None),
    ("001.090.012.345", None, None), ("01090012345", None, None), ("1090012345", None, None), ("12345", None, None),
    ("0010900123456", None, None), ("003090012345", None, None), ("001090012345", 1991, None),
    ("001090012345", 1990, "F"), ("00109001234a", None, None), ("079203001234", 2003, "M"), ("096399000001", 2099, "F"),
]  # fmt: skip


def python_code(value, birth_year, sex):
    try:
        validate_id_number(value, birth_year=birth_year, sex=sex)
        return "ok"
    except Exception as exc:  # noqa: BLE001 - the code is what is compared
        return exc.code


SEARCH_CASES = ["Nguyễn Văn Đức", "Trần Thị Hoà", "Trần Thị Hòa", "ĐỘI CẤN", "  Ngõ   12  ", "Lê Thị Thu Hà", "Ðặng"]


@pytest.mark.browser
def test_the_javascript_ports_agree_with_the_python_rules(transactional_db, live_server, phone):
    build_world(households_per_turf=1)
    phone.sign_in("alice")
    js = phone.page.evaluate(
        """async ([ids, words]) => {
            const { checkIdNumber } = await import('/static/fieldapp/idnumber.js');
            const { searchKey } = await import('/static/fieldapp/text.js');
            return { ids: ids.map(([v, y, s]) => { const r = checkIdNumber(v, { birthYear: y, sex: s });
                                                    return r.ok ? 'ok' : r.code; }),
                     words: words.map(searchKey) };
        }""",
        [ID_CASES, SEARCH_CASES],
    )
    assert js["ids"] == [python_code(*case) for case in ID_CASES]
    assert js["words"] == [search_key(w) for w in SEARCH_CASES]
    assert json.dumps(js)  # plain data came back
