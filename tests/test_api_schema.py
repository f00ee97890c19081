"""The OpenAPI document at /api/schema/ says what the sync views really do (issue 14, item 5):
it validates without a warning, the push takes JSON only, every answer a view can give is
listed with its error codes, and the ranges are the parser's."""

import json

import pytest
from django.core.management import call_command

from outreach.sync import errors, items, pull, push

from .sync_helpers import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(world) -> dict:
    response = client_for(world.alice).get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return json.loads(response.content)


def _component(document: dict, ref_or_schema: dict) -> dict:
    while "$ref" in ref_or_schema or "allOf" in ref_or_schema:
        ref = ref_or_schema["$ref"] if "$ref" in ref_or_schema else ref_or_schema["allOf"][0]["$ref"]
        ref_or_schema = document["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    return ref_or_schema


def _codes(document: dict, response: dict) -> list[str]:
    """The error codes a documented refusal may carry (each alternative of a oneOf)."""
    body = _component(document, response["content"]["application/json"]["schema"])
    codes = []
    for alternative in body.get("oneOf", [body]):
        alternative = _component(document, alternative)
        if "error" in alternative["properties"]:
            error = _component(document, alternative["properties"]["error"])
            codes += _component(document, error["properties"]["code"])["enum"]
    return codes


def test_it_validates_without_warnings(tmp_path):
    # drf-spectacular's own gate: the OpenAPI 3 meta-schema, and every warning an error.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    assert (tmp_path / "schema.yaml").read_text().startswith("openapi: 3")


def test_it_documents_the_push_as_json_only_and_a_multipart_push_is_refused(world, document):
    push_operation = document["paths"]["/api/v1/sync/push"]["post"]
    assert list(push_operation["requestBody"]["content"]) == ["application/json"]
    response = client_for(world.alice).post("/api/v1/sync/push", {"visits": "[]"})  # multipart/form-data
    assert response.status_code == 400 and response.json()["error"]["code"] == "malformed_json"


def test_it_lists_every_answer_of_the_sync_views_with_its_codes(document):
    paths = document["paths"]
    push_answers = paths["/api/v1/sync/push"]["post"]["responses"]
    pull_answers = paths["/api/v1/sync/pull"]["get"]["responses"]
    assert sorted(push_answers) == ["200", "400", "401", "403", "413", "503"]
    assert sorted(pull_answers) == ["200", "400", "401", "403", "404", "410", "503"]
    assert _codes(document, pull_answers["410"]) == list(errors.PULL_GONE)
    assert _codes(document, push_answers["400"]) == list(errors.PUSH_BAD_REQUEST)
    assert _codes(document, push_answers["413"]) == list(errors.PUSH_TOO_LARGE)
    assert _codes(document, pull_answers["400"]) == list(errors.PULL_BAD_REQUEST)
    assert _codes(document, pull_answers["404"]) == list(errors.PULL_NOT_FOUND)
    for answers in (push_answers, pull_answers):
        assert _codes(document, answers["401"]) == _codes(document, answers["403"]) == list(errors.SIGNED_OUT)
        assert _codes(document, answers["503"]) == ["unavailable"]
    item = document["components"]["schemas"]["ItemResult"]["properties"]
    assert _component(document, item["code"])["enum"] == list(errors.ITEM_CODES)
    assert _component(document, item["status"])["enum"] == ["accepted", "duplicate", "rejected"]


def test_it_publishes_the_parsers_formats_and_ranges(document):
    schemas = document["components"]["schemas"]
    visit = schemas["PushVisit"]["properties"]
    for name in ("campaign", "household"):
        assert (visit[name]["format"], visit[name]["minimum"], visit[name]["maximum"]) == ("int64", 1, items.MAX_ID)
    assert schemas["ResidentOutcome"]["properties"]["resident"]["maximum"] == items.MAX_ID
    assert schemas["NewHousehold"]["properties"]["turf"]["maximum"] == items.MAX_ID
    assert visit["device_time"]["format"] == visit["revisit_after"]["format"] == "date-time"
    assert (visit["latitude"]["minimum"], visit["latitude"]["maximum"]) == (-90, 90)
    assert (visit["longitude"]["minimum"], visit["longitude"]["maximum"]) == (-180, 180)
    assert (visit["note"]["maxLength"], visit["revisit_note"]["maxLength"]) == (items.NOTE_LENGTH,
                                                                                items.REVISIT_NOTE_LENGTH)
    assert visit["residents"]["maxItems"] == items.MAX_RESIDENTS
    assert schemas["PushRequest"]["properties"]["visits"]["maxItems"] == push.MAX_ITEMS
    parameters = {p["name"]: p["schema"] for p in document["paths"]["/api/v1/sync/pull"]["get"]["parameters"]}
    assert parameters["campaign"] == {"type": "integer", "format": "int64", "minimum": 1, "maximum": items.MAX_ID}
    assert parameters["cursor"]["pattern"] == pull.CURSOR_PATTERN


def test_it_publishes_the_cursor_pattern_the_pull_parses():
    import re

    pattern = re.compile(pull.CURSOR_PATTERN)
    for cursor in ("x.0.0", "x.123.4", "g.12.0.3400", f"x.{items.MAX_ID}.{items.MAX_ID}"):
        assert pattern.match(cursor) and pull.Cursor.parse(cursor) is not None
    for cursor in ("c.0", "c.123", "f.12.3400"):  # the old protocol's: well-formed, expired
        assert pattern.match(cursor)
        with pytest.raises(pull.CursorExpired):
            pull.Cursor.parse(cursor)
    for cursor in ("x.-1.0", "x.٥.0", "y.1.2", "x.1", "g.1.2", "c.1.2", "x.1." + "1" * 20):
        assert not pattern.match(cursor)
        with pytest.raises(pull.BadCursor):
            pull.Cursor.parse(cursor)
