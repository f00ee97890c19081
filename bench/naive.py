"""The push the real one is measured against: what a DRF developer writes first.

For each visit: a ModelSerializer validates it (one query per related id, one for the
unique client UUID), `save()` inserts it, each resident outcome goes through its own
serializer and insert, and the household's state is recomputed with `update_or_create`
after counting its visits. No idempotency, no write scope, no resident state, no VNeID
projection, no rollup marks, no change log: it does strictly less than the real push.

One transaction per request, like the real push, so the comparison is about queries and
ORM work per visit, not about the number of commits. Routed only in bench/urls.py.
"""

from django.db import transaction
from django.utils import timezone
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from outreach.models import HouseholdState, OutcomeCode, TeamMembership, Visit, VisitResidentOutcome


def _global_codes():
    return OutcomeCode.objects.filter(campaign__isnull=True)


class NaiveResidentOutcomeSerializer(serializers.ModelSerializer):
    outcome = serializers.SlugRelatedField(slug_field="code", queryset=_global_codes())
    reason = serializers.SlugRelatedField(slug_field="code", queryset=_global_codes(), required=False, allow_null=True)

    class Meta:
        model = VisitResidentOutcome
        fields = ["resident", "outcome", "reason"]


class NaiveVisitSerializer(serializers.ModelSerializer):
    outcome = serializers.SlugRelatedField(slug_field="code", queryset=_global_codes())

    class Meta:
        model = Visit
        fields = ["client_uuid", "campaign", "household", "device_time", "outcome", "note", "revisit_after",
                  "revisit_note", "latitude", "longitude"]  # fmt: skip


class NaivePushView(APIView):
    def post(self, request):
        team_id = TeamMembership.objects.filter(user=request.user).values_list("team_id", flat=True).first()
        results = []
        with transaction.atomic():
            for raw in request.data["visits"]:
                serializer = NaiveVisitSerializer(data=raw)
                if not serializer.is_valid():
                    results.append({"status": "rejected", "errors": serializer.errors})
                    continue
                now = timezone.now()
                device_time = serializer.validated_data["device_time"]
                visit = serializer.save(recorded_by=request.user, team_id=team_id, server_time=now,
                                        effective_time=min(device_time, now), content_hash="")  # fmt: skip
                for part in raw.get("residents") or []:
                    outcome = NaiveResidentOutcomeSerializer(data=part)
                    outcome.is_valid(raise_exception=True)
                    outcome.save(visit=visit)
                HouseholdState.objects.update_or_create(
                    campaign=visit.campaign, household=visit.household,
                    defaults={
                        "last_visit": visit, "last_device_time": visit.effective_time, "last_outcome": visit.outcome,
                        "reached": visit.outcome.household_reached, "needs_revisit": visit.outcome.needs_revisit,
                        "revisit_after": visit.revisit_after if visit.outcome.needs_revisit else None,
                        "visit_count": Visit.objects.filter(campaign=visit.campaign, household=visit.household).count(),
                    },
                )  # fmt: skip
                results.append({"status": "accepted", "id": visit.id})
        return Response({"results": results})
