"""OpenAPI (drf-spectacular): the org-aware authentication classes and the error answers
every operation can give, so the published schema is complete enough for clients and
for the fuzzer (tests/host/test_api_fuzz.py) to hold each answer against it."""

from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny


class OrgJWTScheme(SimpleJWTScheme):
    target_class = "common.authentication.OrgJWTAuthentication"
    name = "jwtAuth"


class OrgSessionScheme(OpenApiAuthenticationExtension):
    target_class = "common.authentication.OrgSessionAuthentication"
    name = "cookieAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}


class ErrorDetailSerializer(serializers.Serializer):
    """The body of every refusal: DRF's exceptions and our own views say why in `detail`."""

    detail = serializers.CharField()


# A 400 from a serializer names the fields ({"object_types": ["This list may not be
# empty."]}); one from a service says it in `detail`. Either way an object.
VALIDATION_ERROR = OpenApiResponse(
    inline_serializer(
        "ValidationError",
        {"detail": serializers.CharField(required=False)},
    ),
    description="The request was malformed: `detail`, or the offending fields with their messages",
)
UNAUTHENTICATED = OpenApiResponse(ErrorDetailSerializer, description="No valid credentials")
FORBIDDEN = OpenApiResponse(
    ErrorDetailSerializer, description="Not a member of an org, or not an admin where one is needed"
)
UNSUPPORTED_MEDIA_TYPE = OpenApiResponse(
    ErrorDetailSerializer, description="A body in a content type this operation does not take"
)
NOT_FOUND = OpenApiResponse(
    ErrorDetailSerializer, description="No such object in the caller's org (another org's is a 404 too)"
)


# DRF's CharField refuses NUL characters, and one that may not be blank refuses what is
# blank once trimmed ("  "). Patterns say so, so a client knows before it is told.
NO_NUL = r"^[^\u0000]*$"
NOT_BLANK_NO_NUL = r"^[^\u0000]*[^\s\u0000][^\u0000]*$"


class OrgAutoSchema(AutoSchema):
    """Adds the refusals DRF and our views give on their own, unless a view says otherwise,
    and the input rules of DRF's text fields.

    Without them a 401, 403, 404 or 400 is an undocumented answer: a client cannot know
    their shape and schemathesis rightly calls them non-conforming."""

    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        if direction == "request" and getattr(serializer, "reject_unknown_keys", False):
            schema["additionalProperties"] = False
        return schema

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if (
            direction == "request"
            and isinstance(field, serializers.CharField)
            and schema.get("type") == "string"
            and "pattern" not in schema
            and "format" not in schema
        ):
            blank_refused = field.trim_whitespace and not field.allow_blank
            schema["pattern"] = NOT_BLANK_NO_NUL if blank_refused else NO_NUL
        return schema

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code, response in self._implicit_error_responses().items():
            if code not in responses:
                responses[code] = self._get_response_for_code(response, code, direction=direction)
        return responses

    def _implicit_error_responses(self) -> dict:
        implicit = {}
        if self._requires_credentials():
            implicit["401"] = UNAUTHENTICATED
            implicit["403"] = FORBIDDEN
        if self._has_path_parameters() or self._is_paginated():
            implicit["404"] = NOT_FOUND  # no such object, or a page past the end
        if self.method in ("POST", "PUT", "PATCH") and self.get_request_serializer() is not None:
            implicit["400"] = VALIDATION_ERROR
            implicit["415"] = UNSUPPORTED_MEDIA_TYPE
        return implicit

    def _requires_credentials(self) -> bool:
        permissions = self.view.get_permissions()
        return not all(isinstance(permission, AllowAny) for permission in permissions)

    def _has_path_parameters(self) -> bool:
        return "{" in self.path

    def _is_paginated(self) -> bool:
        return self.method == "GET" and self._is_list_view() and self._get_paginator() is not None
