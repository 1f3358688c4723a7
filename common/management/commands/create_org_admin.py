from django.core.management.base import BaseCommand

from common.services import create_org_admin


class Command(BaseCommand):
    help = "Create an org and its admin (idempotent); prints the org id as the last line."

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="Org name")
        parser.add_argument("--email", required=True)
        parser.add_argument("--password", required=True)

    def handle(self, *args, org, email, password, **options):
        profile = create_org_admin(org, email, password)
        self.stdout.write(f"Org '{profile.org.name}' with admin {profile.user.email} is ready.")
        self.stdout.write(str(profile.org_id))
