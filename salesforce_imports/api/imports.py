from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from common.parsers import TextSafeJSONParser
from common.permissions import IsOrgAdmin
from common.schema import VALIDATION_ERROR, ErrorDetailSerializer

from .. import problems_csv, selectors, services, undo
from ..models import JobStatus
from .budget import over_budget_response
from .serializers import JobSerializer, JobSummarySerializer, ProblemSerializer, StartImportSerializer

JOB_ALREADY_ACTIVE = inline_serializer(
    "JobAlreadyActive",
    {"detail": serializers.CharField(), "job": serializers.UUIDField(allow_null=True)},
)
PROBLEMS_CSV = OpenApiResponse(
    OpenApiTypes.STR,
    description="With ?format=csv: every problem as a CSV attachment "
    "(object_type, salesforce_id, field, message, severity)",
)


def _job_or_404(request, job_id):
    return selectors.job_or_404(request.org.pk, job_id)


class StartImportView(APIView):
    permission_classes = [IsOrgAdmin]
    # JSON only: the flags must be JSON booleans, which a form cannot send.
    parser_classes = [TextSafeJSONParser]

    @extend_schema(
        request=StartImportSerializer,
        responses={202: JobSerializer, 400: VALIDATION_ERROR, 409: JOB_ALREADY_ACTIVE},
    )
    def post(self, request):
        data = StartImportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            job = services.start_import(
                request.org.pk,
                data.validated_data["object_types"],
                started_by=request.profile,
                custom_fields=data.validated_data["custom_fields"],
                mode=data.validated_data["mode"],
                update_changed=data.validated_data["update_changed"],
            )
        except services.JobAlreadyActive as exc:
            body = {"detail": str(exc), "job": str(exc.job.pk) if exc.job else None}
            return Response(body, status=status.HTTP_409_CONFLICT)
        except services.OverBudget as exc:  # the figures with the refusal (NOTES 8.8)
            return over_budget_response(exc)
        except services.ImportRequestError as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
        return Response(JobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class JobDetailView(APIView):
    @extend_schema(responses=JobSerializer)
    def get(self, request, job_id):
        return Response(JobSerializer(_job_or_404(request, job_id)).data)


class CancelJobView(APIView):
    permission_classes = [IsOrgAdmin]

    @extend_schema(request=None, responses={202: JobSerializer, 409: ErrorDetailSerializer})
    def post(self, request, job_id):
        job = _job_or_404(request, job_id)
        if not job.is_active:
            body = {"detail": f"This import already ended ({job.status})."}
            return Response(body, status=status.HTTP_409_CONFLICT)
        if job.status == JobStatus.UNDOING:
            body = {"detail": "An undo cannot be cancelled: it stops only once every batch is done."}
            return Response(body, status=status.HTTP_409_CONFLICT)
        job = services.cancel_import(job)
        return Response(JobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class UndoJobView(APIView):
    """Remove what an ended import brought in (in the background); NOTES 8.7."""

    permission_classes = [IsOrgAdmin]

    @extend_schema(
        request=None,
        responses={202: JobSerializer, 409: ErrorDetailSerializer, 503: ErrorDetailSerializer},
    )
    def post(self, request, job_id):
        job = _job_or_404(request, job_id)
        try:
            job = undo.request_undo(job)
        except undo.UndoRefused as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        except undo.BrokerUnavailable as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_503_SERVICE_UNAVAILABLE)
        return Response(JobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class JobHistoryView(ListAPIView):
    serializer_class = JobSummarySerializer

    def get_queryset(self):
        return selectors.jobs_for_org(self.request.org.pk)


class JobProblemsView(ListAPIView):
    serializer_class = ProblemSerializer

    def get_queryset(self):
        return selectors.problems_for(_job_or_404(self.request, self.kwargs["job_id"]))

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "format", str, enum=["json", "csv"], description="csv: all problems as one download"
            )
        ],
        responses={
            (200, "application/json"): ProblemSerializer(many=True),
            (200, "text/csv"): PROBLEMS_CSV,
        },
    )
    def get(self, request, *args, **kwargs):
        if request.query_params.get("format") == "csv":
            job = _job_or_404(request, kwargs["job_id"])
            response = StreamingHttpResponse(problems_csv.rows(job), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-problems.csv"'
            return response
        return super().get(request, *args, **kwargs)
