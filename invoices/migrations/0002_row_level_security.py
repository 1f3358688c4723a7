from django.db import migrations

from common.rls import EnableOrgRLS


class Migration(migrations.Migration):
    dependencies = [("invoices", "0001_initial")]

    operations = [
        EnableOrgRLS("product"),
        EnableOrgRLS("estimate"),
        EnableOrgRLS("estimatelineitem"),
    ]
