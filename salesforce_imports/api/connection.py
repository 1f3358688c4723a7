from urllib.parse import urlencode

from django.http import HttpResponseRedirect
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from common.permissions import IsOrgAdmin

from .. import connection_service
from ..binding_cookie import callback_path, set_binding_cookie


class ConnectView(APIView):
    permission_classes = [IsOrgAdmin]

    @extend_schema(
        request=None, responses=inline_serializer("ConnectResponse", {"auth_url": serializers.URLField()})
    )
    def post(self, request):
        started = connection_service.start_connect(request.profile)
        response = Response({"auth_url": started.auth_url})
        set_binding_cookie(request, response, started.browser_binding)
        return response


class CallbackView(APIView):
    """Salesforce redirects the admin's browser here; the state alone finds the org."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        description="Where Salesforce sends the admin's browser after consent (OAuth Web Server Flow). "
        "Always a redirect to /settings/salesforce with ?result=connected or ?error=<code>; "
        "a missing, reused, expired or foreign state changes nothing.",
        parameters=[
            OpenApiParameter("state", str, description="The state Connect sent to Salesforce"),
            OpenApiParameter("code", str, description="The authorization code, on consent"),
            OpenApiParameter("error", str, description="Salesforce's error code, e.g. access_denied"),
            OpenApiParameter("error_description", str, description="Salesforce's words (not shown)"),
            OpenApiParameter(
                "Location",
                str,
                location=OpenApiParameter.HEADER,
                response=[302],
                description="/settings/salesforce?result=connected, or ?error=<code>",
            ),
        ],
        responses={302: OpenApiResponse(description="To the Salesforce settings page with the outcome")},
    )
    def get(self, request):
        result = connection_service.complete_connect(
            state=request.query_params.get("state", ""),
            code=request.query_params.get("code"),
            error=request.query_params.get("error"),
            browser_binding=request.COOKIES.get(connection_service.BINDING_COOKIE),
        )
        key = "result" if result.ok else "error"
        response = HttpResponseRedirect(f"/settings/salesforce?{urlencode({key: result.code})}")
        response.delete_cookie(connection_service.BINDING_COOKIE, path=callback_path())
        return response


class StatusSerializer(serializers.Serializer):
    connected = serializers.BooleanField()
    instance_url = serializers.URLField(allow_null=True)
    connected_by = serializers.EmailField(allow_null=True)
    connected_at = serializers.DateTimeField(allow_null=True)
    salesforce_username = serializers.CharField(allow_null=True, required=False)
    salesforce_user_id = serializers.CharField(allow_null=True, required=False)
    inactive_reason = serializers.CharField(allow_null=True, required=False)


class StatusView(APIView):
    @extend_schema(responses=StatusSerializer)
    def get(self, request):
        return Response(StatusSerializer(connection_service.status(request.org.pk)).data)


class DisconnectView(APIView):
    permission_classes = [IsOrgAdmin]

    @extend_schema(responses={204: None})
    def delete(self, request):
        connection_service.disconnect(request.org.pk)  # already disconnected is fine too
        return Response(status=status.HTTP_204_NO_CONTENT)
