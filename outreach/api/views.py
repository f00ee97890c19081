"""HTTP face of the sync protocol (docs/sync-protocol.md). Thin: parse, call one service."""

import json

from django.db import InterfaceError, OperationalError
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import AuthenticationFailed, NotAuthenticated
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView, exception_handler

from ..sync.errors import error_body
from ..sync.pull import PullRefused, pull_request_parse, sync_pull
from ..sync.push import MAX_ITEMS, sync_push
from ..audit.services import audit_pull
from . import schema

MAX_PUSH_BYTES = 2 * 1024 * 1024


def api_exception_handler(exc, context):
    """Only a transient failure answers 5xx, so the phone retries that and nothing else."""
    if isinstance(exc, (OperationalError, InterfaceError)):
        return Response({"error": error_body("unavailable")}, status=503, headers={"Retry-After": "30"})
    response = exception_handler(exc, context)
    if isinstance(exc, (NotAuthenticated, AuthenticationFailed)):
        # DRF's status and headers, our bilingual body (its own "detail" is English only).
        response.data = {"error": error_body("bad_token" if isinstance(exc, AuthenticationFailed) else "not_signed_in")}
    return response


def _refuse(code: str, http_status: int, **params) -> Response:
    return Response({"error": error_body(code, **params)}, status=http_status)


class PushView(APIView):
    # Only what the document should say: post() reads request.body itself and never
    # request.data, so DRF's form and multipart parsers would be documented but refused.
    parser_classes = [JSONParser]

    @extend_schema(request=schema.PushRequest, responses=schema.PUSH_RESPONSES)
    def post(self, request):
        # Read the body ourselves: DRF's parser errors are English-only and say nothing of
        # the size limit, and the phone needs a code it can act on.
        if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_PUSH_BYTES:
            return _refuse("too_large", status.HTTP_413_REQUEST_ENTITY_TOO_LARGE, max=MAX_PUSH_BYTES)
        try:
            body = json.loads(request.body)
        except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: nesting too deep
            return _refuse("malformed_json", status.HTTP_400_BAD_REQUEST)
        if not isinstance(body, dict) or not isinstance(body.get("visits"), list):
            return _refuse("malformed_body", status.HTTP_400_BAD_REQUEST)
        if len(body["visits"]) > MAX_ITEMS:
            return _refuse("too_many_items", status.HTTP_413_REQUEST_ENTITY_TOO_LARGE, max=MAX_ITEMS)
        return Response({"results": sync_push(user=request.user, raw_items=body["visits"])})


class PullView(APIView):
    @extend_schema(parameters=schema.PULL_PARAMETERS, responses=schema.PULL_RESPONSES)
    def get(self, request):
        try:
            campaign, cursor = pull_request_parse(query=request.query_params)
            body = sync_pull(user=request.user, campaign=campaign, cursor=cursor)
        except PullRefused as refused:  # a bad request, or a cursor older than the log keeps
            return _refuse(refused.code, refused.http_status)
        audit_pull(request=request, body=body)  # one INSERT if it carried residents, else nothing
        # Whose session this is (what /app/session says): a phone with nothing to push
        # syncs in this one request instead of asking first.
        user = request.user
        body["user"] = {"username": user.get_username(), "name": user.get_full_name() or user.get_username()}
        return Response(body)
