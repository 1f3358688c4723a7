"""The value-mappings API (NOTES 8.7 "Values"): the CRM value an admin chose for Salesforce
picklist values. The rules live in `value_mappings.py`; these views only call it."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from common.parsers import TextSafeJSONParser
from common.permissions import IsOrgAdmin

from .. import value_mappings

MAPPINGS_SCHEMA = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description="{object type: {Salesforce field API name: {Salesforce value: CRM value}}}",
)
DETAIL_SCHEMA = inline_serializer("ValueMappingDetail", {"detail": serializers.CharField()})


def mappings_request_schema() -> dict:
    """The PUT body as JSON Schema, from the same table `value_mappings.validate` checks:
    the object types, their picklist fields and each field's CRM values. (Two spellings of
    one value mapped differently, or an empty one, are refused too; a schema cannot say it.)"""
    object_types = {
        object_type: {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                name: {
                    "type": "object",
                    "description": f"{{Salesforce value: CRM value of {field.crm_model}.{field.crm_field}}}",
                    "additionalProperties": {"type": "string", "enum": list(field.values)},
                }
                for name, field in sorted(fields.items())
            },
        }
        for object_type, fields in sorted(value_mappings.mappable_fields().items())
    }
    return {"application/json": {"type": "object", "additionalProperties": False, "properties": object_types}}


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
    parser_classes = [TextSafeJSONParser]  # the body is nested: a form cannot carry it

    def get_permissions(self):
        # Every member may look; only an admin changes how values are imported.
        return [IsOrgAdmin()] if self.request.method == "PUT" else super().get_permissions()

    @extend_schema(responses=MAPPINGS_SCHEMA)
    def get(self, request):
        return Response(value_mappings.get(request.org.pk))

    @extend_schema(request=mappings_request_schema(), responses={200: MAPPINGS_SCHEMA, 400: DETAIL_SCHEMA})
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
