"""Schemathesis against the OpenAPI document of /api/schema/ (issue 14, item 5): every
operation, with bounded examples, answers no 5xx and, for the sync protocol, exactly what the
document says; after every push that stored something, the team's next pull, full and from
the cursor before the push, still answers 200 in the documented shape. Under the sync
contract a 5xx means "retry", so a single one jams a phone's outbox for good.

The document is built in-process, as the /api/schema/ view builds it, and every request
goes through Django's test client as field member alice of tests/fixtures.py, inside the
test's transaction: so the same test runs on SQLite under make test and on PostgreSQL under
make test-services. Each example is rolled back (every one starts from the same world and a
failure replays), examples are derandomized (the same ones every run) and bounded: the
coverage phase's boundary cases, which the document fixes, and MAX_EXAMPLES generated ones.
"""

import datetime
import gzip
import json
import time
from urllib.parse import urlsplit

import requests
import schemathesis
from django.db import transaction
from django.test import Client
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.transport import Response
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from outreach.campaigns.codes import SEEDED_CODES
from outreach.sync import items

from .sync_helpers import DEVICE_TIME, client_for

MAX_EXAMPLES = 30  # per operation, in each of the positive and negative modes of the fuzzing phase
SERVER_ERRORS = [not_a_server_error]
AS_DOCUMENTED = [status_code_conformance, content_type_conformance, response_schema_conformance]
# Operations answered without a 5xx but not yet as their document says; each is another
# engineer's view (the device tokens replacing DRF's authtoken, issue 14), documented only
# with its 2xx so far. Drop a line here once its error answers are in the document.
NOT_YET_AS_DOCUMENTED: dict[str, str] = {}  # operation label -> why only server errors are checked


def _document() -> dict:
    """The document /api/schema/ serves, built as that view builds it, at collection time:
    before any test database exists, which a request through the middleware could touch."""
    document = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(document, renderer_context={}))


# Not the schema endpoint itself: drf-spectacular's view, whose 404 for an unknown ?format=
# its own document does not list; tests/test_api_schema.py checks what it serves.
schema = schemathesis.openapi.from_dict(_document(), config=schemathesis.Config()).exclude(path="/api/schema/")
PULL = schema["/api/v1/sync/pull"]["GET"]
CODES = {scope: [code for code, code_scope, *_ in SEEDED_CODES if code_scope == scope]
         for scope in ("household", "resident", "reason")}  # fmt: skip


def _send(client: Client, case) -> Response:
    """The case's request through Django's test client, answered as schemathesis reads it."""
    request = requests.Request(**case.as_transport_kwargs(base_url="http://testserver")).prepare()
    url = urlsplit(request.url)
    headers = {k: v for k, v in request.headers.items() if k.lower() not in ("content-type", "content-length", "cookie")}
    started = time.perf_counter()
    answer = client.generic(request.method, url.path, data=request.body or b"", QUERY_STRING=url.query,
                            content_type=request.headers.get("Content-Type", ""), headers=headers)  # fmt: skip
    content, headers = answer.content, {name: [value] for name, value in answer.items()}
    if headers.pop("Content-Encoding", None) == ["gzip"]:  # GZipMiddleware: decoded, as any HTTP client does
        content = gzip.decompress(content)
    return Response(status_code=answer.status_code, headers=headers, content=content, request=request,
                    elapsed=time.perf_counter() - started, verify=False)  # fmt: skip


def _call(client: Client, case) -> Response:
    response = _send(client, case)
    checks = SERVER_ERRORS if case.operation.label in NOT_YET_AS_DOCUMENTED else SERVER_ERRORS + AS_DOCUMENTED
    case.validate_response(response, checks=checks)
    return response


def _pull(client: Client, cursor: str | None = None) -> dict:
    """The team's next pull: 200, in the documented shape."""
    response = _call(client, PULL.Case(query={"cursor": cursor} if cursor else {}))
    assert response.status_code == 200, response.content[:500]
    return response.json()


def _once(world, name: str, make):
    """A value made on an operation's first example and kept on the world for the others."""
    if name not in world.__dict__:
        world.__dict__[name] = make()
    return world.__dict__[name]


def _plausible(value) -> bool:
    """A time the parser takes (items.py): between 2000 and now, with an offset."""
    try:
        parsed = datetime.datetime.fromisoformat(value)
        return parsed.tzinfo is not None and items.EARLIEST_TIME <= parsed <= timezone.now()
    except (TypeError, ValueError, OverflowError):
        return False


def _aim_at_the_world(body, world) -> None:
    """Point three in four generated visits at alice's campaign, households, residents, turf
    and real codes, with a time the parser takes, so that they get past the lookups into the
    writes (generated ids and codes are almost never real, and nearly every generated time
    lies outside 2000 to now). Text, coordinates, new households and residents, UUIDs and the
    fourth visit stay as generated."""
    visits = body.get("visits") if isinstance(body, dict) else None
    for n, item in enumerate(visits if isinstance(visits, list) else []):
        if not isinstance(item, dict) or n % 4 == 3:
            continue
        household = world.households_a[n % len(world.households_a)]
        item.update(campaign=world.campaign.id, outcome=CODES["household"][n % len(CODES["household"])])
        if isinstance(item.get("new_household"), dict):
            item["new_household"]["turf"] = world.turf_a.id
            item.update(household=None, household_uuid=None)
        else:
            item.update(household=household.id, household_uuid=None, new_household=None)
        if not _plausible(item.get("device_time")):
            item["device_time"] = DEVICE_TIME
        if item.get("revisit_after") is not None and not _plausible(item["revisit_after"]):
            item["revisit_after"] = None
        residents = item.get("residents")
        for m, part in enumerate(residents if isinstance(residents, list) else []):
            if not isinstance(part, dict):
                continue
            part["outcome"] = CODES["resident"][(n + m) % len(CODES["resident"])]
            if part.get("reason") is not None:
                part["reason"] = CODES["reason"][m % len(CODES["reason"])]
            if isinstance(part.get("resident"), int) and item["household"]:
                part["resident"] = world.residents_of[household.id][m % 3]


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much, HealthCheck.data_too_large])  # fmt: skip
def test_it_answers_every_operation_without_a_5xx_and_as_documented(case, world):
    # One signed-in client for all examples: its session row is made outside every example's
    # rollback, and a login per example would double the run.
    client = _once(world, "fuzz_client", lambda: client_for(world.alice))
    if case.operation.path == "/api/v1/sync/push" and case.meta.generation.mode.value == "positive":
        _once(world, "residents_of", lambda: {h.id: list(h.residents.values_list("id", flat=True))
                                              for h in world.households_a})  # fmt: skip
        _aim_at_the_world(case.body, world)
    with transaction.atomic():
        # Every example starts from the same world (the last one was rolled back), so the
        # cursor a phone held before the push is the same each time: read it once.
        before = _once(world, "fuzz_cursor", lambda: _pull(client)["cursor"])
        response = _call(client, case)
        # The coverage phase also sends the other methods (OPTIONS answers 200 with DRF's metadata).
        stored = case.operation.label == case.method + " /api/v1/sync/push" and response.status_code == 200 and any(
            result["status"] == "accepted" for result in response.json()["results"])  # fmt: skip
        if stored:
            _pull(client)
            _pull(client, before)
        transaction.set_rollback(True)
