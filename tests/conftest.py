"""Shared fixtures: a small commune with named users, and the rules for suites that need
real servers (skip when absent, fail when TUNGNHA_REQUIRE_SERVICES=1, as in CI)."""

import os

import pytest
from django.db import connection

REQUIRE_SERVICES = os.environ.get("TUNGNHA_REQUIRE_SERVICES", "").lower() in {"1", "true", "yes"}


def missing_service(reason: str):
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (TUNGNHA_REQUIRE_SERVICES=1 makes this a failure)")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _service_markers(request):
    if request.node.get_closest_marker("postgres") and connection.vendor != "postgresql":
        if REQUIRE_SERVICES:
            pytest.fail("this test needs PostgreSQL: set DATABASE_URL=postgres://...")
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The default hasher costs ~0.3 s per user on these machines; tests make dozens.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


pytest_plugins = ["tests.fixtures"]
