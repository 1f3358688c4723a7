from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from common.serializers import RejectUnknownKeysMixin

from .. import selectors
from ..models import ImportJob, ImportProblem
from ..services import SELECTABLE_TYPES


class ProblemSerializer(serializers.ModelSerializer):
    class Meta:
        model = ImportProblem
        fields = ["object_type", "salesforce_id", "field", "message", "severity"]


class JobSummarySerializer(serializers.ModelSerializer):
    started_by = serializers.SerializerMethodField()

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "status",
            "object_types",
            "include_custom_fields",
            "started_by",
            "created_at",
            "started_at",
            "completed_at",
            "total_records",
            "imported_count",
            "matched_count",
            "skipped_count",
            "error_count",
            "warning_count",
            "undone_count",
            "kept_count",
            "failure_reason",
            "cancel_requested",
            "mode",
            "update_changed",
            "updated_count",
            "deleted_in_salesforce",
            "api_calls",
            "api_calls_estimate",
            "unknown_values",
        ]

    def get_started_by(self, job) -> str | None:
        return job.started_by.user.email if job.started_by else None


class JobSerializer(JobSummarySerializer):
    progress = serializers.SerializerMethodField()
    errors = serializers.SerializerMethodField()

    class Meta(JobSummarySerializer.Meta):
        fields = [*JobSummarySerializer.Meta.fields, "progress", "errors"]

    def get_progress(self, job) -> dict:
        return selectors.progress_view(job)

    def get_errors(self, job) -> list[dict]:
        return ProblemSerializer(selectors.first_problems(job), many=True).data


class StrictBooleanField(serializers.BooleanField):
    """Only JSON true or false: "custom_fields": "no" or 0 is a mistake worth a 400, not a guess."""

    default_error_messages = {"invalid": "Must be true or false."}

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid")
        return data


@extend_schema_field({"type": "array", "minItems": 1, "items": {"type": "string", "enum": SELECTABLE_TYPES}})
class ObjectTypesField(serializers.ListField):
    """The schema names the types one can import; the service checks them and says which are
    unknown in one message (rather than one error per list index)."""

    child = serializers.CharField()


class StartImportSerializer(RejectUnknownKeysMixin, serializers.Serializer):
    object_types = ObjectTypesField(allow_empty=False)
    custom_fields = StrictBooleanField(
        default=True, help_text="false leaves the objects' custom fields out of this import"
    )
    mode = serializers.ChoiceField(
        choices=["import", "preview"],
        default="import",
        help_text="preview runs the whole import and writes nothing to the CRM",
    )
    update_changed = StrictBooleanField(
        default=False, help_text="update records changed in Salesforce since their import"
    )
