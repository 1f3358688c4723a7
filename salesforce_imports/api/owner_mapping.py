"""The owner-mapping API (NOTES 8.1): which member owns what each Salesforce user or queue
owned. The rules live in `owners.py`; these views only check the body's shape and call it."""

import logging
import re

from django.db import transaction
from drf_spectacular.utils import extend_schema, inline_serializer
from kombu.exceptions import OperationalError
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from common.models import Profile
from common.parsers import TextSafeJSONParser
from common.permissions import IsOrgAdmin
from common.readonly import display_name

from .. import owners

logger = logging.getLogger(__name__)


class BrokerUnavailable(Exception):
    """The apply task could not be queued."""


def members(org_id) -> list[dict]:
    """The active members an admin can map a Salesforce user to, for pickers and names."""
    profiles = Profile.objects.filter(org_id=org_id, is_active=True).select_related("user")
    rows = [{"id": str(p.pk), "email": p.user.email, "name": display_name(p.user)} for p in profiles]
    return sorted(rows, key=lambda row: (row["name"].lower(), row["email"].lower()))


def mapping_body(org_id) -> dict:
    return {**owners.describe(org_id), "members": members(org_id)}


def queue_apply(org_id) -> None:
    """Queue `apply_owner_mapping_task` once the caller's transaction commits.

    Outside a transaction (a request in autocommit) on_commit sends at once, so a broker
    that cannot be reached is raised here and the caller can say so, instead of answering
    202 for work nobody will do."""
    from ..tasks import apply_owner_mapping_task  # tasks imports the services this app's views use

    def send():
        try:
            apply_owner_mapping_task.delay(str(org_id))
        except (OperationalError, OSError) as exc:
            logger.exception("Could not queue the owner-mapping apply for org %s", org_id)
            raise BrokerUnavailable from exc

    transaction.on_commit(send, robust=False)


APPLY_QUEUED = "Records imported without owner get their mapped owner in the background."
APPLY_UNAVAILABLE = "The task broker cannot be reached, so nothing was applied; try again in a moment."


# 15 or 18 letters and digits: anything else cannot name a user the import read.
SALESFORCE_ID = re.compile(r"[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?")


def parse_update(data) -> dict:
    """The PUT body as owners.update's keyword arguments; OwnerMappingError when malformed.

    Both keys are optional; a missing `fallback` leaves the fallback as it is."""
    if not isinstance(data, dict):
        raise owners.OwnerMappingError(
            'The body must be an object: {"overrides": {Salesforce user Id: member id or null}, '
            '"fallback": member id or null}.'
        )
    unknown_keys = sorted(set(data) - {"overrides", "fallback"})
    if unknown_keys:
        # repr: a key is the client's text, and may hold what JSON cannot encode back.
        raise owners.OwnerMappingError(f"Unknown key(s): {', '.join(map(repr, unknown_keys))[:500]}.")
    overrides = data.get("overrides", {})
    if not isinstance(overrides, dict):
        raise owners.OwnerMappingError(
            "overrides must be an object of {Salesforce user Id: member id or null}."
        )
    for sf_id, member in overrides.items():
        if not SALESFORCE_ID.fullmatch(sf_id):
            raise owners.OwnerMappingError(f"{sf_id[:40]!r} is not a Salesforce user Id.")
        if not isinstance(member, str | None):
            raise owners.OwnerMappingError(f"The member for {sf_id} must be a member id (a string) or null.")
    fallback = data.get("fallback", ...)
    if fallback is not ... and not isinstance(fallback, str | None):
        raise owners.OwnerMappingError("fallback must be a member id (a string) or null.")
    return {"overrides": overrides, "fallback": fallback}


_user = inline_serializer(
    "OwnerMappingUser",
    {
        "salesforce_id": serializers.CharField(),
        "kind": serializers.ChoiceField(choices=["User", "Queue"]),
        "name": serializers.CharField(),
        "email": serializers.CharField(),
        "is_active": serializers.BooleanField(),
        "member": serializers.UUIDField(allow_null=True, help_text="The member's profile id"),
        "matched_by": serializers.ChoiceField(choices=["email", "admin", "fallback"], allow_null=True),
    },
    many=True,
)
_member = inline_serializer(
    "OwnerMappingMember",
    {"id": serializers.UUIDField(), "email": serializers.EmailField(), "name": serializers.CharField()},
    many=True,
)
MAPPING_SCHEMA = inline_serializer(
    "OwnerMapping",
    {
        "users": _user,
        "fallback": serializers.UUIDField(allow_null=True),
        "members": _member,
    },
)
# A plain JSON Schema: parse_update refuses any other key, which a serializer cannot say.
UPDATE_SCHEMA = {
    "application/json": {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "overrides": {
                "type": "object",
                "description": "{Salesforce user Id: member profile id, or null to match by email again}",
                "additionalProperties": {"type": "string", "format": "uuid", "nullable": True},
            },
            "fallback": {
                "type": "string",
                "format": "uuid",
                "nullable": True,
                "description": "Owner for users nobody matches, and for queues",
            },
        },
    }
}
DETAIL_SCHEMA = inline_serializer("OwnerMappingDetail", {"detail": serializers.CharField()})


class OwnerMappingView(APIView):
    parser_classes = [TextSafeJSONParser]  # the body is nested: a form cannot carry it

    def get_permissions(self):
        # Every member may look; only an admin changes who owns what.
        return [IsOrgAdmin()] if self.request.method == "PUT" else super().get_permissions()

    @extend_schema(responses=MAPPING_SCHEMA)
    def get(self, request):
        return Response(mapping_body(request.org.pk))

    @extend_schema(request=UPDATE_SCHEMA, responses={200: MAPPING_SCHEMA, 400: DETAIL_SCHEMA})
    def put(self, request):
        try:
            owners.update(request.org.pk, **parse_update(request.data))
        except owners.OwnerMappingError as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
        return Response(mapping_body(request.org.pk))


class ApplyOwnerMappingView(APIView):
    permission_classes = [IsOrgAdmin]

    @extend_schema(request=None, responses={202: DETAIL_SCHEMA, 503: DETAIL_SCHEMA})
    def post(self, request):
        try:
            queue_apply(request.org.pk)
        except BrokerUnavailable:
            return Response({"detail": APPLY_UNAVAILABLE}, status=status.HTTP_503_SERVICE_UNAVAILABLE)
        return Response({"detail": APPLY_QUEUED}, status=status.HTTP_202_ACCEPTED)
