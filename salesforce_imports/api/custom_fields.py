"""`GET /api/custom-fields/` (NOTES 8.4): the custom fields the org's imports met, as
Salesforce's describe showed them at import time, so clients can label `custom_fields`."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

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


class CustomFieldListView(APIView):
    """A plain list (not paginated): an org has tens or hundreds of custom fields, not millions."""

    @extend_schema(
        parameters=[OpenApiParameter("object_type", str, description="A Salesforce object, e.g. Account")],
        responses=CustomFieldSerializer(many=True),
    )
    def get(self, request):
        # The scoped manager (and RLS) keep it to the caller's org; a field describe no
        # longer shows the user (readable=False) is not offered.
        fields = CustomFieldDefinition.objects.filter(readable=True).order_by("object_type", "api_name")
        object_type = request.query_params.get("object_type")
        if object_type:
            fields = fields.filter(object_type=object_type)
        return Response(CustomFieldSerializer(fields, many=True).data)
