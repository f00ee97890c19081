"""HTTP face of the sync protocol (docs/sync-protocol.md). Thin: parse, call one service."""

import json

from django.db import InterfaceError, OperationalError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import AuthenticationFailed, NotAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView, exception_handler

from ..access import campaign_current
from ..models import Campaign
from ..sync.errors import error_body
from ..sync.pull import BadCursor, Cursor, sync_pull
from ..sync.push import MAX_ITEMS, sync_push
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


class TokenView(ObtainAuthToken):
    """POST username and password, get a token for scripts and benchmarks."""


class PushView(APIView):
    @extend_schema(request=schema.PushRequest, responses={200: schema.PushResponse, 400: schema.ErrorResponse,
                                                          413: schema.ErrorResponse, 503: schema.ErrorResponse})
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
    @extend_schema(
        parameters=[
            OpenApiParameter("campaign", int, description="Campaign id; default: the newest active campaign"),
            OpenApiParameter("cursor", str, description="The cursor of the last pull; none for a full download"),
        ],
        responses={200: schema.PullResponse, 400: schema.ErrorResponse},
    )
    def get(self, request):
        try:
            cursor = Cursor.parse(request.query_params.get("cursor"))
        except BadCursor:
            return _refuse("bad_cursor", status.HTTP_400_BAD_REQUEST)
        campaign_id = request.query_params.get("campaign")
        if campaign_id:
            if not campaign_id.isdigit():
                return _refuse("unknown_campaign", status.HTTP_400_BAD_REQUEST)
            campaign = get_object_or_404(Campaign.objects.filter(is_active=True), id=int(campaign_id))
        else:
            campaign = campaign_current()
            if campaign is None:
                return _refuse("unknown_campaign", status.HTTP_404_NOT_FOUND)
        return Response(sync_pull(user=request.user, campaign=campaign, cursor=cursor))
