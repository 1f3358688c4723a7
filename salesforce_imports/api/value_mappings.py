"""The value-mappings API (NOTES 8.7 "Values"): the CRM value an admin chose for Salesforce
picklist values. The rules live in `value_mappings.py`; these views only call it."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from common.permissions import IsOrgAdmin

from .. import value_mappings

MAPPINGS_SCHEMA = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description="{object type: {Salesforce field API name: {Salesforce value: CRM value}}}",
)
DETAIL_SCHEMA = inline_serializer("ValueMappingDetail", {"detail": serializers.CharField()})
FIELD_SCHEMA = inline_serializer(
    "ValueMappingField",
    {
        "object_type": serializers.CharField(help_text="The Salesforce object: Opportunity"),
        "field": serializers.CharField(help_text="The Salesforce field's API name: StageName"),
        "crm_field": serializers.CharField(help_text="The CRM model field it fills: stage"),
        "choices": inline_serializer(
            "ValueMappingChoice",
            {"value": serializers.CharField(), "label": serializers.CharField()},
            many=True,
        ),
    },
    many=True,
)


class ValueMappingsView(APIView):
    def get_permissions(self):
        # Every member may look; only an admin changes how values are imported.
        return [IsOrgAdmin()] if self.request.method == "PUT" else super().get_permissions()

    @extend_schema(responses=MAPPINGS_SCHEMA)
    def get(self, request):
        return Response(value_mappings.get(request.org.pk))

    @extend_schema(request=OpenApiTypes.OBJECT, responses={200: MAPPINGS_SCHEMA, 400: DETAIL_SCHEMA})
    def put(self, request):
        try:
            stored = value_mappings.put(request.org.pk, request.data)
        except value_mappings.ValueMappingError as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
        return Response(stored)


class ValueMappingFieldsView(APIView):
    """The fields that take a mapping and the CRM values each may be mapped to."""

    @extend_schema(responses=FIELD_SCHEMA)
    def get(self, request):
        return Response(value_mappings.fields_list())
