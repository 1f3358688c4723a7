from django.db import migrations

from common.rls import EnableOrgRLS


class Migration(migrations.Migration):
    dependencies = [("salesforce_imports", "0008_owners_custom_fields_pending_links")]

    operations = [
        EnableOrgRLS("salesforceuser"),
        EnableOrgRLS("importpreferences"),
        EnableOrgRLS("customfielddefinition"),
        EnableOrgRLS("pendinglink"),
    ]
