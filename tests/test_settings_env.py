"""The settings' environment helpers: a yes/no variable takes the usual spellings and refuses
anything else, so that a typo in .env (HTTPS=Ture) stops the start instead of silently
turning secure cookies off."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from outreach.config.settings import envbool


@pytest.mark.parametrize(
    "value, expected",
    [
        ("1", True), ("true", True), ("True", True), ("TRUE", True), ("yes", True), ("Yes", True), ("on", True),
        ("ON", True), (" true \n", True),
        ("0", False), ("false", False), ("False", False), ("no", False), ("NO", False), ("off", False),
        ("Off", False), ("  0 ", False),
    ],
)  # fmt: skip
def test_it_reads_the_usual_spellings_of_yes_and_no(monkeypatch, value, expected):
    monkeypatch.setenv("HTTPS", value)
    assert envbool("HTTPS", "False") is expected
    assert envbool("HTTPS", "True") is expected


@pytest.mark.parametrize("default, expected", [("True", True), ("False", False)])
def test_it_takes_the_default_when_the_variable_is_unset_or_empty(monkeypatch, default, expected):
    monkeypatch.delenv("HTTPS", raising=False)
    assert envbool("HTTPS", default) is expected
    for empty in ("", "   "):
        monkeypatch.setenv("HTTPS", empty)
        assert envbool("HTTPS", default) is expected


@pytest.mark.parametrize("value", ["Ture", "flase", "y", "2", "enabled", "true!"])
def test_it_refuses_a_value_it_does_not_know_naming_the_variable_and_the_value(monkeypatch, value):
    monkeypatch.setenv("HTTPS", value)
    with pytest.raises(ImproperlyConfigured) as refused:
        envbool("HTTPS", "False")
    assert "HTTPS" in str(refused.value) and repr(value) in str(refused.value)
