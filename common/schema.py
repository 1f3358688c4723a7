"""OpenAPI (drf-spectacular) descriptions of the org-aware authentication classes."""

from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from drf_spectacular.extensions import OpenApiAuthenticationExtension


class OrgJWTScheme(SimpleJWTScheme):
    target_class = "common.authentication.OrgJWTAuthentication"
    name = "jwtAuth"


class OrgSessionScheme(OpenApiAuthenticationExtension):
    target_class = "common.authentication.OrgSessionAuthentication"
    name = "cookieAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}
