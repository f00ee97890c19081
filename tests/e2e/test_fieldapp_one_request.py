"""A sync with nothing to send is one request (issue 17): the pull, whose answer says whose
session it is. With visits waiting the app still asks the session first, so that one
person's visits never go under another's session."""

import pytest

from outreach.models import Visit
from tests.fixtures import build_world

pytestmark = pytest.mark.browser


def requests_of_a_sync(phone) -> list[str]:
    seen = []
    listener = lambda request: seen.append(request.url.split("?")[0].split("/", 3)[-1])  # noqa: E731
    phone.page.on("request", listener)
    phone.page.evaluate("() => { document.documentElement.dataset.sync = 'waiting' }")
    phone.page.click("#sync")
    phone.page.wait_for_function("() => document.documentElement.dataset.sync === 'idle'")
    phone.page.remove_listener("request", listener)
    return [url for url in seen if url.startswith(("api/", "app/session"))]


def test_a_sync_with_nothing_to_send_is_one_pull(transactional_db, live_server, phone):
    world = build_world(households_per_turf=3)
    phone.sign_in("alice")
    assert requests_of_a_sync(phone) == ["api/v1/sync/pull"]

    phone.offline()
    phone.record_visit(world.households_a[0].id, outcome="refused")
    phone.offline(False)
    phone.wait_queue_empty()
    assert Visit.objects.count() == 1
    # Nothing waits again: one request again.
    assert requests_of_a_sync(phone) == ["api/v1/sync/pull"]


def test_a_pull_for_another_persons_session_replaces_the_turfs(transactional_db, live_server, phone):
    world = build_world(households_per_turf=3)
    phone.sign_in("alice")
    alice_list = phone.page.inner_text("#walk")
    # Someone else signs in on this phone (in another tab, say): the next sync's pull is theirs.
    phone.page.goto(f"{live_server.url}/accounts/login/")
    phone.page.fill("input[name=username]", "carol")
    phone.page.fill("input[name=password]", "matkhau-123")
    phone.page.click("button[type=submit]")
    phone.start()
    phone.page.wait_for_function("() => document.documentElement.dataset.sync === 'idle'")
    phone.page.wait_for_selector(".walk li a")
    assert phone.page.evaluate("async () => (await self.TN.db.getMeta(['dataOwner'])).dataOwner") == "carol"
    assert phone.page.inner_text("#walk") != alice_list
    assert world.households_b[0].street in phone.page.inner_text("#walk")
