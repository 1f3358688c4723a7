"""Login and token refresh: JWTs carry the org and role as claims."""

from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.serializers import TokenRefreshSerializer
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.views import TokenRefreshView

from .models import Role
from .schema import UNAUTHENTICATED, VALIDATION_ERROR, ErrorDetailSerializer
from .selectors import active_profiles
from .serializers import RejectUnknownKeysMixin


class LoginSerializer(RejectUnknownKeysMixin, serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(trim_whitespace=False)
    org_id = serializers.UUIDField(required=False)


class TokenPairSerializer(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField()


class LoginOrgSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()


class LoginResponseSerializer(TokenPairSerializer):
    org = LoginOrgSerializer()
    role = serializers.ChoiceField(choices=Role.choices)


class SeveralOrgsSerializer(serializers.Serializer):
    """A 400 for a user in several orgs who did not say which; also a plain validation 400."""

    detail = serializers.CharField(required=False)
    orgs = LoginOrgSerializer(many=True, required=False)


def tokens_for(profile):
    refresh = RefreshToken.for_user(profile.user)
    # Claims on the refresh token are copied onto every access token it mints.
    refresh["org_id"] = str(profile.org_id)
    refresh["role"] = profile.role
    return {"access": str(refresh.access_token), "refresh": str(refresh)}


class LoginView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        request=LoginSerializer,
        responses={
            200: LoginResponseSerializer,
            400: SeveralOrgsSerializer,
            401: ErrorDetailSerializer,
            403: ErrorDetailSerializer,
        },
    )
    def post(self, request):
        data = LoginSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(
            request, username=data.validated_data["email"].lower(), password=data.validated_data["password"]
        )
        if user is None:
            return Response({"detail": "Wrong email or password."}, status=status.HTTP_401_UNAUTHORIZED)
        profiles = active_profiles(user)
        org_id = data.validated_data.get("org_id")
        if org_id is not None:
            profiles = [p for p in profiles if p.org_id == org_id]
        if not profiles:
            return Response({"detail": "You are not a member of this org."}, status=status.HTTP_403_FORBIDDEN)
        if len(profiles) > 1:
            return Response(
                {
                    "detail": "You belong to several orgs: pass org_id.",
                    "orgs": [{"id": str(p.org_id), "name": p.org.name} for p in profiles],
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        profile = profiles[0]
        body = tokens_for(profile) | {
            "org": {"id": str(profile.org_id), "name": profile.org.name},
            "role": profile.role,
        }
        return Response(body)


class StrictTokenRefreshSerializer(RejectUnknownKeysMixin, TokenRefreshSerializer):
    """simplejwt's refresh body, refusing keys it does not know (as every body here does)."""


@extend_schema_view(
    post=extend_schema(
        responses={200: StrictTokenRefreshSerializer, 400: VALIDATION_ERROR, 401: UNAUTHENTICATED}
    )
)
class RefreshView(TokenRefreshView):
    authentication_classes = []
    serializer_class = StrictTokenRefreshSerializer
