from django.core.management.base import BaseCommand
from django.db import transaction

from common.models import Org
from common.rls import org_context
from salesforce_imports.models import SalesforceConnection


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored Salesforce token with the first key of TOKEN_ENCRYPTION_KEYS. "
        "Put the new key first, run this, then remove the old keys."
    )

    def handle(self, *args, **options):
        rotated = unreadable = 0
        for org_id in Org.objects.values_list("pk", flat=True):
            with org_context(org_id), transaction.atomic():
                for connection in SalesforceConnection.objects.select_for_update():
                    if connection.access_token is None or connection.refresh_token is None:
                        unreadable += 1  # no configured key opens it: leave it for a reconnect
                        continue
                    # Saving encrypts with the first key (MultiFernet always does).
                    connection.save(update_fields=["access_token", "refresh_token"])
                    rotated += 1
        self.stdout.write(f"Re-encrypted the tokens of {rotated} connection(s).")
        if unreadable:
            self.stderr.write(
                f"{unreadable} connection(s) have tokens no configured key can read: reconnect them."
            )
