"""The field app shows phone numbers as the reports do (phonenumbers' NATIONAL format):
text.js's port, run with node, against the Python library over a list of Vietnamese
numbers of every kind."""

import json
import shutil
import subprocess
from pathlib import Path

import phonenumbers
import pytest

TEXT_JS = Path(__file__).resolve().parents[1] / "frontend" / "static" / "fieldapp" / "text.js"

NUMBERS = [
    "+84974363407", "+84912345678", "+84869123456", "+84590384083", "+84321234567", "+84701234567",
    "+84812345678", "+84999123456", "+842438221234", "+842838221234", "+842363821234", "+842053821234",
    "+842973821234", "+841800123456", "+8418001234", "+841900123456", "+8419001234", "+84799123",
    "+841991234", "+846912345", "+8469123456", "+84621234567", "+84123456789", "+841201234",
    "+84236382123", "+8424382212", "+84",
]  # fmt: skip


def national(number: str) -> str:
    return phonenumbers.format_number(phonenumbers.parse(number), phonenumbers.PhoneNumberFormat.NATIONAL)


def run_js(numbers: list[str]) -> dict:
    if not shutil.which("node"):
        pytest.skip("node is not installed")
    script = (
        "const src = require('fs').readFileSync(process.argv[1], 'utf8');"
        "import('data:text/javascript,' + encodeURIComponent(src)).then((m) => {"
        "  const out = {}; for (const n of JSON.parse(process.argv[2])) out[n] = [m.phoneNational(n), m.telHref(n)];"
        "  console.log(JSON.stringify(out)); });"
    )
    done = subprocess.run(["node", "-e", script, str(TEXT_JS), json.dumps(numbers)], capture_output=True, text=True,
                          check=True, timeout=30)  # fmt: skip
    return json.loads(done.stdout)


def test_it_formats_phones_as_phonenumbers_national():
    numbers = [n for n in NUMBERS if n != "+84"]
    shown = run_js(numbers)
    assert {n: shown[n][0] for n in numbers} == {n: national(n) for n in numbers}


def test_it_shows_the_examples_of_the_issue_and_links_them_for_calling():
    shown = run_js(["+84974363407", "+842438221234", "+84590384083", "0974363407"])
    assert shown["+84974363407"] == ["0974 363 407", "tel:+84974363407"]
    assert shown["+842438221234"] == ["024 3822 1234", "tel:+842438221234"]
    assert shown["+84590384083"] == ["0590 384 083", "tel:+84590384083"]
    assert shown["0974363407"] == ["0974 363 407", "tel:+84974363407"]
