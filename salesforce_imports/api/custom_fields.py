"""`GET /api/custom-fields/` (NOTES 8.4): the custom fields the org's imports met, as
Salesforce's describe showed them at import time, so clients can label `custom_fields`."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from common.schema import VALIDATION_ERROR

from ..models import CustomFieldDefinition


class CustomFieldSerializer(serializers.ModelSerializer):
    type = serializers.CharField(
        source="field_type", help_text="describe's type: string, double, picklist, reference..."
    )
    picklist_values = serializers.ListField(child=serializers.CharField())
    reference_to = serializers.ListField(
        child=serializers.CharField(), help_text="A lookup's target object types"
    )

    class Meta:
        model = CustomFieldDefinition
        fields = ["object_type", "api_name", "label", "type", "picklist_values", "reference_to", "calculated"]


class CustomFieldQuerySerializer(serializers.Serializer):
    object_type = serializers.CharField(required=False, help_text="A Salesforce object, e.g. Account")


class CustomFieldListView(APIView):
    """A plain list (not paginated): an org has tens or hundreds of custom fields, not millions."""

    @extend_schema(
        parameters=[CustomFieldQuerySerializer],
        responses={200: CustomFieldSerializer(many=True), 400: VALIDATION_ERROR},
    )
    def get(self, request):
        # The scoped manager (and RLS) keep it to the caller's org; a field describe no
        # longer shows the user (readable=False) is not offered.
        fields = CustomFieldDefinition.objects.filter(readable=True).order_by("object_type", "api_name")
        # A plain dict: DRF reads an empty form value of an optional field as absent, and
        # `?object_type=` is a mistake to say, not a request for every type.
        query = CustomFieldQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)  # e.g. a NUL character, which PostgreSQL refuses
        object_type = query.validated_data.get("object_type")
        if object_type:
            fields = fields.filter(object_type=object_type)
        return Response(CustomFieldSerializer(fields, many=True).data)
