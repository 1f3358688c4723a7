from django.db import migrations

from common.rls import EnableOrgRLS


class Migration(migrations.Migration):
    dependencies = [("orders", "0001_initial")]

    operations = [
        EnableOrgRLS("order"),
        EnableOrgRLS("orderlineitem"),
    ]
