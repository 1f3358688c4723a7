"""The API budget before an import (NOTES 8.8): GET import/estimate/, and the 400 of a
start refused for eating into the org's reserve."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from common.permissions import IsOrgAdmin
from common.schema import ErrorDetailSerializer

from .. import budget, services


class ApiBudgetSerializer(serializers.Serializer):
    object_types = serializers.ListField(child=serializers.CharField())
    estimated_calls = serializers.IntegerField(
        allow_null=True,
        help_text="API calls the import would make (null when the records could not be counted)",
    )
    calls_to_estimate = serializers.IntegerField(
        help_text="calls this estimate made (the COUNT() queries and /limits)"
    )
    per_type = serializers.DictField(
        child=serializers.IntegerField(),
        help_text='calls per Salesforce object type, "(job)" for once per job',
    )
    counts = serializers.DictField(
        child=serializers.IntegerField(), help_text="records per type counted whole"
    )
    remaining = serializers.IntegerField(allow_null=True, help_text="DailyApiRequests Remaining")
    max = serializers.IntegerField(allow_null=True, help_text="DailyApiRequests Max")
    reserve = serializers.IntegerField(
        allow_null=True,
        help_text="requests an import leaves untouched (SALESFORCE_API_RESERVE_PERCENT of Max)",
    )
    reserve_percent = serializers.IntegerField()
    available = serializers.BooleanField(
        help_text="false: Salesforce's limits could not be read (see reason)"
    )
    allowed = serializers.BooleanField(help_text="false: a start would be refused (see reason)")
    reason = serializers.CharField(allow_blank=True)


def over_budget_body(exc: services.OverBudget) -> dict:
    """A start refused because it would leave less than the reserve: the figures at the top
    (NOTES 8.8), the whole estimate beside them."""
    estimate = exc.estimate
    return {
        "detail": str(exc),
        "estimated_calls": estimate.estimated_calls,
        "remaining": estimate.remaining,
        "reserve": estimate.reserve,
        "max": estimate.max,
        "estimate": ApiBudgetSerializer(estimate.as_dict()).data,
    }


def over_budget_response(exc: services.OverBudget) -> Response:
    return Response(over_budget_body(exc), status=status.HTTP_400_BAD_REQUEST)


def requested_types(query_params) -> list[str]:
    """?object_types=Account,Contact or repeated; none means every type (the page's default)."""
    values = [part.strip() for value in query_params.getlist("object_types") for part in value.split(",")]
    values = [value for value in values if value]
    return values or list(services.SELECTABLE_TYPES)


# What requested_types reads in one value: known types, comma-separated, blanks ignored.
_ONE_TYPE = "|".join(services.SELECTABLE_TYPES)
TYPE_LIST_PATTERN = rf"^\s*(?:(?:{_ONE_TYPE})\s*)?(?:,\s*(?:(?:{_ONE_TYPE})\s*)?)*$"


class EstimateView(APIView):
    """What an import of these types would cost in Salesforce API calls, against the org's
    DailyApiRequests and reserve. Makes the COUNT() queries and one /limits call."""

    permission_classes = [IsOrgAdmin]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "object_types",
                {"type": "array", "items": {"type": "string", "pattern": TYPE_LIST_PATTERN}},
                description="comma-separated or repeated; default every type",
                explode=True,
            )
        ],
        responses={200: ApiBudgetSerializer, 400: ErrorDetailSerializer},
    )
    def get(self, request):
        try:
            estimate = budget.estimate_for_org(request.org.pk, requested_types(request.query_params))
        except services.ImportRequestError as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
        return Response(ApiBudgetSerializer(estimate.as_dict()).data)
