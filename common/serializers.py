"""Serializer building blocks shared by the apps' APIs."""

from rest_framework import serializers
from rest_framework.settings import api_settings


class RejectUnknownKeysMixin:
    """A body key the serializer does not know is a 400 naming it, not silently ignored:
    a typo such as "custom_field": false would otherwise start an import with custom fields.
    (The OpenAPI schema says so too: additionalProperties false, common/schema.py.)"""

    reject_unknown_keys = True

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                names = ", ".join(repr(key) for key in unknown)[:500]
                # As a dict: DRF keeps what to_internal_value raises as the errors mapping.
                message = f"Unknown key(s): {names}."
                raise serializers.ValidationError({api_settings.NON_FIELD_ERRORS_KEY: [message]})
        return super().to_internal_value(data)
