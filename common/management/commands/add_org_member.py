import uuid

from django.core.management.base import BaseCommand, CommandError

from common.models import Org, Role
from common.services import ensure_member


class Command(BaseCommand):
    help = "Add a user to an org with a role (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="Org id (UUID)")
        parser.add_argument("--email", required=True)
        parser.add_argument("--password", required=True)
        parser.add_argument("--role", choices=Role.values, default=Role.USER)

    def handle(self, *args, org, email, password, role, **options):
        try:
            org_obj = Org.objects.get(pk=uuid.UUID(org))
        except (ValueError, Org.DoesNotExist):
            raise CommandError(f"No org with id {org!r}.") from None
        profile = ensure_member(org_obj, email, password, role)
        self.stdout.write(f"{profile.user.email} is {profile.role} of {org_obj.name}")
